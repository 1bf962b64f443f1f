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
from PySide6.QtGui import QAction, QFont, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from builder.editing.document import Document
from builder.format.model import CHANNEL_KINDS, Template
from rules_schema import Problem
from rules_schema.catalog import catalog
from widgets.common.editor_page import add_button, problem_html, problems_label, split_page
from widgets.common.form_helpers import channel_label, set_text, unique_id, unique_name
from widgets.common.list_form import ID_ROLE, ListFormPage
from widgets.common.placeholder_highlighter import PlaceholderTextEdit, problems_in, route_undo_to_window
from widgets.common.style import icon
from widgets.templates.template_preview import TemplatePreviewMixin
from widgets.templates.template_usage import TemplateUsageMixin

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


class TemplateEditor(TemplatePreviewMixin, TemplateUsageMixin, ListFormPage[Template]):
    """Templates grouped per channel; name, channel, subject, body, preview, counter and "used by".

    Signals: `rule_activated(rule_id)` when the user double-clicks a rule in "Used by".
    """

    noun, collection = "template", "templates"
    rule_activated = Signal(str)

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(document, undo_stack, parent, object_name="templateEditor", fallback_qss=_FALLBACK_QSS)
        self._last_text_field: QWidget | None = None
        self._used_by_key: object = None
        self._users_cache: tuple[Any, Any, str | None, list[tuple[str, str, str]]] | None = None
        self._rule_combo_key: tuple[object, object, str | None] | None = None

        split_page(self, [self._build_list(), self._build_form(), self._build_preview()], (0, 3, 2), (230, 520, 380))
        self.open_document()

    # --- building ---------------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Templates")
        self.tree.setMinimumWidth(200)
        self.add_button = add_button("Add a template (the arrow picks its channel)",
                                     [(kind, channel_label(kind)) for kind in CHANNEL_KINDS], self.add_template)
        self.add_menu = self.add_button.menu()
        self.add_button.clicked.connect(lambda: self.add_template(self._current_group_channel()))
        self.duplicate_button = QPushButton(icon("duplicate"), "Duplicate")
        self.duplicate_button.clicked.connect(self.duplicate_template)
        self.delete_button = QPushButton(icon("delete"), "Delete")
        self.delete_button.clicked.connect(self.delete_template)
        return self.list_pane(self.tree, [self.add_button, self.duplicate_button, self.delete_button])

    def _build_form(self) -> QWidget:
        form = self.form_group(with_id=True)
        self.name_edit.editingFinished.connect(self._name_finished)
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
        self.used_by_list.setWordWrap(True)  # a rule's name is read whole, not cut in its middle
        self.used_by_list.setToolTip("Rules and channels that send this template (double-click a rule to open it)")
        self.used_by_list.itemDoubleClicked.connect(self._used_by_activated)
        form.addRow("Used by", self.used_by_list)
        return self.form_box

    # --- selection --------------------------------------------------------------------------------

    template = ListFormPage.current
    current_template_id = ListFormPage.current_id
    select_template = ListFormPage.select

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

    def _list_key(self) -> object:
        return tuple((t.id, t.name, t.channel) for t in self.document.ruleset.templates)

    def _fill_list(self) -> None:
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

    def _load_fields(self, *, selected: bool) -> None:
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
        self._fill_rule_combo(reset=selected)
        self._update_used_by()
        self._update_counter()
        self.update_preview()
        self._show_problems()

    # --- edits -------------------------------------------------------------------------------------

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
        self._replace_item(replace(template, channel=kind, subject=subject),
                           f"Make '{template.name}' a {channel_label(kind).lower()} template")

    def add_template(self, channel: str = "chat") -> str:
        """Add a starter template for `channel`; returns its id."""
        ruleset = self.document.ruleset
        name = unique_name(f"New {channel_label(channel).lower()}", {t.name for t in ruleset.templates})
        subject, body = STARTERS.get(channel, (None, ""))
        template = Template(unique_id(name, {t.id for t in ruleset.templates}, "template"), name, channel, body,
                            subject)
        return self._added(self._with_items((*ruleset.templates, template)), template.id, f"Add template '{name}'")

    def duplicate_template(self) -> str | None:
        template = self.template()
        if template is None:
            return None
        ruleset = self.document.ruleset
        name = unique_name(f"{template.name} (copy)", {t.name for t in ruleset.templates})
        copy = replace(template, id=unique_id(name, {t.id for t in ruleset.templates}, "template"), name=name)
        index = ruleset.templates.index(template) + 1
        templates = (*ruleset.templates[:index], copy, *ruleset.templates[index:])
        self._push(self._with_items(templates), f"Duplicate template '{template.name}'")
        self.select_template(copy.id)
        return copy.id

    def delete_template(self) -> None:
        """Delete the shown template (undoable); users left pointing at it show up as problems."""
        self._delete_current()

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
        template, lines = self.template(), self._problem_lines()
        if lines is None and template is not None:
            lines = [("error", p.message) for p in problems_in(template.body) + problems_in(template.subject or "")]
        html = problem_html(lines or [])
        set_text(self.problems_label, "<br>".join(html))
        self._set_row_visible(self.problems_label, bool(html))

    # --- problems from the panel --------------------------------------------------------------------

    def focus_problem(self, problem: Problem) -> bool:
        """Show the template a `$.templates[i]…` problem points at; False when it is not one of ours."""
        fields = {"name": self.name_edit, "subject": self.subject_edit, "channel": self.channel_combo}
        return self._focus_problem(problem, fields, self.body_edit)

