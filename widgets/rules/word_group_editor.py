"""The Word groups page: named vocabularies ("People we can put you through to") that text
conditions use instead of repeating the same thirty words in every rule.

Left, the groups by name with how many words each brings; right, the shown group's name,
description, words (type or paste many at once), the groups it includes, and which rules use it.
Add, rename, merge and delete are here too. Every edit is computed by `builder.editing.word_groups`
and pushed as one `SetRulesetCommand` on the window's undo stack; an edit that group rules refuse
(a name already taken, an include that would loop, deleting a group still in use) changes nothing
and says why in plain words above the form. The view mirrors the document, so undo, redo and
edits elsewhere land here the same way. Ids are made from the name once and never shown.

Signals: `rule_activated(rule_id)` when the user double-clicks a rule under "Used by".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QMenu, QPushButton, QVBoxLayout, QWidget

from builder.editing import word_groups as edits
from builder.editing.document import Document
from builder.format.model import Ruleset, WordGroup
from rules_schema import Problem
from widgets.common.editor_page import problem_html, problems_label, split_page
from widgets.common.form_helpers import set_text, unique_name
from widgets.common.list_form import ID_ROLE, ListFormPage
from widgets.common.style import icon, is_dark
from widgets.rules.conditions.chips import ChipsEdit
from widgets.rules.conditions.group_chips import GroupChips, words_label

_MESSAGE_LIGHT = "color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; border-radius: 6px; padding: 6px 8px;"
_MESSAGE_DARK = "color: #fca5a5; background: #3a1717; border: 1px solid #7f1d1d; border-radius: 6px; padding: 6px 8px;"
_FALLBACK_QSS = """
#wordGroupEditor QGroupBox { font-weight: 600; }
#wordGroupTotal, #usedByEmpty { color: #64748b; }
#chipsEdit { background: white; border: 1px solid #cbd5e1; border-radius: 6px; }
#chipsInput { border: none; background: transparent; padding: 0 2px; }
"""


class WordGroupEditor(ListFormPage[WordGroup]):
    """Word groups: list, add, rename, merge, delete, words, includes and "used by"."""

    noun, collection = "word group", "word_groups"
    follows_every_edit = True  # "used by" and the word counts change with the rules and other groups
    rule_activated = Signal(str)

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(document, undo_stack, parent, object_name="wordGroupEditor", fallback_qss=_FALLBACK_QSS)
        split_page(self, [self._build_list(), self._build_form()], (0, 1), (360, 900))
        self.open_document()

    # --- building ---------------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        hint = QLabel("Words a text condition can use by the group's name. A group can include others.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.group_list = QListWidget()
        self.group_list.setAccessibleName("Word groups")
        self.group_list.setMinimumWidth(220)
        self.group_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.group_list.setWordWrap(True)  # a long name is read whole, on two lines, with its word count
        self.add_button = QPushButton(icon("new"), "Add")
        self.add_button.setToolTip("Add a word group")
        self.add_button.clicked.connect(lambda: self.add_group())
        self.merge_button = QPushButton("Merge into…")
        self.merge_button.setToolTip("Move this group's words into another group; rules using it use that one")
        self.merge_menu = QMenu(self.merge_button)
        self.merge_menu.aboutToShow.connect(self._fill_merge_menu)
        self.merge_button.setMenu(self.merge_menu)
        self.delete_button = QPushButton(icon("delete"), "Delete")
        self.delete_button.setToolTip("Delete this group (only when no rule or group uses it)")
        self.delete_button.clicked.connect(self.delete_group)
        return self.list_pane(self.group_list, [self.add_button, self.merge_button, self.delete_button], above=hint)

    def _build_form(self) -> QWidget:
        outer = QWidget()
        column = QVBoxLayout(outer)
        column.setContentsMargins(0, 0, 0, 0)
        self.message_label = QLabel()
        self.message_label.setObjectName("wordGroupMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(_MESSAGE_DARK if is_dark() else _MESSAGE_LIGHT)  # the app's too
        self.message_label.hide()
        column.addWidget(self.message_label)
        form = self.form_group()
        self.name_edit.editingFinished.connect(self._name_finished)
        self.description_edit = QLineEdit()
        self.description_edit.setAccessibleName("Description")
        self.description_edit.setPlaceholderText("What these words have in common (optional)")
        self.description_edit.textEdited.connect(self._description_edited)
        form.addRow("Description", self.description_edit)
        self.words_edit = ChipsEdit((), "Type a word, press Enter; paste a list to add many")
        self.words_edit.MAX_LINES = 10_000  # a group is read whole, never folded
        self.words_edit.values_edited.connect(self._words_edited)
        form.addRow("Words", self.words_edit)
        words_hint = QLabel("A word ending in * also matches longer words (refund* matches refunds, refunded).")
        words_hint.setObjectName("hint")
        words_hint.setWordWrap(True)
        form.addRow("", words_hint)
        self.includes = GroupChips("+ Include a group", "the words of")
        self.includes.setAccessibleName("Included groups")
        self.includes.group_added.connect(self._include_added)
        self.includes.group_removed.connect(self._include_removed)
        form.addRow("Also", self.includes)
        self.total_label = QLabel()
        self.total_label.setObjectName("wordGroupTotal")
        form.addRow("", self.total_label)
        self.problems_label = problems_label("wordGroupProblems")
        form.addRow("", self.problems_label)
        self.used_by_list = QListWidget()
        self.used_by_list.setAccessibleName("Used by")
        self.used_by_list.setMaximumHeight(170)
        self.used_by_list.setToolTip("Rules whose conditions use this group (double-click to open the rule)")
        self.used_by_list.itemDoubleClicked.connect(self._used_by_activated)
        form.addRow("Used by", self.used_by_list)
        column.addWidget(self.form_box)
        column.addStretch(1)
        return outer

    # --- selection --------------------------------------------------------------------------------

    group = ListFormPage.current
    current_group_id = ListFormPage.current_id

    def select(self, item_id: str | None) -> None:
        """Show `item_id` (None: nothing) and select it in the list; a refusal's message goes."""
        self.show_message("")
        super().select(item_id)

    select_group = select

    # --- mirroring the document -------------------------------------------------------------------

    def _list_key(self) -> object:
        ruleset = self.document.ruleset
        return tuple((g.id, g.name, len(ruleset.words_of((g.id,)))) for g in ruleset.word_groups)

    def _fill_list(self) -> None:
        ruleset = self.document.ruleset
        for group in ruleset.word_groups:
            item = QListWidgetItem(f"{group.name}  ({words_label(len(ruleset.words_of((group.id,))))})")
            item.setData(ID_ROLE, group.id)
            item.setToolTip(group.description or group.name)
            self.group_list.addItem(item)

    def _load_fields(self, *, selected: bool = False) -> None:
        """Show the current group; only what differs is set (typing reloads after every key)."""
        ruleset, group = self.document.ruleset, self.group()
        key = (group, ruleset.rules, ruleset.word_groups)
        if key == self._shown:
            return
        self._shown = key
        self._loading = True
        try:
            for widget in (self.form_box, self.merge_button, self.delete_button):
                widget.setEnabled(group is not None)
            if self.name_edit.text().strip() != (group.name if group else "") or group is None:
                set_text(self.name_edit, group.name if group else "")
            set_text(self.description_edit, group.description if group else "")
            self.words_edit.set_values(group.words if group else ())
            self.includes.set_groups(group.includes if group else (), ruleset,
                                     frozenset({group.id}) if group else frozenset())
            self._update_total(ruleset, group)
            self._update_used_by(ruleset, group)
        finally:
            self._loading = False
        self._show_problems()

    def _update_total(self, ruleset: Ruleset, group: WordGroup | None) -> None:
        if group is None:
            set_text(self.total_label, "")
            return
        total = len(ruleset.words_of((group.id,)))
        extra = total - len(group.words)
        text = f"{words_label(total)} in all" + (f", {extra} of them from included groups" if extra else "")
        set_text(self.total_label, text)

    def _update_used_by(self, ruleset: Ruleset, group: WordGroup | None) -> None:
        self.used_by_list.clear()
        if group is None:
            return
        users = edits.group_users(ruleset).get(group.id, [])
        for user in users:
            text = user.rule_name + (f"  (through \u201c{user.through}\u201d)" if user.through else "")
            item = QListWidgetItem(icon("rules"), text)
            item.setData(ID_ROLE, user.rule_id)
            item.setToolTip(text)
            self.used_by_list.addItem(item)
        for other in edits.including_groups(ruleset, group.id):
            item = QListWidgetItem(f"Included in the group \u201c{other.name}\u201d")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.used_by_list.addItem(item)
        if self.used_by_list.count() == 0:
            item = QListWidgetItem("Not used by any rule yet.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.used_by_list.addItem(item)

    def used_by(self) -> list[str]:
        """The "Used by" lines as shown."""
        return [self.used_by_list.item(r).text() for r in range(self.used_by_list.count())]

    def _used_by_activated(self, item: QListWidgetItem) -> None:
        rule_id = item.data(ID_ROLE)
        if rule_id:
            self.rule_activated.emit(str(rule_id))

    # --- edits -------------------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        """Why the last edit was refused ("" hides it)."""
        set_text(self.message_label, text)
        self.message_label.setVisible(bool(text))

    def _apply(self, change: Callable[[Ruleset], Ruleset], text: str, merge_key: str | None = None) -> bool:
        """Push `change(ruleset)` as one undo step, or show why it was refused; True when pushed."""
        try:
            new = change(self.document.ruleset)
        except edits.WordGroupError as refused:
            self.show_message(str(refused))
            return False
        self.show_message("")
        if new != self.document.ruleset:
            self._push(new, text, merge_key)
        return True

    def _name_edited(self, text: str) -> None:
        group = self.group()
        if self._loading or group is None or text.strip() == group.name:
            return
        self._apply(lambda r: edits.rename_group(r, group.id, text), f"Rename word group \u201c{group.name}\u201d",
                    f"wordgroup:{group.id}:name")

    def _description_edited(self, text: str) -> None:
        group = self.group()
        if not self._loading and group is not None:
            self._apply(lambda r: edits.set_description(r, group.id, text),
                        f"Describe word group \u201c{group.name}\u201d", f"wordgroup:{group.id}:description")

    def _words_edited(self, words: list[str]) -> None:
        group = self.group()
        if self._loading or group is None:
            return
        before = {w.casefold() for w in group.words}
        after = {w.casefold() for w in words}
        added = [w for w in words if w.casefold() not in before]
        removed = [w for w in group.words if w.casefold() not in after]
        if added and not removed:
            text = (f"Add \u201c{added[0]}\u201d to \u201c{group.name}\u201d" if len(added) == 1
                    else f"Add {len(added)} words to \u201c{group.name}\u201d")
        elif removed and not added:
            text = (f"Remove \u201c{removed[0]}\u201d from \u201c{group.name}\u201d" if len(removed) == 1
                    else f"Remove {len(removed)} words from \u201c{group.name}\u201d")
        else:
            text = f"Edit the words of \u201c{group.name}\u201d"
        self._apply(lambda r: edits.set_words(r, group.id, words), text)

    def _include_added(self, other_id: str) -> None:
        group, other = self.group(), self.document.ruleset.word_group(other_id)
        if group is not None and other is not None:
            self._apply(lambda r: edits.include_group(r, group.id, other_id),
                        f"Include \u201c{other.name}\u201d in \u201c{group.name}\u201d")

    def _include_removed(self, other_id: str) -> None:
        group, other = self.group(), self.document.ruleset.word_group(other_id)
        if group is not None:
            name = other.name if other is not None else other_id
            self._apply(lambda r: edits.exclude_group(r, group.id, other_id),
                        f"Stop including \u201c{name}\u201d in \u201c{group.name}\u201d")

    def add_group(self, name: str = "New word group") -> str | None:
        """Add an empty group and put the keyboard in its name; returns its id."""
        ruleset = self.document.ruleset
        name = unique_name(name, {g.name for g in ruleset.word_groups})
        new_ruleset, group = edits.add_group(ruleset, name)
        return self._added(new_ruleset, group.id, f"Add word group \u201c{name}\u201d")

    def delete_group(self) -> None:
        """Delete the shown group, unless something still uses it (then say what)."""
        group = self.group()
        if group is None:
            return
        index = self.document.ruleset.word_groups.index(group)
        if self._apply(lambda r: edits.delete_group(r, group.id), f"Delete word group \u201c{group.name}\u201d"):
            rest = self.document.ruleset.word_groups
            self.select_group(rest[min(index, len(rest) - 1)].id if rest else None)

    def merge_into(self, target_id: str) -> None:
        """Merge the shown group into `target_id` and show the result."""
        group, target = self.group(), self.document.ruleset.word_group(target_id)
        if group is None or target is None:
            return
        if self._apply(lambda r: edits.merge_groups(r, group.id, target_id),
                       f"Merge word group \u201c{group.name}\u201d into \u201c{target.name}\u201d"):
            self.select_group(target_id)

    def _fill_merge_menu(self) -> None:
        self.merge_menu.clear()
        group = self.group()
        for other in self.document.ruleset.word_groups:
            if group is not None and other.id != group.id:
                action = self.merge_menu.addAction(other.name)
                action.setData(other.id)
                action.triggered.connect(lambda _c=False, g=other.id: self.merge_into(g))

    def merge_actions(self) -> list[Any]:
        """The "Merge into…" menu's entries, as a click would show them."""
        self._fill_merge_menu()
        return list(self.merge_menu.actions())

    # --- problems ------------------------------------------------------------------------------------

    def _show_problems(self) -> None:
        lines = self._problem_lines() or []
        set_text(self.problems_label, "<br>".join(problem_html(lines)))
        self.problems_label.setVisible(bool(lines))

    def focus_problem(self, problem: Problem) -> bool:
        """Show the group a `$.word_groups[i]…` problem points at; False when it is not one of ours."""
        fields = {"name": self.name_edit, "description": self.description_edit, "includes": self.includes.add_button}
        return self._focus_problem(problem, fields, self.words_edit.line_edit)


def install_word_groups(window: Any, open_rule: Callable[[Any, str], object]) -> WordGroupEditor:
    """Add the Word groups page to `window` (a `MainWindow`); "used by" opens rules with `open_rule`."""
    page = WordGroupEditor(window.document, window.undo_stack, window)
    window.add_page("Word groups", page, icon("keyword"))
    page.rule_activated.connect(lambda rule_id: open_rule(window, rule_id))
    return page
