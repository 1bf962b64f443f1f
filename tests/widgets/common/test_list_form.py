"""What every list-and-form page (channels, templates, word groups, schedules) does alike, because
it is written once in `widgets.common.list_form`: clicking an entry shows its item, deleting shows
the next one with an undo step named after the item, edits made while the page is hidden show
when it comes back, and a template channel's heading is no item."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTreeWidgetItem

from builder.editing.document import Document
from builder.format.model import Ruleset
from widgets.channels.channels_editor import ChannelsEditor
from widgets.common.list_form import ListFormPage, entry_id
from widgets.hours.hours_editor import HoursEditor
from widgets.rules.word_group_editor import WordGroupEditor
from widgets.templates.template_editor import TemplateEditor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
PLAYBOOK = Path(__file__).resolve().parents[3] / "resources" / "examples" / "playbook.json"
PAGES = [ChannelsEditor, TemplateEditor, WordGroupEditor, HoursEditor]


@pytest.fixture
def document() -> Document:
    return Document(Ruleset.from_dict(json.loads(PLAYBOOK.read_text(encoding="utf-8"))))


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture(params=PAGES, ids=lambda page: page.__name__)
def page(request: pytest.FixtureRequest, qtbot: Any, document: Document, stack: QUndoStack) -> ListFormPage[Any]:
    widget: ListFormPage[Any] = request.param(document, stack)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def items(page: ListFormPage[Any]) -> tuple[Any, ...]:
    return tuple(getattr(page.document.ruleset, page.collection))


def click(qtbot: Any, page: ListFormPage[Any], item_id: str) -> None:
    entry = page.item_for(item_id)
    assert entry is not None
    view = page.list_view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(entry).center())


def test_clicking_an_entry_shows_its_item_in_the_form(qtbot: Any, page: ListFormPage[Any]) -> None:
    last = items(page)[-1]
    click(qtbot, page, last.id)
    assert page.current_id() == last.id and page.name_edit.text() == last.name
    assert page.list_view.currentItem() is page.item_for(last.id)


def test_deleting_shows_the_next_item_and_undo_brings_it_back(qtbot: Any, page: ListFormPage[Any],
                                                              stack: QUndoStack, document: Document) -> None:
    if isinstance(page, WordGroupEditor):  # the playbook's groups are all in use (deleting one is refused)
        spare = tuple(replace(items(page)[0], id=f"spare-{n}", name=f"Spare {n}") for n in (1, 2))
        document.set_ruleset(page._with_items(spare + tuple(items(page))))
    first, second = items(page)[:2]
    click(qtbot, page, first.id)
    page._delete_current()
    assert stack.undoText() == f"Delete {page.noun} '{first.name}'"
    assert page.current_id() == second.id and page.name_edit.text() == second.name
    stack.undo()
    assert items(page)[0] == first and page.item_for(first.id) is not None


def test_edits_made_while_hidden_show_when_the_page_comes_back(page: ListFormPage[Any], document: Document) -> None:
    shown = page.current()
    assert shown is not None
    page.hide()
    renamed = tuple(replace(item, name="Renamed elsewhere") if item.id == shown.id else item for item in items(page))
    document.set_ruleset(page._with_items(renamed))
    assert page.name_edit.text() == shown.name  # a hidden page does no work
    page.show()
    assert page.name_edit.text() == "Renamed elsewhere"
    entry = page.item_for(shown.id)
    text = entry.text(0) if isinstance(entry, QTreeWidgetItem) else entry.text()
    assert text.startswith("Renamed elsewhere")


def test_a_template_channel_heading_is_no_template(qtbot: Any, document: Document, stack: QUndoStack) -> None:
    page = TemplateEditor(document, stack)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    shown = page.current_id()
    heading = page.tree.topLevelItem(0)
    assert heading is not None and entry_id(heading) is None
    assert page.item_for(None) is None  # never the heading
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=page.tree.visualItemRect(heading).center())
    assert page.current_id() == shown
