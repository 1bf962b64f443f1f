"""A rule that can never fire is flagged as soon as it is written, with a one-click fix."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt

from builder.format.model import Group, Leaf
from widgets.common.undo_commands import ReplaceRuleCommand

pytestmark = pytest.mark.gui


def _problems_for(window: Any, rule_id: str) -> list[str]:
    return [p.code for p in window.problems_panel.problems if p.rule_id == rule_id]


def test_a_new_rule_below_legal_threats_is_dead_and_moves_above_in_one_click(window: Any, qtbot: Any) -> None:
    window.rule_list.select_rule("legal")
    window.new_action.trigger()
    new_id = window.rule_list.selected_rule_id()
    assert new_id is not None and new_id != "legal"
    rule = window.document.ruleset.rule(new_id)
    assert rule is not None
    # read as the rule above reads it (negated mentions ignored): "no lawyer needed" stops neither
    lawyer = Leaf("message.text", "contains_any", ("lawyer",), ignore_negated=True)
    written = replace(rule, when=Group("all", (lawyer,)))
    window.undo_stack.push(ReplaceRuleCommand(window.document, new_id, written, "Edit phrases"))
    qtbot.waitUntil(lambda: "analysis.shadowed" in _problems_for(window, new_id), timeout=10000)
    assert "No problems" not in window.problems_panel.summary.text()
    item_texts = [window.problems_panel.tree.topLevelItem(i).text(0)
                  for i in range(window.problems_panel.tree.topLevelItemCount())]
    assert any("can never fire" in text for text in item_texts)

    warning = window.rule_editor.order_warning
    qtbot.waitUntil(warning.isVisible)
    assert "Legal threats" in warning.message.text() and "never fire" in warning.message.text()
    assert new_id not in warning.message.text()
    qtbot.mouseClick(warning.move_button, Qt.MouseButton.LeftButton)
    ids = [r.id for r in window.document.rules]
    assert ids.index(new_id) == ids.index("legal") - 1
    qtbot.waitUntil(lambda: "analysis.shadowed" not in _problems_for(window, new_id), timeout=10000)
    assert not warning.isVisible()
    assert "above" in window.undo_stack.undoText()
    window.undo_stack.undo()
    ids = [r.id for r in window.document.rules]
    assert ids.index(new_id) == ids.index("legal") + 1


def test_the_list_says_how_order_works(window: Any) -> None:
    assert "first rule that matches decides" in window.rule_list.hint.text()
