"""The scaffolding every editor page (templates, channels, schedules, routing) shares.

Why: each page listens to the document (and must stop when it is destroyed, since the document
outlives it), validates after a short pause, re-reads itself when shown after being stale, pushes
every edit as one `SetRulesetCommand` with a merge key, and shows the validator's problems for the
item on screen. Writing that once keeps the pages alike in behaviour, not only in looks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QMenu, QSplitter, QToolButton, QVBoxLayout, QWidget

from builder.editing.document import Document
from builder.editing.events import Event, Subscription
from builder.format.model import Ruleset
from rules_schema import Problem
from widgets.common.form_helpers import bullet, escape_html
from widgets.common.style import icon
from widgets.common.undo_commands import SetRulesetCommand

VALIDATE_DEBOUNCE_MS = 150


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=_HasId)


def subscribe(widget: QObject, subscriptions: list[tuple[Event, Callable[..., None]]]) -> list[Subscription]:
    """Connect document events, and disconnect them when `widget` is destroyed.

    The events hold bound methods weakly, so a view nobody keeps is collected anyway; the explicit
    disconnect covers a view whose C++ half is deleted while Python still holds it (its methods
    would then raise). The slot holds only the handles, never the widget, so it keeps nothing alive."""
    handles = [event.connect(callback) for event, callback in subscriptions]
    widget.destroyed.connect(lambda *_: _disconnect(handles))
    return handles


def _disconnect(handles: list[Subscription]) -> None:
    for handle in handles:
        handle.disconnect()


def debounce_timer(parent: QObject, slot: Callable[[], None], interval_ms: int = VALIDATE_DEBOUNCE_MS) -> QTimer:
    """A single-shot timer calling `slot`: restarted on every edit, so work runs once typing pauses."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer


def use_fallback_style(widget: QWidget, qss: str) -> None:
    """Style `widget` itself when the application has no style sheet (tests, screenshots)."""
    app = QApplication.instance()
    if isinstance(app, QApplication) and not app.styleSheet():
        widget.setStyleSheet(qss)


def problems_label(object_name: str, *, visible: bool = True) -> QLabel:
    """A word-wrapped rich-text label for a page's problem lines."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if not visible:
        label.setVisible(False)
    return label


def settings_problems(ruleset: Ruleset) -> list[Problem]:
    """The validator's problems of everything but the rules and tests (what the pages edit)."""
    from rules_schema import validate  # at first use: the schema machinery is not start-up work

    return validate(replace(ruleset, rules=(), tests=()).to_dict())


def problems_under(problems: Sequence[Problem], prefix: str, *, indexed: bool = False) -> list[Problem]:
    """The problems at `prefix` or below it (`prefix.field`, and `prefix[i]` when `indexed`)."""
    below = (prefix + ".", prefix + "[") if indexed else (prefix + ".",)
    return [p for p in problems if p.path == prefix or p.path.startswith(below)]


def push_ruleset(undo_stack: QUndoStack, document: Document, ruleset: Ruleset, text: str,
                 merge_key: str | None = None) -> None:
    """One undoable edit; edits with the same `merge_key` in a row merge (typing in one field)."""
    undo_stack.push(SetRulesetCommand(document, ruleset, text, merge_key))


def replaced(items: tuple[Item, ...], new: Item) -> tuple[Item, ...]:
    """`items` with the one whose id is `new.id` swapped for `new`."""
    return tuple(new if item.id == new.id else item for item in items)


def without(items: tuple[Item, ...], gone: Item) -> tuple[tuple[Item, ...], Item | None]:
    """(`items` without `gone`, the item to select next: the one after it, else the last)."""
    index = items.index(gone)
    rest = tuple(item for item in items if item.id != gone.id)
    return rest, (rest[min(index, len(rest) - 1)] if rest else None)


