"""The rule editor against a real Document and QUndoStack: build a rule the way a user would,
undo and redo it, and jump to the field a validation problem points at."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox

from builder.editing.document import Document
from builder.format.model import Escalate, Group, Leaf, Reply, Rule, Ruleset, Tag
from widgets.common.undo_commands import InsertRuleCommand, RemoveRuleCommand, ReplaceRuleCommand
from widgets.rules.conditions.chips import Picker
from widgets.rules.conditions.condition_editor import GroupBox
from widgets.rules.conditions.condition_row import LeafRow
from widgets.rules.conditions.value_editors import NumberEditor, PhraseEditor
from widgets.rules.rule_editor import RuleEditor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
PLAYBOOK = Path(__file__).resolve().parents[3] / "resources" / "examples" / "playbook.json"


def problem(path: str, message: str, rule_id: str | None = None) -> object:
    """A validator Problem (the real class when the format helper's module is there)."""
    try:
        from rules_schema.problems import Problem
    except ImportError:  # pragma: no cover
        return SimpleNamespace(path=path, message=message, severity="error", code="test", rule_id=rule_id)
    return Problem(path, message, "error", "test", rule_id)


# Rules with a known shape, put in front of the shipped playbook's own (which keeps evolving):
# the playbook supplies the templates, teams and channels the pickers offer.
NESTED = Rule("t-nested", "Enterprise interest", "high_intent", Group("any", (
    Leaf("message.text", "contains_any", ("enterprise pricing", "book a demo")),
    Group("all", (Leaf("visitor.score", "gt", 80), Leaf("pages.views_matching", "gte", 1, "/pricing*"))))),
    (Escalate("instant", "support", "high"), Reply("handoff-ack"), Tag(("pricing",))))
SINGLE = Rule("t-single", "Long conversation", "time_based", Leaf("conversation.visitor_message_count", "gt", 10))
TEXT = Rule("t-text", "Refunds", "complex", Group("any", (Leaf("message.text", "contains_any", ("refund",)),)),
            description="")


@pytest.fixture
def document() -> Document:
    playbook = Ruleset.from_dict(json.loads(PLAYBOOK.read_text(encoding="utf-8")))
    return Document(replace(playbook, rules=(NESTED, SINGLE, TEXT) + playbook.rules))


def _team_and_template(document: Document) -> tuple[str, str]:
    """The last team and the last chat template of the playbook (not the pickers' defaults)."""
    ruleset = document.ruleset
    return ruleset.routing.teams[-1].id, [t.id for t in ruleset.templates if t.channel == "chat"][-1]


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def editor(qtbot, document: Document, stack: QUndoStack) -> RuleEditor:
    widget = RuleEditor(document, stack)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _rule(document: Document, rule_id: str) -> Rule:
    rule = document.ruleset.rule(rule_id)
    assert rule is not None
    return rule


def _leaf_row(editor: RuleEditor, path: tuple[int, ...]) -> LeafRow:
    row = editor.condition_editor.rows[path]
    assert isinstance(row, LeafRow)
    return row


def _group(editor: RuleEditor, path: tuple[int, ...]) -> GroupBox:
    box = editor.condition_editor.rows[path]
    assert isinstance(box, GroupBox)
    return box


def _choose(widget: QComboBox | Picker, data: str) -> None:
    """Pick `data` the way a user does: the combo's entry, or the picker's menu entry."""
    if isinstance(widget, Picker):
        widget.choose(data)
        return
    index = widget.findData(data)
    assert index >= 0, data
    widget.setCurrentIndex(index)


def _add_action(editor: RuleEditor, kind: str) -> None:
    next(a for a in editor.action_cards.add_menu.actions() if a.data() == kind).trigger()


def test_build_a_rule_from_scratch_then_undo_and_redo(editor: RuleEditor, document: Document,
                                                      stack: QUndoStack, qtbot) -> None:
    blank = Rule("refund-vip", "New rule", "keyword", Group("all"))
    stack.push(InsertRuleCommand(document, 0, blank))
    editor.show_rule("refund-vip")
    # IF the latest message contains any of "refund", "chargeback" …
    qtbot.mouseClick(_group(editor, ()).add_condition_button, Qt.MouseButton.LeftButton)
    _choose(_leaf_row(editor, (0,)).fact_picker, "message.text")
    _choose(_leaf_row(editor, (0,)).op_picker, "contains_any")
    value_editor = _leaf_row(editor, (0,)).value_editor
    assert isinstance(value_editor, PhraseEditor)
    for phrase in ("refund", "chargeback"):
        qtbot.keyClicks(value_editor.chips.line_edit, phrase)
        qtbot.keyClick(value_editor.chips.line_edit, Qt.Key.Key_Return)
    # … and ANY of: visitor score is more than 80
    qtbot.mouseClick(_group(editor, ()).add_group_button, Qt.MouseButton.LeftButton)
    assert _group(editor, (1,)).group.kind == "any"
    qtbot.mouseClick(_group(editor, (1,)).add_condition_button, Qt.MouseButton.LeftButton)
    _choose(_leaf_row(editor, (1, 0)).fact_picker, "visitor.score")
    _choose(_leaf_row(editor, (1, 0)).op_picker, "gt")
    number = _leaf_row(editor, (1, 0)).value_editor
    assert isinstance(number, NumberEditor)
    number.spin.selectAll()
    qtbot.keyClicks(number.spin, "80")
    # THEN hand over to a team and reply
    team, template = _team_and_template(document)
    _add_action(editor, "escalate")
    _choose(editor.action_cards.cards[0].fields["team"], team)
    _add_action(editor, "reply")
    _choose(editor.action_cards.cards[1].fields["template"], template)

    expected = replace(
        blank,
        when=Group("all", (Leaf("message.text", "contains_any", ("refund", "chargeback")),
                           Group("any", (Leaf("visitor.score", "gt", 80),)))),
        actions=(Escalate("instant", team, "normal"), Reply(template)),
    )
    assert _rule(document, "refund-vip") == expected
    assert document.rules[0] is _rule(document, "refund-vip")

    steps = stack.index()
    while stack.canUndo() and stack.index() > 1:
        stack.undo()
    assert _rule(document, "refund-vip") == blank
    assert editor.condition_editor.view_root == Group("all")
    assert editor.action_cards.cards == []
    while stack.index() < steps:
        stack.redo()
    assert _rule(document, "refund-vip") == expected
    assert _leaf_row(editor, (1, 0)).value_editor.value() == 80  # type: ignore[union-attr]


def test_typing_a_name_is_one_undo_step(editor: RuleEditor, document: Document, stack: QUndoStack, qtbot) -> None:
    editor.show_rule("t-text")
    before = stack.count()
    editor.header.name_edit.setFocus()
    editor.header.name_edit.selectAll()
    qtbot.keyClicks(editor.header.name_edit, "Angry visitor")
    assert _rule(document, "t-text").name == "Angry visitor"
    assert stack.count() == before + 1
    assert editor.header.name_edit.hasFocus() and editor.header.name_edit.text() == "Angry visitor"
    stack.undo()
    assert _rule(document, "t-text").name == TEXT.name
    assert editor.header.name_edit.text() == TEXT.name


def test_header_fields_edit_the_rule(editor: RuleEditor, document: Document, qtbot) -> None:
    editor.show_rule("t-text")
    _choose(editor.header.trigger_combo, "emotional")
    qtbot.mouseClick(editor.header.enabled_box, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.header.stop_box, Qt.MouseButton.LeftButton)
    _choose(editor.header.cooldown_combo, "after_minutes")
    assert not editor.header.cooldown_minutes.isHidden()
    editor.header.cooldown_minutes.setValue(30)
    qtbot.keyClicks(editor.header.description_edit, "Money matters")
    rule = _rule(document, "t-text")
    assert (rule.trigger, rule.enabled, rule.stop) == ("emotional", False, False)
    assert (rule.cooldown.policy, rule.cooldown.minutes, rule.description) == ("after_minutes", 30, "Money matters")


def test_undo_elsewhere_refreshes_the_shown_rule(editor: RuleEditor, document: Document, stack: QUndoStack) -> None:
    editor.show_rule("t-nested")
    rule = _rule(document, "t-nested")
    stack.push(ReplaceRuleCommand(document, rule.id, replace(rule, trigger="keyword", name="Renamed"), "edit"))
    assert editor.header.trigger_combo.currentData() == "keyword" and editor.header.name_edit.text() == "Renamed"
    stack.undo()
    assert editor.header.trigger_combo.currentData() == "high_intent"
    assert editor.header.name_edit.text() == NESTED.name
    stack.push(RemoveRuleCommand(document, rule.id))
    assert editor.current_rule_id is None and editor.pages.currentIndex() == 0


def test_focus_problem_selects_the_field_and_shows_the_message(editor: RuleEditor, document: Document,
                                                               qtbot) -> None:
    editor.activateWindow()
    index = document.index_of("t-nested")
    target = editor.focus_problem(problem(f"$.rules[{index}].when.any[1].all[0].value", "Must be at most 100."))
    assert editor.current_rule_id == "t-nested"
    row = _leaf_row(editor, (1, 0))
    assert row.leaf.fact == "visitor.score"
    assert isinstance(row.value_editor, NumberEditor) and target is row.value_editor.spin
    qtbot.waitUntil(row.value_editor.spin.hasFocus)
    assert not row.problem_label.isHidden() and "Must be at most 100." in row.problem_label.text()

    name = editor.focus_problem(problem("$.rules[2].name", "A rule needs a name.", "t-text"))
    assert editor.current_rule_id == "t-text" and name is editor.header.name_edit
    assert "A rule needs a name." in editor.header.header_problem.text() and not editor.header.header_problem.isHidden()
    assert not row.problem_label.isVisible()

    card_field = editor.focus_problem(problem("$.rules[0].actions[1].template", "Unknown template."))
    assert editor.current_rule_id == "t-nested"  # found by the path's index alone
    assert card_field is editor.action_cards.cards[1].fields["template"]
    assert "Unknown template." in editor.action_cards.cards[1].problem_label.text()


def test_a_single_condition_rule_keeps_its_shape(editor: RuleEditor, document: Document) -> None:
    editor.show_rule("t-single")
    number = _leaf_row(editor, (0,)).value_editor
    assert isinstance(number, NumberEditor)
    number.spin.setValue(12)
    assert _rule(document, "t-single").when == Leaf("conversation.visitor_message_count", "gt", 12)


def test_sentence_and_diagram_toggle(editor: RuleEditor, qtbot) -> None:
    editor.show_rule("t-nested")
    diagram = editor.view_buttons.button(1)
    qtbot.mouseClick(diagram, Qt.MouseButton.LeftButton)
    assert editor.views.currentWidget() is editor.graph
    assert editor.graph.rule is editor.rule
    assert any("Visitor score" in block.toPlainText() for block in editor.graph.blocks)
    editor.show_rule("t-text")
    assert editor.graph.rule is editor.rule  # refreshes with the rule while shown
    qtbot.mouseClick(editor.view_buttons.button(0), Qt.MouseButton.LeftButton)
    assert editor.views.currentWidget() is editor.scroll_area


def test_typing_a_number_is_one_undo_step_and_keeps_focus(editor: RuleEditor, document: Document,
                                                          stack: QUndoStack, qtbot) -> None:
    editor.show_rule("t-nested")
    editor.activateWindow()
    spin = _leaf_row(editor, (1, 0)).value_editor.spin  # type: ignore[union-attr]
    spin.setFocus()
    spin.selectAll()
    before = stack.count()
    qtbot.keyClicks(spin, "95")
    assert _rule(document, "t-nested").when == Group("any", (
        Leaf("message.text", "contains_any", ("enterprise pricing", "book a demo")),
        Group("all", (Leaf("visitor.score", "gt", 95), Leaf("pages.views_matching", "gte", 1, "/pricing*")))))
    assert stack.count() == before + 1
    assert _leaf_row(editor, (1, 0)).value_editor.spin is spin  # type: ignore[union-attr]
    qtbot.waitUntil(spin.hasFocus)
    stack.undo()
    assert spin.value() == 80


def test_adding_phrases_keeps_the_cursor_in_the_chip_input(editor: RuleEditor, document: Document,
                                                         stack: QUndoStack, qtbot) -> None:
    editor.show_rule("t-text")
    editor.activateWindow()
    phrases = _leaf_row(editor, (0,)).value_editor
    assert isinstance(phrases, PhraseEditor)
    line = phrases.chips.line_edit
    line.setFocus()
    qtbot.keyClicks(line, "money back")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.keyClicks(line, "dispute")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    when = _rule(document, "t-text").when
    assert isinstance(when, Group) and isinstance(when.children[0], Leaf)
    assert when.children[0].value == ("refund", "money back", "dispute")
    assert _leaf_row(editor, (0,)).value_editor is phrases
    qtbot.waitUntil(line.hasFocus)
    stack.undo()
    assert "dispute" not in phrases.chips.values() and "money back" in phrases.chips.values()


def test_unknown_fact_and_operator_are_shown_not_replaced(editor: RuleEditor, document: Document,
                                                          stack: QUndoStack) -> None:
    rule = Rule("odd", "Odd", "keyword", Group("all", (Leaf("visitor.mood", "is_grumpy", "very"),)))
    stack.push(InsertRuleCommand(document, 0, rule))
    editor.show_rule("odd")
    row = _leaf_row(editor, (0,))
    assert row.fact_picker.current_data() == "visitor.mood" and "(unknown: visitor.mood)" in row.fact_picker.text()
    assert row.op_picker.text().startswith("(unknown: is_grumpy)")
    assert _rule(document, "odd") == rule


def test_a_closed_editor_stops_listening_to_the_document(qtbot, document: Document, stack: QUndoStack) -> None:
    editor = RuleEditor(document, stack)
    editor.show_rule("t-text")
    gone: list[bool] = []
    editor.destroyed.connect(lambda *_: gone.append(True))
    editor.deleteLater()
    qtbot.waitUntil(lambda: bool(gone))
    rule = _rule(document, "t-text")  # a listener left behind would touch a deleted widget
    stack.push(ReplaceRuleCommand(document, rule.id, replace(rule, name="Still fine"), "rename"))
    assert _rule(document, "t-text").name == "Still fine"


def test_show_problems_marks_every_field_of_the_shown_rule(editor: RuleEditor, document: Document) -> None:
    editor.show_rule("t-nested")
    index = document.index_of("t-nested")
    editor.show_problems([
        problem(f"$.rules[{index}].when.any[0].value", "Add at least one phrase."),
        problem(f"$.rules[{index}].when.any[0].value", "“buy today” is also in rule 1."),
        problem(f"$.rules[{index}].actions[2].tags", "Tags must not be empty."),
        problem("$.rules[2].name", "Another rule's problem."),
    ])
    row = _leaf_row(editor, (0,))
    assert row.problem_label.text().count("\n") == 1 and "also in rule 1" in row.problem_label.text()
    assert "Tags must not be empty." in editor.action_cards.cards[2].problem_label.text()
    assert editor.header.header_problem.isHidden()  # the other rule's problem is not shown here
    editor.show_problems([])
    assert row.problem_label.isHidden()


def test_inline_message_leaves_out_the_location(editor: RuleEditor, document: Document) -> None:
    index = document.index_of("t-nested")
    editor.focus_problem(problem(f"$.rules[{index}].when.any[0].value",
                                 f"Rule '{NESTED.name}', condition on 'Latest visitor message': "
                                 "the phrase list is empty"))
    assert _leaf_row(editor, (0,)).problem_label.text() == "✖ The phrase list is empty"
