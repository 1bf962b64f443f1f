"""The handoff view: what the visitor sees and what the agent receives when a rule escalates.

The payloads come from `builder.handoff.payload` (the same functions the runtime's notifications use);
this widget only draws them: the handoff in words (who, what they said, priority, team, promise),
a simple picture of the Slack blocks, the Teams card and the e-mail; the raw JSON each receiver
gets, read-only and monospace, only behind "Show technical details" (a manager reads the words).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from builder.format.model import Ruleset
from builder.handoff import payload as payloads
from builder.handoff.templates import slack_shown_text
from rules_schema.catalog import catalog
from widgets.common.form_helpers import CHANNEL_KINDS

MODE_COLOUR = {"instant": "#15803d", "callback": "#b45309", "email": "#1d4ed8"}


def _mrkdwn(text: str) -> str:
    """Slack mrkdwn to HTML, enough to look right: *bold*, > quotes, line breaks, escapes, links."""
    text = slack_shown_text(text)
    lines = []
    for line in text.split("\n"):
        quoted = line.startswith("> ")
        body = html.escape(line[2:] if quoted else line)
        body = re.sub(r"\*([^*\n]+)\*", r"<b>\1</b>", body)
        body = re.sub(r"_([^_\n]+)_", r"<i>\1</i>", body)
        lines.append(f"<span style='color:#475569'>▍{body}</span>" if quoted else body)
    return "<br>".join(lines)


def slack_html(message: Mapping[str, Any]) -> str:
    parts = []
    for block in message.get("blocks") or []:
        kind = block.get("type")
        if kind == "header":
            parts.append(f"<h3 style='margin:2px 0'>{html.escape(block['text']['text'])}</h3>")
        elif kind == "section" and "fields" in block:
            cells = [
                f"<td width='50%' style='padding:3px 8px 3px 0'>{_mrkdwn(f['text'])}</td>" for f in block["fields"]
            ]
            rows = ["<tr>" + "".join(cells[i : i + 2]) + "</tr>" for i in range(0, len(cells), 2)]
            parts.append("<table width='100%'>" + "".join(rows) + "</table>")
        elif kind == "section":
            parts.append(f"<p>{_mrkdwn(block['text']['text'])}</p>")
        elif kind == "context":
            text = " · ".join(html.escape(slack_shown_text(e.get("text", ""))) for e in block.get("elements") or [])
            parts.append(f"<p style='color:#64748b;font-size:8pt'>{text}</p>")
    return (
        "<div style='border-left:4px solid #4a154b;padding-left:8px'>"
        "<p style='color:#4a154b;font-weight:600'>Slack</p>" + "".join(parts) + "</div>"
    )


def teams_html(message: Mapping[str, Any]) -> str:
    attachments = message.get("attachments") or [{}]
    card = attachments[0].get("content") or {}
    parts = []
    for item in card.get("body") or []:
        if item.get("type") == "TextBlock":
            weight = "font-weight:600;" if item.get("weight") == "Bolder" else ""
            size = (
                "font-size:12pt;"
                if item.get("size") == "Medium"
                else "font-size:8pt;"
                if item.get("size") == "Small"
                else ""
            )
            text = html.escape(item.get("text", "")).replace("\n", "<br>")
            parts.append(f"<p style='{weight}{size}margin:3px 0'>{text}</p>")
        elif item.get("type") == "FactSet":
            rows = "".join(
                f"<tr><td style='color:#475569;padding-right:12px'><b>{html.escape(f['title'])}</b></td>"
                f"<td>{html.escape(f['value'])}</td></tr>"
                for f in item.get("facts") or []
            )
            parts.append(f"<table>{rows}</table>")
    return (
        "<div style='border:1px solid #c7d2fe;padding:8px'>"
        "<p style='color:#4f46e5;font-weight:600'>Microsoft Teams · Adaptive Card</p>" + "".join(parts) + "</div>"
    )


def email_html(subject: str, body: str) -> str:
    return (
        f"<p><b>Subject:</b> {html.escape(subject)}</p><hr>"
        f"<pre style='white-space:pre-wrap;font-family:sans-serif'>{html.escape(body)}</pre>"
    )


def _who(visitor: Mapping[str, Any]) -> str:
    """"Ana Lima (ana@example.com)", or "an anonymous visitor" when the chat knows nothing."""
    name = str(visitor.get("name") or "").strip()
    contact = str(visitor.get("email") or visitor.get("phone") or "").strip()
    if name and contact:
        return f"{name} ({contact})"
    return name or contact or "an anonymous visitor"


def webhook_html(body: Mapping[str, Any]) -> str:
    """The handoff as a helpdesk or CRM receives it, in words: who, what they said, priority, team,
    promise (the field names and the JSON itself are behind "Show technical details")."""
    handoff = body.get("handoff") or {}
    said = [str(m.get("text", "")) for m in body.get("transcript") or [] if m.get("role") == "visitor"]
    quotes = "<br>".join(f"\u201c{html.escape(text)}\u201d" for text in said[-3:])
    if len(said) > 3:
        quotes = f"<span style='color:#64748b'>({len(said) - 3} earlier messages)</span><br>" + quotes
    team = handoff.get("team_name") or handoff.get("team")
    mode = catalog().handoff_modes.get(str(handoff.get("mode") or ""), {}).get("label", handoff.get("mode"))
    pages = len(body.get("pages") or [])
    rows = [
        ("Who", html.escape(_who(body.get("visitor") or {}))),
        ("What they said", quotes),
        ("Priority", html.escape(str(body.get("priority") or ""))),
        ("Team", html.escape(f"{team} ({str(mode).lower()})" if team and mode else str(team or ""))),
        ("Promise", html.escape(str(handoff.get("promise") or ""))),
        ("Rule", html.escape(str((body.get("rule") or {}).get("name") or ""))),
        ("Because", html.escape(str((body.get("trigger") or {}).get("label") or ""))),
        ("Tags", html.escape(", ".join(body.get("tags") or []))),
        ("Pages seen", f"{pages} page{'s' if pages != 1 else ''}" if pages else ""),
    ]
    cells = "".join(
        f"<tr><td style='color:#475569;padding-right:12px;vertical-align:top'><b>{k}</b></td><td>{v}</td></tr>"
        for k, v in rows if v
    )
    return "<p style='font-weight:600'>Helpdesk or CRM (webhook)</p><table>" + cells + "</table>"


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def channel_messages(
    ruleset: Ruleset, decision: Mapping[str, Any], conversation: Mapping[str, Any], handoff: Any = None
) -> dict[str, Any]:
    """Per receiver kind, what it gets: the notified channel's message when the rule notifies one of
    that kind (its template rendered in), else the plain format of the payload."""
    payload = payloads.build_payload(decision, conversation, ruleset=ruleset, handoff=handoff)
    out: dict[str, Any] = {
        "payload": payload,
        "slack": payloads.slack_message(payload),
        "teams": payloads.teams_card(payload),
        "email": payloads.email_message(payload),
        "webhook": payloads.webhook_body(payload),
    }
    for channel_id in decision.get("notify") or []:
        channel = ruleset.channel(channel_id)
        if channel is None:
            continue
        message = payloads.notification(ruleset, channel, payload)
        if channel.type == "email":
            out["email"] = (str(message.get("subject", "")), str(message.get("body", "")))
        else:
            out[channel.type] = message
        out.setdefault("notified", []).append(f"{channel.name} ({CHANNEL_KINDS.get(channel.type, channel.type)})")
    return out


class HandoffView(QWidget):
    """Empty until a rule escalates; then the visitor's side, the mode and why, and each payload."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("simulatorHandoff")
        self.summary = QLabel(self)
        self.summary.setObjectName("handoffSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAccessibleName("Handoff")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.details = QCheckBox("Show technical details", self)
        self.details.setObjectName("handoffTechnicalDetails")
        self.details.setToolTip("The exact data each receiver gets (JSON), for whoever connects the chatbot")
        self.details.toggled.connect(self._show_details)
        self.views: dict[str, tuple[QTextBrowser, QPlainTextEdit]] = {}
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for key, title in (("webhook", "Handoff"), ("slack", "Slack"), ("teams", "Teams"), ("email", "E-mail")):
            split = QSplitter(Qt.Orientation.Horizontal, self.tabs)
            visual = QTextBrowser(split)
            visual.setAccessibleName(f"{title} message")
            raw = QPlainTextEdit(split)
            raw.setReadOnly(True)
            raw.setFont(mono)
            raw.setAccessibleName(f"{title} raw JSON")
            raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            raw.setVisible(False)  # until "Show technical details"
            split.setSizes([380, 320])
            self.tabs.addTab(split, title)
            self.views[key] = (visual, raw)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.details, 0, Qt.AlignmentFlag.AlignRight)
        self.mode: str | None = None
        self.show_nothing()

    def _show_details(self, on: bool) -> None:
        for _visual, raw in self.views.values():
            raw.setVisible(on)

    def _show_messages(self, shown: bool) -> None:
        for widget in (self.tabs, self.details):
            if widget.isHidden() == shown:
                widget.setVisible(shown)

    def show_nothing(self, note: str = "No handoff yet: no rule has escalated this conversation.") -> None:
        self.mode = None
        self.summary.setText(f"<i>{html.escape(note)}</i>")
        self.tabs.setEnabled(False)
        self._show_messages(False)  # no empty boxes under "No handoff yet"
        for visual, raw in self.views.values():
            visual.clear()
            raw.clear()

    def show_decision(self, ruleset: Ruleset, decision: Any, conversation: Mapping[str, Any]) -> None:
        """`decision` is the engine's Decision (its `routing` is the Handoff with the reason)."""
        data = decision.to_dict(trace=False)
        data["rule_name"] = decision.rule_name
        handoff = decision.routing
        if handoff is not None:
            data["routing"] = handoff.to_dict()
        self.mode = decision.handoff
        label = catalog().handoff_modes.get(decision.handoff or "", {}).get("label", decision.handoff or "")
        colour = MODE_COLOUR.get(decision.handoff or "", "#0f172a")
        when = "a timer" if decision.timer else f"turn {decision.turn}"
        team = handoff.team_name if handoff else decision.team or ""
        lines = [
            (
                f"<b style='color:{colour};font-size:11pt'>{html.escape(label)}</b> to <b>{html.escape(team)}</b>, "
                f"{html.escape(decision.priority or '')} priority — rule "
                f"<b>{html.escape(decision.rule_name or '')}</b> at {when}"
            )
        ]
        if handoff is not None:
            state = "open" if handoff.open else "closed"
            lines.append(f"<span style='color:#475569'>Why: {html.escape(handoff.reason)} (team {state})</span>")
        promise = decision.promise or "—"
        lines.append(
            f"<b>Visitor sees:</b> {html.escape(decision.reply or '(no reply template)')}"
            f"<br><b>Promise:</b> {html.escape(promise)}"
        )
        try:
            messages = channel_messages(ruleset, data, conversation, handoff)
        except Exception as exc:
            self.summary.setText(
                "<br>".join(lines) + f"<br><span style='color:#b91c1c'>Payload: {html.escape(str(exc))}</span>"
            )
            return
        if messages.get("notified"):
            lines.append("<b>Notifies:</b> " + html.escape(", ".join(messages["notified"])))
        self.summary.setText("<br>".join(lines))
        self.tabs.setEnabled(True)
        self._show_messages(True)
        subject, body = messages["email"]
        rendered = {
            "slack": slack_html(messages["slack"]),
            "teams": teams_html(messages["teams"]),
            "email": email_html(subject, body),
            "webhook": webhook_html(messages["webhook"]),
        }
        raw = {
            "slack": _pretty(messages["slack"]),
            "teams": _pretty(messages["teams"]),
            "email": _pretty({"subject": subject, "body": body}),
            "webhook": _pretty(messages["webhook"]),
        }
        for key, (visual, raw_view) in self.views.items():
            raw_view.setLineWrapMode(
                QPlainTextEdit.LineWrapMode.WidgetWidth if key == "email" else QPlainTextEdit.LineWrapMode.NoWrap
            )
            visual.setHtml(rendered[key])
            raw_view.setPlainText(raw[key])
