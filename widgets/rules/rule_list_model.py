"""The rule list as a Qt model: an adapter that mirrors the Document's events row by row.

One row per rule in priority order. The model never edits the document itself: renaming, the
enabled switch and drag-to-reorder push undo commands, and the rows change when the document
announces the edit (so undo/redo and edits from other views refresh the list the same way).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QUndoStack

from builder.analysis.summary import rule_facts, summarize_rule
from builder.editing.document import Document
from builder.format.model import Rule, Ruleset
from rules_schema.catalog import catalog
from widgets.common.editor_page import subscribe
from widgets.common.undo_commands import MoveRuleCommand, ReplaceRuleCommand

MIME_TYPE = "application/x-handoff-rule-ids"

AnyIndex = QModelIndex | QPersistentModelIndex


class RuleRoles:
    """Custom data roles the delegate and the filter read."""

    RULE = Qt.ItemDataRole.UserRole + 1
    RULE_ID = Qt.ItemDataRole.UserRole + 2
    KIND = Qt.ItemDataRole.UserRole + 3
    KIND_LABEL = Qt.ItemDataRole.UserRole + 4
    KIND_COLOUR = Qt.ItemDataRole.UserRole + 5
    SUMMARY = Qt.ItemDataRole.UserRole + 6
    SEARCH_TEXT = Qt.ItemDataRole.UserRole + 7
    PROBLEM = Qt.ItemDataRole.UserRole + 8  # "error" | "warning" | None


class RuleListModel(QAbstractListModel):
    """Rows = `document.rules`; edits become commands on `undo_stack`."""

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: Any = None) -> None:
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self._summaries: dict[int, tuple[Rule, str]] = {}  # id(rule) -> sentence; rules are immutable
        self._problems: dict[str, str] = {}
        self._subscriptions = subscribe(self, [
            (document.rule_inserted, self._on_inserted), (document.rule_removed, self._on_removed),
            (document.rule_moved, self._on_moved), (document.rule_replaced, self._on_replaced),
            (document.ruleset_replaced, self._on_ruleset_replaced)])

    def disconnect_document(self) -> None:
        """Stop listening (also done when the model is destroyed; safe to call twice)."""
        for subscription in self._subscriptions:
            subscription.disconnect()

    # --- reading -----------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 0 if parent.isValid() else len(self.document.rules)

    def rule_at(self, row: int) -> Rule:
        return self.document.rules[row]

    def row_of(self, rule_id: str) -> int:
        for row, rule in enumerate(self.document.rules):
            if rule.id == rule_id:
                return row
        return -1

    def summary(self, rule: Rule) -> str:
        cached = self._summaries.get(id(rule))
        if cached is not None and cached[0] is rule:
            return cached[1]
        text = summarize_rule(rule, self.document.ruleset)
        self._summaries[id(rule)] = (rule, text)
        return text

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.document.rules):
            return None
        rule = self.document.rules[index.row()]
        kinds = catalog().trigger_kinds
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return rule.name
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            state = "" if rule.enabled else " (switched off)"
            kind = kinds.get(rule.trigger, {}).get("label", rule.trigger)  # the row may have no room for its chip
            return f"{rule.name} · {kind}{state}\n{self.summary(rule)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "on" if rule.enabled else "off"
            return f"{rule.name}, {kinds.get(rule.trigger, {}).get('label', rule.trigger)}, {state}"
        if role == RuleRoles.RULE:
            return rule
        if role == RuleRoles.RULE_ID:
            return rule.id
        if role == RuleRoles.KIND:
            return rule.trigger
        if role == RuleRoles.KIND_LABEL:
            return kinds.get(rule.trigger, {}).get("label", rule.trigger)
        if role == RuleRoles.KIND_COLOUR:
            return kinds.get(rule.trigger, {}).get("colour", "#64748b")
        if role == RuleRoles.SUMMARY:
            return self.summary(rule)
        if role == RuleRoles.SEARCH_TEXT:
            return self._search_text(rule)
        if role == RuleRoles.PROBLEM:
            return self._problems.get(rule.id)
        return None

    def _search_text(self, rule: Rule) -> str:
        cat = catalog()
        facts = rule_facts(rule)
        labels = [cat.facts[f].label for f in facts if f in cat.facts]
        kind = cat.trigger_kinds.get(rule.trigger, {}).get("label", "")
        return " ".join([rule.name, rule.id, rule.trigger, kind, *facts, *labels]).casefold()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
                | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled
                | Qt.ItemFlag.ItemNeverHasChildren)

    # --- problems shown on rows ----------------------------------------------------------------

    def set_problems(self, worst_by_rule: dict[str, str]) -> None:
        """Mark rows with their worst problem severity (set by the problems panel)."""
        if worst_by_rule == self._problems:
            return
        self._problems = dict(worst_by_rule)
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1), [RuleRoles.PROBLEM])

    # --- editing: every change is an undo command ---------------------------------------------

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        rule = self.document.rules[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole:
            enabled = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            return self.set_enabled(rule.id, enabled)
        if role == Qt.ItemDataRole.EditRole:
            name = str(value).strip()
            if not name or name == rule.name:
                return False
            self.undo_stack.push(ReplaceRuleCommand(self.document, rule.id, replace(rule, name=name),
                                                    f"Rename rule to '{name}'"))
            return True
        return False

    def set_enabled(self, rule_id: str, enabled: bool) -> bool:
        rule = self.document.rules[self.document.index_of(rule_id)]
        if rule.enabled == enabled:
            return False
        text = f"{'Switch on' if enabled else 'Switch off'} rule '{rule.name}'"
        self.undo_stack.push(ReplaceRuleCommand(self.document, rule_id, replace(rule, enabled=enabled), text))
        return True

    # --- drag and drop: reorder = priority ------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        ids = [self.document.rules[i.row()].id for i in sorted(indexes, key=lambda i: i.row()) if i.isValid()]
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray(json.dumps(ids).encode("utf-8")))
        return mime

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: AnyIndex) -> bool:
        return data.hasFormat(MIME_TYPE) and action == Qt.DropAction.MoveAction and not parent.isValid()

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: AnyIndex) -> bool:
        """Dropping rule ids before `row` moves them there: one undoable step for the gesture."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        try:
            ids = [str(i) for i in json.loads(bytes(data.data(MIME_TYPE).data()).decode("utf-8"))]
        except (ValueError, TypeError):
            return False
        target = len(self.document.rules) if row < 0 else row
        return self.move_rules(ids, target)

    def move_rules(self, rule_ids: list[str], before_row: int) -> bool:
        """Move rules so they sit, in their current order, just before the rule now at `before_row`."""
        moves: list[tuple[int, int]] = []
        rules = [r.id for r in self.document.rules]
        target = before_row
        for rule_id in rule_ids:
            if rule_id not in rules:
                continue
            old = rules.index(rule_id)
            new = target if target <= old else target - 1
            new = max(0, min(new, len(rules) - 1))
            if new != old:
                rules.insert(new, rules.pop(old))
                moves.append((old, new))
            target = new + 1
        if not moves:
            return False
        if len(moves) == 1:
            self.undo_stack.push(MoveRuleCommand(self.document, *moves[0]))
        else:
            self.undo_stack.beginMacro(f"Move {len(moves)} rules")
            for old, new in moves:
                self.undo_stack.push(MoveRuleCommand(self.document, old, new))
            self.undo_stack.endMacro()
        return True

    def removeRows(self, row: int, count: int, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        """Refused: a finished drag must not delete rows (the move already happened via a command)."""
        return False

    # --- mirroring document events --------------------------------------------------------------

    def _on_inserted(self, index: int, rule: Rule) -> None:
        self.beginInsertRows(QModelIndex(), index, index)
        self.endInsertRows()

    def _on_removed(self, index: int, rule: Rule) -> None:
        self.beginRemoveRows(QModelIndex(), index, index)
        self.endRemoveRows()

    def _on_moved(self, old: int, new: int) -> None:
        # The document already moved it; Qt wants the destination as "insert before" in the old order.
        destination = new + 1 if new > old else new
        if self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), destination):
            self.endMoveRows()
        else:  # pragma: no cover - Qt refused (cannot happen for a valid single move)
            self.beginResetModel()
            self.endResetModel()

    def _on_replaced(self, index: int, old: Rule, new: Rule) -> None:
        self._summaries.pop(id(old), None)
        self.dataChanged.emit(self.index(index), self.index(index))

    def _on_ruleset_replaced(self, old: Ruleset, new: Ruleset) -> None:
        # Templates, teams and SLAs feed the sentences, so every summary may have changed.
        self._summaries.clear()
        if old.rules == new.rules and [r.id for r in old.rules] == [r.id for r in new.rules]:
            if self.rowCount():
                self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))
            return
        self.beginResetModel()
        self.endResetModel()
