"""One condition of the IF sentence: "[⠿] [not] [fact ▾] [param] [operator ▾] [value] [✕]".

A `LeafRow` turns each gesture into a new `Leaf` and hands it to its editor (`ConditionEdits`), which
turns it into one new tree and one undo step; it never changes the model itself. The small pieces
a group header shares with a row (drag handle, "not" toggle, delete button, inline problem label)
live here too, so the editor imports them from one place and rows stay testable on their own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QDrag, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from builder.editing.condition_edits import Path
from builder.editing.text_conditions import uses_text_options, with_operator
from builder.format.model import Leaf, Ruleset
from rules_schema.catalog import Catalog
from widgets.rules.conditions.chips import Picker
from widgets.rules.conditions.text_condition import TextConditionPanel
from widgets.rules.conditions.value_editors import (
    ChoiceListEditor,
    PatternEditor,
    PhraseEditor,
    ValueEditor,
    default_value,
    make_value_editor,
    value_fits,
)


class ConditionEdits(Protocol):
    """What a row asks of the editor that holds it (`ConditionEditor` is one): the catalog and
    schedules it offers, and the edits it turns gestures into. Rows are handed their editor, so
    this module never imports the editor module."""

    catalog: Catalog
    fact_items: list[tuple[str, Any, str]]
    ruleset: Ruleset | None

    def edit_leaf(self, path: Path, leaf: Leaf, text: str, merge_key: str | None = None) -> None: ...

    def set_negated(self, node_path: Path, negated: bool) -> None: ...

    def delete(self, node_path: Path) -> None: ...

    def move_node_to(self, src: Path, group_path: Path, index: int) -> None: ...

    def moves_for(self, node_path: Path) -> list[tuple[str, Path, int]]: ...

    def mime_for(self, node_path: Path) -> QMimeData: ...


def small_button(text: str, name: str, tip: str) -> QToolButton:
    """A flat icon-like button (✕, "not") that reads its tip aloud, so a symbol alone is never all
    a screen reader gets."""
    button = QToolButton()
    button.setObjectName(name)
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setAutoRaise(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


NOT_ON, NOT_OFF = "NOT \u2713", "not \u25cb"  # "NOT ✓" (on, red) / "not ○" (off, faint)


def not_toggle(negated: bool) -> QToolButton:
    """The "not" switch: its words say whether it is on ("NOT ✓") or off ("not ○"), not only its colour."""
    button = small_button(NOT_OFF, "notToggle", "Negate: holds when this does not")
    button.setCheckable(True)

    def show(on: bool) -> None:
        button.setText(NOT_ON if on else NOT_OFF)
        button.setToolTip("On: this holds when the condition does NOT hold. Click to switch off." if on
                          else "Off. Click to negate: hold when this does not.")
        button.setAccessibleName(f"Not, {'on' if on else 'off'}")

    button.toggled.connect(show)
    button.setChecked(negated)
    show(negated)
    return button


def _select(combo: QComboBox, value: str) -> None:
    """Select `value`; an id the list does not know is added as "(missing: …)", never swapped."""
    if combo.findData(value) < 0:
        combo.addItem(f"(missing: {value})", value)
    combo.setCurrentIndex(combo.findData(value))


def problem_label() -> QLabel:
    """The hidden label under a row that `show_inline_problem` fills, styled by `#inlineProblem`."""
    label = QLabel()
    label.setObjectName("inlineProblem")
    label.setWordWrap(True)
    label.hide()
    return label


def show_inline_problem(label: QLabel, message: str, severity: str) -> None:
    """The validator's message right under the field it is about (styled by `severity`); several
    problems of one field are listed one a line, the worst deciding the style."""
    line = ("⚠ " if severity == "warning" else "✖ ") + message
    lines = [] if label.isHidden() else label.text().split("\n")
    previous = None if label.isHidden() else label.property("severity")
    if line not in lines:
        lines.append(line)
    label.setText("\n".join(lines))
    label.setProperty("severity", "error" if "error" in (previous, severity) else "warning")
    label.style().unpolish(label)
    label.style().polish(label)
    label.show()


class DragHandle(QLabel):
    """⠿ — drag to move a condition or group to another group; right-click for the same moves."""

    def __init__(self, editor: ConditionEdits, node_path: Path) -> None:
        super().__init__("⠿")
        self.setObjectName("dragHandle")
        self.setToolTip("Drag to move into another group (right-click: move up, down or out)")
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.editor, self.node_path, self._press = editor, node_path, QPoint()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if (event.position().toPoint() - self._press).manhattanLength() < QApplication.startDragDistance():
            return
        drag = QDrag(self)
        drag.setMimeData(self.editor.mime_for(self.node_path))
        row = self.parentWidget()
        if row is not None:
            drag.setPixmap(row.grab())
        drag.exec(Qt.DropAction.MoveAction)

    def build_menu(self) -> QMenu:
        """Move up / down / out of the group: the drag gestures without dragging."""
        menu = QMenu(self)
        for text, group_path, index in self.editor.moves_for(self.node_path):
            action = menu.addAction(text)
            action.triggered.connect(lambda _c=False, g=group_path, i=index:
                                     self.editor.move_node_to(self.node_path, g, i))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.build_menu()
        if not menu.isEmpty():
            menu.exec(event.globalPos())


class LeafRow(QFrame):
    """One condition: handle, not, fact, param, operator, value, delete, and an inline problem."""

    def __init__(self, editor: ConditionEdits, leaf: Leaf, path: Path, negated: bool) -> None:
        super().__init__()
        self.setObjectName("conditionRow")
        self.editor, self.leaf, self.path = editor, leaf, path
        self.node_path = path[:-1] if negated else path
        cat = editor.catalog
        fact = cat.facts.get(leaf.fact)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 4, 4)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(6)
        outer.addLayout(row)
        row.addWidget(DragHandle(editor, self.node_path))
        self.not_toggle = not_toggle(negated)
        self.not_toggle.toggled.connect(lambda on: editor.set_negated(self.node_path, on))
        row.addWidget(self.not_toggle)
        self.fact_picker = Picker(editor.fact_items, None, "Fact")
        self.fact_picker.setObjectName("factPicker")
        self.fact_picker.missing_label = "(unknown: {})"  # kept as written; the validator explains it
        self.fact_picker.set_current(leaf.fact)
        self.fact_picker.picked.connect(self._fact_chosen)
        row.addWidget(self.fact_picker)
        self.param_widget: QWidget | None = self._param_widget(fact.param if fact else None)
        if self.param_widget is not None:
            row.addWidget(self.param_widget)
        self.op_picker = Picker([(o.label, o.name, o.help) for o in cat.operators_for(leaf.fact)], None, "Operator")
        self.op_picker.setObjectName("operatorPicker")
        self.op_picker.missing_label = "(unknown: {})"
        self.op_picker.set_current(leaf.op)
        self.op_picker.picked.connect(self._op_chosen)
        row.addWidget(self.op_picker)
        op = cat.operators.get(leaf.op)
        self.value_editor: ValueEditor | None = (
            make_value_editor(fact, op, leaf.value) if fact and op else None)
        # Lists and patterns get the full width on their own line, under the fact; short values
        # (a number, a choice) stay in the sentence. Phrase conditions add word groups, "near" and
        # their options around the phrases (`TextConditionPanel`).
        wide = isinstance(self.value_editor, (PhraseEditor, PatternEditor, ChoiceListEditor))
        if self.value_editor is not None:
            self.value_editor.setToolTip(op.help if op else "")
            self.value_editor.value_edited.connect(self._value_edited)
        self.text_panel: TextConditionPanel | None = None
        if uses_text_options(leaf.op) and fact is not None and op is not None:
            self.text_panel = TextConditionPanel(
                leaf, editor.ruleset, self.value_editor,
                lambda new, text, merge: editor.edit_leaf(self.path, new, text, merge), str(path))
        if self.value_editor is not None and not wide:
            row.addWidget(self.value_editor, 1)
        else:
            row.addStretch(1)
        delete = small_button("✕", "deleteCondition", "Delete this condition")
        delete.clicked.connect(lambda: editor.delete(self.node_path))
        row.addWidget(delete)
        below_widget = self.text_panel or (self.value_editor if wide else None)
        if below_widget is not None:
            below = QHBoxLayout()
            below.setContentsMargins(52, 0, 28, 2)
            below.addWidget(below_widget, 1)
            outer.addLayout(below)
        self.problem_label = problem_label()
        outer.addWidget(self.problem_label)
        if isinstance(self.value_editor, PhraseEditor):  # a refused phrase says why, under the row
            self.value_editor.chips.refused.connect(
                lambda message: show_inline_problem(self.problem_label, message, "error"))

    def _param_widget(self, kind: str | None) -> QWidget | None:
        if kind == "schedule":
            combo = QComboBox()
            combo.setAccessibleName("Schedule")
            combo.addItem("default schedule", "")
            for schedule in self.editor.ruleset.schedules if self.editor.ruleset else ():
                combo.addItem(schedule.name, schedule.id)
            _select(combo, self.leaf.param or "")
            combo.currentIndexChanged.connect(lambda _i: self._param_edited(combo.currentData() or None, False))
            return combo
        if kind in ("attribute", "url_pattern"):
            edit = QLineEdit(self.leaf.param or "")
            edit.setObjectName("paramEdit")
            edit.setPlaceholderText("attribute, e.g. plan" if kind == "attribute" else "URL pattern, e.g. /pricing*")
            edit.setAccessibleName("Attribute name" if kind == "attribute" else "URL pattern")
            edit.setMaximumWidth(150)
            edit.textEdited.connect(lambda text: self._param_edited(text or None, True))
            return edit
        return None

    def update_leaf(self, leaf: Leaf) -> None:
        """Same fact and operator, new values (undo, or our own edit coming back)."""
        self.leaf = leaf
        if isinstance(self.param_widget, QLineEdit) and self.param_widget.text() != (leaf.param or ""):
            self.param_widget.setText(leaf.param or "")
        elif isinstance(self.param_widget, QComboBox):
            self.param_widget.blockSignals(True)
            _select(self.param_widget, leaf.param or "")
            self.param_widget.blockSignals(False)
        if self.value_editor is not None and self.value_editor.value() != leaf.value:
            self.value_editor.set_value(leaf.value)
        if self.text_panel is not None:
            self.text_panel.update_leaf(leaf, self.editor.ruleset)

    def field(self, name: str) -> QWidget:
        """The widget for a JSON field name (fact, param, op, value): where a problem sends the keyboard."""
        if name == "fact":
            return self.fact_picker
        if name == "param" and self.param_widget is not None:
            return self.param_widget
        if name == "value" and self.value_editor is not None:
            return self.value_editor.focus_field()
        option = self.text_panel.field(name) if self.text_panel is not None else None
        if option is not None:
            return option
        return self.op_picker if name == "op" else self.fact_picker

    def field_name(self, widget: QWidget) -> str:
        """The inverse of `field`, so focus can be put back on the same field after a rebuild."""
        for name in ("fact", "param", "op", "value", "groups", "near", "within", "typo", "ignore_negated"):
            target = self.field(name)
            if target is widget or target.isAncestorOf(widget):
                return name
        return "value" if self.value_editor and self.value_editor.isAncestorOf(widget) else "fact"

    def _fact_chosen(self, name: str) -> None:
        cat = self.editor.catalog
        fact = cat.facts.get(name) if name else None
        if fact is None or name == self.leaf.fact:
            return
        op_name = self.leaf.op if self.leaf.op in fact.operators else fact.operators[0]
        op = cat.operators[op_name]
        old = cat.facts.get(self.leaf.fact)
        value = self.leaf.value if value_fits(self.leaf.value, fact, op) and old and old.type == fact.type \
            else default_value(fact, op)
        param = self.leaf.param if old and old.param == fact.param else None
        self.editor.edit_leaf(self.path, Leaf(name, op_name, value, param), f"Test “{fact.label}”")

    def _op_chosen(self, op_name: str) -> None:
        cat = self.editor.catalog
        fact, op = cat.facts.get(self.leaf.fact), cat.operators.get(op_name)
        if fact is None or op is None or op_name == self.leaf.op:
            return
        value = self.leaf.value if value_fits(self.leaf.value, fact, op) else default_value(fact, op)
        self.editor.edit_leaf(self.path, with_operator(self.leaf, op_name, value), f"Operator “{op.label}”")

    def _param_edited(self, param: str | None, merge: bool) -> None:
        self.editor.edit_leaf(self.path, replace(self.leaf, param=param), "Change parameter",
                              f"param:{self.path}" if merge else None)

    def _value_edited(self, value: Any, merge: bool) -> None:
        self.editor.edit_leaf(self.path, replace(self.leaf, value=value), "Change value",
                              f"value:{self.path}" if merge else None)
