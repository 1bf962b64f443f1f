"""The THEN part of a rule: one card per action, in order, added from a menu, moved up and down.

Labels, handoff modes and priorities come from the catalog; teams, templates and channels from the
ruleset being edited. Like the condition editor, the cards never touch the model: they emit
`actions_edited(new_actions, undo_text, merge_key)` and are refreshed from the document.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from builder.format.model import Action, Escalate, Notify, Reply, Ruleset, SetPriority, Tag
from builder.handoff.templates import render_template, sample_context
from rules_schema.catalog import catalog
from widgets.common.first_paint import after_first_paint, waiting
from widgets.rules.conditions.chips import ChipsEdit, Picker
from widgets.rules.conditions.condition_editor import problem_label, show_inline_problem
from widgets.rules.conditions.condition_row import small_button
from widgets.rules.new_in_picker import NEW_LABELS, NEW_TEAM, NEW_TEMPLATE

_ICONS = {"escalate": "➜", "reply": "↩", "tag": "#", "set_priority": "⚑", "notify": "✉"}


def reply_preview(ruleset: Ruleset | None, template_id: str, rule_id: str | None = None) -> str:
    """The template rendered with sample values for the rule's own escalation (team, promise), or
    its raw text when it cannot be rendered."""
    template = ruleset.template(template_id) if ruleset else None
    if template is None or ruleset is None:
        return f"There is no template with the id “{template_id}”." if template_id else ""
    try:
        return str(render_template(template, sample_context(ruleset, rule_id=rule_id)).body)
    except Exception:
        return template.body


def default_action(kind: str, ruleset: Ruleset | None) -> Action:
    """A new action of `kind` pre-filled with the first team / chat template / channel."""
    cat = catalog()
    teams = ruleset.routing.teams if ruleset else ()
    if kind == "escalate":
        return Escalate(next(iter(cat.handoff_modes)), teams[0].id if teams else "support", "normal")
    if kind == "reply":
        chat = [t for t in (ruleset.templates if ruleset else ()) if t.channel == "chat"]
        return Reply(chat[0].id if chat else "")
    if kind == "tag":
        return Tag(())
    if kind == "set_priority":
        return SetPriority("high")
    channels = ruleset.channels if ruleset else ()
    return Notify(channels[0].id if channels else "")


class ActionCard(QFrame):
    """One action: a header (icon, label, ↑ ↓ ✕) and the fields of its type."""

    def __init__(self, owner: ActionCards, index: int, action: Action, count: int) -> None:
        super().__init__()
        self.owner, self.index, self.action = owner, index, action
        self.setObjectName("actionCard")
        self.setProperty("actionType", action.type)
        info = catalog().actions.get(action.type, {})
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 8)
        layout.setSpacing(4)
        header = QHBoxLayout()
        icon = QLabel(_ICONS.get(action.type, "•"))
        icon.setObjectName("actionIcon")
        title = QLabel(info.get("label", action.type))
        title.setObjectName("actionTitle")
        title.setToolTip(info.get("help", ""))
        header.addWidget(icon)
        header.addWidget(title)
        header.addStretch(1)
        for text, name, tip, delta, enabled in (("↑", "moveUp", "Move up", -1, index > 0),
                                                ("↓", "moveDown", "Move down", 1, index < count - 1)):
            button = small_button(text, name, tip)
            button.setEnabled(enabled)
            button.clicked.connect(lambda _c=False, d=delta: owner.move_action(self.index, self.index + d))
            header.addWidget(button)
        remove = small_button("✕", "removeAction", "Remove this action")
        remove.clicked.connect(lambda: owner.remove_action(self.index))
        header.addWidget(remove)
        layout.addLayout(header)
        self.body = QHBoxLayout()
        self.body.setSpacing(6)
        layout.addLayout(self.body)
        self.preview: QLabel | None = None
        self.fields: dict[str, Any] = {}
        self._build_fields(action)
        self.problem_label = problem_label()
        layout.addWidget(self.problem_label)

    def _word(self, text: str) -> None:
        label = QLabel(text)
        label.setObjectName("sentenceWord")
        self.body.addWidget(label)

    def _add_combo(self, key: str, name: str, items: list[tuple[str, str]], current: str,
                   new_item: str | None = None) -> None:
        """A picker of (label, id); an id not in the list is kept and shown as missing, never replaced.
        With `new_item` (NEW_TEAM, NEW_TEMPLATE) the list ends with "+ New team…", which asks for a name."""
        entries = [(label, value, "") for label, value in items]
        if new_item is not None:
            entries.append((NEW_LABELS[new_item], new_item, ""))
        picker = Picker(entries, current, name)
        picker.setObjectName(name.replace(" ", "") + "Picker")
        picker.picked.connect(lambda value: self._field_changed(key, value))
        self.fields[key] = picker
        self.body.addWidget(picker)

    def _build_fields(self, action: Action) -> None:
        cat, ruleset = catalog(), self.owner.ruleset
        priorities = [(v["label"], k) for k, v in cat.priorities.items()]
        if isinstance(action, Escalate):
            self._add_combo("handoff", "Handoff mode",
                            [(v["label"], k) for k, v in cat.handoff_modes.items()], action.handoff)
            self._word("to")
            teams = [(t.name, t.id) for t in (ruleset.routing.teams if ruleset else ())]
            self._add_combo("team", "Team", teams, action.team, NEW_TEAM)
            self._word("with priority")
            self._add_combo("priority", "Priority", priorities, action.priority)
            self.body.addStretch(1)
        elif isinstance(action, Reply):
            chat = [(t.name, t.id) for t in (ruleset.templates if ruleset else ()) if t.channel == "chat"]
            self._add_combo("template", "Reply template", chat, action.template, NEW_TEMPLATE)
            self.body.addStretch(1)
            self.preview = QLabel()
            self.preview.setObjectName("replyPreview")
            self.preview.setWordWrap(True)
            self.preview.setTextFormat(Qt.TextFormat.PlainText)
            layout = self.layout()
            if layout is not None:
                layout.addWidget(self.preview)
            self._refresh_preview()
        elif isinstance(action, Tag):
            chips = ChipsEdit(action.tags, "Type a tag, press Enter")
            chips.values_edited.connect(lambda values: self._field_changed("tags", tuple(values)))
            self.fields["tags"] = chips
            self.body.addWidget(chips, 1)
        elif isinstance(action, SetPriority):
            self._add_combo("priority", "Priority", priorities, action.priority)
            self.body.addStretch(1)
        elif isinstance(action, Notify):
            channels = [(c.name, c.id) for c in (ruleset.channels if ruleset else ())]
            self._add_combo("channel", "Channel", channels, action.channel)
            self.body.addStretch(1)

    def _refresh_preview(self) -> None:
        """The rendered reply. At start-up it waits for the window to paint: it reads today's
        opening hours, which loads the holiday calendars (a tenth of a second of CPU)."""
        if self.preview is None or not isinstance(self.action, Reply):
            return
        if waiting():
            self.preview.setText(self.action.template and "\u2026")
            after_first_paint(lambda: isValid(self) and self._refresh_preview())
            return
        text = reply_preview(self.owner.ruleset, self.action.template, self.owner.rule_id)
        self.preview.setText(text)
        self.preview.setVisible(bool(text))

    def _field_changed(self, key: str, value: Any) -> None:
        if value in NEW_LABELS:
            picker = self.fields.get(key)
            if isinstance(picker, Picker):
                picker.set_current(getattr(self.action, key))  # until the new one exists
            self.owner.new_item_requested.emit(value, self.index)
            return
        if getattr(self.action, key) != value:
            self.owner.replace_action(self.index, replace(self.action, **{key: value}),  # type: ignore[arg-type]
                                      self._change_text(key, value))

    def _change_text(self, key: str, value: Any) -> str:
        """What the undo menu says: "Set team to “Billing”", "Edit tags" — never "Change action"."""
        field = self.fields.get(key)
        if isinstance(field, Picker):
            label = next((lbl for lbl, data, _tip in field.items if data == value), str(value))
            return f"Set {field.accessibleName().lower()} to \u201c{label}\u201d"
        return f"Edit {key.replace('_', ' ')}"

    def can_show(self, action: Action) -> bool:
        """Whether every picker already lists the action's ids (else the card is rebuilt)."""
        return all(not isinstance(w, Picker) or getattr(action, k) in w.data_items() for k, w in self.fields.items())

    def update_action(self, action: Action) -> None:
        self.action = action
        for key, widget in self.fields.items():
            value = getattr(action, key)
            if isinstance(widget, Picker):
                widget.set_current(value)
            elif isinstance(widget, ChipsEdit):
                widget.set_values(value)
        self._refresh_preview()

    def field(self, name: str) -> QWidget | None:
        widget = self.fields.get(name) or next(iter(self.fields.values()), None)
        if isinstance(widget, ChipsEdit):
            return widget.line_edit
        return widget


