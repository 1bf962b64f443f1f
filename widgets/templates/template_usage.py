"""Who uses a template, and how long it is: the template page's "Used by" list and its counter.

Why its own module: `template_users` answers a question about the ruleset (which rules reply with
the template, which notify with it, directly or through a channel), cached while rules and
channels stay the same so typing in the text does not walk every rule; the counter reads the
channel's limit from the catalog. Neither edits anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem

from builder.editing.document import Document
from builder.format.model import Notify, Reply, Ruleset, Template
from widgets.common.form_helpers import channel_label, channel_limit, set_text
from widgets.common.placeholder_highlighter import PlaceholderTextEdit
from widgets.common.style import icon

ID_ROLE = Qt.ItemDataRole.UserRole
OVER_COLOUR, MUTED_COLOUR = "#dc2626", "#64748b"


def template_users(ruleset: Ruleset, template_id: str) -> list[tuple[str, str, str]]:
    """Who uses the template: (kind "rule"/"channel", id, plain description), in document order."""
    via_channel = {c.id: c for c in ruleset.channels if c.template == template_id}
    found: list[tuple[str, str, str]] = []
    for rule in ruleset.rules:
        uses: list[str] = []
        for action in rule.actions:
            if isinstance(action, Reply) and action.template == template_id:
                uses.append("chat reply")
            elif isinstance(action, Notify) and action.template == template_id:
                uses.append("notification")
            elif isinstance(action, Notify) and action.template is None and action.channel in via_channel:
                uses.append(f"notification via {via_channel[action.channel].name}")
        if uses:
            found.append(("rule", rule.id, f"{rule.name} — {', '.join(dict.fromkeys(uses))}"))
    for channel in via_channel.values():
        found.append(("channel", channel.id, f"Channel “{channel.name}” — its message text"))
    return found


class TemplateUsageMixin:
    """The "used by" and counter part of `TemplateEditor` (a mixin: one flat set of attributes)."""

    document: Document
    rule_activated: SignalInstance
    used_by_list: QListWidget
    counter_label: QLabel
    body_edit: PlaceholderTextEdit
    _template_id: str | None
    _used_by_key: object
    _users_cache: tuple[Any, Any, str | None, list[tuple[str, str, str]]] | None

    if TYPE_CHECKING:  # provided by the page
        def template(self) -> Template | None: ...

    def users(self) -> list[tuple[str, str, str]]:
        """`template_users` of the shown template, cached while rules and channels stay the same."""
        ruleset, template_id = self.document.ruleset, self._template_id
        cached = self._users_cache
        if cached is not None and cached[0] is ruleset.rules and cached[1] is ruleset.channels \
                and cached[2] == template_id:
            return cached[3]
        users = template_users(ruleset, template_id) if template_id else []
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
        for kind, ident, text in users:
            item = QListWidgetItem(icon("rules") if kind == "rule" else icon("export"), text)
            item.setToolTip(text)
            item.setData(ID_ROLE, (kind, ident))
            self.used_by_list.addItem(item)
        if template is not None and not users:
            item = QListWidgetItem("Not used by any rule or channel yet.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.used_by_list.addItem(item)

    def _used_by_activated(self, item: QListWidgetItem) -> None:
        data = item.data(ID_ROLE)
        if data and data[0] == "rule":
            self.rule_activated.emit(str(data[1]))
