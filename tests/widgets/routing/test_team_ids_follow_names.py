"""A team added and named before export gets an id from its name, and its rules follow."""

from __future__ import annotations

from typing import Any

import pytest

from builder.format.model import Escalate

pytestmark = pytest.mark.gui


def test_a_new_team_renamed_takes_its_name_as_id(window: Any, qtbot: Any) -> None:
    page = window.ensure_page("Routing")
    window.pages.setCurrentWidget(page)
    team_id = page.add_team()
    assert team_id == "new-team"
    row = len(window.document.ruleset.routing.teams) - 1
    edit = page.team_table.cellWidget(row, 0)
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Legal desk")
    edit.editingFinished.emit()
    teams = {t.name: t.id for t in window.document.ruleset.routing.teams}
    assert teams["Legal desk"] == "legal-desk"
    window.undo_stack.undo()  # rename and id change are one step
    assert {t.name: t.id for t in window.document.ruleset.routing.teams}.get("New team") == "new-team"


def test_an_exported_team_keeps_its_id_and_rules_follow_a_fresh_one(window: Any, qtbot: Any) -> None:
    page = window.ensure_page("Routing")
    support = window.document.ruleset.routing.teams[0]
    page._team_edit(support.id, "name", "Helpdesk")
    page._team_named(support.id)
    assert window.document.ruleset.routing.team(support.id).name == "Helpdesk"
    fresh = page.add_team("Temp")
    rule = window.document.ruleset.rules[0]
    from dataclasses import replace

    from widgets.common.undo_commands import ReplaceRuleCommand
    actions = tuple(replace(a, team=fresh) if isinstance(a, Escalate) else a for a in rule.actions)
    window.undo_stack.push(ReplaceRuleCommand(window.document, rule.id, replace(rule, actions=actions), "x"))
    page._team_edit(fresh, "name", "Night shift")
    page._team_named(fresh)
    escalation = next(a for a in window.document.ruleset.rules[0].actions if isinstance(a, Escalate))
    assert escalation.team == "night-shift"
