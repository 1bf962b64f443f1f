"""Text conditions in the rule editor: pick word groups as chips, write a "near" as a sentence,
turn typo tolerance and negation on and off; each gesture is one undo step on the document."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from builder.editing.document import Document
from builder.editing.word_groups import rename_group
from builder.format.model import Group, Leaf, Metadata, NearSide, Rule, Ruleset, Tag, WordGroup
from widgets.common.undo_commands import SetRulesetCommand
from widgets.rules.conditions.condition_row import LeafRow
from widgets.rules.conditions.text_condition import TextConditionPanel
from widgets.rules.rule_editor import RuleEditor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

PEOPLE = WordGroup("people", "People we can put you through to", ("human", "agent", "person"))
VERBS = WordGroup("verbs", "Contact verbs", ("talk", "speak"), includes=("callback",))
CALLBACK = WordGroup("callback", "Call me back", ("call back",))
ASKS = Rule("asks", "Visitor asks for a human", "explicit_request",
            Group("all", (Leaf("message.text", "contains_any", ("human",)),)), (Tag(("human",)),))


@pytest.fixture
def document() -> Document:
    return Document(Ruleset(Metadata("Test"), rules=(ASKS,), word_groups=(PEOPLE, VERBS, CALLBACK)))


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def editor(qtbot, document: Document, stack: QUndoStack) -> RuleEditor:
    widget = RuleEditor(document, stack)
    qtbot.addWidget(widget)
    widget.resize(950, 720)
    widget.show_rule("asks")
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def leaf(document: Document) -> Leaf:
    rule = document.ruleset.rule("asks")
    assert rule is not None and isinstance(rule.when, Group)
    found = rule.when.children[0]
    assert isinstance(found, Leaf)
    return found


def row(editor: RuleEditor) -> LeafRow:
    found = editor.condition_editor.rows[(0,)]
    assert isinstance(found, LeafRow)
    return found


def panel(editor: RuleEditor) -> TextConditionPanel:
    found = row(editor).text_panel
    assert found is not None
    return found


@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise", "grabbing the keyboard")  # a popup
def test_pick_word_groups_as_chips_with_name_and_word_count(qtbot, editor: RuleEditor, document: Document,
                                                            stack: QUndoStack) -> None:
    chips = panel(editor).groups
    assert not chips.lead_label.isVisibleTo(chips)  # "a word of" only once there is a group
    assert [a.text() for a in chips.menu_actions()] == [
        "People we can put you through to  (3 words)", "Contact verbs  (3 words)", "Call me back  (1 word)"]
    qtbot.mouseClick(chips.add_button, Qt.MouseButton.LeftButton)  # the menu, then a click on "Contact verbs"
    qtbot.waitUntil(chips.add_menu.isVisible)
    entry = next(a for a in chips.add_menu.actions() if a.data() == "verbs")
    qtbot.mouseClick(chips.add_menu, Qt.MouseButton.LeftButton, pos=chips.add_menu.actionGeometry(entry).center())
    assert leaf(document).groups == ("verbs",) and leaf(document).value == ("human",)
    assert stack.undoText() == "Use word group “Contact verbs”"
    chip = panel(editor).groups.chips["verbs"]
    assert (chip.name_label.text(), chip.count_label.text()) == ("Contact verbs", "· 3 words")  # its include too
    assert "talk, speak, call back" in chip.toolTip()
    assert [a.data() for a in panel(editor).groups.menu_actions()] == ["people", "callback"]  # not twice
    panel(editor).groups.choose("people")
    assert leaf(document).groups == ("verbs", "people")
    qtbot.mouseClick(panel(editor).groups.chips["verbs"].remove_button, Qt.MouseButton.LeftButton)
    assert leaf(document).groups == ("people",)
    assert stack.undoText() == "Stop using word group “Contact verbs”"
    stack.undo()
    assert leaf(document).groups == ("verbs", "people") and list(panel(editor).groups.chips) == ["verbs", "people"]
    stack.undo()
    stack.undo()
    assert leaf(document).groups == () and panel(editor).groups.chips == {}
    stack.redo()
    assert list(panel(editor).groups.chips) == ["verbs"]


def test_a_group_renamed_on_its_page_is_renamed_on_the_chip(editor: RuleEditor, document: Document,
                                                             stack: QUndoStack) -> None:
    panel(editor).groups.choose("people")
    stack.push(SetRulesetCommand(document, rename_group(document.ruleset, "people", "Staff"), "Rename"))
    assert panel(editor).groups.chips["people"].name_label.text() == "Staff"
    stack.undo()
    assert panel(editor).groups.chips["people"].name_label.text() == "People we can put you through to"


def test_near_is_written_as_a_sentence_and_edited_in_place(qtbot, editor: RuleEditor, document: Document,
                                                            stack: QUndoStack) -> None:
    panel(editor).groups.choose("verbs")
    row(editor).op_picker.choose("near")
    assert (leaf(document).op, leaf(document).groups, leaf(document).value) == ("near", ("verbs",), ("human",))
    near = panel(editor)
    assert near.within_spin is not None and near.near_groups is not None and near.near_phrases is not None
    words = [w.text() for w in near.findChildren(type(near.groups.lead_label)) if w.objectName() == "sentenceWord"]
    assert words == ["mentions", "within", "words of"]
    assert near.within_spin.value() == 4 and leaf(document).within is None  # the default, not written
    near.near_groups.choose("people")
    assert leaf(document).near == NearSide((), ("people",))
    assert near.near_groups.lead_label.text() == "a word of" and near.near_groups.lead_label.isVisibleTo(near)
    qtbot.keyClicks(near.near_phrases.chips.line_edit, "someone")
    qtbot.keyClick(near.near_phrases.chips.line_edit, Qt.Key.Key_Return)
    assert leaf(document).near == NearSide(("someone",), ("people",))
    assert stack.undoText() == "Change the words to be near"
    before = stack.count()
    near.within_spin.setFocus()
    qtbot.keyClick(near.within_spin, Qt.Key.Key_Up)
    qtbot.keyClick(near.within_spin, Qt.Key.Key_Up)
    assert leaf(document).within == 6
    assert stack.count() == before + 1 and stack.undoText() == "Change how many words apart"  # merged
    assert panel(editor) is near  # edited in place: the row kept its widgets and the keyboard
    assert near.within_spin.hasFocus()
    stack.undo()
    assert leaf(document).within is None and near.within_spin.value() == 4
    stack.redo()
    assert near.within_spin.value() == 6
    row(editor).op_picker.choose("contains_any")  # back: the near side goes, the groups stay
    assert (leaf(document).near, leaf(document).within, leaf(document).groups) == (None, None, ("verbs",))
    stack.undo()
    assert leaf(document).near == NearSide(("someone",), ("people",)) and leaf(document).within == 6


def test_typo_tolerance_is_on_by_default_and_negation_off(qtbot, editor: RuleEditor, document: Document,
                                                          stack: QUndoStack) -> None:
    options = panel(editor)
    assert options.typo_box.isChecked() and not options.negated_box.isChecked()
    assert options.negated_box.text() == "Ignore when negated (“I don’t need a human”)"
    qtbot.mouseClick(options.typo_box, Qt.MouseButton.LeftButton)
    assert leaf(document).typo is False and stack.undoText() == "Match exact spelling only"
    qtbot.mouseClick(options.negated_box, Qt.MouseButton.LeftButton)
    assert leaf(document).ignore_negated is True and stack.undoText() == "Ignore negated mentions"
    assert leaf(document).to_dict() == {"fact": "message.text", "op": "contains_any", "value": ["human"],
                                        "typo": False, "ignore_negated": True}
    stack.undo()
    assert leaf(document).ignore_negated is False and not panel(editor).negated_box.isChecked()
    stack.undo()
    assert leaf(document).typo is True and panel(editor).typo_box.isChecked()
    stack.redo()
    assert not panel(editor).typo_box.isChecked()


def test_only_phrase_conditions_get_the_panel(editor: RuleEditor, document: Document) -> None:
    row(editor).op_picker.choose("matches")
    assert leaf(document).op == "matches" and row(editor).text_panel is None


def test_a_problem_about_the_distance_focuses_the_spin_box(editor: RuleEditor, document: Document,
                                                           stack: QUndoStack) -> None:
    row(editor).op_picker.choose("near")
    target = editor.condition_editor.show_problem(".all[0].within", "too far", "error")
    assert target is panel(editor).within_spin
