"""A new rule's id follows its name until export; an exported rule keeps its id when renamed."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui


def test_a_renamed_new_rule_takes_an_id_from_its_name_in_one_undo_step(window: Any, qtbot: Any) -> None:
    window.new_action.trigger()
    edit = window.rule_editor.header.name_edit
    edit.selectAll()
    qtbot.keyClicks(edit, "Legal hold")
    names = {r.name: r.id for r in window.document.rules}
    assert names.get("Legal hold") == "legal-hold"
    assert window.rule_list.selected_rule_id() == "legal-hold"
    assert window.undo_stack.undoText() == "Rename rule to 'Legal hold'"
    window.undo_stack.undo()
    assert {r.name: r.id for r in window.document.rules}.get("New rule") == "new-rule"


def test_a_rule_from_the_playbook_keeps_its_id(window: Any, qtbot: Any) -> None:
    window.rule_list.select_rule("legal")
    edit = window.rule_editor.header.name_edit
    edit.selectAll()
    qtbot.keyClicks(edit, "Lawyers")
    assert window.document.ruleset.rule("legal").name == "Lawyers"
