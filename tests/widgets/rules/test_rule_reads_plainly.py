"""A rule reads plainly: a one-sentence gist above it, the Diagram for deeply nested rules, and
"not" switches that say whether they are on."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from builder.format.model import Group, Leaf, Not
from widgets.common.undo_commands import ReplaceRuleCommand
from widgets.rules.conditions.condition_row import NOT_OFF, NOT_ON, not_toggle

pytestmark = pytest.mark.gui


def test_a_deeply_nested_rule_opens_as_a_diagram_with_its_gist(window: Any) -> None:
    editor = window.rule_editor
    human = Leaf("message.text", "contains_any", ("human",))
    deep = Group("all", (Group("any", (Not(Group("all", (Group("any", (human,)),))), human)),))  # four levels
    rule = window.document.ruleset.rule("explicit-human")
    window.undo_stack.push(ReplaceRuleCommand(window.document, rule.id, replace(rule, when=deep), "Nest"))
    window.rule_list.select_rule("legal")
    window.rule_list.select_rule("explicit-human")
    assert editor.views.currentIndex() == 1  # four levels deep: the Diagram
    assert editor.gist.text().startswith("Hands over (") and "“human”" in editor.gist.text()
    assert not editor.gist.isHidden()
    window.rule_list.select_rule("legal")
    assert editor.views.currentIndex() == 0  # one condition: the Sentence
    assert "“lawyer”" in editor.gist.text() or "“lawsuit”" in editor.gist.text()


def test_not_says_whether_it_is_on(qtbot: Any) -> None:
    button = not_toggle(False)
    qtbot.addWidget(button)
    assert button.text() == NOT_OFF and "off" in button.accessibleName()
    button.click()
    assert button.isChecked() and button.text() == NOT_ON and "on" in button.accessibleName()
