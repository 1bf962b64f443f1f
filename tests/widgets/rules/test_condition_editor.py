"""The IF sentence: tree edits as pure functions, then the widget driven like a user."""

from __future__ import annotations

import warnings

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from builder.editing.condition_edits import json_suffix, move_node, node_at, parse_suffix, remove_at
from builder.format.model import Condition, Group, Leaf, Not
from rules_schema.catalog import catalog
from widgets.rules.conditions.condition_editor import ConditionEditor, GroupBox
from widgets.rules.conditions.condition_row import DragHandle, LeafRow
from widgets.rules.conditions.value_editors import NumberEditor, PhraseEditor


def gui(test):  # type: ignore[no-untyped-def]
    """GUI test: needs a QApplication; the offscreen plugin's size-hint notice is not a failure."""
    return pytest.mark.gui(pytest.mark.qt_log_ignore("propagateSizeHints")(test))


A, B, C = (
    Leaf("visitor.score", "gt", 80),
    Leaf("cart.abandoned", "is_true"),
    Leaf("message.text", "contains_any", ("x",)),
)
TREE = Group("any", (A, Group("all", (B, Not(C)))))


# --- pure tree edits ---------------------------------------------------------------------------


def test_json_suffix_and_parse_suffix_are_inverse() -> None:
    assert json_suffix(TREE, (1, 1, 0)) == ".any[1].all[1].not"
    assert parse_suffix(TREE, ".any[1].all[1].not.value") == ((1, 1, 0), "value")
    assert parse_suffix(TREE, ".any[0].op") == ((0,), "op")
    assert parse_suffix(TREE, ".any[7].value") == ((), "")  # out of range: the nearest node


def test_removing_the_child_of_a_not_removes_the_not() -> None:
    assert remove_at(TREE, (1, 1, 0)) == Group("any", (A, Group("all", (B,))))


def test_move_into_a_nested_group_and_back() -> None:
    moved = move_node(TREE, (0,), (1,), 0)
    assert moved == Group("any", (Group("all", (A, B, Not(C))),))
    assert moved is not None
    back = move_node(moved, (0, 1), (), 0)
    assert back == Group("any", (B, Group("all", (A, Not(C)))))


def test_move_refuses_a_group_into_itself_and_no_op_moves() -> None:
    assert move_node(TREE, (1,), (1,), 0) is None
    assert move_node(TREE, (0,), (), 1) is None


# --- the widget --------------------------------------------------------------------------------


