"""Application-wide Undo/Redo that shows what it changes.

Why: undoing from the Simulator page used to change a template on a page the manager could not
see, and Ctrl+Z went to whichever text box had the focus (bringing a sent simulator message
back). Here the window's Undo brings the page that changes into view (and selects the rule), and
a text box keeps Ctrl+Z only for its own typing: when it has nothing of its own to undo, the
shortcut goes to the window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

from builder.format.model import Ruleset

#: What changed → the page that shows it (in the order a SetRulesetCommand is checked).
SECTIONS = (("templates", "Templates"), ("schedules", "Business hours"), ("routing", "Routing"),
            ("channels", "Channels"), ("rules", "Rules"))


def page_of(command: QUndoCommand | None) -> tuple[str | None, str | None]:
    """(page title, rule id) an undo command changes; (None, None) when it is not known."""
    if command is None:
        return None, None
    rule_id = getattr(command, "new_id", None) or getattr(getattr(command, "rule", None), "id", None)
    if isinstance(rule_id, str):
        return "Rules", rule_id
    old, new = getattr(command, "old_ruleset", None), getattr(command, "new_ruleset", None)
    if isinstance(old, Ruleset) and isinstance(new, Ruleset):
        for field, title in SECTIONS:
            if getattr(old, field) != getattr(new, field):
                return title, None
    if hasattr(command, "old") and hasattr(command, "new"):  # a moved rule
        return "Rules", None
    return None, None


def next_command(stack: QUndoStack, redo: bool) -> QUndoCommand | None:
    index = stack.index() if redo else stack.index() - 1
    return stack.command(index) if 0 <= index < stack.count() else None


def show_page_of(window: Any, command: QUndoCommand | None) -> None:
    """Bring the page `command` changes into view (building it if needed) and select its rule."""
    title, rule_id = page_of(command)
    if title is None:
        return
    if title == "Rules":
        window.pages.setCurrentWidget(window.rules_page)
        if rule_id is not None and window.document.ruleset.rule(rule_id) is not None:
            window.rule_list.select_rule(rule_id)
        return
    page = window.ensure_page(title)
    if page is not None:
        window.pages.setCurrentWidget(page)


class TextUndoGuard(QObject):
    """Installed on the application: Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y reach a text box only when it has
    typing of its own to undo or redo; otherwise the window's Undo/Redo gets them."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, (QLineEdit, QTextEdit, QPlainTextEdit)):
            return False
        undo = event.matches(QKeySequence.StandardKey.Undo)
        redo = event.matches(QKeySequence.StandardKey.Redo) or (
            event.key() == 0x59 and event.modifiers().name == "ControlModifier")  # Ctrl+Y
        if not (undo or redo):
            return False
        if isinstance(watched, QLineEdit):
            own = watched.isUndoAvailable() if undo else watched.isRedoAvailable()
        else:
            document = watched.document()
            own = document.isUndoAvailable() if undo else document.isRedoAvailable()
        if own and not watched.isReadOnly():
            return False  # the text box's own typing: it undoes it
        event.ignore()
        return True  # not overridden: the window's shortcut fires


def undo_or_redo(window: Any, redo: bool) -> None:
    """Undo (or redo) the last change, first bringing the page it changes into view."""
    command = next_command(window.undo_stack, redo)
    if command is None:
        return
    show_page_of(window, command)
    if redo:
        window.undo_stack.redo()
    else:
        window.undo_stack.undo()
    window.statusBar().showMessage(f"{'Redid' if redo else 'Undid'}: {command.text()}", 4000)
