"""Chips: a list of short texts shown as removable pills, typed one by one or pasted as a list.

Used for phrases ("refund", "cancel my subscription"), tags and free choice lists. Pasting
"refund, chargeback\\noverchaged" adds three chips at once, because managers keep such lists in
spreadsheets and documents. `FlowLayout` wraps the chips onto as many lines as needed.

Signals: `values_edited(list[str])` after the user added or removed chips (never on `set_values`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QLayout, QLayoutItem, QLineEdit, QSizePolicy, QToolButton, QWidget,
)

_SPLIT = re.compile(r"[,;\n\r\t]+")


def split_list(text: str) -> list[str]:
    """'a, b\\nc' -> ['a', 'b', 'c']: what a pasted list means, blanks dropped."""
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


class FlowLayout(QLayout):
    """Lays items left to right and wraps to the next line, like words in a paragraph."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def insert_widget(self, index: int, widget: QWidget) -> None:
        self.addChildWidget(widget)
        from PySide6.QtWidgets import QWidgetItem

        self._items.insert(index, QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line > 0:
                x, y, line = area.x(), y + line + self._spacing, 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()


class Chip(QFrame):
    """One pill: the text and a ✕ that removes it."""

    remove_requested = Signal(str)

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chip")
        self.text = text
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        label = QLabel(text)
        label.setObjectName("chipText")
        label.setTextFormat(Qt.TextFormat.PlainText)
        remove = QToolButton()
        remove.setObjectName("chipRemove")
        remove.setText("✕")
        remove.setAutoRaise(True)
        remove.setCursor(Qt.CursorShape.PointingHandCursor)
        remove.setToolTip(f"Remove “{text}”")
        remove.setAccessibleName(f"Remove {text}")
        remove.clicked.connect(lambda: self.remove_requested.emit(self.text))
        self.remove_button = remove
        layout.addWidget(label)
        layout.addWidget(remove)


class ChipsEdit(QFrame):
    """Chips plus a line edit: Enter (or a comma) adds what was typed, Backspace on empty removes."""

    values_edited = Signal(list)

    def __init__(self, values: Iterable[str] = (), placeholder: str = "Type and press Enter",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chipsEdit")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._values: list[str] = []
        self._chips: list[Chip] = []
        self._flow = FlowLayout(self, spacing=4)
        self._flow.setContentsMargins(QMargins(4, 3, 4, 3))
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName("chipsInput")
        self.line_edit.setFrame(False)
        self.line_edit.setPlaceholderText(placeholder)
        self.line_edit.setMinimumWidth(140)
        self.line_edit.setAccessibleName(placeholder)
        self.line_edit.returnPressed.connect(self._commit_typed)
        self.line_edit.textEdited.connect(self._on_text_edited)
        self.line_edit.installEventFilter(self)
        self._flow.addWidget(self.line_edit)
        self.setFocusProxy(self.line_edit)
        self.set_values(values)

    def values(self) -> list[str]:
        return list(self._values)

    def set_values(self, values: Iterable[str]) -> None:
        """Show `values` without announcing an edit (the model changed, e.g. by undo)."""
        values = [str(v) for v in values]
        if values == self._values:
            return
        for chip in self._chips:
            self._flow.removeWidget(chip)
            chip.deleteLater()
        self._chips = []
        self._values = []
        for value in values:
            self._add_chip(value)

    def add_values(self, values: Iterable[str]) -> None:
        """Add chips as the user would (duplicates, compared case-insensitively, are skipped)."""
        added = False
        for value in values:
            value = value.strip()
            if value and value.casefold() not in {v.casefold() for v in self._values}:
                self._add_chip(value)
                added = True
        if added:
            self.values_edited.emit(self.values())

    def remove_value(self, value: str) -> None:
        if value not in self._values:
            return
        index = self._values.index(value)
        self._values.pop(index)
        chip = self._chips.pop(index)
        self._flow.removeWidget(chip)
        chip.deleteLater()
        self._relayout()
        self.values_edited.emit(self.values())

    def chip(self, value: str) -> Chip | None:
        return next((c for c in self._chips if c.text == value), None)

    def _add_chip(self, value: str) -> None:
        chip = Chip(value, self)
        chip.remove_requested.connect(self.remove_value)
        self._flow.insert_widget(len(self._chips), chip)
        chip.show()
        self._chips.append(chip)
        self._values.append(value)
        self._relayout()

    def _relayout(self) -> None:
        self._flow.invalidate()
        self.updateGeometry()

    def _commit_typed(self) -> None:
        text = self.line_edit.text()
        self.line_edit.clear()
        self.add_values(split_list(text))

    def _on_text_edited(self, text: str) -> None:
        # A paste or a typed separator: everything before the last separator becomes chips.
        if _SPLIT.search(text):
            parts = _SPLIT.split(text)
            self.line_edit.setText(parts[-1].lstrip())
            self.add_values(p for p in parts[:-1])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (watched is self.line_edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Backspace
                and not self.line_edit.text() and self._values):
            self.remove_value(self._values[-1])
            return True
        return super().eventFilter(watched, event)
