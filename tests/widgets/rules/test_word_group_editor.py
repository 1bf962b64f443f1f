"""The Word groups page against a real Document and QUndoStack: add and rename a group by typing,
type and paste words, include a group (and be told why a loop is refused), see which rules use a
group, delete and merge; every edit checked in the model and undone and redone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QUndoStack

from builder.editing.document import Document
from builder.editing.word_groups import group_users, rename_group
from builder.format.model import Group, Leaf, Metadata, NearSide, Rule, Ruleset, Tag, WordGroup
from widgets.common.undo_commands import SetRulesetCommand
from widgets.rules.word_group_editor import WordGroupEditor

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

PEOPLE = WordGroup("people-by-role", "People", ("human", "agent"), description="Who can take over")
SOMEONE = WordGroup("someone-at-all", "Someone", ("someone",), includes=("people-by-role",))
VERBS = WordGroup("contact-verbs", "Contact verbs", ("talk", "speak"))
SPARE = WordGroup("spare-words", "Spare words", ("spare",))
ASKS = Rule("asks", "Visitor asks for a human", "explicit_request", Group("all", (
    Leaf("message.text", "near", (), groups=("contact-verbs",), near=NearSide((), ("someone-at-all",))),)),
    (Tag(("human",)),))
ANGRY = Rule("angry", "Angry about the bot", "emotional",
             Leaf("message.text", "contains_any", ("useless",), groups=("people-by-role",)), (Tag(("angry",)),))


@pytest.fixture
def document() -> Document:
    return Document(Ruleset(Metadata("Test"), rules=(ASKS, ANGRY), word_groups=(PEOPLE, SOMEONE, VERBS, SPARE)))


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def page(qtbot, document: Document, stack: QUndoStack) -> WordGroupEditor:
    widget = WordGroupEditor(document, stack)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def group(document: Document, group_id: str) -> WordGroup:
    found = document.ruleset.word_group(group_id)
    assert found is not None
    return found


def list_texts(page: WordGroupEditor) -> list[str]:
    return [page.group_list.item(r).text() for r in range(page.group_list.count())]


def select(qtbot, page: WordGroupEditor, group_id: str) -> None:
    item = page.item_for(group_id)
    assert item is not None
    qtbot.mouseClick(page.group_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.group_list.visualItemRect(item).center())
    assert page.current_group_id() == group_id


def test_groups_are_listed_by_name_with_their_word_count_never_by_id(page: WordGroupEditor) -> None:
    assert list_texts(page) == ["People  (2 words)", "Someone  (3 words)", "Contact verbs  (2 words)",
                                "Spare words  (1 word)"]
    assert page.name_edit.text() == "People" and page.description_edit.text() == "Who can take over"
    assert page.words_edit.values() == ["human", "agent"]
    shown = [*list_texts(page), page.name_edit.text(), page.total_label.text(), *page.used_by()]
    assert not any(g.id in text for g in (PEOPLE, SOMEONE, VERBS, SPARE) for text in shown)


def test_a_long_group_name_is_shown_whole(qtbot, document: Document, stack: QUndoStack) -> None:
    """"Things named after peopl…s, features": the list cut long names in the middle."""
    long_group = WordGroup("named-things", "Things named after people (products, jobs, features)", ("x",))
    groups = (long_group, *document.ruleset.word_groups)
    widget = WordGroupEditor(Document(Ruleset(Metadata("Test"), word_groups=groups)), stack)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    view = widget.group_list
    view.parentWidget().parentWidget().setSizes([260, 840])  # a narrow list pane
    qtbot.wait(20)
    item = view.item(0)
    rect = view.visualItemRect(item)
    lines = rect.height() // view.fontMetrics().lineSpacing()
    width = min(rect.width(), view.viewport().width())  # what is not cut off
    assert view.fontMetrics().horizontalAdvance(item.text()) <= width * max(lines, 1)


def test_add_a_group_and_rename_it_by_typing_then_undo_and_redo(
        qtbot, page: WordGroupEditor, document: Document, stack: QUndoStack) -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    added = document.ruleset.word_groups[-1]
    assert added.name == "New word group" and page.current_group_id() == added.id
    assert page.name_edit.hasFocus() and page.name_edit.selectedText() == "New word group"
    qtbot.keyClicks(page.name_edit, "Ways of asking")
    assert group(document, added.id).name == "Ways of asking"
    assert "Ways of asking  (0 words)" in list_texts(page)
    assert stack.count() == 2  # typing the name is one step
    assert stack.undoText() == "Rename word group “New word group”"
    stack.undo()
    assert group(document, added.id).name == "New word group" and page.name_edit.text() == "New word group"
    stack.undo()
    assert document.ruleset.word_group(added.id) is None and len(list_texts(page)) == 4
    stack.redo()
    stack.redo()
    assert group(document, added.id).name == "Ways of asking"


def test_a_name_already_taken_is_refused_with_a_message(qtbot, page: WordGroupEditor, document: Document,
                                                        stack: QUndoStack) -> None:
    QGuiApplication.clipboard().setText("spare words")
    page.name_edit.setFocus()
    page.name_edit.selectAll()
    qtbot.keyClick(page.name_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # pasted over the name
    assert page.message_label.isVisible()
    assert page.message_label.text() == "There is already a word group called “Spare words”."
    assert group(document, "people-by-role").name == "People" and stack.count() == 0
    qtbot.keyClick(page.name_edit, Qt.Key.Key_Return)  # leaving the field puts the group's name back
    assert page.name_edit.text() == "People"


def test_type_and_paste_words_and_remove_one_each_one_undo_step(
        qtbot, page: WordGroupEditor, document: Document, stack: QUndoStack) -> None:
    line = page.words_edit.line_edit
    qtbot.keyClicks(line, "operator")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert group(document, "people-by-role").words == ("human", "agent", "operator")
    assert stack.undoText() == "Add “operator” to “People”"
    QGuiApplication.clipboard().setText("rep, staff\nemployee\nHUMAN\n")
    line.setFocus()
    qtbot.keyClick(line, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert group(document, "people-by-role").words == ("human", "agent", "operator", "rep", "staff", "employee")
    assert stack.undoText() == "Add 3 words to “People”" and stack.count() == 2
    close = page.words_edit.close_rect("agent")
    qtbot.mouseClick(page.words_edit, Qt.MouseButton.LeftButton, pos=close.center())
    assert "agent" not in group(document, "people-by-role").words
    assert stack.undoText() == "Remove “agent” from “People”"
    stack.undo()
    stack.undo()
    assert group(document, "people-by-role").words == ("human", "agent", "operator")
    assert page.words_edit.values() == ["human", "agent", "operator"]
    stack.redo()
    assert page.words_edit.values() == ["human", "agent", "operator", "rep", "staff", "employee"]


def test_include_a_group_and_a_loop_is_refused_with_a_clear_message(
        qtbot, page: WordGroupEditor, document: Document, stack: QUndoStack) -> None:
    offered = [a.text() for a in page.includes.menu_actions()]
    assert offered == ["Someone  (3 words)", "Contact verbs  (2 words)", "Spare words  (1 word)"]  # not itself
    page.includes.choose("spare-words")
    assert group(document, "people-by-role").includes == ("spare-words",)
    assert page.total_label.text() == "3 words in all, 1 of them from included groups"
    assert "People  (3 words)" in list_texts(page) and "Someone  (4 words)" in list_texts(page)
    assert stack.undoText() == "Include “Spare words” in “People”"
    page.includes.choose("someone-at-all")  # Someone already includes People
    assert page.message_label.isVisible()
    assert page.message_label.text() == ("“People” cannot include “Someone”: “Someone” already includes “People” "
                                         "(“Someone” → “People”), so each would include the other.")
    assert group(document, "people-by-role").includes == ("spare-words",) and stack.count() == 1
    qtbot.mouseClick(page.includes.chips["spare-words"].remove_button, Qt.MouseButton.LeftButton)
    assert group(document, "people-by-role").includes == ()
    assert not page.message_label.isVisible()  # a successful edit clears the old message
    stack.undo()
    assert group(document, "people-by-role").includes == ("spare-words",)
    assert list(page.includes.chips) == ["spare-words"]


def test_used_by_names_rules_directly_and_through_an_including_group(qtbot, page: WordGroupEditor) -> None:
    assert page.used_by() == ["Visitor asks for a human  (through “Someone”)", "Angry about the bot",
                              "Included in the group “Someone”"]
    select(qtbot, page, "spare-words")
    assert page.used_by() == ["Not used by any rule yet."]
    select(qtbot, page, "contact-verbs")
    item = page.used_by_list.item(0)
    with qtbot.waitSignal(page.rule_activated, timeout=2000) as opened:
        qtbot.mouseClick(page.used_by_list.viewport(), Qt.MouseButton.LeftButton,
                         pos=page.used_by_list.visualItemRect(item).center())
        qtbot.mouseDClick(page.used_by_list.viewport(), Qt.MouseButton.LeftButton,
                          pos=page.used_by_list.visualItemRect(item).center())
    assert opened.args == ["asks"]


def test_delete_is_refused_while_used_and_undone_when_not(
        qtbot, page: WordGroupEditor, document: Document, stack: QUndoStack) -> None:
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert page.message_label.isVisible()
    assert page.message_label.text() == ("“People” is still used by the rule “Angry about the bot” and the word "
                                         "group “Someone”. Remove it there first, or merge it into another group.")
    assert len(document.ruleset.word_groups) == 4 and stack.count() == 0
    select(qtbot, page, "spare-words")
    assert not page.message_label.isVisible()
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert document.ruleset.word_group("spare-words") is None
    assert page.current_group_id() == "contact-verbs"  # the one before it, now the last
    assert stack.undoText() == "Delete word group “Spare words”"
    stack.undo()
    assert group(document, "spare-words") == SPARE and list_texts(page)[-1] == "Spare words  (1 word)"


def test_merge_a_group_into_another_rewires_the_rules(qtbot, page: WordGroupEditor, document: Document,
                                                      stack: QUndoStack) -> None:
    targets = {a.text(): a for a in page.merge_actions()}
    assert list(targets) == ["Someone", "Contact verbs", "Spare words"]
    targets["Spare words"].trigger()
    assert document.ruleset.word_group("people-by-role") is None
    assert group(document, "spare-words").words == ("spare", "human", "agent")
    assert group(document, "someone-at-all").includes == ("spare-words",)
    angry = document.ruleset.rule("angry")
    assert angry is not None and angry.when.groups == ("spare-words",)  # type: ignore[union-attr]
    assert page.current_group_id() == "spare-words"
    assert stack.undoText() == "Merge word group “People” into “Spare words”"
    stack.undo()
    assert document.ruleset.word_groups == (PEOPLE, SOMEONE, VERBS, SPARE)
    assert document.ruleset.rule("angry") == ANGRY
    stack.redo()
    assert document.ruleset.word_group("people-by-role") is None


def test_the_page_follows_edits_made_elsewhere(page: WordGroupEditor, document: Document,
                                               stack: QUndoStack) -> None:
    stack.push(SetRulesetCommand(document, rename_group(document.ruleset, "people-by-role", "Staff we have"),
                                 "Rename"))
    assert list_texts(page)[0] == "Staff we have  (2 words)" and page.name_edit.text() == "Staff we have"
    stack.undo()
    assert page.name_edit.text() == "People"
    page.hide()  # while another page is shown the list waits, and catches up when shown again
    stack.redo()
    assert list_texts(page)[0] == "People  (2 words)"
    page.show()
    assert list_texts(page)[0] == "Staff we have  (2 words)" and page.name_edit.text() == "Staff we have"


def test_the_window_has_a_word_groups_page_whose_rules_open_in_the_rule_editor(qtbot, window) -> None:
    page = window.ensure_page("Word groups")
    assert isinstance(page, WordGroupEditor)
    titles = [window.pages.tabText(i) for i in range(window.pages.count())]
    assert titles.index("Word groups") == 1
    window.pages.setCurrentWidget(page)
    users = group_users(window.document.ruleset)
    user = next(g.id for g in window.document.ruleset.word_groups if users.get(g.id))
    page.select_group(user)
    rule_id = page.used_by_list.item(0).data(Qt.ItemDataRole.UserRole)
    where = page.used_by_list.visualItemRect(page.used_by_list.item(0)).center()
    qtbot.mouseClick(page.used_by_list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(page.used_by_list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.pages.currentWidget() is window.rules_page
    assert window.rule_list.selected_rule_id() == rule_id
    window.pages.setCurrentWidget(page)
    page.words_edit.line_edit.setFocus()
    qtbot.keyClicks(page.words_edit.line_edit, "zzword")
    qtbot.keyClick(page.words_edit.line_edit, Qt.Key.Key_Return)
    assert "zzword" in window.document.ruleset.words_of((user,))
    window.undo_stack.undo()  # the window's Undo undoes the page's edit
    assert "zzword" not in window.document.ruleset.words_of((user,))


def test_a_problem_in_a_word_group_opens_the_page_on_that_group(qtbot, window) -> None:
    from rules_schema import Problem

    groups = window.document.ruleset.word_groups
    problem = Problem(path="$.word_groups[2].words[0]", message="word 1 has no letters or digits to match",
                      severity="error", code="value.empty")
    window.problem_outside_rules.emit(problem)
    page = window.pages.currentWidget()
    assert isinstance(page, WordGroupEditor)
    assert page.current_group_id() == groups[2].id and page.name_edit.text() == groups[2].name
    qtbot.waitUntil(page.words_edit.line_edit.hasFocus)


def test_the_validator_s_problems_show_under_the_group(qtbot, page: WordGroupEditor, document: Document) -> None:
    select(qtbot, page, "spare-words")
    assert not page.problems_label.isVisible()
    qtbot.keyClick(page.words_edit.line_edit, Qt.Key.Key_Backspace)  # removes the last (only) word
    assert group(document, "spare-words").words == ()
    qtbot.waitUntil(page.problems_label.isVisible)
    assert "the group has no words" in page.problems_label.text()
    assert "Spare words" not in page.problems_label.text()  # the page already says which group
