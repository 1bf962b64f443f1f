"""Creating a team or a reply template from the picker that needs one ("+ New team…").

Why: a manager writing "hand over to … the Legal team" should not have to leave the rule, go to
Routing, add the team and come back. The new team or template and its use in the rule are one
undo step; its id is made from its name and never shown.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QInputDialog, QWidget

from builder.editing.naming import id_from_name
from builder.format.model import Escalate, Reply, Rule, Ruleset, Team, Template

NEW_TEAM = "\x00new-team"
NEW_TEMPLATE = "\x00new-template"
NEW_LABELS = {NEW_TEAM: "+ New team\u2026", NEW_TEMPLATE: "+ New template\u2026"}


def ask_name(parent: QWidget | None, what: str) -> str | None:
    """The name typed in a small dialog; None when cancelled or left empty."""
    name, ok = QInputDialog.getText(parent, f"New {what}", f"Name of the new {what}:")
    name = name.strip()
    return name if ok and name else None


def with_new_team(ruleset: Ruleset, rule: Rule, action_index: int, name: str) -> tuple[Ruleset, Team]:
    """The ruleset with a team called `name` (on the default schedule) that action `action_index`
    of `rule` hands over to."""
    schedule = ruleset.settings.default_schedule or (ruleset.schedules[0].id if ruleset.schedules else "")
    team = Team(id_from_name(name, [t.id for t in ruleset.routing.teams], "team"), name, schedule or "")
    routing = replace(ruleset.routing, teams=(*ruleset.routing.teams, team))
    action = rule.actions[action_index]
    changed = replace(action, team=team.id) if isinstance(action, Escalate) else action
    return _with_action(replace(ruleset, routing=routing), rule, action_index, changed), team


def with_new_template(ruleset: Ruleset, rule: Rule, action_index: int, name: str) -> tuple[Ruleset, Template]:
    """The ruleset with a chat template called `name` that action `action_index` of `rule` replies with."""
    template = Template(id_from_name(name, [t.id for t in ruleset.templates], "template"), name, "chat",
                        "Hi {{visitor.name | there}}, a person from the {{team}} team will reply {{promise}}.")
    action = rule.actions[action_index]
    changed = replace(action, template=template.id) if isinstance(action, Reply) else action
    return _with_action(replace(ruleset, templates=(*ruleset.templates, template)), rule, action_index, changed), \
        template


def _with_action(ruleset: Ruleset, rule: Rule, index: int, action: object) -> Ruleset:
    actions = list(rule.actions)
    actions[index] = action  # type: ignore[call-overload]
    new_rule = replace(rule, actions=tuple(actions))
    return replace(ruleset, rules=tuple(new_rule if r.id == rule.id else r for r in ruleset.rules))
