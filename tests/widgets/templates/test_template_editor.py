"""The template editor against a real Document and QUndoStack: type a template, read the preview at a
chosen moment, insert placeholders, see typos flagged, count characters, undo and redo."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QEvent, Qt, QTime
from PySide6.QtGui import QHelpEvent, QKeySequence, QTextCharFormat, QUndoStack
from PySide6.QtWidgets import QApplication, QToolTip

from builder.analysis.references import template_users
from builder.editing.document import Document
from builder.format.model import Channel, Escalate, Group, Leaf, Notify, Reply, Rule, Ruleset, Template
from rules_schema import Problem
from widgets.common.style import stylesheet
from widgets.templates.template_editor import TemplateEditor, unique_id

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
PLAYBOOK = Path(__file__).resolve().parents[3] / "resources" / "examples" / "playbook.json"
# Wednesday 25 Nov 2026, 22:00 in Berlin: support (Mon-Fri 08:00-18:00) is closed; a high-priority
# promise of 60 business minutes runs from the 08:00 opening: "by tomorrow 09:00".
EVENING = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)


TEMPLATES = (
    Template("handoff-ack", "Handoff acknowledgement", "chat",
             "Thanks {{visitor.name | there}}, our {{team}} team replies {{promise}}."),
    Template("sales-ack", "Sales handoff", "chat", "Great question for our {{team}} team, {{visitor.name | there}}."),
    Template("offline-email", "Offline e-mail", "email", "Hi {{visitor.name | there}},\n\n{{summary}}",
             "We'll get back to you {{promise}}"),
    Template("slack-handoff", "Slack alert", "slack", "New {{priority}} handoff for {{team}}: {{rule}}"),
)
ASKS = Group("all", (Leaf("message.text", "contains_any", ("human",)),))
RULES = (
    Rule("explicit-human", "Visitor asks for a human", "explicit_request", ASKS,
         (Escalate("instant", "support", "high"), Reply("handoff-ack"), Notify("slack-support"))),
    Rule("enterprise-pricing", "Enterprise pricing", "high_intent", ASKS,
         (Escalate("instant", "sales", "high"), Reply("sales-ack"))),
)
CHANNELS = (Channel("slack-support", "Support Slack", "slack", "HANDOFF_TEST_SLACK_URL", template="slack-handoff"),)


@pytest.fixture
def document() -> Document:
    """The playbook's real schedules and routing, with rules and templates fixed for these tests."""
    playbook = Ruleset.from_dict(json.loads(PLAYBOOK.read_text(encoding="utf-8")))
    return Document(replace(playbook, rules=RULES, templates=TEMPLATES, channels=CHANNELS))


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def editor(qtbot, document: Document, stack: QUndoStack) -> TemplateEditor:
    widget = TemplateEditor(document, stack)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def template(document: Document, template_id: str) -> Template:
    found = document.ruleset.template(template_id)
    assert found is not None
    return found


def clear_body(qtbot, editor: TemplateEditor) -> None:
    editor.body_edit.setFocus()
    editor.body_edit.selectAll()
    qtbot.keyClick(editor.body_edit, Qt.Key.Key_Delete)


def pick_moment(editor: TemplateEditor, day: int, hour: int, minute: int = 0) -> None:
    """The user sets the "At" field (wall time in the shown time zone)."""
    editor.moment_edit.setDateTime(QDateTime(QDate(2026, 11, day), QTime(hour, minute)))


def test_typed_placeholder_shows_the_real_promise_in_the_preview(qtbot, editor: TemplateEditor,
                                                                 document: Document) -> None:
    editor.add_template("chat")
    clear_body(qtbot, editor)
    qtbot.keyClicks(editor.body_edit, "Hi {{visitor.name}}, we reply {{promise}}.")
    assert editor.zone_label.text() == "Europe/Berlin"
    pick_moment(editor, 25, 22)  # Wednesday 22:00 Berlin
    assert editor.preview_text() == "Hi Ana, we reply by tomorrow 09:00."
    pick_moment(editor, 25, 11)  # Wednesday 11:00: open, one business hour
    assert editor.preview_text() == "Hi Ana, we reply within 1 hour."
    stored = template(document, editor.current_template_id() or "")
    assert stored.body == "Hi {{visitor.name}}, we reply {{promise}}."


