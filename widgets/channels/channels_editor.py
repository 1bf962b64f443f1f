"""The channels editor: where handoffs are announced (Slack, Teams, e-mail, a generic webhook).

Why only an environment variable's name: a webhook URL is a secret (whoever has it can post into
the team's channel), and the ruleset is exported, committed and shared. So the file names the
variable, the hint says whether it is set where this app runs, and the URL is read only at the
moment a test is sent — it is never shown, stored or logged.

"Send test notification" posts the sample handoff (`builder.handoff.notify.sample_notification`) through
`builder.handoff.notify.send` on a cancellable daemon thread (`widgets.channels.background_send`): deadline, no
redirects, capped response, and the outcome in one sentence, green or red.

Every edit is a `SetRulesetCommand` (typing in one field merges); the view mirrors the document's
`ruleset_replaced` event.
"""

from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from builder.editing.document import Document
from builder.format.model import Channel
from builder.handoff.notify import SendResult
from rules_schema import Problem
from widgets.channels.channel_test import SEND_TIMEOUT_S, ChannelTestMixin, coloured, env_hint
from widgets.common.editor_page import add_button, debounce_timer, problem_html, problems_label, split_page
from widgets.common.form_helpers import CHANNEL_KINDS, channel_label, set_text, unique_id, unique_name
from widgets.common.list_form import ID_ROLE, ListFormPage
from widgets.common.placeholder_highlighter import route_undo_to_window
from widgets.common.style import icon

OK_COLOUR, WARNING_COLOUR = "#15803d", "#b45309"
TYPES = CHANNEL_KINDS
TEMPLATE_CHANNEL = {"slack": "slack", "teams": "teams", "email": "email", "webhook": "webhook"}
ENV_NAME = QRegularExpression("[A-Za-z_][A-Za-z0-9_]*")
_FALLBACK_QSS = """
#channelsEditor QGroupBox { font-weight: 600; }
#previewNote { color: #64748b; }
#sentPreview { background: #f8fafc; }
"""


