"""The IF part of a rule as a sentence: "IF [all ▾] of these are true: [fact ▾] [operator ▾] [value]".

Groups nest (all / any, each can be negated with "not"); conditions are dragged between groups by
their ⠿ handle. The editor never changes the model: every gesture computes a new immutable
condition tree and emits `condition_edited(new_root, undo_text, merge_key)`; the rule editor turns
that into an undo command, and the document's change comes back through `set_condition`, which
updates widgets in place when only values changed (typing keeps its focus) and rebuilds otherwise.

A node is addressed by a path of child indexes (a `not` has its child at index 0). A root that is a
single condition is shown inside an implicit "all" group and unwrapped again when written back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from builder.editing.condition_edits import (
    Path,
    children,
    insert_at,
    move_node,
    node_at,
    parse_suffix,
    remove_at,
    replace_at,
    shape,
)
from builder.format.model import Condition, Group, Leaf, Not, Ruleset
from rules_schema.catalog import Catalog, catalog
from widgets.rules.conditions.chips import Picker
from widgets.rules.conditions.condition_row import (
    DragHandle,
    LeafRow,
    not_toggle,
    problem_label,
    show_inline_problem,
    small_button,
)
from widgets.rules.conditions.value_editors import default_value

MIME = "application/x-handoff-condition"


def fact_items(cat: Catalog) -> list[tuple[str, Any, str]]:
    """Picker items: a section per catalog group, then its facts with their descriptions."""
    groups: dict[str, list[Any]] = {}
    for fact in cat.facts.values():
        groups.setdefault(fact.group or "Other", []).append(fact)
    items: list[tuple[str, Any, str]] = []
    for group, facts in groups.items():
        items.append((group, None, ""))
        items.extend((fact.label, fact.name, fact.description) for fact in facts)
    return items


KIND_ITEMS = [("all", "all", "Every condition must hold"), ("any", "any", "At least one condition must hold")]


class GroupBox(QFrame):
    """'[all ▾] of these are true:' with its children, and buttons to add more; a drop target."""

    def __init__(self, editor: ConditionEditor, group: Group, path: Path, negated: bool, root: bool) -> None:
        super().__init__()
        self.setObjectName("conditionGroup")
        self.setProperty("depth", len(path))
        self.setProperty("root", root)
        self.setAcceptDrops(True)
        self.editor, self.group, self.path = editor, group, path
        self.node_path = path[:-1] if negated else path
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 6, 8, 6)
        outer.setSpacing(4)
        header = QHBoxLayout()
        header.setSpacing(6)
        if not root:
            header.addWidget(DragHandle(editor, self.node_path))
        else:
            word = QLabel("IF")
            word.setObjectName("sentenceKeyword")
            header.addWidget(word)
        self.not_toggle = not_toggle(negated)
        self.not_toggle.toggled.connect(lambda on: editor.set_negated(self.node_path, on))
        header.addWidget(self.not_toggle)
        self.kind_picker = Picker(KIND_ITEMS, group.kind, "All or any")
        self.kind_picker.setObjectName("groupKindPicker")
        self.kind_picker.picked.connect(self._kind_chosen)
        header.addWidget(self.kind_picker)
        header.addWidget(QLabel("of these are true:"))
        header.addStretch(1)
        if not root:
            delete = small_button("✕", "deleteGroup", "Delete this group and its conditions")
            delete.clicked.connect(lambda: editor.delete(self.node_path))
            header.addWidget(delete)
        outer.addLayout(header)
        self.problem_label = problem_label()
        outer.addWidget(self.problem_label)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(14, 0, 0, 0)
        self.body.setSpacing(4)
        outer.addLayout(self.body)
        self.child_widgets: list[QWidget] = []
        for index, child in enumerate(group.children):
            widget = editor.build_node(child, path + (index,))
            self.body.addWidget(widget)
            self.child_widgets.append(widget)
        if not group.children:
            hint = QLabel("No conditions yet: add one, or drop one here.")
            hint.setObjectName("emptyHint")
            self.body.addWidget(hint)
        footer = QHBoxLayout()
        footer.setContentsMargins(14, 0, 0, 0)
        self.add_condition_button = QPushButton("+ Condition")
        self.add_condition_button.setObjectName("addConditionButton")
        self.add_condition_button.setFlat(True)
        self.add_condition_button.clicked.connect(lambda: editor.add_condition(self.path))
        self.add_group_button = QPushButton("+ Group")
        self.add_group_button.setObjectName("addGroupButton")
        self.add_group_button.setFlat(True)
        self.add_group_button.clicked.connect(lambda: editor.add_group(self.path))
        footer.addWidget(self.add_condition_button)
        footer.addWidget(self.add_group_button)
        footer.addStretch(1)
        outer.addLayout(footer)

    def update_group(self, group: Group) -> None:
        self.group = group
        self.kind_picker.set_current(group.kind)

    def _kind_chosen(self, kind: str) -> None:
        if kind != self.group.kind:
            self.editor.replace_node(self.path, Group("all" if kind == "all" else "any", self.group.children),
                                     f"Match {kind}")

    def drop_index(self, y: int) -> int:
        for index, widget in enumerate(self.child_widgets):
            if y < widget.geometry().center().y():
                return index
        return len(self.child_widgets)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.editor.path_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
            self._highlight(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._highlight(False)

    def _highlight(self, on: bool) -> None:
        """Show where a dragged condition would land (`#conditionGroup[dropTarget="true"]`)."""
        self.setProperty("dropTarget", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragMoveEvent(self, event: Any) -> None:
        if self.editor.path_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self._highlight(False)
        src = self.editor.path_from_mime(event.mimeData())
        if src is None:
            return
        event.acceptProposedAction()
        self.editor.move_node_to(src, self.path, self.drop_index(event.position().toPoint().y()))


class NotFrame(QFrame):
    """A `not` around a `not` (rare): shown as its own box so nothing is hidden."""

    def __init__(self, editor: ConditionEditor, node: Not, path: Path) -> None:
        super().__init__()
        self.setObjectName("notFrame")
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        toggle = not_toggle(True)
        toggle.toggled.connect(lambda on: editor.set_negated(path, on))
        header.addWidget(toggle)
        header.addStretch(1)
        layout.addLayout(header)
        layout.addWidget(editor.build_node(node.child, path + (0,)))


class ConditionEditor(QWidget):
    """The whole IF tree of one rule. Signal: `condition_edited(root, text, merge_key | None)`."""

    condition_edited = Signal(object, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conditionEditor")
        self.catalog = catalog()
        self.fact_items = fact_items(self.catalog)
        self.ruleset: Ruleset | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._model_root: Condition | None = None
        self._view_root: Condition = Group("all")
        self._wrapped = False
        self.rows: dict[Path, QWidget] = {}
        self._root_widget: QWidget | None = None
        self._pending_focus: tuple[Path, str] | None = None  # where the keyboard goes after a rebuild

    # --- model -> view
    def set_condition(self, root: Condition, ruleset: Ruleset | None = None) -> None:
        # Only the schedules feed widgets (the schedule picker) and the word groups (their chips,
        # updated in place); every edit makes a new Ruleset.
        ruleset_changed = ruleset is not None and (
            self.ruleset is None or ruleset.schedules != self.ruleset.schedules)
        groups_changed = ruleset is not None and self.ruleset is not None and \
            ruleset.word_groups != self.ruleset.word_groups
        if ruleset is not None:
            self.ruleset = ruleset
        if root is self._model_root and not ruleset_changed and not groups_changed:
            return
        self._model_root = root
        self._wrapped = not (isinstance(root, Group) or (isinstance(root, Not) and isinstance(root.child, Group)))
        view = Group("all", (root,)) if self._wrapped else root
        old_view, self._view_root = self._view_root, view
        if self._root_widget is not None and shape(old_view) == shape(view) and not ruleset_changed:
            self._update_in_place(view, ())
        else:
            self._rebuild()

    @property
    def view_root(self) -> Condition:
        return self._view_root

    def view_path(self, model_path: Path) -> Path:
        return (0,) + model_path if self._wrapped else model_path

    def model_path(self, view_path: Path) -> Path:
        return view_path[1:] if self._wrapped else view_path

    def _update_in_place(self, node: Condition, path: Path) -> None:
        widget = self.rows.get(path)
        if isinstance(node, Leaf) and isinstance(widget, LeafRow):
            widget.update_leaf(node)
        elif isinstance(node, Group) and isinstance(widget, GroupBox):
            widget.update_group(node)
        for index, child in enumerate(children(node)):
            self._update_in_place(child, path + (index,))

    def _rebuild(self) -> None:
        focus, self._pending_focus = self._pending_focus or self._focus_key(), None
        if self._root_widget is not None:
            self._layout.removeWidget(self._root_widget)
            self._root_widget.hide()
            self._root_widget.deleteLater()
        self.rows = {}
        self._root_widget = self.build_node(self._view_root, (), root=True)
        self._layout.addWidget(self._root_widget)
        row = self.rows.get(focus[0]) if focus is not None else None
        if focus is not None and isinstance(row, LeafRow):
            row.field(focus[1]).setFocus()
        elif isinstance(row, GroupBox):
            row.kind_picker.setFocus()

    def _focus_key(self) -> tuple[Path, str] | None:
        focused = QApplication.focusWidget()
        if focused is None or self._root_widget is None or not self._root_widget.isAncestorOf(focused):
            return None
        for path, row in self.rows.items():
            if isinstance(row, LeafRow) and row.isAncestorOf(focused):
                return path, row.field_name(focused)
        return None

    def build_node(self, node: Condition, path: Path, root: bool = False) -> QWidget:
        negated = isinstance(node, Not) and not isinstance(node.child, Not)
        inner, inner_path = (node.child, path + (0,)) if negated and isinstance(node, Not) else (node, path)
        widget: QWidget
        if isinstance(inner, Leaf):
            widget = LeafRow(self, inner, inner_path, negated)
        elif isinstance(inner, Group):
            widget = GroupBox(self, inner, inner_path, negated, root)
        else:
            widget = NotFrame(self, inner, inner_path)
        self.rows[inner_path] = widget
        return widget

    # --- view -> edits (each emits one new root)
    def _emit(self, view_root: Condition, text: str, merge_key: str | None = None) -> None:
        out = view_root
        if self._wrapped and isinstance(view_root, Group) and view_root.kind == "all" and len(view_root.children) == 1:
            out = view_root.children[0]
        self.condition_edited.emit(out, text, merge_key)

    def replace_node(self, path: Path, node: Condition, text: str, merge_key: str | None = None) -> None:
        self._emit(replace_at(self._view_root, path, node), text, merge_key)

    def edit_leaf(self, path: Path, leaf: Leaf, text: str, merge_key: str | None = None) -> None:
        self.replace_node(path, leaf, text, merge_key)

    def new_leaf(self) -> Leaf:
        fact = next(iter(self.catalog.facts.values()))
        op = self.catalog.operators[fact.operators[0]]
        return Leaf(fact.name, op.name, default_value(fact, op))

    def add_condition(self, group_path: Path) -> None:
        group = node_at(self._view_root, group_path)
        self._pending_focus = (group_path + (len(children(group)),), "fact")  # the keyboard goes on from there
        self._emit(insert_at(self._view_root, group_path, len(children(group)), self.new_leaf()), "Add condition")

    def add_group(self, group_path: Path) -> None:
        group = node_at(self._view_root, group_path)
        nested = Group("any") if isinstance(group, Group) and group.kind == "all" else Group("all")
        self._pending_focus = (group_path + (len(children(group)),), "kind")
        self._emit(insert_at(self._view_root, group_path, len(children(group)), nested), "Add group")

    def delete(self, node_path: Path) -> None:
        if node_path:
            self._emit(remove_at(self._view_root, node_path), "Delete condition")

    def set_negated(self, node_path: Path, negated: bool) -> None:
        node = node_at(self._view_root, node_path)
        if negated and not isinstance(node, Not):
            self.replace_node(node_path, Not(node), "Wrap in “not”")
        elif not negated and isinstance(node, Not):
            self.replace_node(node_path, node.child, "Remove “not”")

    def move_node_to(self, src: Path, group_path: Path, index: int) -> None:
        moved = move_node(self._view_root, src, group_path, index)
        if moved is not None:
            self._emit(moved, "Move condition")

    def moves_for(self, node_path: Path) -> list[tuple[str, Path, int]]:
        """(label, target group, index) for the moves that make sense for the node at `node_path`."""
        parent_path, index = node_path[:-1], node_path[-1]
        parent = node_at(self._view_root, parent_path)
        moves: list[tuple[str, Path, int]] = []
        if not isinstance(parent, Group):
            return moves
        if index > 0:
            moves.append(("Move up", parent_path, index - 1))
        if index < len(parent.children) - 1:
            moves.append(("Move down", parent_path, index + 2))
        if parent_path and isinstance(node_at(self._view_root, parent_path[:-1]), Group):
            moves.append(("Move out of this group", parent_path[:-1], parent_path[-1] + 1))
        return moves

    def mime_for(self, node_path: Path) -> QMimeData:
        data = QMimeData()
        data.setData(MIME, f"{id(self)}:{'/'.join(map(str, node_path))}".encode())
        return data

    def path_from_mime(self, data: QMimeData) -> Path | None:
        if not data.hasFormat(MIME):
            return None
        owner, _, text = bytes(data.data(MIME).data()).decode().partition(":")
        if owner != str(id(self)):
            return None
        return tuple(int(p) for p in text.split("/") if p)

    # --- problems
    def clear_problems(self) -> None:
        for widget in self.rows.values():
            label = getattr(widget, "problem_label", None)
            if isinstance(label, QLabel):
                label.hide()

    def show_problem(self, suffix: str, message: str, severity: str = "error") -> QWidget | None:
        """Show `message` next to the node that `suffix` (JSON path below `when`) names; return the
        field to focus."""
        if self._model_root is None:
            return None
        model_path, field_name = parse_suffix(self._model_root, suffix)
        path = self.view_path(model_path)
        widget = self.rows.get(path)
        while widget is None and path:
            path = path[:-1]
            widget = self.rows.get(path)
        if isinstance(widget, LeafRow):
            show_inline_problem(widget.problem_label, message, severity)
            target = widget.field(field_name or "value")
        elif isinstance(widget, GroupBox):
            show_inline_problem(widget.problem_label, message, severity)
            target = widget.kind_picker
        else:
            return None
        return target
