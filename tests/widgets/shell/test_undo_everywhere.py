"""Undo belongs to the window: it names the change, shows the page it changes, and a text box
keeps Ctrl+Z only for its own typing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt

from widgets.common.undo_commands import SetRulesetCommand

pytestmark = pytest.mark.gui


def test_undo_from_the_simulator_shows_the_templates_page(window: Any) -> None:
    ruleset = window.document.ruleset
    first = ruleset.templates[0]
    changed = replace(ruleset, templates=(replace(first, name="Renamed"), *ruleset.templates[1:]))
    window.undo_stack.push(SetRulesetCommand(window.document, changed, f"Rename template '{first.name}'"))
    window.pages.setCurrentWidget(window.ensure_page("Simulator"))
    assert window.undo_action.text() == f"&Undo Rename template '{first.name}'"
    window.undo_action.trigger()
    assert window.document.ruleset.templates[0].name == first.name
    assert window.pages.tabText(window.pages.currentIndex()) == "Templates"
    assert "Rename template" in window.statusBar().currentMessage()


def test_ctrl_z_in_the_simulator_box_undoes_the_rules_not_a_sent_message(window: Any, qtbot: Any) -> None:
    window.rule_list.select_rule("legal")
    window.rule_editor.header.enabled_box.click()  # one edit in the rules
    assert not window.document.ruleset.rule("legal").enabled
    page = window.ensure_page("Simulator")
    window.pages.setCurrentWidget(page)
    box = page.chat.input
    box.setFocus()
    qtbot.keyClicks(box, "I want a lawyer")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.text() == ""
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.text() == ""  # the sent message does not come back
    assert window.document.ruleset.rule("legal").enabled  # the window's Undo ran
    qtbot.keyClicks(box, "abc")
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.text() == ""  # its own typing: the box undoes it
    assert window.document.ruleset.rule("legal").enabled
