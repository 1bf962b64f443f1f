"""The list-and-form page: the named items of one ruleset collection listed on the left, a form for
the shown one on the right (channels, templates, word groups, schedules).

Why one base: each of those pages had its own copy of the same machinery — which item is shown;
keeping the list's selection and the form in step with the document after undo, redo and edits made
while the page was hidden; add and delete with the next item shown; one undo step per edit, typing
in one field merged; the validator's problems for the shown item. Written once, the pages behave
alike and each keeps only its own fields.

A page sets `noun` ("channel": undo texts, merge keys, the form's title) and `collection` (the
`Ruleset` field it edits), builds its panes with `list_pane` and `form_group` (or `name_form`), calls
`open_document()` last in `__init__`, and provides `_list_key`, `_fill_list` and `_load_fields`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

from builder.editing.document import Document
from builder.format.model import Ruleset
from rules_schema import Problem
from widgets.common.editor_page import (
    RowVisibility,
    SettingsValidation,
    debounce_timer,
    focus_item,
    item_problem_lines,
    push_ruleset,
    replaced,
    subscribe,
    use_fallback_style,
    without,
)

ID_ROLE = Qt.ItemDataRole.UserRole


class _Named(Protocol):
    """A ruleset item a page lists: a frozen dataclass (edits are copies) with an id and a name."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


Item = TypeVar("Item", bound=_Named)
ListView = QListWidget | QTreeWidget
ListEntry = QListWidgetItem | QTreeWidgetItem


def entry_id(entry: ListEntry) -> str | None:
    """The item id a list entry stands for (None for a heading, such as a template channel)."""
    value = entry.data(ID_ROLE) if isinstance(entry, QListWidgetItem) else entry.data(0, ID_ROLE)
    return str(value) if value else None


def entries(view: ListView) -> Iterator[ListEntry]:
    """Every entry of the list, headings and the entries under them included."""
    if isinstance(view, QListWidget):
        yield from (view.item(row) for row in range(view.count()))
        return
    walk = QTreeWidgetItemIterator(view)
    while (entry := walk.value()) is not None:
        yield entry
        walk += 1


