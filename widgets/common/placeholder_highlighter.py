"""Placeholder highlighting for template text: known `{{name}}` tinted, unknown ones and stray `{{`
underlined in red waves, the problem in a tooltip.

Why here and not in the validator only: the user should see the typo while typing, at the place it
is, with the same words the problems panel uses (`problems_in`); the grammar is the format's own
`PLACEHOLDER_RE`, so the editor never disagrees with the renderer.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from rules_schema.catalog import catalog
from rules_schema.placeholders import PLACEHOLDER_RE

KNOWN_COLOUR = "#1d4ed8"
KNOWN_BACKGROUND = "#dbeafe"
PROBLEM_COLOUR = "#dc2626"


@dataclass(frozen=True)
class TextProblem:
    """A problem at characters [start, end) of one text."""

    start: int
    end: int
    message: str


def problems_in(text: str) -> list[TextProblem]:
    """Unknown placeholders and `{{` that form none, with their spans, in the validator's words."""
    known = catalog().placeholders
    found: list[TextProblem] = []
    covered: list[tuple[int, int]] = []
    for match in PLACEHOLDER_RE.finditer(text):
        covered.append((match.start(), match.end()))
        name = match.group(1)
        if name not in known:
            similar = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
            hint = f" (did you mean '{similar[0]}'?)" if similar else ""
            found.append(TextProblem(match.start(), match.end(), f"{{{{{name}}}}} is not a known placeholder{hint}"))
    start = text.find("{{")
    while start != -1:
        if not any(a <= start < b for a, b in covered):
            close, newline = text.find("}}", start), text.find("\n", start)
            end = close + 2 if close != -1 else len(text)
            for stop in (newline, text.find("{{", start + 2)):
                end = min(end, stop) if stop != -1 else end
            end = max(end, start + 2)
            found.append(TextProblem(start, end, "this '{{' does not form a placeholder such as "
                                     "{{visitor.name}}; it will be shown as typed"))
        start = text.find("{{", start + 2)
    found.sort(key=lambda p: p.start)
    return found


def problem_at(text: str, position: int) -> TextProblem | None:
    return next((p for p in problems_in(text) if p.start <= position < p.end), None)


def is_undo_override(event: QEvent) -> bool:
    """True for the shortcut check of Ctrl+Z / Ctrl+Shift+Z, which text fields would keep for
    their own undo; the app has one history (the window's undo stack), so they must let it pass."""
    return event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
        event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo))


class _UndoPassThrough(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return is_undo_override(event)


def route_undo_to_window(*fields: QWidget) -> None:
    """Make Ctrl+Z in these line edits undo through the window's stack, not the field's own."""
    for field in fields:
        guard = _UndoPassThrough(field)
        field.installEventFilter(guard)


class PlaceholderHighlighter(QSyntaxHighlighter):
    """Highlights one QTextDocument; re-runs per block as the user types (Qt calls it)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.known_format = QTextCharFormat()
        self.known_format.setForeground(QColor(KNOWN_COLOUR))
        self.known_format.setBackground(QColor(KNOWN_BACKGROUND))
        self.known_format.setFontWeight(QFont.Weight.DemiBold)
        self.problem_format = QTextCharFormat()
        self.problem_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.problem_format.setUnderlineColor(QColor(PROBLEM_COLOUR))
        self.problem_format.setForeground(QColor(PROBLEM_COLOUR))

    def highlightBlock(self, text: str) -> None:
        for match in PLACEHOLDER_RE.finditer(text):
            if match.group(1) in catalog().placeholders:
                self.setFormat(match.start(), match.end() - match.start(), self.known_format)
        for problem in problems_in(text):
            fmt = QTextCharFormat(self.problem_format)
            fmt.setToolTip(problem.message)
            self.setFormat(problem.start, problem.end - problem.start, fmt)


class PlaceholderTextEdit(QPlainTextEdit):
    """A plain-text editor with the highlighter and a tooltip explaining the problem under the mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.highlighter = PlaceholderHighlighter(self.document())
        self.setTabChangesFocus(True)
        self.setUndoRedoEnabled(False)  # one history: the window's undo stack, not the widget's own
        self.viewport().installEventFilter(self)

    def event(self, event: QEvent) -> bool:
        """Let Ctrl+Z / Ctrl+Shift+Z reach the window's Undo/Redo actions instead of the text box."""
        if is_undo_override(event):
            event.ignore()
            return False
        return super().event(event)

    def problem_at(self, position: int) -> TextProblem | None:
        """The problem covering character `position` of the whole text (None: none there)."""
        block = self.document().findBlock(position)
        found = problem_at(block.text(), position - block.position())
        if found is None:
            return None
        return TextProblem(found.start + block.position(), found.end + block.position(), found.message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cursor = self.cursorForPosition(event.pos())
            found = self.problem_at(cursor.position())
            if found is not None:
                QToolTip.showText(event.globalPos(), found.message, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().eventFilter(watched, event)

    def insert_placeholder(self, name: str) -> None:
        """Insert `{{name}}` at the cursor (replacing a selection) as one edit."""
        self.insertPlainText("{{" + name + "}}")
        self.setFocus(Qt.FocusReason.OtherFocusReason)