class ChannelsEditor(ChannelTestMixin, ListFormPage[Channel]):
    """Channel list with add/delete; name, type, URL variable, address, notification text; a test send.

    Signals: `test_finished(result)` with the `builder.handoff.notify.SendResult` of a test send.
    """

    noun, collection = "channel", "channels"
    test_finished = Signal(object)

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(document, undo_stack, parent, object_name="channelsEditor", fallback_qss=_FALLBACK_QSS)
        self.send_timeout = SEND_TIMEOUT_S
        self.sending = False
        self.last_result: SendResult | None = None
        self._templates_key: object = None
        self._shown_preview: object = ()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self._build_form())
        right_layout.addWidget(self._build_test(), 1)
        split_page(self, [self._build_list(), right], (0, 1), (240, 760))

        self.preview_timer = debounce_timer(self, self._update_sent_preview)
        self.open_document()

    # --- building ---------------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        self.channel_list = QListWidget()
        self.channel_list.setAccessibleName("Channels")
        self.channel_list.setMinimumWidth(210)
        self.channel_list.setSpacing(3)
        self.add_button = add_button("Add a channel (the arrow picks its kind)", list(TYPES.items()), self.add_channel)
        self.add_button.clicked.connect(lambda: self.add_channel("slack"))
        self.delete_button = QPushButton(icon("delete"), "Delete")
        self.delete_button.clicked.connect(self.delete_channel)
        return self.list_pane(self.channel_list, [self.add_button, self.delete_button])

    def _build_form(self) -> QWidget:
        form = self.form_group(with_id=True)
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Channel type")
        for kind, label in TYPES.items():
            self.type_combo.addItem(label, kind)
        self.type_combo.activated.connect(self._type_chosen)
        form.addRow("Kind", self.type_combo)
        self.env_label = QLabel("Secret link")
        self.env_edit = QLineEdit()
        self.env_edit.setAccessibleName("Name the secret link is stored under")
        self.env_edit.setPlaceholderText("HANDOFF_SLACK_WEBHOOK_URL")
        self.env_edit.setValidator(QRegularExpressionValidator(ENV_NAME, self.env_edit))
        self.env_edit.setToolTip("The name your chatbot's administrator stores this channel's link under; "
                                 "the link itself is never saved in the rules.")
        self.env_edit.textEdited.connect(self._env_edited)
        self.env_hint = QLabel()
        self.env_hint.setObjectName("envHint")
        self.env_hint.setWordWrap(True)
        self.env_box = QWidget()
        env_layout = QVBoxLayout(self.env_box)
        env_layout.setContentsMargins(0, 0, 0, 0)
        env_layout.setSpacing(3)
        env_layout.addWidget(self.env_edit)
        env_layout.addWidget(self.env_hint)
        form.addRow(self.env_label, self.env_box)
        self.address_label = QLabel("Send to")
        self.address_edit = QLineEdit()
        self.address_edit.setAccessibleName("E-mail address")
        self.address_edit.setPlaceholderText("support-team@example.com")
        self.address_edit.textEdited.connect(lambda text: self._edit("address", text.strip() or None, "Edit address"))
        form.addRow(self.address_label, self.address_edit)
        self.template_combo = QComboBox()
        self.template_combo.setAccessibleName("Notification text")
        self.template_combo.activated.connect(self._template_chosen)
        form.addRow("Message text", self.template_combo)
        self.problems_label = problems_label("channelProblems")
        form.addRow("", self.problems_label)
        route_undo_to_window(self.name_edit, self.env_edit, self.address_edit)
        return self.form_box

    # --- selection --------------------------------------------------------------------------------

    channel = ListFormPage.current
    current_channel_id = ListFormPage.current_id

    def select_channel(self, channel_id: str | None) -> None:
        self.select(channel_id)  # an explicit selection re-reads everything, the environment included

    # --- mirroring the document -------------------------------------------------------------------

    def _list_key(self) -> object:
        return tuple((c.id, c.name, c.type) for c in self.document.ruleset.channels)

    def _fill_list(self) -> None:
        for channel in self.document.ruleset.channels:
            entry = QListWidgetItem(f"{channel.name}\n{TYPES.get(channel.type, channel.type)}")
            entry.setData(ID_ROLE, channel.id)
            entry.setToolTip(f"id: {channel.id}")
            self.channel_list.addItem(entry)

    def _load_fields(self, *, selected: bool = False) -> None:
        """Show the current channel; only what differs is set (any edit anywhere reloads)."""
        channel = self.channel()
        self._loading = True
        try:
            if (channel, self.sending) != self._shown:
                self._shown = (channel, self.sending)
                for widget, enabled in (
                    (self.form_box, channel is not None),
                    (self.delete_button, channel is not None),
                    (self.send_button, channel is not None and not self.sending),
                ):
                    if widget.isEnabled() != enabled:
                        widget.setEnabled(enabled)
                set_text(self.name_edit, channel.name if channel else "")
                set_text(self.env_edit, (channel.url_env or "") if channel else "")
                set_text(self.address_edit, (channel.address or "") if channel else "")
                set_text(self.id_label, channel.id if channel else "")
                index = max(0, self.type_combo.findData(channel.type if channel else "slack"))
                if self.type_combo.currentIndex() != index:
                    self.type_combo.setCurrentIndex(index)
                is_email = channel is not None and channel.type == "email"
                self._set_row_visible(self.env_box, not is_email)
                self._set_row_visible(self.address_edit, is_email)
                if self.send_button.text() != ("Show test e-mail" if is_email else "Send test notification"):
                    self.send_button.setText("Show test e-mail" if is_email else "Send test notification")
                self._update_env_hint()
            self._fill_templates(channel)
        finally:
            self._loading = False
        if self._shown_preview is not channel:
            self._shown_preview = channel
            self._update_sent_preview()
        else:  # the channel is the same but a template or the routing may have changed: soon, not per key
            self.preview_timer.start()
        self._show_problems()

    def _fill_templates(self, channel: Channel | None) -> None:
        key = (channel, tuple((t.id, t.name, t.channel) for t in self.document.ruleset.templates))
        if key == self._templates_key:  # unchanged (e.g. a template's text was typed): keep the combo
            return
        self._templates_key = key
        self.template_combo.clear()
        self.template_combo.addItem("Standard message (no template)", None)
        templates = self.document.ruleset.templates
        wanted = TEMPLATE_CHANNEL.get(channel.type) if channel else None
        for template in sorted(templates, key=lambda t: t.channel != wanted):
            suffix = "" if template.channel == wanted else f"  — {channel_label(template.channel).lower()}"
            self.template_combo.addItem(f"{template.name}{suffix}", template.id)
        if channel is not None and channel.template and self.template_combo.findData(channel.template) < 0:
            self.template_combo.addItem(f"missing template '{channel.template}'", channel.template)
        index = self.template_combo.findData(channel.template) if channel and channel.template else 0
        self.template_combo.setCurrentIndex(max(index, 0))

    def _update_env_hint(self) -> None:
        channel = self.channel()
        if channel is None or channel.type == "email":
            return
        is_set, text = env_hint(channel.url_env)
        coloured(self.env_hint, OK_COLOUR if is_set else WARNING_COLOUR, ("✓ " if is_set else "⚠ ") + text)
        if self.env_hint.property("set") != is_set:
            self.env_hint.setProperty("set", is_set)

    # --- edits -------------------------------------------------------------------------------------

    def _env_edited(self, text: str) -> None:
        upper = text.upper()
        if upper != text:
            position = self.env_edit.cursorPosition()
            self.env_edit.setText(upper)
            self.env_edit.setCursorPosition(position)
        self._edit("url_env", upper or None, "Change the secret link's name of")
        self._update_env_hint()

    def _type_chosen(self, index: int) -> None:
        channel = self.channel()
        kind = str(self.type_combo.itemData(index))
        if channel is None or kind == channel.type:
            return
        url_env = None if kind == "email" else (channel.url_env or self._default_env(channel.id))
        address = channel.address if kind == "email" else None
        self._replace_item(
            replace(channel, type=kind, url_env=url_env, address=address),  # type: ignore[arg-type]
            f"Make '{channel.name}' a {TYPES[kind]} channel",
        )

    def _template_chosen(self, index: int) -> None:
        value = self.template_combo.itemData(index)
        self._edit("template", str(value) if value else None, "Change message text of")

    @staticmethod
    def _default_env(channel_id: str) -> str:
        return "HANDOFF_" + re.sub(r"[^A-Z0-9]+", "_", channel_id.upper()).strip("_") + "_URL"

    def add_channel(self, kind: str = "slack") -> str:
        """Add a channel of `kind` with a suggested variable name; returns its id."""
        ruleset = self.document.ruleset
        name = unique_name(f"{TYPES.get(kind, kind)} channel", {c.name for c in ruleset.channels})
        channel_id = unique_id(name, {c.id for c in ruleset.channels}, "channel")
        template = next((t.id for t in ruleset.templates if t.channel == TEMPLATE_CHANNEL.get(kind)), None)
        channel = Channel(
            channel_id,
            name,
            kind,  # type: ignore[arg-type]
            url_env=None if kind == "email" else self._default_env(channel_id),
            template=template,
        )
        return self._added(self._with_items((*ruleset.channels, channel)), channel_id, f"Add channel '{name}'")

    def delete_channel(self) -> None:
        self._delete_current()

    # --- validation ---------------------------------------------------------------------------------

    def _show_problems(self) -> None:
        lines = problem_html(self._problem_lines() or [], once=False)
        set_text(self.problems_label, "<br>".join(lines))
        self._set_row_visible(self.problems_label, bool(lines))

    def focus_problem(self, problem: Problem) -> bool:
        """Show the channel a `$.channels[i]…` problem points at; False when it is not one of ours."""
        fields = {"url_env": self.env_edit, "address": self.address_edit, "template": self.template_combo}
        return self._focus_problem(problem, fields, self.name_edit)