def test_preview_follows_the_chosen_visitor_and_rule(qtbot, editor: TemplateEditor) -> None:
    editor.select_template("sales-ack")
    editor.set_moment(EVENING)
    assert editor.rule_combo.currentData() == "enterprise-pricing"  # the rule that uses it comes first
    assert editor.preview_text() == "Great question for our Sales team, Ana."
    editor.visitor_combo.setCurrentIndex(2)
    editor.visitor_combo.activated.emit(2)
    assert editor.preview_text() == "Great question for our Sales team, there."  # the fallback when no name is known
    editor.visitor_name_edit.clear()
    qtbot.keyClicks(editor.visitor_name_edit, "Zoe")
    assert editor.preview_text() == "Great question for our Sales team, Zoe."


def test_a_slack_preview_shows_what_slack_shows(qtbot, editor: TemplateEditor, document: Document) -> None:
    editor.select_template("slack-handoff")
    clear_body(qtbot, editor)
    qtbot.keyClicks(editor.body_edit, "<!here> {{visitor.name}} ({{visitor.email}}) for {{team}}")
    editor.visitor_name_edit.clear()
    qtbot.keyClicks(editor.visitor_name_edit, "Ana & Bob")
    assert editor.preview_text() == "@here Ana & Bob (ana@example.com) for Support"
    assert template(document, "slack-handoff").body == "<!here> {{visitor.name}} ({{visitor.email}}) for {{team}}"


def test_a_long_rule_name_does_not_widen_the_page(qtbot, document: Document) -> None:
    """A 1366-pixel laptop showed the Templates page with a horizontal scroll bar: the "Sent by
    rule" box grew to its longest rule name."""
    widths = []
    for name in ("Asks", "Visitor asks for a human after the bot failed twice on a billing question " * 2):
        rules = tuple(replace(r, name=name) if r.id == "explicit-human" else r for r in document.ruleset.rules)
        editor = TemplateEditor(Document(replace(document.ruleset, rules=rules)), QUndoStack())
        editor.setStyleSheet(stylesheet())  # as in the app (a styled combo box sizes differently)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)  # a combo box sizes itself to its items when first shown
        editor.select_template("handoff-ack")
        assert editor.rule_combo.currentText().startswith(name.strip())
        widths.append(editor.minimumSizeHint().width())
    assert widths[1] == widths[0]


def test_email_template_previews_its_subject(editor: TemplateEditor) -> None:
    editor.select_template("offline-email")
    editor.set_moment(EVENING)
    assert editor.subject_edit.isVisible()
    assert editor.preview_subject.text() == "Subject: We'll get back to you by tomorrow 09:00"


def test_insert_placeholder_from_the_menu(qtbot, editor: TemplateEditor, document: Document) -> None:
    editor.select_template("handoff-ack")
    labels = {a.text(): a for a in editor.placeholder_menu.actions()}
    assert "Promised response time" in labels and "Visitor name" in labels  # plain labels, not names
    editor.body_edit.setFocus()
    editor.body_edit.moveCursor(editor.body_edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.body_edit, " Ref: ")
    labels["Conversation id"].trigger()
    assert template(document, "handoff-ack").body.endswith("{{promise}}. Ref: {{conversation_id}}")
    assert editor.preview_text().endswith("Ref: c-sample")


def test_insert_placeholder_into_the_subject_where_the_user_was_typing(qtbot, editor: TemplateEditor,
                                                                       document: Document) -> None:
    editor.select_template("offline-email")
    editor.subject_edit.setFocus()
    editor.subject_edit.end(False)
    qtbot.keyClicks(editor.subject_edit, ", ")
    next(a for a in editor.placeholder_menu.actions() if a.data() == "visitor.name").trigger()
    assert template(document, "offline-email").subject == "We'll get back to you {{promise}}, {{visitor.name}}"


