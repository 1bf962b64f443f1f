"""The ruleset being edited, as one mutable document over immutable values.

Every edit goes through one of the operations below (called by undo commands in `widgets/`), and
each announces exactly what changed so views refresh only that.

Events: `rule_inserted(index, rule)`, `rule_removed(index, rule)`, `rule_moved(old, new)`,
`rule_replaced(index, old_rule, new_rule)`, `ruleset_replaced(old, new)`, and `changed()` after any.
"""

from __future__ import annotations

from dataclasses import replace

from builder.editing.events import Event
from builder.format.model import Rule, Ruleset


class DocumentError(ValueError):
    """An edit that does not fit the document (unknown rule id, duplicate id, index out of range)."""


class Document:
    def __init__(self, ruleset: Ruleset) -> None:
        self._ruleset = ruleset
        self.rule_inserted = Event("rule_inserted")
        self.rule_removed = Event("rule_removed")
        self.rule_moved = Event("rule_moved")
        self.rule_replaced = Event("rule_replaced")
        self.ruleset_replaced = Event("ruleset_replaced")
        self.changed = Event("changed")

    @property
    def ruleset(self) -> Ruleset:
        return self._ruleset

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._ruleset.rules

    def index_of(self, rule_id: str) -> int:
        for index, rule in enumerate(self._ruleset.rules):
            if rule.id == rule_id:
                return index
        raise DocumentError(f"There is no rule with the id '{rule_id}'.")

    def unique_rule_id(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`… whichever no rule uses yet."""
        taken = {r.id for r in self._ruleset.rules}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _set_rules(self, rules: list[Rule]) -> None:
        self._ruleset = replace(self._ruleset, rules=tuple(rules))

    def insert_rule(self, index: int, rule: Rule) -> None:
        if any(r.id == rule.id for r in self._ruleset.rules):
            raise DocumentError(f"A rule with the id '{rule.id}' already exists.")
        rules = list(self._ruleset.rules)
        index = max(0, min(index, len(rules)))
        rules.insert(index, rule)
        self._set_rules(rules)
        self.rule_inserted.emit(index, rule)
        self.changed.emit()

    def remove_rule(self, rule_id: str) -> tuple[int, Rule]:
        index = self.index_of(rule_id)
        rules = list(self._ruleset.rules)
        rule = rules.pop(index)
        self._set_rules(rules)
        self.rule_removed.emit(index, rule)
        self.changed.emit()
        return index, rule

    def move_rule(self, old: int, new: int) -> None:
        rules = list(self._ruleset.rules)
        if not (0 <= old < len(rules) and 0 <= new < len(rules)):
            raise DocumentError(f"Cannot move rule {old + 1} to position {new + 1}.")
        if old == new:
            return
        rules.insert(new, rules.pop(old))
        self._set_rules(rules)
        self.rule_moved.emit(old, new)
        self.changed.emit()

    def replace_rule(self, rule_id: str, new_rule: Rule) -> Rule:
        index = self.index_of(rule_id)
        if new_rule.id != rule_id and any(r.id == new_rule.id for r in self._ruleset.rules):
            raise DocumentError(f"A rule with the id '{new_rule.id}' already exists.")
        rules = list(self._ruleset.rules)
        old = rules[index]
        rules[index] = new_rule
        self._set_rules(rules)
        self.rule_replaced.emit(index, old, new_rule)
        self.changed.emit()
        return old

    def set_ruleset(self, ruleset: Ruleset) -> Ruleset:
        """Replace everything (templates, schedules, routing, channels edits; revision restore)."""
        old = self._ruleset
        self._ruleset = ruleset
        self.ruleset_replaced.emit(old, ruleset)
        self.changed.emit()
        return old
