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
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from builder.editing.document import Document
from builder.format.model import Channel, Ruleset
from builder.handoff.notify import SendResult
from rules_schema import Problem
from widgets.channels.channel_test import SEND_TIMEOUT_S, ChannelTestMixin, coloured, env_hint
from widgets.common.editor_page import (
    RowVisibility,
    SettingsValidation,
    add_button,
    debounce_timer,
    focus_item,
    item_problem_lines,
    problem_html,
    problems_label,
    push_ruleset,
    replaced,
    split_page,
    subscribe,
    use_fallback_style,
    without,
)
from widgets.common.form_helpers import channel_label, set_text, unique_id, unique_name
from widgets.common.placeholder_highlighter import route_undo_to_window
from widgets.common.style import icon

ID_ROLE = Qt.ItemDataRole.UserRole
OK_COLOUR, WARNING_COLOUR = "#15803d", "#b45309"
TYPES: dict[str, str] = {"slack": "Slack", "teams": "Microsoft Teams", "email": "E-mail",
                         "webhook": "Other service (webhook)"}
TEMPLATE_CHANNEL = {"slack": "slack", "teams": "teams", "email": "email", "webhook": "webhook"}
ENV_NAME = QRegularExpression("[A-Za-z_][A-Za-z0-9_]*")
_FALLBACK_QSS = """
#channelsEditor QGroupBox { font-weight: 600; }
#previewNote { color: #64748b; }
#sentPreview { background: #f8fafc; }
"""


