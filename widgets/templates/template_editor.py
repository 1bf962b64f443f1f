"""The template editor: chat replies, e-mail confirmations and notification texts, with a live preview.

Why a live preview with a chosen visitor and moment: a template says "{{promise}}", and what the
visitor reads depends on the team's hours at that moment ("within 1 hour" at 10:00, "by tomorrow
09:00" at 21:00). The preview renders with `builder.handoff.templates.sample_context` at the picked moment
(in the team's time zone) for the picked rule, so the manager reads the real sentence.

Every edit is a `SetRulesetCommand` on the window's undo stack (typing in one field merges into one
step); the view mirrors the document's `ruleset_replaced` event, so undo, redo and opening another
project all land here the same way. Template ids are stable: new ones are made from the name, and
renaming a template never changes its id.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from builder.editing.document import Document
from builder.format.model import CHANNEL_KINDS, Ruleset, Template
from rules_schema import Problem
from rules_schema.catalog import catalog
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
from widgets.common.placeholder_highlighter import PlaceholderTextEdit, problems_in, route_undo_to_window
from widgets.common.style import icon
from widgets.templates.template_preview import TemplatePreviewMixin
from widgets.templates.template_usage import ID_ROLE, TemplateUsageMixin

STARTERS: dict[str, tuple[str | None, str]] = {
    "chat": (None, "Thanks {{visitor.name | there}}! A colleague from our {{team}} team will take over: {{promise}}"),
    "email": ("We'll get back to you {{promise}}",
              "Hi {{visitor.name | there}},\n\nThanks for reaching out. Our {{team}} team will reply {{promise}}.\n\n"
              "{{summary}}"),
    "slack": (None, "New {{priority}} handoff for {{team}}: {{rule}}\n> {{last_message}}"),
    "teams": (None, "New {{priority}} handoff for {{team}}: {{rule}}\n\n{{last_message}}"),
    "webhook": (None, '{"conversation": "{{conversation_id}}", "team": "{{team}}", "summary": "{{summary}}"}'),
}
_FALLBACK_QSS = """
#templateEditor QGroupBox { font-weight: 600; }
#previewSubject { font-weight: 600; }
#previewBody { background: #f8fafc; }
#emptyHint, #previewNote, #usedByEmpty { color: #64748b; }
"""


class TemplateEditor(TemplatePreviewMixin, TemplateUsageMixin, SettingsValidation, QWidget):
    """Templates grouped per channel; name, channel, subject, body, preview, counter and "used by".

    Signals: `rule_activated(rule_id)` when the user double-clicks a rule in "Used by".
    """

    rule_activated = Signal(str)

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateEditor")
        use_fallback_style(self, _FALLBACK_QSS)
        self.document, self.undo_stack = document, undo_stack
        self._template_id: str | None = None
        self._loading = False
        self._structure: tuple[tuple[str, str, str], ...] = ()
        self._last_text_field: QWidget | None = None
        self.problems: list[Problem] = []
        self._validated: Ruleset | None = None
        self._used_by_key: object = None
        self._shown: object = ()  # the template value the fields show (() = none yet)
        self._stale = False
        self._users_cache: tuple[Any, Any, str | None, list[tuple[str, str, str]]] | None = None
        self._rows = RowVisibility()
        self._rule_combo_key: tuple[object, object, str | None] | None = None

        split_page(self, [self._build_list(), self._build_form(), self._build_preview()], (0, 3, 2), (230, 520, 380))

        self.validate_timer = debounce_timer(self, self.validate_now)
        subscribe(self, [(document.ruleset_replaced, self._on_ruleset_replaced), (document.changed, self._on_changed)])
        self.refresh()
        first = next(iter(self.document.ruleset.templates), None)
        self.select_template(first.id if first else None)

    # --- building ---------------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Templates")
        self.tree.setMinimumWidth(200)
        self.tree.currentItemChanged.connect(self._on_current_item)
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.add_button = add_button("Add a template (the arrow picks its channel)",
                                     [(kind, channel_label(kind)) for kind in CHANNEL_KINDS], self.add_template)
        self.add_menu = self.add_button.menu()
        self.add_button.clicked.connect(lambda: self.add_template(self._current_group_channel()))
        self.duplicate_button = QPushButton(icon("duplicate"), "Duplicate")
        self.duplicate_button.clicked.connect(self.duplicate_template)
        self.delete_button = QPushButton(icon("delete"), "Delete")
        self.delete_button.clicked.connect(self.delete_template)
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return box

    def _build_form(self) -> QWidget:
        box = QGroupBox("Template")
        form = self.form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Template name")
        self.name_edit.textEdited.connect(lambda text: self._edit("name", text, "Rename template") if text.strip()
                                          else None)
        self.name_edit.editingFinished.connect(self._name_finished)
        form.addRow("Name", self.name_edit)
        self.id_label = QLabel()
        self.id_label.setObjectName("previewNote")
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Id", self.id_label)
        form.setRowVisible(self.id_label, False)  # ids are internal: a manager sees and types names only
        self.channel_combo = QComboBox()
        self.channel_combo.setAccessibleName("Channel")
        for kind in CHANNEL_KINDS:
            self.channel_combo.addItem(channel_label(kind), kind)
        self.channel_combo.activated.connect(self._channel_chosen)
        form.addRow("Channel", self.channel_combo)
        self.subject_label = QLabel("Subject")
        self.subject_edit = QLineEdit()
        self.subject_edit.setAccessibleName("E-mail subject")
        self.subject_edit.textEdited.connect(lambda text: self._edit("subject", text, "Edit template subject"))
        form.addRow(self.subject_label, self.subject_edit)
        self.body_edit = PlaceholderTextEdit()
        self.body_edit.setAccessibleName("Template text")
        self.body_edit.setMinimumHeight(160)
        self.body_edit.textChanged.connect(self._body_changed)
        for field in (self.subject_edit, self.body_edit):
            field.installEventFilter(self)
        route_undo_to_window(self.name_edit, self.subject_edit)
        form.addRow("Text", self.body_edit)
        tools = QHBoxLayout()
        self.placeholder_button = QToolButton()
        self.placeholder_button.setText("Insert placeholder")
        self.placeholder_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.placeholder_button.setToolTip("Insert a value filled in when the message is sent")
        self.placeholder_menu = QMenu(self.placeholder_button)
        for name, entry in catalog().placeholders.items():
            action = QAction(str(entry.get("label", name)), self.placeholder_menu)
            action.setData(name)
            action.setToolTip(f"{{{{{name}}}}}, e.g. “{entry.get('example', '')}”")
            action.triggered.connect(lambda _=False, n=name: self.insert_placeholder(n))
            self.placeholder_menu.addAction(action)
        self.placeholder_menu.setToolTipsVisible(True)
        self.placeholder_button.setMenu(self.placeholder_menu)
        tools.addWidget(self.placeholder_button)
        tools.addStretch(1)
        self.counter_label = QLabel()
        self.counter_label.setObjectName("charCounter")
        tools.addWidget(self.counter_label)
        form.addRow("", tools)
        self.problems_label = problems_label("templateProblems")
        form.addRow("", self.problems_label)
        self.used_by_list = QListWidget()
        self.used_by_list.setAccessibleName("Used by")
        self.used_by_list.setMaximumHeight(150)
        self.used_by_list.setIconSize(QSize(14, 14))
        self.used_by_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.used_by_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.used_by_list.setToolTip("Rules and channels that send this template (double-click a rule to open it)")
        self.used_by_list.itemDoubleClicked.connect(self._used_by_activated)
        form.addRow("Used by", self.used_by_list)
        self.form_box = box
        return box

    # --- selection --------------------------------------------------------------------------------

    def template(self) -> Template | None:
        return self.document.ruleset.template(self._template_id) if self._template_id else None

    def current_template_id(self) -> str | None:
        return self._template_id

    def select_template(self, template_id: str | None) -> None:
        """Show `template_id` (None: nothing) and select it in the list."""
        self._template_id = template_id if template_id and self.document.ruleset.template(template_id) else None
        self._shown = ()
        item = self._item_for(self._template_id)
        if item is not None and self.tree.currentItem() is not item:
            self.tree.setCurrentItem(item)
        self._load_fields(reset_preview=True)

    def _item_for(self, template_id: str | None) -> QTreeWidgetItem | None:
        for group in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(group)
            for row in range(parent.childCount() if parent is not None else 0):
                child = parent.child(row) if parent is not None else None
                if child is not None and child.data(0, ID_ROLE) == template_id:
                    return child
        return None

    def _on_current_item(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        template_id = current.data(0, ID_ROLE) if current is not None else None
        if template_id and template_id != self._template_id:
            self.select_template(str(template_id))

    def _current_group_channel(self) -> str:
        item = self.tree.currentItem()
        if item is None:
            return "chat"
        template_id = item.data(0, ID_ROLE)
        if template_id:
            template = self.document.ruleset.template(str(template_id))
            return template.channel if template else "chat"
        return str(item.data(0, Qt.ItemDataRole.UserRole + 1) or "chat")

    # --- mirroring the document -------------------------------------------------------------------

    def _on_ruleset_replaced(self, _old: Ruleset, _new: Ruleset) -> None:
        self.refresh()

    def _on_changed(self) -> None:
        self.validate_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
            self.validate_now()

    def refresh(self) -> None:
        """Rebuild the list when templates were added, removed or renamed; reload the fields.

        While the page is hidden (the user edits rules elsewhere) this only notes that it is stale."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        ruleset = self.document.ruleset
        structure = tuple((t.id, t.name, t.channel) for t in ruleset.templates)
        if structure != self._structure:
            self._structure = structure
            self._rebuild_tree()
        if self._template_id and ruleset.template(self._template_id) is None:
            self._template_id = None
        item = self._item_for(self._template_id)
        if item is not None and self.tree.currentItem() is not item:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(item)
            self.tree.blockSignals(False)
        self._load_fields(reset_preview=False)
        self.validate_timer.start()

    def _rebuild_tree(self) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for kind in CHANNEL_KINDS:
            members = [t for t in self.document.ruleset.templates if t.channel == kind]
            group = QTreeWidgetItem([f"{channel_label(kind)}  ({len(members)})"])
            group.setFont(0, bold)
            group.setData(0, Qt.ItemDataRole.UserRole + 1, kind)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            for template in members:
                child = QTreeWidgetItem([template.name])
                child.setData(0, ID_ROLE, template.id)
                child.setToolTip(0, f"id: {template.id}")
                group.addChild(child)
            self.tree.addTopLevelItem(group)
        self.tree.expandAll()
        self.tree.blockSignals(False)

    def _load_fields(self, *, reset_preview: bool) -> None:
        """Show the current template; only what differs is set (typing reloads after every key)."""
        template = self.template()
        self._loading = True
        try:
            if template is not self._shown:
                self._shown = template
                for widget in (self.form_box, self.duplicate_button, self.delete_button):
                    if widget.isEnabled() != (template is not None):
                        widget.setEnabled(template is not None)
                set_text(self.name_edit, template.name if template else "")
                set_text(self.id_label, template.id if template else "")
                index = max(self.channel_combo.findData(template.channel if template else "chat"), 0)
                if self.channel_combo.currentIndex() != index:
                    self.channel_combo.setCurrentIndex(index)
                self._set_row_visible(self.subject_edit, template is not None and template.channel == "email")
                set_text(self.subject_edit, (template.subject or "") if template else "")
                body = template.body if template else ""
                if self.body_edit.toPlainText() != body:
                    self.body_edit.setPlainText(body)
        finally:
            self._loading = False
        self._fill_rule_combo(reset=reset_preview)
        self._update_used_by()
        self._update_counter()
        self.update_preview()
        self._show_problems()

    def _set_row_visible(self, field: QWidget, visible: bool) -> None:
        self._rows.set(self.form, field, visible)

    # --- edits -------------------------------------------------------------------------------------

    def _push(self, ruleset: Ruleset, text: str, merge_key: str | None = None) -> None:
        push_ruleset(self.undo_stack, self.document, ruleset, text, merge_key)

    def _replace_template(self, new: Template, text: str, merge_key: str | None = None) -> None:
        ruleset = self.document.ruleset
        self._push(replace(ruleset, templates=replaced(ruleset.templates, new)), text, merge_key)

    def _edit(self, field: str, value: Any, text: str) -> None:
        template = self.template()
        if self._loading or template is None or getattr(template, field) == value:
            return
        self._replace_template(replace(template, **{field: value}), f"{text} '{template.name}'",
                               f"template:{template.id}:{field}")

    def _name_finished(self) -> None:
        template = self.template()
        if template is not None and not self.name_edit.text().strip():
            self._loading = True
            self.name_edit.setText(template.name)
            self._loading = False

    def _body_changed(self) -> None:
        if not self._loading:
            self._edit("body", self.body_edit.toPlainText(), "Edit template text")
        self._update_counter()

    def _channel_chosen(self, index: int) -> None:
        template = self.template()
        kind = str(self.channel_combo.itemData(index))
        if template is None or kind == template.channel:
            return
        subject = (template.subject or STARTERS["email"][0]) if kind == "email" else None
        self._replace_template(replace(template, channel=kind, subject=subject),
                               f"Make '{template.name}' a {channel_label(kind).lower()} template")

    def add_template(self, channel: str = "chat") -> str:
        """Add a starter template for `channel`; returns its id."""
        ruleset = self.document.ruleset
        name = unique_name(f"New {channel_label(channel).lower()}", {t.name for t in ruleset.templates})
        subject, body = STARTERS.get(channel, (None, ""))
        template = Template(unique_id(name, {t.id for t in ruleset.templates}, "template"), name, channel, body,
                            subject)
        self._push(replace(ruleset, templates=(*ruleset.templates, template)), f"Add template '{name}'")
        self.select_template(template.id)
        self.name_edit.setFocus()
        self.name_edit.selectAll()
        return template.id

    def duplicate_template(self) -> str | None:
        template = self.template()
        if template is None:
            return None
        ruleset = self.document.ruleset
        name = unique_name(f"{template.name} (copy)", {t.name for t in ruleset.templates})
        copy = replace(template, id=unique_id(name, {t.id for t in ruleset.templates}, "template"), name=name)
        index = ruleset.templates.index(template) + 1
        templates = (*ruleset.templates[:index], copy, *ruleset.templates[index:])
        self._push(replace(ruleset, templates=templates), f"Duplicate template '{template.name}'")
        self.select_template(copy.id)
        return copy.id

    def delete_template(self) -> None:
        """Delete the shown template (undoable); users left pointing at it show up as problems."""
        template = self.template()
        if template is None:
            return
        ruleset = self.document.ruleset
        rest, following = without(ruleset.templates, template)
        self._push(replace(ruleset, templates=rest), f"Delete template '{template.name}'")
        self.select_template(following.id if following else None)

    def insert_placeholder(self, name: str) -> None:
        """Insert `{{name}}` where the user was typing (the subject or the text)."""
        if self.template() is None:
            return
        if self._last_text_field is self.subject_edit and self.template().channel == "email":  # type: ignore[union-attr]
            self.subject_edit.insert("{{" + name + "}}")
            self._edit("subject", self.subject_edit.text(), "Edit template subject")
            self.subject_edit.setFocus()
        else:
            self.body_edit.insert_placeholder(name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self._last_text_field = watched
        return super().eventFilter(watched, event)

    # --- problems ------------------------------------------------------------------------------------

    def _show_problems(self) -> None:
        """The validator's problems for this template; until it has run on this edit, the typos the
        highlighter finds (so a problem shows at once, and the validator's words follow)."""
        template = self.template()
        lines: list[tuple[str, str]] = []
        if template is not None and self._validated is self.document.ruleset:
            prefix = f"$.templates[{self.document.ruleset.templates.index(template)}]"
            lines = item_problem_lines(self.problems, prefix, "Template")
        elif template is not None:
            lines = [("error", p.message) for p in problems_in(template.body) + problems_in(template.subject or "")]
        html = problem_html(lines)
        set_text(self.problems_label, "<br>".join(html))
        self._set_row_visible(self.problems_label, bool(html))

    # --- problems from the panel --------------------------------------------------------------------

    def focus_problem(self, problem: Problem) -> bool:
        """Show the template a `$.templates[i]…` problem points at; False when it is not one of ours."""
        part = focus_item(problem, "templates", self.document.ruleset.templates, self.select_template)
        if part is None:
            return False
        {"name": self.name_edit, "subject": self.subject_edit, "channel": self.channel_combo}.get(
            part, self.body_edit).setFocus()
        return True

