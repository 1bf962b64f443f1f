"""Why each rule fired or not, at one evaluation: an item model over the engine's trace, and its panel.

A model/view (not a widget per row) so a 200-rule ruleset renders in a few milliseconds: the trace
dicts become light `Node`s, and the view asks only for the rows it shows. Every leaf keeps its
JSON path (`$.rules[i].when.all[0]`) so a double-click can open it in the rule editor.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from builder.analysis.wording import condition_text as wording_condition
from builder.analysis.wording import leaf_text, reading_text, sentence_case
from builder.format.model import Ruleset, condition_from_dict
from widgets.common.style import is_dark

LIGHT = {"held": "#15803d", "failed": "#b91c1c", "near": "#b45309", "muted": "#64748b",
         "held_bg": "#f0fdf4", "failed_bg": "#fef2f2"}
DARK = {"held": "#4ade80", "failed": "#f87171", "near": "#fbbf24", "muted": "#94a3b8",
        "held_bg": "#12301f", "failed_bg": "#3a1717"}
TEXT_FACTS = ("message.text", "conversation.text")
Index = QModelIndex | QPersistentModelIndex
AUTO_EXPAND = 4  # fired rules and near misses opened on each turn (the rest one click away)


def condition_text(node: dict[str, Any], ruleset: Ruleset | None = None) -> str:
    """A trace condition in the rule list's words (word groups by their names in `ruleset`);
    phrase lists are summarised after three."""
    if "groups" in node or "near" in node or node.get("op") in ("contains_any", "contains_none", "near"):
        return sentence_case(leaf_text(condition_from_dict(node), max_items=3, ruleset=ruleset))
    return sentence_case(wording_condition(node["fact"], node["op"], node.get("value"), node.get("param"),
                                           max_items=3))


def _match_text(match: dict[str, Any]) -> str:
    """One match: “agnet” … “please” (1 word apart) for a "near", else the phrase; typos noted."""
    near = match.get("near")
    if isinstance(near, dict):
        distance = near.get("distance")
        apart = f" ({distance} word{'' if distance == 1 else 's'} apart)" if distance is not None else ""
        text = f"“{near.get('first', '')}” … “{near.get('second', '')}”{apart}"
    else:
        text = f"“{match.get('phrase', '')}”"
    typos = [f"“{t.get('written', '')}” as “{t.get('as', '')}”" for t in match.get("typos") or ()]
    return text + (f", read {', '.join(typos)} (typo)" if typos else "")


def actual_text(node: dict[str, Any]) -> str:
    """The value the fact had; for text facts, the phrases found (the text itself is the message),
    with a "near"'s two words and their distance, typos read as the word meant, and mentions
    skipped because they were negated."""
    if node["fact"] in TEXT_FACTS or "matches" in node:
        found = [_match_text(m) for m in node.get("matches") or []]
        text = ("found " + "; ".join(found)) if found else "nothing found"
        skipped = [f"“{m.get('phrase', '')}” (negated by “{m.get('negated_by', '')}”)"
                   for m in node.get("skipped") or []]
        return text + (f"; skipped {', '.join(skipped)}" if skipped else "")
    return reading_text(node["fact"], node.get("actual"))


def rule_status(rule: dict[str, Any]) -> tuple[str, str]:
    """(short status, kind) with kind fired | near | cooldown | skipped | failed."""
    held, total = rule.get("conditions_held", 0), rule.get("conditions_total", 0)
    counts = f"{held} of {total} conditions held"
    if rule.get("fired"):
        return f"Fired · {counts}", "fired"
    if rule.get("cooldown"):
        return "Already fired (cooling down)", "cooldown"
    if not rule.get("evaluated", True):
        return "Skipped: an earlier rule stopped", "skipped"
    if rule.get("held"):
        return "Held", "fired"
    if total > 1 and held * 2 >= total and held > 0:
        return f"Near miss · {counts}", "near"
    return f"Not fired · {counts}", "failed"


class Node:
    """One row. Children are built when first asked for (`source` holds the trace until then), so a
    200-rule trace costs 200 light rows, not thousands."""

    __slots__ = ("_children", "kind", "parent", "path", "row", "rule_id", "source", "status", "text", "tip", "value")

    def __init__(self, parent: Node | None, text: str, value: str = "", status: str = "", kind: str = "",
                 rule_id: str = "", path: str = "", tip: str = "", source: Any = None) -> None:
        self.parent, self.text, self.value, self.status, self.kind = parent, text, value, status, kind
        self.rule_id, self.path, self.tip, self.source = rule_id, path, tip, source
        self._children: list[Node] | None = None if source is not None else []
        self.row = 0 if parent is None else len(parent.children)
        if parent is not None:
            parent.children.append(self)

    @property
    def children(self) -> list[Node]:
        if self._children is None:
            self._children = []
            source, self.source = self.source, None
            _expand(self, source)
        return self._children

    def has_children(self) -> bool:
        return bool(self._children) if self._children is not None else True


GROUP_TEXT = {"all": "All of these", "any": "Any of these", "not": "Not this"}


def _expand(node: Node, source: tuple[str, list[dict[str, Any]], Ruleset | None]) -> None:
    """Build `node`'s rows from (op, conditions, ruleset): a rule's root list or a group's children."""
    op, conditions, ruleset = source
    for k, child in enumerate(conditions):
        if op == "rule":
            path = f"{node.path}.when"
        elif op == "not":
            path = f"{node.path}.not"
        else:
            path = f"{node.path}.{op}[{k}]"
        _add_condition(node, child, node.rule_id, path, ruleset)