class ChannelsEditor(ChannelTestMixin, SettingsValidation, QWidget):
    """Channel list with add/delete; name, type, URL variable, address, notification text; a test send.

    Signals: `test_finished(result)` with the `builder.handoff.notify.SendResult` of a test send.
    """

    test_finished = Signal(object)

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("channelsEditor")
        use_fallback_style(self, _FALLBACK_QSS)
        self.document, self.undo_stack = document, undo_stack
        self.send_timeout = SEND_TIMEOUT_S
        self.sending = False
        self.last_result: SendResult | None = None
        self._channel_id: str | None = None
        self._loading = False
        self._structure: tuple[tuple[str, str, str], ...] = ()
        self.problems: list[Problem] = []
        self._validated: Ruleset | None = None
        self._templates_key: object = None
        self._stale = False
        self._shown_preview: object = ()
        self._shown: object = ()
        self._rows = RowVisibility()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self._build_form())
        right_layout.addWidget(self._build_test(), 1)
        split_page(self, [self._build_list(), right], (0, 1), (240, 760))

        self.preview_timer = debounce_timer(self, self._update_sent_preview)
        self.validate_timer = debounce_timer(self, self.validate_now)
        subscribe(self, [(document.ruleset_replaced, self._on_ruleset_replaced),
                         (document.changed, self.validate_timer.start)])
        self.refresh()
        first = next(iter(document.ruleset.channels), None)
        self.select_channel(first.id if first else None)

    # --- building ---------------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.channel_list = QListWidget()
        self.channel_list.setAccessibleName("Channels")
        self.channel_list.setMinimumWidth(210)
        self.channel_list.setSpacing(3)
        self.channel_list.currentItemChanged.connect(self._on_current_item)
        layout.addWidget(self.channel_list, 1)
        buttons = QHBoxLayout()
        self.add_button = add_button("Add a channel (the arrow picks its kind)", list(TYPES.items()), self.add_channel)
        self.add_button.clicked.connect(lambda: self.add_channel("slack"))
        self.delete_button = QPushButton(icon("delete"), "Delete")
        self.delete_button.clicked.connect(self.delete_channel)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return box

    def _build_form(self) -> QWidget:
        box = QGroupBox("Channel")
        form = self.form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Channel name")
        self.name_edit.textEdited.connect(
            lambda text: self._edit("name", text, "Rename channel") if text.strip() else None)
        form.addRow("Name", self.name_edit)
        self.id_label = QLabel()
        self.id_label.setObjectName("previewNote")
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Id", self.id_label)
        form.setRowVisible(self.id_label, False)  # ids are internal: a manager sees and types names only
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
        self.form_box = box
        return box

    # --- selection --------------------------------------------------------------------------------

    def channel(self) -> Channel | None:
        return self.document.ruleset.channel(self._channel_id) if self._channel_id else None

    def current_channel_id(self) -> str | None:
        return self._channel_id

    def select_channel(self, channel_id: str | None) -> None:
        self._channel_id = channel_id if channel_id and self.document.ruleset.channel(channel_id) else None
        self._shown = ()  # an explicit selection re-reads everything, the environment included
        item = self._item_for(self._channel_id)
        if item is not None and self.channel_list.currentItem() is not item:
            self.channel_list.setCurrentItem(item)
        self._load_fields()

    def _item_for(self, channel_id: str | None) -> QListWidgetItem | None:
        for row in range(self.channel_list.count()):
            if self.channel_list.item(row).data(ID_ROLE) == channel_id:
                return self.channel_list.item(row)
        return None

    def _on_current_item(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        channel_id = current.data(ID_ROLE) if current is not None else None
        if channel_id and channel_id != self._channel_id:
            self.select_channel(str(channel_id))

    # --- mirroring the document -------------------------------------------------------------------

    def _on_ruleset_replaced(self, _old: Ruleset, _new: Ruleset) -> None:
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
            self.validate_now()

    def refresh(self) -> None:
        """Mirror the document; while the page is hidden only note that it is stale."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        structure = tuple((c.id, c.name, c.type) for c in self.document.ruleset.channels)
        if structure != self._structure:
            self._structure = structure
            self.channel_list.blockSignals(True)
            self.channel_list.clear()
            for channel in self.document.ruleset.channels:
                entry = QListWidgetItem(f"{channel.name}\n{TYPES.get(channel.type, channel.type)}")
                entry.setData(ID_ROLE, channel.id)
                entry.setToolTip(f"id: {channel.id}")
                self.channel_list.addItem(entry)
            self.channel_list.blockSignals(False)
        if self._channel_id and self.document.ruleset.channel(self._channel_id) is None:
            self._channel_id = None
        item = self._item_for(self._channel_id)
        if item is not None and self.channel_list.currentItem() is not item:
            self.channel_list.blockSignals(True)
            self.channel_list.setCurrentItem(item)
            self.channel_list.blockSignals(False)
        self._load_fields()
        self.validate_timer.start()

    def _load_fields(self) -> None:
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

    def _set_row_visible(self, field: QWidget, visible: bool) -> None:
        self._rows.set(self.form, field, visible)

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

    def _push(self, ruleset: Ruleset, text: str, merge_key: str | None = None) -> None:
        push_ruleset(self.undo_stack, self.document, ruleset, text, merge_key)

    def _replace_channel(self, new: Channel, text: str, merge_key: str | None = None) -> None:
        ruleset = self.document.ruleset
        self._push(replace(ruleset, channels=replaced(ruleset.channels, new)), text, merge_key)

    def _edit(self, field: str, value: Any, text: str) -> None:
        channel = self.channel()
        if self._loading or channel is None or getattr(channel, field) == value:
            return
        self._replace_channel(
            replace(channel, **{field: value}), f"{text} '{channel.name}'", f"channel:{channel.id}:{field}"
        )

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
        self._replace_channel(
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
        self._push(replace(ruleset, channels=(*ruleset.channels, channel)), f"Add channel '{name}'")
        self.select_channel(channel_id)
        self.name_edit.setFocus()
        self.name_edit.selectAll()
        return channel_id

    def delete_channel(self) -> None:
        channel = self.channel()
        if channel is None:
            return
        ruleset = self.document.ruleset
        rest, following = without(ruleset.channels, channel)
        self._push(replace(ruleset, channels=rest), f"Delete channel '{channel.name}'")
        self.select_channel(following.id if following else None)

    # --- validation ---------------------------------------------------------------------------------

    def _show_problems(self) -> None:
        channel = self.channel()
        lines: list[str] = []
        if channel is not None and self._validated is self.document.ruleset:
            prefix = f"$.channels[{self.document.ruleset.channels.index(channel)}]"
            lines = problem_html(item_problem_lines(self.problems, prefix, "Channel"), once=False)
        set_text(self.problems_label, "<br>".join(lines))
        self._set_row_visible(self.problems_label, bool(lines))

    def focus_problem(self, problem: Problem) -> bool:
        """Show the channel a `$.channels[i]…` problem points at; False when it is not one of ours."""
        part = focus_item(problem, "channels", self.document.ruleset.channels, self.select_channel)
        if part is None:
            return False
        {"url_env": self.env_edit, "address": self.address_edit, "template": self.template_combo}.get(
            part, self.name_edit
        ).setFocus()
        return True
