"""The channels editor: add a channel, name its URL variable, see whether it is set, send a test
notification to a local HTTP server off the UI thread, and undo it all."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel

from builder.editing.document import Document
from builder.format.model import Channel, Escalate, Group, Leaf, Notify, Rule, Ruleset, Template
from builder.handoff.notify import SendResult
from rules_schema import Problem
from widgets.channels.background_send import running_sends
from widgets.channels.channels_editor import ChannelsEditor, env_hint
from widgets.common.background import pending_tasks

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
PLAYBOOK = Path(__file__).resolve().parents[3] / "resources" / "examples" / "playbook.json"
ENV = "HANDOFF_TEST_SLACK_URL"


class Receiver:
    """A webhook receiver on 127.0.0.1 (port 0) in a thread, answering `status` / `answer`."""

    def __init__(self, status: int = 200, answer: bytes = b"ok") -> None:
        self.received: list[tuple[str, str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append((self.path, self.headers.get("Content-Type", ""), json.loads(body)))
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/services/hook"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def document() -> Document:
    """The playbook's real schedules and routing, with one rule notifying one Slack channel."""
    playbook = Ruleset.from_dict(json.loads(PLAYBOOK.read_text(encoding="utf-8")))
    rule = Rule("explicit-human", "Visitor asks for a human", "explicit_request",
                Group("all", (Leaf("message.text", "contains_any", ("human",)),)),
                (Escalate("instant", "support", "high"), Notify("slack-support")))
    templates = (Template("slack-handoff", "Slack alert", "slack", "New {{priority}} handoff for {{team}}"),
                 Template("hook-body", "Hook body", "webhook", '{"team": "{{team}}"}'))
    channels = (Channel("slack-support", "Support Slack", "slack", ENV, template="slack-handoff"),)
    return Document(replace(playbook, rules=(rule,), templates=templates, channels=channels))


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def editor(qtbot, document: Document, stack: QUndoStack, monkeypatch: pytest.MonkeyPatch) -> ChannelsEditor:
    monkeypatch.delenv(ENV, raising=False)
    widget = ChannelsEditor(document, stack)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    qtbot.waitUntil(lambda: pending_tasks() == 0 and running_sends() == 0)


def add_from_menu(editor: ChannelsEditor, label: str) -> None:
    next(a for a in editor.add_button.menu().actions() if a.text() == label).trigger()


def test_add_a_webhook_channel_and_name_its_variable(qtbot, editor: ChannelsEditor, document: Document,
                                                     stack: QUndoStack, monkeypatch: pytest.MonkeyPatch) -> None:
    add_from_menu(editor, "Other service (webhook)")
    channel_id = editor.current_channel_id()
    assert channel_id == "other-service-webhook-channel"
    editor.name_edit.selectAll()
    qtbot.keyClicks(editor.name_edit, "Helpdesk")
    monkeypatch.setenv("HELPDESK_HOOK_URL", "https://desk.example.com/hooks/secret-token")
    editor.env_edit.selectAll()
    qtbot.keyClicks(editor.env_edit, "helpdesk_hook_url")  # typed in lower case
    channel = document.ruleset.channel(channel_id)
    assert channel is not None
    assert (channel.name, channel.type, channel.url_env) == ("Helpdesk", "webhook", "HELPDESK_HOOK_URL")
    assert editor.env_edit.text() == "HELPDESK_HOOK_URL"
    assert editor.env_hint.property("set") is True
    assert "desk.example.com" in editor.env_hint.text() and "secret-token" not in editor.env_hint.text()
    assert "secret-token" not in json.dumps(document.ruleset.to_dict())  # only the name is stored
    assert editor.channel_list.currentItem().text().startswith("Helpdesk")
    while stack.canUndo():
        stack.undo()
    assert document.ruleset.channel(channel_id) is None
    assert editor.current_channel_id() is None


def test_env_hint_says_when_the_variable_is_missing(editor: ChannelsEditor) -> None:
    assert editor.env_hint.property("set") is False
    assert "The secret link is not set up on this computer yet" in editor.env_hint.text()
    assert env_hint(None)[0] is False


def test_send_test_notification_to_a_local_server(qtbot, editor: ChannelsEditor, receiver: Receiver,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, receiver.url)
    with qtbot.waitSignal(editor.test_finished, timeout=10_000) as blocker:
        qtbot.mouseClick(editor.send_button, Qt.MouseButton.LeftButton)
        assert not editor.send_button.isEnabled()  # while the worker thread posts
    result: SendResult = blocker.args[0]
    assert result.ok and result.status == 200
    path, content_type, body = receiver.received[0]
    assert path == "/services/hook" and content_type.startswith("application/json")
    assert body["text"] == "New high handoff for Support"  # the channel's template, rendered
    assert body["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                 "text": "New high handoff for Support: Visitor asks for a human (test notification)"}}
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1] for f in body["blocks"][2]["fields"]}
    assert fields["*Priority*"] == "high" and fields["*Team*"] == "Support"
    assert editor.status_label.text().startswith("✓ Delivered")
    assert "#15803d" in editor.status_label.styleSheet()
    assert editor.send_button.isEnabled()