class RowVisibility:
    """Shows or hides form rows, remembering what it set so an unchanged row is not touched."""

    def __init__(self) -> None:
        self._rows: dict[int, bool] = {}

    def set(self, form: QFormLayout, field: QWidget, visible: bool) -> None:
        if self._rows.get(id(field)) != visible:
            self._rows[id(field)] = visible
            form.setRowVisible(field, visible)




def split_page(page: QWidget, panes: Sequence[QWidget], stretches: Sequence[int], sizes: Sequence[int]) -> QSplitter:
    """Lay `panes` side by side in a splitter filling `page` (8 px margins); panes never collapse."""
    splitter = QSplitter(Qt.Orientation.Horizontal, page)
    for index, (pane, stretch) in enumerate(zip(panes, stretches, strict=True)):
        splitter.addWidget(pane)
        splitter.setStretchFactor(index, stretch)
    splitter.setSizes(list(sizes))
    splitter.setChildrenCollapsible(False)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(8, 8, 8, 8)
    layout.addWidget(splitter)
    return splitter


def problem_target(path: str, collection: str, count: int) -> tuple[int, str] | None:
    """(index, field or "") of a `$.<collection>[i].field…` problem path; None when it is not one
    of the `count` items of that collection."""
    match = re.match(rf"^\$\.{collection}\[(\d+)\](?:\.(\w+))?", path)
    if match is None or int(match.group(1)) >= count:
        return None
    return int(match.group(1)), match.group(2) or ""


def add_button(tooltip: str, choices: Sequence[tuple[str, str]], on_choice: Callable[[str], object]) -> QToolButton:
    """An "Add" tool button whose arrow offers `choices` (kind, label); `on_choice(kind)` is called."""
    button = QToolButton()
    button.setText("Add")
    button.setIcon(icon("new"))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    button.setToolTip(tooltip)
    menu = QMenu(button)
    for kind, label in choices:
        menu.addAction(label).triggered.connect(lambda _=False, k=kind: on_choice(k))
    button.setMenu(menu)
    return button


class SettingsValidation:
    """`validate_now` for a page that edits what the validator checks outside the rules: validate
    when visible (else note the page is stale), keep the problems, show those of the shown item."""

    document: Document
    problems: list[Problem]
    _validated: Ruleset | None
    _stale: bool

    if TYPE_CHECKING:  # provided by the page (QWidget and the page's own display)
        def isVisible(self) -> bool: ...

        def _show_problems(self) -> None: ...

    def validate_now(self) -> None:
        """Validate templates, channels, schedules and routing; show the shown item's problems."""
        if not self.isVisible():
            self._stale = True
            return
        ruleset = self.document.ruleset
        self.problems = settings_problems(ruleset)
        self._validated = ruleset
        self._show_problems()


ERROR_COLOUR, WARNING_COLOUR = "#dc2626", "#b45309"


def severity_colour(severity: str) -> str:
    return ERROR_COLOUR if severity == "error" else WARNING_COLOUR


def item_problem_lines(problems: Sequence[Problem], prefix: str, owner: str) -> list[tuple[str, str]]:
    """(severity, message) of the problems at or below `prefix`, the leading "<owner> 'name': "
    dropped (the page already shows which item they are about)."""
    return [(problem.severity, problem.message.split("': ", 1)[-1] if problem.message.startswith(f"{owner} '")
             else problem.message) for problem in problems_under(problems, prefix)]


def problem_html(lines: Sequence[tuple[str, str]], *, once: bool = True) -> list[str]:
    """Coloured "●" lines for (severity, plain text) pairs (a repeated line shown once when `once`)."""
    return [bullet(severity_colour(severity), escape_html(text))
            for severity, text in (dict.fromkeys(lines) if once else lines)]


def focus_item(
    problem: Problem, collection: str, items: Sequence[_HasId], select: Callable[[str], object]
) -> str | None:
    """Select the item of `collection` a problem points at; its field ("" for the item itself),
    or None when the problem is not about one of `items`."""
    target = problem_target(problem.path, collection, len(items))
    if target is None:
        return None
    select(items[target[0]].id)
    return target[1]