class ActionCards(QWidget):
    """All actions of one rule. Signals: `actions_edited(actions, text, merge_key | None)`,
    `new_item_requested(NEW_TEAM | NEW_TEMPLATE, action index)` from a picker's "+ New …" entry."""

    actions_edited = Signal(object, str, object)
    new_item_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionCards")
        self.ruleset: Ruleset | None = None
        self.rule_id: str | None = None  # whose escalation the reply preview promises
        self.action_list: tuple[Action, ...] = ()
        self.cards: list[ActionCard] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._cards_layout = QVBoxLayout()
        self._cards_layout.setSpacing(6)
        layout.addLayout(self._cards_layout)
        self.empty_hint = QLabel("No actions yet: the rule would match and do nothing.")
        self.empty_hint.setObjectName("emptyHint")
        layout.addWidget(self.empty_hint)
        self.add_button = QToolButton()
        self.add_button.setObjectName("addActionButton")
        self.add_button.setText("+ Action")
        self.add_button.setAccessibleName("Add action")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self.add_button)
        for kind, info in catalog().actions.items():
            act = self.add_menu.addAction(f"{_ICONS.get(kind, '')}  {info['label']}")
            act.setData(kind)
            act.setToolTip(info.get("help", ""))
            act.triggered.connect(lambda _c=False, k=kind: self.add_action(k))
        self.add_button.setMenu(self.add_menu)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def show_problem(self, index: int, field: str, message: str, severity: str = "error") -> QWidget | None:
        """Show a validation message on card `index` and return the field to focus."""
        if not 0 <= index < len(self.cards):
            return None
        card = self.cards[index]
        show_inline_problem(card.problem_label, message, severity)
        return card.field(field) or card

    def clear_problems(self) -> None:
        for card in self.cards:
            card.problem_label.hide()

    def set_actions(self, actions: tuple[Action, ...], ruleset: Ruleset | None = None,
                    rule_id: str | None = None) -> None:
        lists_changed = ruleset is not None and (
            self.ruleset is None or (ruleset.routing.teams, ruleset.templates, ruleset.channels)
            != (self.ruleset.routing.teams, self.ruleset.templates, self.ruleset.channels))
        if ruleset is not None:
            self.ruleset = ruleset
        if rule_id is not None:
            self.rule_id = rule_id
        same_shape = [a.type for a in actions] == [a.type for a in self.action_list] and not lists_changed
        self.action_list = actions
        if same_shape and len(self.cards) == len(actions) and all(
                c.can_show(a) for c, a in zip(self.cards, actions, strict=True)):
            for card, action in zip(self.cards, actions, strict=True):
                if card.action != action:
                    card.update_action(action)
            return
        for card in self.cards:
            self._cards_layout.removeWidget(card)
            card.hide()
            card.deleteLater()
        self.cards = [ActionCard(self, i, a, len(actions)) for i, a in enumerate(actions)]
        for card in self.cards:
            self._cards_layout.addWidget(card)
        self.empty_hint.setVisible(not actions)

    def add_action(self, kind: str) -> None:
        label = catalog().actions.get(kind, {}).get("label", kind)
        self.actions_edited.emit(self.action_list + (default_action(kind, self.ruleset),), f"Add “{label}”", None)

    def remove_action(self, index: int) -> None:
        actions = list(self.action_list)
        actions.pop(index)
        self.actions_edited.emit(tuple(actions), "Remove action", None)

    def move_action(self, old: int, new: int) -> None:
        if 0 <= new < len(self.action_list):
            actions = list(self.action_list)
            actions.insert(new, actions.pop(old))
            self.actions_edited.emit(tuple(actions), "Reorder actions", None)

    def replace_action(self, index: int, action: Action, text: str = "") -> None:
        actions = list(self.action_list)
        actions[index] = action
        label = catalog().actions.get(action.type, {}).get("label", action.type)
        self.actions_edited.emit(tuple(actions), text or f"Change \u201c{label}\u201d", None)