class ListFormPage(SettingsValidation, QWidget, Generic[Item]):
    """The shown item, the list's selection kept in step with it, and the edits every such page makes.

    What a page builds: `list_view` (with `list_pane`), `form` and `name_edit` (with `name_form`, or
    `form_group`, which also makes `form_box`) and its own `problems_label`."""

    noun: ClassVar[str]  # "word group": "Delete word group …", merge keys "wordgroup:<id>:<field>"
    collection: ClassVar[str]  # the Ruleset field holding the items: "word_groups"
    follows_every_edit: ClassVar[bool] = False  # True: rule edits change the page too (not only its items)

    list_view: ListView
    form: QFormLayout
    form_box: QGroupBox
    name_edit: QLineEdit
    problems_label: QLabel

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QWidget | None, *,
                 object_name: str, fallback_qss: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        if fallback_qss:
            use_fallback_style(self, fallback_qss)
        self.document, self.undo_stack = document, undo_stack
        self._current_id: str | None = None
        self._loading = False
        self._stale = False
        self._listed: object = None  # what the list shows (`_list_key`), rebuilt only when it changes
        self._shown: object = ()  # what the form shows (() = nothing yet)
        self.problems: list[Problem] = []
        self._validated: Ruleset | None = None
        self._rows = RowVisibility()
        self.validate_timer = debounce_timer(self, self.validate_now)

    # --- what a page provides ----------------------------------------------------------------------

    def _list_key(self) -> object:
        """What the list shows of the document; the list is rebuilt when this changes."""
        raise NotImplementedError

    def _fill_list(self) -> None:
        """Add the entries to the (cleared) list, each holding its item's id under `ID_ROLE`."""
        raise NotImplementedError

    def _load_fields(self, *, selected: bool) -> None:
        """Show the current item in the form (`selected`: just picked, not changed under the page)."""
        raise NotImplementedError

    # --- building ----------------------------------------------------------------------------------

    def list_pane(self, view: ListView, buttons: Sequence[QWidget], *, above: QWidget | None = None,
                  below: QWidget | None = None, stretch: bool = True) -> QWidget:
        """The left pane: `above`, the list taking the height, the buttons in a row, `below`."""
        self.list_view = view
        view.currentItemChanged.connect(self._on_current_entry)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        if above is not None:
            layout.addWidget(above)
        layout.addWidget(view, 1)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        if stretch:
            row.addStretch(1)
        layout.addLayout(row)
        if below is not None:
            layout.addWidget(below)
        return box

    def name_form(self, parent: QWidget | None = None) -> QFormLayout:
        """A form (fields growing with the page) whose first row is the item's Name."""
        form = self.form = QFormLayout(parent)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(f"{self.noun.capitalize()} name")
        self.name_edit.textEdited.connect(self._name_edited)
        form.addRow("Name", self.name_edit)
        return form

    def form_group(self, *, with_id: bool = False) -> QFormLayout:
        """`name_form` in a box titled after the item (and, `with_id`, an Id row kept hidden: ids
        are internal, a manager sees and types names only)."""
        self.form_box = QGroupBox(self.noun.capitalize())
        form = self.name_form(self.form_box)
        if with_id:
            self.id_label = QLabel()
            self.id_label.setObjectName("previewNote")
            self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow("Id", self.id_label)
            form.setRowVisible(self.id_label, False)
        return form

    def open_document(self, first_id: str | None = None) -> None:
        """Follow the document, mirror it and show `first_id` (else the first item): `__init__`'s end."""
        if self.follows_every_edit:
            subscribe(self, [(self.document.changed, self.refresh)])
        else:
            subscribe(self, [(self.document.ruleset_replaced, self._on_ruleset_replaced),
                             (self.document.changed, self.validate_timer.start)])
        self.refresh()
        first = self._find(first_id) if first_id else next(iter(self._items()), None)
        self.select(first.id if first else None)

    # --- the shown item ----------------------------------------------------------------------------

    def _items(self) -> tuple[Item, ...]:
        items: tuple[Item, ...] = getattr(self.document.ruleset, self.collection)
        return items

    def _find(self, item_id: str) -> Item | None:
        return next((item for item in self._items() if item.id == item_id), None)

    def current(self) -> Item | None:
        """The shown item (None: nothing is shown)."""
        return self._find(self._current_id) if self._current_id else None

    def current_id(self) -> str | None:
        return self._current_id

    def select(self, item_id: str | None) -> None:
        """Show `item_id` (None, or an id no longer there: nothing) and select it in the list."""
        self._current_id = item_id if item_id and self._find(item_id) else None
        self._shown = ()  # a new selection re-reads every field
        self._mark_current()
        self._load_fields(selected=True)

    def item_for(self, item_id: str | None) -> Any:
        """The list entry (QListWidgetItem or QTreeWidgetItem) of `item_id`; None when not listed."""
        if not item_id:
            return None
        return next((entry for entry in entries(self.list_view) if entry_id(entry) == item_id), None)

    def _mark_current(self) -> None:
        """Select the shown item's entry without it counting as the user's choice."""
        entry = self.item_for(self._current_id)
        if entry is not None and self.list_view.currentItem() is not entry:
            with QSignalBlocker(self.list_view):
                self.list_view.setCurrentItem(entry)

    def _on_current_entry(self, current: ListEntry | None, _previous: ListEntry | None) -> None:
        item_id = entry_id(current) if current is not None else None
        if item_id and item_id != self._current_id:
            self.select(item_id)

    # --- mirroring the document --------------------------------------------------------------------

    def _on_ruleset_replaced(self, _old: Ruleset, _new: Ruleset) -> None:
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
            self.validate_now()

    def refresh(self) -> None:
        """Mirror the document: rebuild the list when what it shows changed, reload the form.

        While the page is hidden (the user edits elsewhere) this only notes that it is stale."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        listed = self._list_key()
        if listed != self._listed:
            self._listed = listed
            with QSignalBlocker(self.list_view):
                self.list_view.clear()
                self._fill_list()
        if self._current_id and self._find(self._current_id) is None:
            self._current_id = self._after_removal()
        self._mark_current()
        self._load_fields(selected=False)
        self.validate_timer.start()

    def _after_removal(self) -> str | None:
        """What to show when the shown item went away (undo of its adding, an edit elsewhere)."""
        return None

    def _set_row_visible(self, field: QWidget, visible: bool) -> None:
        self._rows.set(self.form, field, visible)

    # --- edits -------------------------------------------------------------------------------------

    def _push(self, ruleset: Ruleset, text: str, merge_key: str | None = None) -> None:
        push_ruleset(self.undo_stack, self.document, ruleset, text, merge_key)

    def _with_items(self, items: tuple[Item, ...]) -> Ruleset:
        """The ruleset with `items` as its collection."""
        changes: dict[str, Any] = {self.collection: items}
        return replace(self.document.ruleset, **changes)

    def _replace_item(self, new: Item, text: str, merge_key: str | None = None) -> None:
        self._push(self._with_items(replaced(self._items(), new)), text, merge_key)

    def _edit(self, field: str, value: Any, text: str) -> None:
        """Set one field of the shown item ("<text> '<name>'"); typing in one field merges."""
        item = self.current()
        if self._loading or item is None or getattr(item, field) == value:
            return
        merge_key = f"{self.noun.replace(' ', '')}:{item.id}:{field}"
        self._replace_item(replace(item, **{field: value}), f"{text} '{item.name}'", merge_key)

    def _name_edited(self, text: str) -> None:
        """A name typed in the Name field; a blank one is not taken (the field keeps it while typing)."""
        if text.strip():
            self._edit("name", text, f"Rename {self.noun}")

    def _name_finished(self) -> None:
        """Leaving the Name field blank (or with a name the page refused) puts the item's own back."""
        item = self.current()
        if item is not None and self.name_edit.text().strip() != item.name.strip():
            self._loading = True
            self.name_edit.setText(item.name)
            self._loading = False

    def _added(self, ruleset: Ruleset, item_id: str, text: str) -> str:
        """Push `ruleset` (the new item in it), show the item and put the keyboard in its name."""
        self._push(ruleset, text)
        self.select(item_id)
        self.name_edit.setFocus()
        self.name_edit.selectAll()
        return item_id

    def _delete_current(self) -> None:
        """Delete the shown item (one undo step) and show the one after it, else the last."""
        item = self.current()
        if item is None:
            return
        rest, following = without(self._items(), item)
        self._push(self._with_items(rest), f"Delete {self.noun} '{item.name}'")
        self.select(following.id if following else None)

    # --- problems ----------------------------------------------------------------------------------

    def _problem_lines(self) -> list[tuple[str, str]] | None:
        """The validator's (severity, message) lines for the shown item; None while nothing is
        shown or the validator has not yet checked the ruleset as it is now."""
        item = self.current()
        if item is None or self._validated is not self.document.ruleset:
            return None
        prefix = f"$.{self.collection}[{self._items().index(item)}]"
        return item_problem_lines(self.problems, prefix, self.noun.capitalize())

    def _focus_problem(self, problem: Problem, fields: dict[str, QWidget], default: QWidget) -> bool:
        """Show the item a `$.<collection>[i].field` problem points at and focus the field's widget
        (`default` for the others); False when the problem is not about one of this page's items."""
        part = focus_item(problem, self.collection, self._items(), self.select)
        if part is None:
            return False
        fields.get(part, default).setFocus()
        return True
