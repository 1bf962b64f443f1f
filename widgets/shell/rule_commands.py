"""New, duplicate and delete rule: the rule list's commands, each one undoable step.

Why a module: what these do to the ruleset (a working starter rule, a copy with a fresh id, the
selection after a delete) is about the rules, not about the window that offers them. Each function
takes the main window (its document, undo stack, rule list, rule editor and status bar).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from builder.format.model import Escalate, Group, Leaf, Rule
from widgets.common.undo_commands import InsertRuleCommand, RemoveRuleCommand


def selected_rule(window: Any) -> Rule | None:
    rule_id = window.rule_list.selected_rule_id()
    return window.document.ruleset.rule(rule_id) if rule_id else None


def _insert_row(window: Any) -> int:
    """Below the selected rule, else at the end (order is priority: the rules above are checked first)."""
    rule = selected_rule(window)
    return window.document.index_of(rule.id) + 1 if rule else len(window.document.rules)


def new_rule(window: Any) -> str:
    """Add a working starter rule (asks for a human → hand over) below the selection; its id."""
    document = window.document
    names = {r.name for r in document.rules}
    name, n = "New rule", 2
    while name in names:
        name, n = f"New rule {n}", n + 1
    teams = document.ruleset.routing.teams
    rule = Rule(
        id=document.unique_rule_id("new-rule"), name=name, trigger="explicit_request",
        when=Group("all", (Leaf("message.text", "contains_any", ("talk to a human",)),)),
        actions=(Escalate("instant", teams[0].id if teams else "support", "normal"),),
    )
    row = _insert_row(window)
    window.rule_editor.fresh_ids.add(rule.id)
    window.undo_stack.push(InsertRuleCommand(document, row, rule))
    window.rule_list.clear_filter()
    window.rule_list.select_rule(rule.id)
    above = f", below '{document.rules[row - 1].name}'" if row > 0 else " at the top"
    window.statusBar().showMessage(f"Added '{name}' as rule {row + 1}{above}: the rules above it are checked "
                                   "first.", 6000)
    return rule.id


def duplicate_rule(window: Any) -> str | None:
    """Copy the selected rule below it (a new id and "(copy)" in the name); the copy's id."""
    rule = selected_rule(window)
    if rule is None:
        window.statusBar().showMessage("Select a rule to duplicate.", 4000)
        return None
    copy = replace(rule, id=window.document.unique_rule_id(f"{rule.id}-copy"), name=f"{rule.name} (copy)")
    window.rule_editor.fresh_ids.add(copy.id)
    window.undo_stack.push(InsertRuleCommand(window.document, _insert_row(window), copy,
                                             f"Duplicate rule '{rule.name}'"))
    window.rule_list.select_rule(copy.id)
    return copy.id


def delete_rule(window: Any) -> None:
    """Delete the selected rule and select its neighbour (Undo brings it back)."""
    rule = selected_rule(window)
    if rule is None:
        window.statusBar().showMessage("Select a rule to delete.", 4000)
        return
    document = window.document
    row = document.index_of(rule.id)
    window.undo_stack.push(RemoveRuleCommand(document, rule.id))
    if document.rules:
        window.rule_list.select_rule(document.rules[min(row, len(document.rules) - 1)].id)
    window.statusBar().showMessage(f"Deleted '{rule.name}' (Undo brings it back).", 5000)