def test_unknown_placeholder_is_underlined_with_the_problem(qtbot, editor: TemplateEditor) -> None:
    editor.select_template("handoff-ack")
    clear_body(qtbot, editor)
    qtbot.keyClicks(editor.body_edit, "Hello {{visitr.name}} from {{team}}")
    block = editor.body_edit.document().firstBlock()
    ranges = block.layout().formats()
    wavy = [r for r in ranges if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline]
    assert [(r.start, r.length) for r in wavy] == [(6, len("{{visitr.name}}"))]
    known = [r for r in ranges if r.start == len("Hello {{visitr.name}} from ")]
    assert known and known[0].format.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    problem = editor.body_edit.problem_at(10)
    assert problem is not None and "did you mean 'visitor.name'" in problem.message
    assert editor.body_edit.problem_at(len("Hello {{visitr.name}} from {{")) is None
    qtbot.waitUntil(lambda: "not a known placeholder" in editor.problems_label.text())
    assert editor.problems_label.isVisible()


def test_stray_braces_are_flagged_too(qtbot, editor: TemplateEditor) -> None:
    editor.select_template("handoff-ack")
    clear_body(qtbot, editor)
    qtbot.keyClicks(editor.body_edit, "Thanks {{ there")
    problem = editor.body_edit.problem_at(7)
    assert problem is not None and "does not form a placeholder" in problem.message


def test_character_counter_turns_red_past_the_channel_limit(qtbot, editor: TemplateEditor,
                                                            document: Document) -> None:
    editor.select_template("handoff-ack")
    clear_body(qtbot, editor)
    assert editor.counter_label.text() == "0 / 1,000 characters"
    QApplication.clipboard().setText("x" * 1001)
    editor.body_edit.paste()
    assert editor.counter_label.text().startswith("1,001 / 1,000 characters")
    assert editor.counter_label.property("over") is True
    assert "#dc2626" in editor.counter_label.styleSheet()
    qtbot.keyClick(editor.body_edit, Qt.Key.Key_Backspace)
    assert editor.counter_label.text() == "1,000 / 1,000 characters"
    assert editor.counter_label.property("over") is False
    assert len(template(document, "handoff-ack").body) == 1000
    editor.select_template("offline-email")  # e-mail has no limit: no counter
    assert editor.counter_label.isHidden()


def test_typing_is_one_undo_step_and_redo_brings_it_back(qtbot, editor: TemplateEditor, document: Document,
                                                         stack: QUndoStack) -> None:
    editor.select_template("handoff-ack")
    before = document.ruleset.templates
    editor.body_edit.setFocus()
    editor.body_edit.moveCursor(editor.body_edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.body_edit, " Bye!")
    after = document.ruleset.templates
    assert template(document, "handoff-ack").body.endswith("{{promise}}. Bye!")
    assert stack.count() == 1
    stack.undo()
    assert document.ruleset.templates == before
    assert editor.body_edit.toPlainText() == template(document, "handoff-ack").body
    stack.redo()
    assert document.ruleset.templates == after
    assert editor.body_edit.toPlainText().endswith("Bye!")


def test_rename_keeps_the_id_and_undoes(qtbot, editor: TemplateEditor, document: Document,
                                        stack: QUndoStack) -> None:
    editor.select_template("sales-ack")
    editor.name_edit.selectAll()
    qtbot.keyClicks(editor.name_edit, "Sales hello")
    assert template(document, "sales-ack").name == "Sales hello"
    assert template(document, "sales-ack").id == "sales-ack"
    assert editor.tree.currentItem().text(0) == "Sales hello"
    stack.undo()
    assert template(document, "sales-ack").name == "Sales handoff"
    assert editor.name_edit.text() == "Sales handoff"


