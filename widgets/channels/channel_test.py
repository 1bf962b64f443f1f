"""The channels page's test send: what the sample handoff looks like for the shown channel, and
"Send test notification", which posts it to the URL in the channel's environment variable.

Why its own module: the URL is a secret read only here, at the moment of sending (never shown,
stored or logged); the post runs off the UI thread on a daemon thread that quitting or closing the
page cancels (`widgets.channels.background_send`) through `builder.handoff.notify.send` (one total
deadline, no redirects, capped response); the outcome is one sentence.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from builder.editing.document import Document
from builder.format.model import Channel
from builder.handoff.notify import SendResult, sample_notification
from widgets.channels.background_send import BackgroundSend, cancel_all
from widgets.channels.readable_message import readable_message
from widgets.common.form_helpers import set_text

SEND_TIMEOUT_S = 5.0
OK_COLOUR, ERROR_COLOUR, MUTED_COLOUR = "#15803d", "#dc2626", "#64748b"


def env_hint(name: str | None) -> tuple[bool, str]:
    """(is set, a sentence) about the channel's secret link; never reveals the link, and never names
    the environment variable (a manager reads this; the field above holds the name)."""
    if not name:
        return False, "Give the secret link a name above: your chatbot's administrator stores the link under it."
    value = os.environ.get(name)
    if not value:
        return False, ("The secret link is not set up on this computer yet. Whoever runs your chatbot stores "
                       "the channel's link under the name above (here too, to send a test); the link itself "
                       "is never saved in the rules.")
    try:
        host = urlsplit(value.strip()).hostname or ""
    except ValueError:
        host = ""
    return True, "The secret link is set up on this computer" + (f" (a link to {host})." if host else ".")


def coloured(label: QLabel, colour: str, text: str) -> None:
    set_text(label, text)
    if label.styleSheet() != f"color: {colour};":
        label.setStyleSheet(f"color: {colour};")


class ChannelTestMixin:
    """The test-send half of `ChannelsEditor` (a mixin so the page keeps one flat set of attributes)."""

    document: Document
    send_timeout: float
    sending: bool
    last_result: SendResult | None
    test_finished: SignalInstance

    if TYPE_CHECKING:  # provided by the page (and QWidget)
        def channel(self) -> Channel | None: ...

        def font(self) -> QFont: ...

    def _build_test(self) -> QWidget:
        box = QGroupBox("Test")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.send_button = QPushButton("Send test notification")
        self.send_button.setToolTip("Send a sample handoff to this channel now (gives up after 5 seconds)")
        self.send_button.clicked.connect(self.send_test)
        row.addWidget(self.send_button)
        self.send_job: BackgroundSend | None = None
        box.destroyed.connect(lambda *_: cancel_all())  # the page is going: no send outlives it
        self.status_label = QLabel("A sample handoff (visitor Ana asking for a refund) is sent as shown below.")
        self.status_label.setObjectName("sendStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.status_label, 1)
        layout.addLayout(row)
        caption = QLabel("What will be sent (the sample handoff, formatted for this channel):")
        caption.setObjectName("previewNote")
        layout.addWidget(caption)
        self.sent_preview = QPlainTextEdit()
        self.sent_preview.setObjectName("sentPreview")
        self.sent_preview.setReadOnly(True)
        self.sent_preview.setAccessibleName("What will be sent")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        self.sent_preview.setFont(mono)
        layout.addWidget(self.sent_preview, 1)
        return box

    def _update_sent_preview(self) -> None:
        channel = self.channel()
        if channel is None:
            if self.sent_preview.toPlainText():
                self.sent_preview.setPlainText("")
            return
        message = sample_notification(self.document.ruleset, channel)
        if channel.type == "email":
            to = message.get("to") or "(no address yet)"
            text = f"To: {to}\nSubject: {message.get('subject')}\n\n{message.get('body')}"
        else:
            text = readable_message(message, channel.type)  # the words the team sees, not the service's JSON
        if self.sent_preview.toPlainText() != text:
            self.sent_preview.setPlainText(text)

    def send_test(self) -> None:
        """Post the sample handoff to the channel's URL off the UI thread; the outcome lands in the
        status line (and `test_finished`)."""
        channel = self.channel()
        if channel is None or self.sending:
            return
        if channel.type == "email":
            self._update_sent_preview()
            coloured(
                self.status_label,
                MUTED_COLOUR,
                "E-mail is sent by your chatbot's mailer; below is the "
                f"message it would send to {channel.address or '(no address yet)'}.",
            )
            return
        url = os.environ.get(channel.url_env or "", "").strip() if channel.url_env else ""
        if not url:
            self._finish(
                SendResult(
                    False,
                    None,
                    "The secret link is not set up on this computer, so nothing was sent. Ask whoever "
                    "runs your chatbot to set it up under the name shown above.",
                    0.0,
                )
            )
            return
        body = sample_notification(self.document.ruleset, channel)
        timeout = self.send_timeout
        self.sending = True
        self.send_button.setEnabled(False)
        coloured(self.status_label, MUTED_COLOUR, "Sending to the channel's secret link…")
        self.send_job = BackgroundSend(url, body, timeout, self._finish)
        self.send_job.start()

    def _finish(self, result: SendResult) -> None:
        self.sending = False
        self.send_job = None
        self.last_result = result
        self.send_button.setEnabled(self.channel() is not None)
        coloured(
            self.status_label, OK_COLOUR if result.ok else ERROR_COLOUR, ("✓ " if result.ok else "✗ ") + result.message
        )
        self.status_label.setProperty("ok", result.ok)
        self.test_finished.emit(result)
