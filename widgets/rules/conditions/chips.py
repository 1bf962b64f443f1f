"""Chips: a list of short texts shown as removable pills, typed one by one or pasted as a list.

Used for phrases ("refund", "cancel my subscription"), tags and free choice lists. Pasting
"refund, chargeback\\noverchaged" adds three chips at once, because managers keep such lists in
spreadsheets and documents. `FlowLayout` (left to right, wrapping) serves other rows of small widgets.

Signals: `values_edited(list[str])` after the user added or removed chips (never on `set_values`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from widgets.rules.conditions.chip_paint import paint_chips

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

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
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
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line > 0:
                x, y, line = area.x(), y + line + self._spacing, 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()


class ChipsEdit(QFrame):
    """Chips plus a line edit: Enter (or a comma) adds what was typed, Backspace on empty removes.

    The chips are painted, not widgets: a rule can hold dozens of phrases and a widget per chip
    made switching rules slow. Each chip's ✕ is a hit area; the line edit follows the last chip.
    """

    values_edited = Signal(list)
    refused = Signal(str)  # why typed text did not become a chip (too long), in words
    MAX_PHRASE = 200  # characters: a visitor's phrase, not a pasted document
    PAD_X, CHIP_H, GAP, CLOSE_W, MAX_CHIP_W, INPUT_MIN_W = 8, 22, 4, 16, 260, 140
    MAX_LINES = 4  # a long phrase list folds to this many lines plus "+N more" until expanded

    def __init__(self, values: Iterable[str] = (), placeholder: str = "Type and press Enter",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chipsEdit")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)
        self._values: list[str] = []
        self.last_refusal = ""
        self._rects: list[tuple[QRect, QRect]] = []  # (chip, its ✕) per value, for the current width
        self._hover_close = -1
        self.expanded = False
        self._widths: dict[str, int] = {}  # text width of each chip, measured once
        self._heights: dict[int, int] = {}  # height needed per width asked
        self._arranged: int | None = None  # the width the chip rectangles are laid out for
        self._toggle_rect = QRect()  # "+N more" / "show fewer", when the list is long
        self._toggle_text = ""
        self._filter = ""  # only chips containing this (case-insensitively) are shown; "" shows all
        self._shown: list[int] = []  # the value index of each laid-out chip, parallel to `_rects`
        self.line_edit = QLineEdit(self)
        self.line_edit.setObjectName("chipsInput")
        self.line_edit.setFrame(False)
        self.line_edit.setPlaceholderText(placeholder)
        self.line_edit.setAccessibleName(placeholder)
        self.line_edit.returnPressed.connect(self._commit_typed)
        self.line_edit.textEdited.connect(self._on_text_edited)
        self.line_edit.installEventFilter(self)
        self.setFocusProxy(self.line_edit)
        self.set_values(values)

    def values(self) -> list[str]:
        return list(self._values)

    def set_values(self, values: Iterable[str]) -> None:
        """Show `values` without announcing an edit (the model changed, e.g. by undo)."""
        values = [str(v) for v in values]
        if values != self._values:
            self._values = values
            self._changed()

    def add_values(self, values: Iterable[str]) -> None:
        """Add chips as the user would (duplicates, compared case-insensitively, are skipped)."""
        added = False
        for raw in values:
            value = raw.strip()
            if len(value) > self.MAX_PHRASE:
                self._refuse(f"A phrase can be at most {self.MAX_PHRASE} characters; this one has "
                             f"{len(value):,}. Use a few words the visitor would write.")
                continue
            if value and value.casefold() not in {v.casefold() for v in self._values}:
                self._values.append(value)
                added = True
        if added:
            self._changed()
            self.values_edited.emit(self.values())

    def _refuse(self, message: str) -> None:
        self.last_refusal = message
        self.line_edit.setToolTip(message)
        self.refused.emit(message)

    def remove_value(self, value: str) -> None:
        if value in self._values:
            self._values.remove(value)
            self._changed()
            self.values_edited.emit(self.values())

    def close_rect(self, value: str) -> QRect:
        """Where the ✕ of `value` is drawn (widget coordinates); empty when not shown."""
        self._arrange(self.width())
        index = self._values.index(value) if value in self._values else -1
        return self._rects[self._shown.index(index)][1] if index in self._shown else QRect()

    def set_filter(self, text: str) -> None:
        """Show only the chips that contain `text` (a search in a long list); "" shows them all."""
        text = text.strip().casefold()
        if text != self._filter:
            self._filter = text
            self._changed()

    def matching(self) -> list[str]:
        """The values the current filter shows (all of them without a filter)."""
        return [self._values[i] for i in self._matching()]

    def _matching(self) -> list[int]:
        if not self._filter:
            return list(range(len(self._values)))
        return [i for i, value in enumerate(self._values) if self._filter in value.casefold()]

    def toggle_rect(self) -> QRect:
        """Where "+N more" (or "show fewer") is drawn; empty when the list fits."""
        self._arrange(self.width())
        return QRect(self._toggle_rect)

    def set_expanded(self, expanded: bool) -> None:
        self.expanded = expanded
        self._changed()
        self.line_edit.setFocus(Qt.FocusReason.MouseFocusReason)

    # --- geometry
    def _chip_width(self, value: str) -> int:
        width = self._widths.get(value)
        if width is None:
            text_w = self.fontMetrics().horizontalAdvance(value)
            width = self._widths[value] = min(self.MAX_CHIP_W, self.PAD_X + text_w + self.CLOSE_W + 4)
        return width

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._widths.clear()
            self._forget_layout()
        super().changeEvent(event)

    def _forget_layout(self) -> None:
        self._heights.clear()
        self._arranged = None

    def _arrange(self, width: int) -> int:
        """Lay the chips out for `width` (kept until the values, the folding or the font change);
        returns the height needed, chips plus the input. Layouts ask for heights many times."""
        if self._arranged != width or width not in self._heights:
            self._heights[width] = self._arrange_now(width)
            self._arranged = width
        return self._heights[width]

    def _arrange_now(self, width: int) -> int:
        m, x, y, line = 4, 4, 3, 0
        self._rects, self._shown = [], []
        matching = self._matching()
        for index in matching:
            w = self._chip_width(self._values[index])
            if x + w > width - m and x > m:
                if line + 1 >= self.MAX_LINES and not self.expanded:
                    break
                x, y, line = m, y + self.CHIP_H + self.GAP, line + 1
            chip = QRect(x, y, w, self.CHIP_H)
            self._rects.append((chip, QRect(chip.right() - self.CLOSE_W - 1, y + 3, self.CLOSE_W, self.CHIP_H - 6)))
            self._shown.append(index)
            x += w + self.GAP
        hidden = len(matching) - len(self._rects)
        fewer = "show fewer" if self.expanded and line >= self.MAX_LINES else ""
        self._toggle_text = f"+{hidden} more" if hidden else fewer
        self._toggle_rect = QRect()
        if self._toggle_text:
            toggle_w = self.fontMetrics().horizontalAdvance(self._toggle_text) + 2 * self.PAD_X
            while hidden and self._rects and x + toggle_w > width - m and self._rects[-1][0].y() == y:
                x = self._rects.pop()[0].x()  # make room on the last line
                self._shown.pop()
                hidden += 1
                self._toggle_text = f"+{hidden} more"
            if x + toggle_w > width - m and x > m:
                x, y = m, y + self.CHIP_H + self.GAP
            self._toggle_rect = QRect(x, y, toggle_w, self.CHIP_H)
            x += toggle_w + self.GAP
        input_h = max(self.CHIP_H, self.line_edit.sizeHint().height())
        if x + self.INPUT_MIN_W > width - m and x > m:
            x, y = m, y + self.CHIP_H + self.GAP
        self._input_rect = QRect(x, y + (self.CHIP_H - input_h) // 2, max(self.INPUT_MIN_W, width - m - x), input_h)
        return y + max(self.CHIP_H, input_h) + 3

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        return height if height is not None else self._arrange(width)

    def sizeHint(self) -> QSize:
        width = max(self.width(), 320)
        return QSize(width, self._arrange(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.INPUT_MIN_W + 8, self.CHIP_H + 6)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(self.width())
        self.line_edit.setGeometry(self._input_rect)

    def _changed(self) -> None:
        self._forget_layout()
        self.setAccessibleDescription(", ".join(self._values))
        self._arrange(self.width())
        self.line_edit.setGeometry(self._input_rect)
        self.updateGeometry()
        self.update()

    # --- painting and mouse
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self._arrange(self.width())
        painter = QPainter(self)
        chips = [(self._values[i], chip, close) for i, (chip, close) in zip(self._shown, self._rects, strict=True)]
        paint_chips(self, painter, chips, self._hover_close, self.PAD_X, self.CLOSE_W, self.CHIP_H)
        if self._toggle_text:
            painter.setPen(self.palette().color(QPalette.ColorRole.Link))
            painter.drawText(self._toggle_rect, int(Qt.AlignmentFlag.AlignCenter), self._toggle_text)
        painter.end()

    def _close_at(self, pos: QPoint) -> int:
        self._arrange(self.width())
        return next(
            (i for i, (_chip, close) in enumerate(self._rects) if close.adjusted(-2, -2, 2, 2).contains(pos)), -1
        )

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        hover = self._close_at(pos)
        clickable = hover >= 0 or self._toggle_rect.contains(pos)
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.IBeamCursor)
        if hover != self._hover_close:
            self._hover_close = hover
            chip = next((self._values[i] for i, (c, _x) in zip(self._shown, self._rects, strict=True)
                         if c.contains(pos)), "")
            self.setToolTip(f"Remove “{chip}”" if hover >= 0 else chip)
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._close_at(event.position().toPoint())
        if self._toggle_rect.contains(event.position().toPoint()):
            self.set_expanded(not self.expanded)
        elif index >= 0 and event.button() == Qt.MouseButton.LeftButton:
            self.remove_value(self._values[self._shown[index]])
        else:
            self.line_edit.setFocus(Qt.FocusReason.MouseFocusReason)

    # --- typing
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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.line_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Backspace
            and not self.line_edit.text()
            and self._values
        ):
            self.remove_value(self._values[-1])
            return True
        return super().eventFilter(watched, event)


class Picker(QToolButton):
    """A drop-down that costs a button, not a combo box: the menu is built on first click.

    A rule shows dozens of pickers and QComboBox is slow to create under a stylesheet, which
    made switching rules sluggish. Items are (label, data, tooltip); a label-less item with a
    tooltip-less data None starts a section (e.g. the fact groups). Signal: `picked(data)`.
    """

    picked = Signal(object)

    def __init__(
        self, items: Sequence[tuple[str, Any, str]], current: Any, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("picker")
        self.setProperty("picker", True)  # styled as a drop-down by `QToolButton[picker="true"]`
        self.setAccessibleName(name)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.items = list(items)
        self._current: Any = None
        self._menu: QMenu | None = None
        self.missing_label = "(missing: {})"
        self.clicked.connect(self._open)
        self.set_current(current)

    def current_data(self) -> Any:
        return self._current

    def labels(self) -> list[str]:
        return [label for label, data, _tip in self.items if data is not None]

    def data_items(self) -> list[Any]:
        return [data for _label, data, _tip in self.items if data is not None]

    def set_current(self, data: Any) -> None:
        """Show `data` as chosen without announcing it; an unknown value stays, marked missing."""
        self._current = data
        label = next((lbl for lbl, value, _tip in self.items if value is not None and value == data), None)
        if label is None:
            label = self.missing_label.format(data) if data not in (None, "") else "(choose)"
        self.setText(f"{label}  ▾")
        tip = next((t for _lbl, value, t in self.items if value is not None and value == data), "")
        self.setToolTip(tip)

    def build_menu(self) -> QMenu:
        """The popup (built once): sections and checkable items, the current one checked."""
        if self._menu is None:
            self._menu = QMenu(self)
            self._menu.setToolTipsVisible(True)
            for label, data, tip in self.items:
                if data is None:
                    self._menu.addSection(label)
                    continue
                action = self._menu.addAction(label)
                action.setData(data)
                action.setToolTip(tip)
                action.setCheckable(True)
                action.triggered.connect(lambda _c=False, d=data: self._chosen(d))
        for action in self._menu.actions():
            if action.isCheckable():
                action.setChecked(action.data() == self._current)
        return self._menu

    def choose(self, data: Any) -> None:
        """Pick `data` through the menu, exactly as a click on its entry does."""
        action = next((a for a in self.build_menu().actions() if a.isCheckable() and a.data() == data), None)
        if action is None:
            raise ValueError(f"{self.accessibleName()}: no entry {data!r}")
        action.trigger()

    def _open(self) -> None:
        menu = self.build_menu()
        checked = next((a for a in menu.actions() if a.isChecked()), None)
        menu.popup(self.mapToGlobal(QPoint(0, self.height())), checked)

    def _chosen(self, data: Any) -> None:
        if data != self._current:
            self.set_current(data)
            self.picked.emit(data)