def test_add_duplicate_delete_with_generated_ids(editor: TemplateEditor, document: Document,
                                                 stack: QUndoStack) -> None:
    email_action = next(a for a in editor.add_menu.actions() if a.text() == "E-mail confirmation")
    email_action.trigger()
    added = template(document, editor.current_template_id() or "")
    assert (added.id, added.name, added.channel) == ("new-e-mail-confirmation", "New e-mail confirmation", "email")
    assert added.subject
    copy_id = editor.duplicate_template()
    assert copy_id == "new-e-mail-confirmation-copy"
    assert template(document, copy_id).name == "New e-mail confirmation (copy)"
    editor.delete_button.click()
    assert document.ruleset.template(copy_id) is None
    stack.undo()
    assert document.ruleset.template(copy_id) is not None
    stack.undo()
    stack.undo()
    assert document.ruleset.templates == TEMPLATES


def test_changing_the_channel_regroups_and_adds_a_subject(editor: TemplateEditor, document: Document,
                                                          stack: QUndoStack) -> None:
    editor.select_template("sales-ack")
    index = editor.channel_combo.findData("email")
    editor.channel_combo.setCurrentIndex(index)
    editor.channel_combo.activated.emit(index)
    moved = template(document, "sales-ack")
    assert moved.channel == "email" and moved.subject
    assert editor.tree.currentItem().parent().data(0, Qt.ItemDataRole.UserRole + 1) == "email"
    assert editor.subject_edit.isVisible()
    stack.undo()
    assert template(document, "sales-ack").channel == "chat" and template(document, "sales-ack").subject is None
    assert not editor.subject_edit.isVisible()


def test_used_by_lists_rules_and_channels(editor: TemplateEditor, document: Document) -> None:
    editor.select_template("handoff-ack")
    texts = [editor.used_by_list.item(i).text() for i in range(editor.used_by_list.count())]
    assert any("Visitor asks for a human" in t and "chat reply" in t for t in texts)
    editor.select_template("slack-handoff")
    users = template_users(document.ruleset)["slack-handoff"]
    texts = [editor.used_by_list.item(i).text() for i in range(editor.used_by_list.count())]
    assert ("channel", "slack-support") in [(u.kind, u.id) for u in users]
    assert ("rule", "explicit-human") in [(u.kind, u.id) for u in users]  # notifies via the channel
    assert len(texts) == len(users)  # the page renders the core's answer, one line per user
    assert [t.split(" — ")[0] for t in texts] == [u.name if u.kind == "rule" else f"Channel “{u.name}”" for u in users]


def test_used_by_shows_long_rule_names_whole(qtbot, editor: TemplateEditor, document: Document) -> None:
    """"Visitor wants to t…meone — chat reply": the list cut rule names in their middle."""
    long_name = "Visitor wants to talk to someone after asking the bot twice about a refund"
    rules = tuple(replace(r, name=long_name) if r.id == "explicit-human" else r for r in document.ruleset.rules)
    document.set_ruleset(replace(document.ruleset, rules=rules))
    editor.select_template("handoff-ack")
    view = editor.used_by_list
    qtbot.waitUntil(lambda: any(long_name in view.item(i).text() for i in range(view.count())))
    item = next(view.item(i) for i in range(view.count()) if long_name in view.item(i).text())
    rect = view.visualItemRect(item)
    lines = rect.height() // view.fontMetrics().lineSpacing()
    width = min(rect.width(), view.viewport().width() - view.iconSize().width() - 8)  # what is not cut off
    assert view.fontMetrics().horizontalAdvance(item.text()) <= width * max(lines, 1)


def test_editor_follows_undo_of_a_ruleset_replaced_elsewhere(editor: TemplateEditor, document: Document) -> None:
    editor.select_template("handoff-ack")
    document.set_ruleset(Ruleset.from_dict({"metadata": {"name": "Empty"}}))
    assert editor.current_template_id() is None
    assert editor.tree.topLevelItemCount() == 5
    assert not editor.form_box.isEnabled()


def test_problem_in_a_template_focuses_it(editor: TemplateEditor) -> None:
    problem = Problem("$.templates[1].body", "Template 'Sales handoff': x", "error", "template.placeholder")
    assert editor.focus_problem(problem)
    assert editor.current_template_id() == "sales-ack"
    assert not editor.focus_problem(Problem("$.rules[0].name", "x", "error", "x"))


