"""Who uses a template, and how long it is: the template page's "Used by" list and its counter.

Why its own module: who uses a template is a question about the ruleset, answered once by
`builder.analysis.references.template_users` (the same answer the "unused template" finding
gives); here it is cached while rules and channels stay the same, so typing in the text does not
walk every rule, and rendered as a list. The counter reads the channel's limit from the catalog.
Neither edits anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem

from builder.analysis.references import TemplateUser, template_users
from builder.editing.document import Document
from builder.format.model import Template
from widgets.common.form_helpers import channel_label, channel_limit, set_text
from widgets.common.placeholder_highlighter import PlaceholderTextEdit
from widgets.common.style import icon

ID_ROLE = Qt.ItemDataRole.UserRole
OVER_COLOUR, MUTED_COLOUR = "#dc2626", "#64748b"


def user_text(user: TemplateUser) -> str:
    """"Visitor asks for a human — chat reply, notification"; "Channel “Support Slack” — its message text"."""
    if user.kind == "channel":
        return f"Channel “{user.name}” — its {', '.join(user.uses)}"
    return f"{user.name} — {', '.join(user.uses)}"


class TemplateUsageMixin:
    """The "used by" and counter part of `TemplateEditor` (a mixin: one flat set of attributes)."""

    document: Document
    rule_activated: SignalInstance
    used_by_list: QListWidget
    counter_label: QLabel
    body_edit: PlaceholderTextEdit
    _used_by_key: object
    _users_cache: tuple[Any, Any, str | None, list[TemplateUser]] | None

    if TYPE_CHECKING:  # provided by the page
        def template(self) -> Template | None: ...

        def current_id(self) -> str | None: ...

    def users(self) -> list[TemplateUser]:
        """Who uses the shown template, cached while rules and channels stay the same."""
        ruleset, template_id = self.document.ruleset, self.current_id()
        cached = self._users_cache
        if cached is not None and cached[0] is ruleset.rules and cached[1] is ruleset.channels \
                and cached[2] == template_id:
            return cached[3]
        users = template_users(ruleset).get(template_id, []) if template_id else []
        self._users_cache = (ruleset.rules, ruleset.channels, template_id, users)
        return users

    def _update_counter(self) -> None:
        template = self.template()
        limit = channel_limit(template.channel) if template else None
        if self.counter_label.isHidden() != (limit is None):
            self.counter_label.setVisible(limit is not None)
        if limit is None or template is None:
            return
        length = len(self.body_edit.toPlainText())
        over = length > limit
        set_text(self.counter_label, f"{length:,} / {limit:,} characters" + ("  — too long" if over else ""))
        style = f"color: {OVER_COLOUR}; font-weight: 600;" if over else f"color: {MUTED_COLOUR};"
        if self.counter_label.styleSheet() != style:
            self.counter_label.setProperty("over", over)
            self.counter_label.setStyleSheet(style)
            self.counter_label.setToolTip(f"{channel_label(template.channel)} shows at most {limit:,} characters.")

    def _update_used_by(self) -> None:
        template = self.template()
        users = self.users()
        key = (template.id if template else None, tuple(users))
        if key == self._used_by_key:  # typing changes nothing here: skip rebuilding the list
            return
        self._used_by_key = key
        self.used_by_list.clear()
        for user in users:
            text = user_text(user)
            item = QListWidgetItem(icon("rules") if user.kind == "rule" else icon("export"), text)
            item.setToolTip(text)
            item.setData(ID_ROLE, (user.kind, user.id))
            self.used_by_list.addItem(item)
        if template is not None and not users:
            item = QListWidgetItem("Not used by any rule or channel yet.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.used_by_list.addItem(item)

    def _used_by_activated(self, item: QListWidgetItem) -> None:
        data = item.data(ID_ROLE)
        if data and data[0] == "rule":
            self.rule_activated.emit(str(data[1]))
