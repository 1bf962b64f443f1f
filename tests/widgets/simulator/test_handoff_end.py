"""The transcript keeps the order things happened in, and a handoff ends the conversation."""

from __future__ import annotations

from typing import Any

import pytest

from builder.editing.document import Document
from builder.paths import example_playbook
from builder.runtime import read_ruleset

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot: Any) -> Any:
    from widgets.simulator.page import SimulatorPage

    widget = SimulatorPage(Document(read_ruleset(example_playbook())))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_handoff_reply_follows_the_message_that_caused_it(page: Any) -> None:
    page.add_event({"type": "visitor", "text": "I want to talk to a human"})
    page.add_event({"type": "visitor", "text": "hello?"})  # the same simulated instant
    kinds = [(line.role, line.text) for line in page._chat_lines()]
    first = kinds.index(("visitor", "I want to talk to a human"))
    handoff = next(i for i, (kind, _) in enumerate(kinds) if kind == "handoff")
    second = kinds.index(("visitor", "hello?"))
    assert first < handoff < second


def test_after_the_handoff_the_box_takes_no_more_messages(page: Any) -> None:
    assert page.chat.input.isEnabled()
    page.add_event({"type": "visitor", "text": "I want to talk to a human"})
    assert page.sim.decision is not None
    assert not page.chat.input.isEnabled() and not page.chat.send.isEnabled()
    assert "Handed over" in page.chat.input.placeholderText()
    notes = [line.text for line in page._chat_lines() if line.role == "note"]
    assert any(note.startswith("Handed over to a person") for note in notes)
    page.new_conversation()
    assert page.chat.input.isEnabled()
