"""A pasted document is not a phrase: too long a phrase is refused with a message."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from widgets.rules.conditions.chips import ChipsEdit
from widgets.rules.conditions.value_editors import PhraseEditor

pytestmark = pytest.mark.gui


def test_a_10000_character_phrase_is_refused_with_a_message(window: Any, qtbot: Any) -> None:
    window.rule_list.select_rule("legal")
    editors = window.rule_editor.findChildren(PhraseEditor)
    assert editors, [type(w).__name__ for w in window.rule_editor.condition_editor.findChildren(object)][:20]
    editor = editors[0]
    before = window.document.ruleset.rule("legal")
    line = editor.chips.line_edit
    line.setText("x" * 10_000)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert window.document.ruleset.rule("legal") == before
    assert "at most 200 characters" in editor.chips.last_refusal and "10,000" in editor.chips.last_refusal
    labels = [w for w in window.rule_editor.condition_editor.findChildren(QLabel) if w.objectName() == "inlineProblem"]
    assert any("at most 200" in label.text() and not label.isHidden() for label in labels)


def test_a_phrase_at_the_limit_is_kept(qtbot: Any) -> None:
    chips = ChipsEdit()
    qtbot.addWidget(chips)
    chips.add_values(["y" * ChipsEdit.MAX_PHRASE, "z" * (ChipsEdit.MAX_PHRASE + 1)])
    assert chips.values() == ["y" * ChipsEdit.MAX_PHRASE]
