"""Document events: a view that is gone stops receiving them and is collected (no strong hold)."""

from __future__ import annotations

import gc
import weakref

import pytest

from builder.editing.document import Document
from builder.editing.events import Event
from builder.format.model import Ruleset


class View:
    """Stands for an editor: listens to the document through a bound method."""

    def __init__(self, document: Document, log: list[str] | None = None) -> None:
        self.seen: list[str] = [] if log is None else log
        self.subscription = document.changed.connect(self.on_changed)

    def on_changed(self) -> None:
        self.seen.append("changed")


def empty() -> Ruleset:
    return Ruleset.from_dict({})


def test_a_deleted_view_is_collected_and_no_longer_called() -> None:
    document = Document(empty())
    log: list[str] = []
    view = View(document, log)  # the log outlives the view, so calls after its deletion would show
    document.set_ruleset(empty())
    assert log == ["changed"]
    alive = weakref.ref(view)
    del view
    gc.collect()
    assert alive() is None  # the event did not keep it
    document.set_ruleset(empty())
    assert log == ["changed"]
    assert document.changed.receivers() == 0


def test_a_live_view_keeps_receiving_until_it_disconnects() -> None:
    document = Document(empty())
    view = View(document)
    gc.collect()
    document.set_ruleset(empty())
    assert view.seen == ["changed"]
    view.subscription.disconnect()
    view.subscription.disconnect()  # twice is fine
    document.set_ruleset(empty())
    assert view.seen == ["changed"]


def test_a_plain_function_is_held_until_its_handle_disconnects() -> None:
    event = Event("changed")
    seen: list[int] = []
    handle = event.connect(lambda value: seen.append(value))  # nothing else holds the lambda
    gc.collect()
    event.emit(1)
    handle.disconnect()
    event.emit(2)
    assert seen == [1]


def test_disconnect_by_callback_and_unknown_callbacks() -> None:
    event = Event("changed")
    document = Document(empty())
    view = View(document)
    event.connect(view.on_changed)
    event.disconnect(view.on_changed)
    event.emit()
    assert view.seen == []
    with pytest.raises(ValueError, match="not connected"):
        event.disconnect(view.on_changed)


def test_a_callback_disconnected_during_emit_is_not_called() -> None:
    event = Event("changed")
    seen: list[str] = []
    second = None

    def first() -> None:
        seen.append("first")
        assert second is not None
        second.disconnect()

    event.connect(first)
    second = event.connect(lambda: seen.append("second"))
    event.emit()
    event.emit()
    assert seen == ["first", "first"]
