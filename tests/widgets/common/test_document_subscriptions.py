"""Views stop listening to the document when they go: a closed editor is collected, not kept
alive by the document's events and still reacting to edits."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QUndoStack

from builder.editing.document import Document
from builder.format.model import Ruleset
from builder.paths import example_playbook

pytestmark = pytest.mark.gui


def playbook() -> Ruleset:
    return Ruleset.from_dict(json.loads(example_playbook().read_text(encoding="utf-8")))


def test_a_dropped_rule_list_model_is_collected_and_deaf(qtbot: Any) -> None:
    from widgets.rules.rule_list_model import RuleListModel

    document, stack = Document(playbook()), QUndoStack()
    model = RuleListModel(document, stack)
    rows: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, _last: rows.append(first))
    rule = document.rules[0]
    document.remove_rule(rule.id)
    document.insert_rule(0, rule)
    assert rows == [0]  # listening while alive
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None  # nothing in the document held it
    assert document.rule_inserted.receivers() == 0 and document.ruleset_replaced.receivers() == 0
    document.set_ruleset(playbook())  # no callback into a dead model


def test_a_closed_and_deleted_editor_page_no_longer_reacts(qtbot: Any) -> None:
    from widgets.templates.template_editor import TemplateEditor

    document, stack = Document(playbook()), QUndoStack()
    editor = TemplateEditor(document, stack)
    editor.show()
    assert document.changed.receivers() == 1
    editor.close()
    editor.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert document.changed.receivers() == 0 and document.ruleset_replaced.receivers() == 0
    alive = weakref.ref(editor)
    del editor
    gc.collect()
    assert alive() is None
    document.set_ruleset(playbook())  # would raise "C++ object already deleted" if still connected