@pytest.fixture
def editor(qtbot) -> ConditionEditor:
    """An editor wired to itself, the way the document would echo each edit back."""
    widget = ConditionEditor()
    qtbot.addWidget(widget)
    widget.edits: list[str] = []  # type: ignore[misc]
    widget.condition_edited.connect(lambda root, text, _m: (widget.edits.append(text), widget.set_condition(root)))
    widget.resize(900, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _root(editor: ConditionEditor) -> Condition:
    return editor.view_root


@gui
def test_build_a_condition_tree_by_clicking(editor: ConditionEditor, qtbot) -> None:
    editor.set_condition(Group("all"))
    root_box = editor.rows[()]
    assert isinstance(root_box, GroupBox)
    qtbot.mouseClick(root_box.add_condition_button, Qt.MouseButton.LeftButton)
    row = editor.rows[(0,)]
    assert isinstance(row, LeafRow)
    # choose the fact from the grouped dropdown, then the operator (limited to the fact's)
    row.fact_picker.choose("conversation.text")
    row = editor.rows[(0,)]
    assert isinstance(row, LeafRow)
    ops = row.op_picker.data_items()
    assert ops == list(catalog().facts["conversation.text"].operators)
    row.op_picker.choose("contains_none")
    row = editor.rows[(0,)]
    assert isinstance(row, LeafRow) and isinstance(row.value_editor, PhraseEditor)
    chips_input = row.value_editor.chips.line_edit
    for phrase in ("refund", "cancel"):
        qtbot.keyClicks(chips_input, phrase)
        qtbot.keyClick(chips_input, Qt.Key.Key_Return)
    assert _root(editor) == Group("all", (Leaf("conversation.text", "contains_none", ("refund", "cancel")),))
    # a nested group, switched to "all", with a number condition
    root_box = editor.rows[()]  # every structural edit rebuilds the rows
    assert isinstance(root_box, GroupBox)
    qtbot.mouseClick(root_box.add_group_button, Qt.MouseButton.LeftButton)
    nested = editor.rows[(1,)]
    assert isinstance(nested, GroupBox) and nested.group.kind == "any"
    nested.kind_picker.choose("all")
    nested = editor.rows[(1,)]
    assert isinstance(nested, GroupBox)
    qtbot.mouseClick(nested.add_condition_button, Qt.MouseButton.LeftButton)
    leaf_row = editor.rows[(1, 0)]
    assert isinstance(leaf_row, LeafRow)
    leaf_row.fact_picker.choose("bot.fallback_count")
    leaf_row = editor.rows[(1, 0)]
    assert isinstance(leaf_row, LeafRow) and isinstance(leaf_row.value_editor, NumberEditor)
    spin = leaf_row.value_editor.spin
    spin.selectAll()
    qtbot.keyClicks(spin, "3")
    assert node_at(_root(editor), (1,)) == Group("all", (Leaf("bot.fallback_count", "eq", 3),))
    assert _root(editor) == Group(
        "all",
        (
            Leaf("conversation.text", "contains_none", ("refund", "cancel")),
            Group("all", (Leaf("bot.fallback_count", "eq", 3),)),
        ),
    )


@gui
def test_fact_dropdown_is_grouped_with_tooltips(editor: ConditionEditor) -> None:
    editor.set_condition(Group("all", (A,)))
    row = editor.rows[(0,)]
    assert isinstance(row, LeafRow)
    menu = row.fact_picker.build_menu()
    sections = [a.text() for a in menu.actions() if a.isSeparator()]
    assert {"Message", "Emotion", "Visitor", "Time"} <= set(sections)
    facts = {a.data(): a for a in menu.actions() if a.isCheckable()}
    assert sorted(facts) == sorted(catalog().facts)  # every fact, once, under its group
    assert (
        facts["visitor.score"].isChecked()
        and facts["visitor.score"].toolTip() == catalog().facts["visitor.score"].description
    )
    assert row.fact_picker.text().startswith(catalog().facts["visitor.score"].label)


@gui
def test_param_field_for_url_pattern_facts(editor: ConditionEditor, qtbot) -> None:
    editor.set_condition(Group("all", (Leaf("pages.views_matching", "gte", 1, "/pricing*"),)))
    row = editor.rows[(0,)]
    assert isinstance(row, LeafRow) and row.param_widget is not None
    row.param_widget.setFocus()
    row.param_widget.selectAll()
    qtbot.keyClicks(row.param_widget, "/plans*")
    assert _root(editor) == Group("all", (Leaf("pages.views_matching", "gte", 1, "/plans*"),))
    assert editor.rows[(0,)] is row  # typing updated in place: same widgets, focus kept
    assert row.param_widget.hasFocus()


@gui
def test_wrap_in_not_and_unwrap(editor: ConditionEditor, qtbot) -> None:
    editor.set_condition(Group("all", (A, B)))
    row = editor.rows[(1,)]
    assert isinstance(row, LeafRow)
    qtbot.mouseClick(row.not_toggle, Qt.MouseButton.LeftButton)
    assert _root(editor) == Group("all", (A, Not(B)))
    row = editor.rows[(1, 0)]
    assert isinstance(row, LeafRow) and row.not_toggle.isChecked()
    qtbot.mouseClick(row.not_toggle, Qt.MouseButton.LeftButton)
    assert _root(editor) == Group("all", (A, B))
    assert editor.edits[-2:] == ["Wrap in “not”", "Remove “not”"]


@gui
def test_delete_a_condition_and_a_group(editor: ConditionEditor, qtbot) -> None:
    editor.set_condition(TREE)
    group = editor.rows[(1,)]
    assert isinstance(group, GroupBox)
    delete = group.findChild(type(group.not_toggle), "deleteGroup")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert _root(editor) == Group("any", (A,))


@gui
def test_a_single_root_condition_is_shown_in_a_group_and_written_back_alone(editor: ConditionEditor) -> None:
    out: list[Condition] = []
    editor.condition_edited.connect(lambda root, _t, _m: out.append(root))
    editor.set_condition(A)
    row = editor.rows[(0,)]
    assert isinstance(row, LeafRow) and isinstance(row.value_editor, NumberEditor)
    row.value_editor.spin.setValue(90)
    assert out[-1] == Leaf("visitor.score", "gt", 90)


@gui
def test_drag_a_condition_into_another_group(editor: ConditionEditor, qtbot) -> None:
    editor.set_condition(TREE)
    target = editor.rows[(1,)]
    assert isinstance(target, GroupBox)
    mime = editor.mime_for((0,))
    last = target.child_widgets[-1]
    drop_at = QPointF(20, last.geometry().bottom() + 2)  # below the last child: append
    # Offscreen there is no drag manager to carry a real QDrag, so deliver what Qt would: the
    # enter event (the group must accept it) and then the drop, with the handle's mime data.
    with warnings.catch_warnings():  # PySide marks the only QDragEnterEvent constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(
            drop_at.toPoint(), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
    target.dragEnterEvent(enter)
    assert enter.isAccepted() and target.property("dropTarget") is True  # highlighted while over it
    drop = QDropEvent(
        drop_at, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    target.dropEvent(drop)
    assert _root(editor) == Group("any", (Group("all", (B, Not(C), A)),))
    assert editor.edits[-1] == "Move condition"


@gui
def test_drops_from_another_editor_are_refused(editor: ConditionEditor, qtbot) -> None:
    other = ConditionEditor()
    qtbot.addWidget(other)
    editor.set_condition(TREE)
    assert editor.path_from_mime(other.mime_for((0,))) is None
    assert editor.path_from_mime(editor.mime_for((1, 0))) == (1, 0)


@gui
def test_undo_from_outside_updates_values_in_place(editor: ConditionEditor) -> None:
    editor.set_condition(Group("all", (A,)))
    row = editor.rows[(0,)]
    editor.set_condition(Group("all", (Leaf("visitor.score", "gt", 55),)))
    assert editor.rows[(0,)] is row
    assert isinstance(row, LeafRow) and isinstance(row.value_editor, NumberEditor)
    assert row.value_editor.value() == 55


@gui
def test_right_click_moves_without_dragging(editor: ConditionEditor) -> None:
    editor.set_condition(TREE)
    row = editor.rows[(1, 0)]
    assert isinstance(row, LeafRow)
    handle = row.findChild(DragHandle)
    assert handle is not None
    menu = {a.text(): a for a in handle.build_menu().actions()}
    assert set(menu) == {"Move down", "Move out of this group"}
    menu["Move out of this group"].trigger()
    assert _root(editor) == Group("any", (A, Group("all", (Not(C),)), B))


@gui
def test_unknown_schedule_is_kept(editor: ConditionEditor) -> None:
    editor.set_condition(Group("all", (Leaf("time.in_business_hours", "is_true", None, "gone"),)))
    row = editor.rows[(0,)]
    assert isinstance(row, LeafRow) and row.param_widget is not None
    assert row.param_widget.currentText() == "(missing: gone)"  # type: ignore[attr-defined]


@gui
def test_a_new_condition_takes_the_keyboard(editor: ConditionEditor, qtbot) -> None:
    editor.set_condition(Group("all", (A,)))
    editor.activateWindow()
    root = editor.rows[()]
    assert isinstance(root, GroupBox)
    qtbot.mouseClick(root.add_condition_button, Qt.MouseButton.LeftButton)
    row = editor.rows[(1,)]
    assert isinstance(row, LeafRow)
    qtbot.waitUntil(row.fact_picker.hasFocus)
    root = editor.rows[()]  # rebuilt
    assert isinstance(root, GroupBox)
    qtbot.mouseClick(root.add_group_button, Qt.MouseButton.LeftButton)
    group = editor.rows[(2,)]
    assert isinstance(group, GroupBox)
    qtbot.waitUntil(group.kind_picker.hasFocus)