@pytest.mark.parametrize("name, taken, expected", [
    ("Offline e-mail!", set(), "offline-e-mail"),
    ("Ack", {"ack", "ack-2"}, "ack-3"),
    ("¡¿?", set(), "template"),
])
def test_unique_id(name: str, taken: set[str], expected: str) -> None:
    assert unique_id(name, taken, "template") == expected


def test_install_pages_adds_both_editors_to_the_main_window(qtbot) -> None:
    from widgets.shell.main_window import MainWindow
    from widgets.shell.pages import install_pages

    window = MainWindow()
    qtbot.addWidget(window)
    window.document.set_ruleset(replace(window.document.ruleset, rules=RULES, templates=TEMPLATES, channels=CHANNELS))
    install_pages(window)
    titles = [window.pages.tabText(i) for i in range(window.pages.count())]
    assert {"Templates", "Channels"} <= set(titles)
    window.problem_outside_rules.emit(Problem("$.templates[1].body", "x", "warning", "template.empty"))
    assert window.pages.tabText(window.pages.currentIndex()) == "Templates"
    assert window.pages.currentWidget().current_template_id() == "sales-ack"
    window.problem_outside_rules.emit(Problem("$.channels[0].url_env", "x", "error", "channel.incomplete"))
    assert window.pages.tabText(window.pages.currentIndex()) == "Channels"
    editor = window.pages.widget(titles.index("Templates"))
    editor.rule_activated.emit("explicit-human")  # a double-click in "Used by"
    assert window.pages.currentWidget() is window.rules_page
    assert window.rule_list.selected_rule_id() == "explicit-human"


def test_ctrl_z_in_the_text_undoes_through_the_window_stack(qtbot, editor: TemplateEditor, document: Document,
                                                             stack: QUndoStack) -> None:
    undo = stack.createUndoAction(editor)
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    undo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    editor.addAction(undo)
    editor.select_template("handoff-ack")
    before = template(document, "handoff-ack").body
    editor.body_edit.setFocus()
    qtbot.waitUntil(editor.body_edit.hasFocus)
    qtbot.keyClicks(editor.body_edit, "abc")
    assert template(document, "handoff-ack").body != before
    qtbot.keyClick(editor.body_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert template(document, "handoff-ack").body == before
    assert editor.body_edit.toPlainText() == before
    assert stack.index() == 0


# the offscreen platform cannot raise the tooltip window
@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")
def test_hovering_a_typo_shows_the_problem_as_tooltip(qtbot, editor: TemplateEditor) -> None:
    editor.select_template("handoff-ack")
    clear_body(qtbot, editor)
    qtbot.keyClicks(editor.body_edit, "Hi {{visitr.name}}")
    cursor = editor.body_edit.textCursor()
    cursor.setPosition(8)
    point = editor.body_edit.cursorRect(cursor).center()
    event = QHelpEvent(QEvent.Type.ToolTip, point, editor.body_edit.viewport().mapToGlobal(point))
    QApplication.sendEvent(editor.body_edit.viewport(), event)
    qtbot.waitUntil(lambda: "not a known placeholder" in QToolTip.text())
    QToolTip.hideText()


def test_hidden_page_catches_up_when_shown(qtbot, editor: TemplateEditor, document: Document) -> None:
    editor.hide()
    document.set_ruleset(replace(document.ruleset, templates=TEMPLATES[:2]))
    assert editor.tree.topLevelItem(2).text(0).endswith("(1)")  # not rebuilt while hidden
    editor.show()
    qtbot.waitExposed(editor)
    assert editor.tree.topLevelItem(2).text(0).endswith("(0)")  # the Slack group is empty now


def test_double_click_in_used_by_opens_the_rule(qtbot, editor: TemplateEditor) -> None:
    editor.select_template("handoff-ack")
    item = editor.used_by_list.item(0)
    rect = editor.used_by_list.visualItemRect(item)
    with qtbot.waitSignal(editor.rule_activated, timeout=2000) as blocker:
        qtbot.mouseClick(editor.used_by_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(editor.used_by_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["explicit-human"]