def _add_condition(parent: Node, node: dict[str, Any], rule_id: str, path: str, ruleset: Ruleset | None) -> None:
    held = bool(node.get("held"))
    kind = "held" if held else "notheld"
    if "fact" in node:
        text = condition_text(node, ruleset)
        value = actual_text(node)
        Node(parent, text, value, "held" if held else "not held", kind, rule_id, path, f"{text}\nValue: {value}")
        return
    op = node.get("op", "all")
    Node(parent, GROUP_TEXT.get(op, op), "", "held" if held else "not held", kind, rule_id, path,
         source=(op, node.get("conditions") or [], ruleset))


def build_tree(trace: tuple[dict[str, Any], ...] | list[dict[str, Any]], rule_index: dict[str, int],
               *, only_relevant: bool = False, ruleset: Ruleset | None = None) -> Node:
    root = Node(None, "")
    for rule in trace:
        status, kind = rule_status(rule)
        if only_relevant and kind not in ("fired", "near"):
            continue
        rule_id = rule["rule"]
        path = f"$.rules[{rule_index.get(rule_id, -1)}]"
        Node(root, rule.get("name") or rule_id, "", status, kind, rule_id, path, f"{rule_id}: {status}",
             source=("rule", rule.get("conditions") or [], ruleset))
    return root


