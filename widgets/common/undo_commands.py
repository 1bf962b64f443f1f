"""Undo commands: every user edit is one of these, pushed on the document's QUndoStack.

Each command only calls a `builder.editing.document.Document` operation; the domain logic stays in
`builder`. Commands with the same `merge_key` that follow each other merge (typing in a field).
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from builder.editing.document import Document
from builder.format.model import Rule, Ruleset

_MERGE_IDS: dict[str, int] = {}


def _merge_id(key: str | None) -> int:
    if key is None:
        return -1
    return _MERGE_IDS.setdefault(key, len(_MERGE_IDS) + 1)


class InsertRuleCommand(QUndoCommand):
    def __init__(self, document: Document, index: int, rule: Rule, text: str = "") -> None:
        super().__init__(text or f"Add rule '{rule.name}'")
        self.document, self.index, self.rule = document, index, rule

    def redo(self) -> None:
        self.document.insert_rule(self.index, self.rule)

    def undo(self) -> None:
        self.document.remove_rule(self.rule.id)


class RemoveRuleCommand(QUndoCommand):
    def __init__(self, document: Document, rule_id: str, text: str = "") -> None:
        rule = document.rules[document.index_of(rule_id)]
        super().__init__(text or f"Delete rule '{rule.name}'")
        self.document, self.rule_id = document, rule_id
        self.index, self.rule = document.index_of(rule_id), rule

    def redo(self) -> None:
        self.index, self.rule = self.document.remove_rule(self.rule_id)

    def undo(self) -> None:
        self.document.insert_rule(self.index, self.rule)


class MoveRuleCommand(QUndoCommand):
    def __init__(self, document: Document, old: int, new: int, text: str = "") -> None:
        super().__init__(text or f"Move rule '{document.rules[old].name}'")
        self.document, self.old, self.new = document, old, new

    def redo(self) -> None:
        self.document.move_rule(self.old, self.new)

    def undo(self) -> None:
        self.document.move_rule(self.new, self.old)


class ReplaceRuleCommand(QUndoCommand):
    """Any edit inside one rule: the rule is immutable, so the edit is a whole new value."""

    def __init__(self, document: Document, rule_id: str, new_rule: Rule, text: str,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self.document = document
        self.old_id, self.new_id = rule_id, new_rule.id
        self.old_rule = document.rules[document.index_of(rule_id)]
        self.new_rule = new_rule
        self._id = _merge_id(merge_key)

    def id(self) -> int:
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ReplaceRuleCommand) or other.old_id != self.new_id:
            return False
        self.new_rule, self.new_id = other.new_rule, other.new_id
        self.setText(other.text())  # "Rename rule to 'Legal hold'", not to its first letter
        return True

    def redo(self) -> None:
        self.document.replace_rule(self.old_id, self.new_rule)

    def undo(self) -> None:
        self.document.replace_rule(self.new_id, self.old_rule)


class SetRulesetCommand(QUndoCommand):
    """Edits outside the rule list: templates, schedules, routing, channels, settings."""

    def __init__(self, document: Document, new_ruleset: Ruleset, text: str,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self.document = document
        self.old_ruleset, self.new_ruleset = document.ruleset, new_ruleset
        self._id = _merge_id(merge_key)

    def id(self) -> int:
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetRulesetCommand):
            return False
        self.new_ruleset = other.new_ruleset
        return True

    def redo(self) -> None:
        self.document.set_ruleset(self.new_ruleset)

    def undo(self) -> None:
        self.document.set_ruleset(self.old_ruleset)
