"""The chat pane: the conversation as bubbles (visitor right, bot left, events as notes) and the input.

One rich-text view rebuilt from the transcript: a simulated chat has tens of lines, so HTML is
cheaper and simpler than a widget per bubble, and it copies and scrolls like a real chat.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class ChatLine:
    """One line of the transcript: `role` visitor | bot | handoff | note."""

    role: str
    text: str
    time: str
    detail: str = ""


_STYLE = {
    "visitor": ("right", "#2563eb", "#ffffff"),
    "bot": ("left", "#f1f5f9", "#0f172a"),
    "handoff": ("left", "#dcfce7", "#14532d"),
}


def _bubble(line: ChatLine) -> str:
    text = html.escape(line.text).replace("\n", "<br>")
    detail = f" · {html.escape(line.detail)}" if line.detail else ""
    if line.role == "note":
        return (f"<p align='center' style='color:#64748b;font-size:9pt;margin:4px 0'>"
                f"{text} <span style='color:#94a3b8'>{html.escape(line.time)}</span></p>")
    align, bg, fg = _STYLE.get(line.role, _STYLE["bot"])
    who = {"visitor": "Visitor", "bot": "Bot", "handoff": "Bot · handoff reply"}.get(line.role, line.role)
    pad_left, pad_right = ("60", "0") if align == "right" else ("0", "60")
    return (
        f"<table width='100%' cellspacing='0' cellpadding='0' style='margin:3px 0'><tr>"
        f"<td width='{pad_left}'></td><td align='{align}'>"
        f"<table cellpadding='7' style='background:{bg}'><tr><td style='color:{fg}'>{text}</td></tr></table>"
        f"<p align='{align}' style='color:#94a3b8;font-size:8pt;margin:0'>{who} {html.escape(line.time)}{detail}</p>"
        f"</td><td width='{pad_right}'></td></tr></table>"
    )


class ChatPane(QWidget):
    """Shows `ChatLine`s; typing a message and pressing Enter emits `message_entered(text)`."""

    message_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("simulatorChat")
        self.view = QTextBrowser(self)
        self.view.setObjectName("chatTranscript")
        self.view.setAccessibleName("Conversation")
        self.view.setOpenLinks(False)
        self.input = QLineEdit(self)
        self.input.setObjectName("chatInput")
        self.input.setPlaceholderText("Type what the visitor says, then Enter")
        self.input.setAccessibleName("Visitor message")
        self.send = QPushButton("Send", self)
        self.send.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self.lines: list[ChatLine] = []
        self.input.returnPressed.connect(self._send)
        self.send.clicked.connect(self._send)

    def set_handed_over(self, handed_over: bool) -> None:
        """After the handoff the visitor talks to a person: the box takes no more messages."""
        self.set_enabled_input(not handed_over, "Handed over to a person: start a new conversation to try again")

    def _send(self) -> None:
        text = self.input.text().strip()
        if not text:
            return
        self.input.setText("")  # unlike clear(), forgets the typing: Ctrl+Z cannot bring a sent message back
        self.message_entered.emit(text)

    def set_lines(self, lines: list[ChatLine]) -> None:
        """Show `lines`; when they only add to what is shown, append (a long chat stays cheap)."""
        if lines == self.lines:
            return
        old, self.lines = self.lines, list(lines)
        if old and len(lines) > len(old) and lines[: len(old)] == old:
            cursor = self.view.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertHtml("".join(_bubble(line) for line in lines[len(old) :]))
        else:
            body = "".join(_bubble(line) for line in lines) or (
                "<p style='color:#94a3b8' align='center'>The conversation is empty. Type what a visitor would say "
                "below; insert page views, bot replies and other events from the side panel.</p>"
            )
            self.view.setHtml(f"<html><body style='font-size:10pt'>{body}</body></html>")
        self._scroll_to_end()
        QTimer.singleShot(0, self._scroll_to_end)  # again once the new lines are laid out

    def _scroll_to_end(self) -> None:
        bar = self.view.verticalScrollBar()
        bar.setValue(bar.maximum())

    def set_enabled_input(self, enabled: bool, reason: str = "") -> None:
        self.input.setEnabled(enabled)
        self.send.setEnabled(enabled)
        self.input.setPlaceholderText("Type what the visitor says, then Enter" if enabled else reason)