def test_refused_test_shows_red_with_the_reason(qtbot, editor: ChannelsEditor, monkeypatch: pytest.MonkeyPatch) -> None:
    failing = Receiver(status=404, answer=b"no_service")
    try:
        monkeypatch.setenv(ENV, failing.url)
        with qtbot.waitSignal(editor.test_finished, timeout=10_000):
            editor.send_button.click()
    finally:
        failing.close()
    assert editor.status_label.text().startswith("✗")
    assert "404" in editor.status_label.text() and "no_service" in editor.status_label.text()
    assert "#dc2626" in editor.status_label.styleSheet()


def test_unset_variable_sends_nothing(qtbot, editor: ChannelsEditor) -> None:
    with qtbot.waitSignal(editor.test_finished, timeout=2000) as blocker:
        editor.send_button.click()
    assert not blocker.args[0].ok
    assert "secret link is not set up on this computer, so nothing was sent" in editor.status_label.text()


def test_webhook_channel_with_a_template_sends_the_rendered_json(qtbot, editor: ChannelsEditor, document: Document,
                                                                 receiver: Receiver,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    add_from_menu(editor, "Other service (webhook)")
    index = editor.template_combo.findData("hook-body")
    editor.template_combo.setCurrentIndex(index)
    editor.template_combo.activated.emit(index)
    channel = document.ruleset.channel(editor.current_channel_id() or "")
    assert channel is not None and channel.template == "hook-body"
    monkeypatch.setenv(channel.url_env or "", receiver.url)
    with qtbot.waitSignal(editor.test_finished, timeout=10_000):
        editor.send_button.click()
    assert receiver.received[-1][2] == {"team": "Support"}


def test_email_channel_needs_an_address_and_shows_the_message(qtbot, editor: ChannelsEditor,
                                                              document: Document) -> None:
    add_from_menu(editor, "E-mail")
    assert not editor.env_edit.isVisible() and editor.address_edit.isVisible()
    qtbot.waitUntil(lambda: "needs the address" in editor.problems_label.text())
    qtbot.keyClicks(editor.address_edit, "team@example.com")
    channel = document.ruleset.channel(editor.current_channel_id() or "")
    assert channel is not None and channel.address == "team@example.com" and channel.url_env is None
    qtbot.waitUntil(lambda: "needs the address" not in editor.problems_label.text())
    editor.send_button.click()
    assert editor.sent_preview.toPlainText().startswith("To: team@example.com\nSubject: ")
    assert "mailer" in editor.status_label.text()


def test_changing_the_kind_is_undoable(editor: ChannelsEditor, document: Document, stack: QUndoStack) -> None:
    index = editor.type_combo.findData("teams")
    editor.type_combo.setCurrentIndex(index)
    editor.type_combo.activated.emit(index)
    assert document.ruleset.channels[0].type == "teams"
    assert editor.channel_list.item(0).text() == "Support Slack\nMicrosoft Teams"
    stack.undo()
    assert document.ruleset.channels[0].type == "slack"
    assert editor.type_combo.currentData() == "slack"


def test_missing_variable_name_is_a_live_problem(qtbot, editor: ChannelsEditor, document: Document) -> None:
    editor.env_edit.selectAll()
    qtbot.keyClick(editor.env_edit, Qt.Key.Key_Delete)
    assert document.ruleset.channels[0].url_env is None
    qtbot.waitUntil(lambda: "environment variable" in editor.problems_label.text())


def test_delete_and_focus_problem(editor: ChannelsEditor, document: Document, stack: QUndoStack) -> None:
    assert editor.focus_problem(Problem("$.channels[0].url_env", "x", "error", "channel.incomplete"))
    editor.delete_button.click()
    assert document.ruleset.channels == ()
    assert not editor.form_box.isEnabled() and not editor.send_button.isEnabled()
    stack.undo()
    assert [c.id for c in document.ruleset.channels] == ["slack-support"]
    assert not editor.focus_problem(Problem("$.templates[0]", "x", "error", "x"))


def test_ctrl_z_in_a_field_undoes_through_the_window_stack(qtbot, editor: ChannelsEditor, document: Document,
                                                           stack: QUndoStack) -> None:
    undo = stack.createUndoAction(editor)
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    undo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    editor.addAction(undo)
    editor.name_edit.setFocus()
    qtbot.waitUntil(editor.name_edit.hasFocus)
    qtbot.keyClicks(editor.name_edit, "!")
    assert document.ruleset.channels[0].name == "Support Slack!"
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document.ruleset.channels[0].name == "Support Slack"
    assert editor.name_edit.text() == "Support Slack" and stack.index() == 0


def test_selecting_a_channel_rereads_the_environment(editor: ChannelsEditor, monkeypatch: pytest.MonkeyPatch) -> None:
    assert editor.env_hint.property("set") is False
    monkeypatch.setenv(ENV, "https://hooks.slack.com/services/T0/B0/s3cr3t-token")
    editor.select_channel("slack-support")
    assert editor.env_hint.property("set") is True
    assert "hooks.slack.com" in editor.env_hint.text() and "s3cr3t" not in editor.env_hint.text()


def _words_a_manager_reads(editor: ChannelsEditor) -> str:
    """Every visible label and the preview of what will be sent (not the field holding the name)."""
    labels = [w.text() for w in editor.findChildren(QLabel) if w.isVisible()]
    return "\n".join([*labels, editor.sent_preview.toPlainText(), editor.send_button.toolTip()])


@pytest.mark.parametrize("link_set", [False, True])
def test_no_variable_names_or_json_in_what_a_manager_reads(qtbot, editor: ChannelsEditor, document: Document,
                                                           monkeypatch: pytest.MonkeyPatch, link_set: bool) -> None:
    variable = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
    for channel in document.ruleset.channels:
        if link_set and channel.url_env:
            monkeypatch.setenv(channel.url_env, "https://hooks.example.com/services/secret")
        editor.select_channel(channel.id)
        editor._update_sent_preview()
        if not link_set and channel.type != "email":
            with qtbot.waitSignal(editor.test_finished, timeout=2000):
                editor.send_button.click()  # the refusal names no variable either
        shown = _words_a_manager_reads(editor)
        assert channel.url_env is None or channel.url_env not in shown, channel.name
        assert not variable.findall(shown), channel.name
        assert '{"' not in shown and '": ' not in shown, channel.name  # no raw JSON
        if channel.url_env:
            assert ("set up on this computer (a link to hooks.example.com)" if link_set
                    else "not set up on this computer") in editor.env_hint.text()


def click_channel(qtbot, editor: ChannelsEditor, name: str) -> None:
    """Click the channel named `name` in the list, as a manager would."""
    view = editor.channel_list
    row = next(i for i in range(view.count()) if view.item(i).text().split("\n")[0] == name)
    view.scrollToItem(view.item(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(view.item(row)).center())
    qtbot.waitUntil(lambda: editor.channel() is not None and editor.channel().name == name)


def test_previews_show_what_the_team_reads_while_slack_gets_it_escaped(
        qtbot, document: Document, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack's escapes (`&lt;`, `&amp;`) travel on the wire; the preview shows what Slack shows."""
    ruleset = document.ruleset
    teams = tuple(replace(t, name="Billing & Refunds") if t.id == "support" else t for t in ruleset.routing.teams)
    channels = (*ruleset.channels,
                Channel("teams-support", "Support Teams", "teams", "HANDOFF_TEST_TEAMS_URL"),
                Channel("mail-support", "Support mail", "email", address="team@example.com"))
    document = Document(replace(ruleset, routing=replace(ruleset.routing, teams=teams), channels=channels))
    editor = ChannelsEditor(document, QUndoStack())
    qtbot.addWidget(editor)
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    monkeypatch.setenv(ENV, receiver.url)
    for name in ("Support Teams", "Support mail", "Support Slack"):
        click_channel(qtbot, editor, name)
        shown = editor.sent_preview.toPlainText()
        assert "Ana <ana@example.com>" in shown, name
        assert "Billing & Refunds" in shown, name
        assert not any(entity in shown for entity in ("&lt;", "&gt;", "&amp;")), name
    assert "Visitor: Ana <ana@example.com>" in shown and "Team: Billing & Refunds" in shown
    assert shown.startswith("New high handoff for Billing & Refunds: Visitor asks for a human")  # the header first
    with qtbot.waitSignal(editor.test_finished, timeout=10_000):
        qtbot.mouseClick(editor.send_button, Qt.MouseButton.LeftButton)
    sent = json.dumps(receiver.received[-1][2], ensure_ascii=False)
    assert "*Visitor*\\nAna &lt;ana@example.com&gt;" in sent and "Billing &amp; Refunds" in sent
    qtbot.waitUntil(lambda: pending_tasks() == 0 and running_sends() == 0)