class ExplanationModel(QAbstractItemModel):
    """Columns: rule or condition · value the fact had · result."""

    HEADERS = ("Rule / condition", "Value", "Result")
    PathRole = Qt.ItemDataRole.UserRole + 1
    RuleRole = Qt.ItemDataRole.UserRole + 2
    KindRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.root = Node(None, "")
        self._bold = QFont()
        self._bold.setBold(True)
        colours = DARK if is_dark() else LIGHT
        self._brush = {name: QBrush(QColor(value)) for name, value in colours.items()}

    def set_tree(self, root: Node) -> None:
        self.beginResetModel()
        self.root = root
        self.endResetModel()

    def node(self, index: Index) -> Node:
        return index.internalPointer() if index.isValid() else self.root  # type: ignore[no-any-return]

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt override
        owner = self.node(parent)
        if 0 <= row < len(owner.children):
            return self.createIndex(row, column, owner.children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = self.node(index).parent
        if up is None or up is self.root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt override
        if parent.isValid() and parent.column() != 0:
            return False
        return self.node(parent).has_children()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt override
        return 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: Node = index.internalPointer()
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (node.text, node.value, node.status)[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if node.kind in ("held", "fired"):
                return self._brush["held"] if column else None
            if node.kind in ("notheld", "failed"):
                return self._brush["failed"] if column else None
            if node.kind == "near":
                return self._brush["near"]
            return self._brush["muted"]
        if role == Qt.ItemDataRole.BackgroundRole and node.parent is not self.root:
            return self._brush["held_bg" if node.kind == "held" else "failed_bg"]
        if role == Qt.ItemDataRole.FontRole and (node.parent is self.root or node.kind == "fired"):
            return self._bold if node.parent is self.root else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tip or node.text
        if role == self.PathRole:
            return node.path
        if role == self.RuleRole:
            return node.rule_id
        if role == self.KindRole:
            return node.kind
        return None

    def rows(self) -> list[tuple[str, str, str]]:
        """Every row depth first as (text, value, status) — for tests and accessibility."""
        out: list[tuple[str, str, str]] = []

        def walk(node: Node) -> None:
            for child in node.children:
                out.append((child.text, child.value, child.status))
                walk(child)
        walk(self.root)
        return out


def highlight(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` as HTML with the matched spans marked."""
    out, pos = [], 0
    for start, end in sorted(set(spans)):
        if start < pos or end <= start or end > len(text):
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<span style='background:#fde68a;font-weight:600'>{html.escape(text[start:end])}</span>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def held_spans(trace: Any, turn: int) -> list[tuple[int, int]]:
    """Spans of phrases found in this turn's message by conditions of any rule."""
    spans: list[tuple[int, int]] = []

    def walk(node: dict[str, Any]) -> None:
        for m in node.get("matches") or ():
            if m.get("turn", turn) == turn and isinstance(m.get("start"), int) and m["start"] >= 0:
                spans.append((m["start"], m["end"]))
        for child in node.get("conditions") or ():
            walk(child)
    for rule in trace:
        for cond in rule.get("conditions") or ():
            walk(cond)
    return spans


class ExplanationPanel(QWidget):
    """Pick an evaluation (turn or timer); see every rule's result and each condition's value.

    Signals: `condition_activated(rule_id, path)` when a row is double-clicked or Enter is pressed;
    `evaluation_selected(int)`."""

    condition_activated = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("simulatorExplanation")
        self.turn_picker = QComboBox(self)
        self.turn_picker.setAccessibleName("Evaluation")
        self.turn_picker.setToolTip("Rules run at every visitor message and when a timer's deadline passes")
        self.only_relevant = QCheckBox("Only fired and near misses", self)
        self.message = QLabel(self)
        self.message.setObjectName("explainedMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.model = ExplanationModel(self)
        self.view = QTreeView(self)
        self.view.setObjectName("explanationTree")
        self.view.setAccessibleName("Explanation")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(False)
        self.view.setToolTip("Double-click a condition to open it in the rule editor")
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 170)
        header.resizeSection(2, 250)
        top = QHBoxLayout()
        top.addWidget(QLabel("At:", self))
        top.addWidget(self.turn_picker, 1)
        top.addWidget(self.only_relevant)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        self._entries: list[tuple[str, tuple[dict[str, Any], ...], int, str]] = []
        self._rule_index: dict[str, int] = {}
        self._ruleset: Ruleset | None = None
        self.turn_picker.currentIndexChanged.connect(self._show_current)
        self.only_relevant.toggled.connect(lambda _: self._show_current())
        self.view.activated.connect(self._activated)
        self.view.doubleClicked.connect(self._activated)

    def set_evaluations(self, entries: list[tuple[str, tuple[dict[str, Any], ...], int, str]],
                        rule_index: dict[str, int], ruleset: Ruleset | None = None) -> None:
        """Entries are (label, trace, turn, message text); the last one is shown. `ruleset` names
        the word groups conditions use."""
        self._entries, self._rule_index, self._ruleset = entries, rule_index, ruleset
        self.turn_picker.blockSignals(True)
        self.turn_picker.clear()
        self.turn_picker.addItems([e[0] for e in entries])
        self.turn_picker.setCurrentIndex(len(entries) - 1)
        self.turn_picker.blockSignals(False)
        self._show_current()

    def _show_current(self) -> None:
        index = self.turn_picker.currentIndex()
        if not (0 <= index < len(self._entries)):
            self.message.setText("<i>Type a visitor message to see how every rule judges it.</i>")
            self.model.set_tree(Node(None, ""))
            return
        _, trace, turn, text = self._entries[index]
        self.message.setText(f"<b>Visitor:</b> {highlight(text, held_spans(trace, turn))}" if text else
                             "<i>No visitor message yet.</i>")
        self.model.set_tree(build_tree(trace, self._rule_index, only_relevant=self.only_relevant.isChecked(),
                                       ruleset=self._ruleset))
        shown = 0
        for row, node in enumerate(self.model.root.children):
            if node.kind in ("fired", "near") and shown < AUTO_EXPAND:
                self.view.expandRecursively(self.model.index(row, 0))
                shown += 1

    def _activated(self, index: QModelIndex) -> None:
        rule_id, path = index.data(ExplanationModel.RuleRole), index.data(ExplanationModel.PathRole)
        if rule_id and path:
            self.condition_activated.emit(rule_id, path)

    def find_rule_row(self, rule_id: str) -> QModelIndex:
        for row, node in enumerate(self.model.root.children):
            if node.rule_id == rule_id:
                return self.model.index(row, 0)
        return QModelIndex()

    def note_for(self, path: str) -> str:
        """"In the simulator this was 0.80 (held)" for the shown condition at `path`."""
        stack = list(self.model.root.children)
        while stack:
            node = stack.pop()
            if node.path == path:
                value = f"this was {node.value} " if node.value else ""
                return f"In the simulator {value}({node.status})".replace("  ", " ")
            stack.extend(node.children)
        return "Explained in the simulator"
