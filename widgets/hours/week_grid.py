"""The week grid: 7 day columns × 96 quarter hours, painted with the mouse.

Why custom-painted: 672 child widgets would be slow to build and to restyle; one widget painting a
set of slot numbers (`builder.hours.week_slots`) stays cheap and lets an overnight shift be drawn as one
block that leaves the bottom of its day and continues at the top of the next column.

Gestures: press on a closed slot and drag paints open, press on an open slot and drag erases; the
drag covers the rectangle of days × times between press and pointer; with Shift held it covers one
continuous stretch in week order (Monday 22:00 down to Tuesday 05:45 is one overnight shift). A
drag is reported once, at release (one undo step). Keyboard: arrows move the cursor slot (Page
Up/Down by an hour), Space or Enter toggles it, Escape cancels a drag.

Signals: `slots_painted(frozenset)` with the whole week's open slots after a drag or a toggle;
`hovered(str)` with the slot under the pointer ("Tue 14:15–14:30 · open"), "" when it leaves.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QToolTip, QWidget

from builder.format.model import WEEKDAYS, Interval
from builder.hours.week_slots import (
    DAY_MINUTES,
    SLOT_MINUTES,
    SLOTS_PER_DAY,
    WEEK_SLOTS,
    Slots,
    clock,
    interval_minutes,
    paint,
    rectangle,
    slot_text,
    slots_to_intervals,
    stretch,
    summary,
)
from widgets.common.style import is_dark

Cell = tuple[int, int]  # (day 0-6, quarter 0-95)
DAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LIGHT = {"base": "#ffffff", "weekend": "#f8fafc", "line": "#eef2f7", "line_strong": "#cbd5e1", "text": "#475569",
         "fill": "#93c5fd", "fill_hover": "#60a5fa", "edge": "#2563eb", "label": "#1e3a8a", "erase": "#dc2626",
         "hover": "#e0e7ff", "cursor": "#f59e0b"}
DARK = {"base": "#0f172a", "weekend": "#131c31", "line": "#1e293b", "line_strong": "#334155", "text": "#94a3b8",
        "fill": "#1d4ed8", "fill_hover": "#2563eb", "edge": "#60a5fa", "label": "#dbeafe", "erase": "#f87171",
        "hover": "#1e293b", "cursor": "#fbbf24"}


def _pieces(interval: Interval) -> list[tuple[int, int, int, bool, bool]]:
    """Per day column: (day, start minute, end minute, continues from the day before, continues into
    the next day) for drawing one interval, overnight ones in two pieces."""
    span = interval_minutes(interval)
    if span is None:
        return []
    start, end = span
    out: list[tuple[int, int, int, bool, bool]] = []
    while start < end:
        day, offset = divmod(start, DAY_MINUTES)
        stop = min(end, (day + 1) * DAY_MINUTES)
        out.append((day % 7, offset, stop - day * DAY_MINUTES, bool(out), stop < end))
        start = stop
    return out


class WeekGrid(QWidget):
    """A week of quarter hours; see the module notes for gestures and signals."""

    slots_painted = Signal(object)
    hovered = Signal(str)

    HEADER = 24
    GUTTER = 46
    MARGIN = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekGrid")
        self.setAccessibleName("Weekly opening hours")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self._base: Slots = frozenset()
        self._preview: Slots | None = None
        self._blocks: tuple[Interval, ...] = ()
        self._anchor: Cell | None = None
        self._current: Cell | None = None
        self._opening = True
        self._continuous = False
        self._hover: Cell | None = None
        self.cursor_cell: Cell = (0, 9 * 4)
        self._colours = DARK if is_dark() else LIGHT

    # --- model ------------------------------------------------------------------------------------

    def set_slots(self, slots: Slots) -> None:
        """Show `slots` as open (from the document); a drag in progress keeps its preview on top."""
        slots = frozenset(slots)
        if slots == self._base:
            return
        self._base = slots
        if self._anchor is not None:
            self._update_preview()
        else:
            self._blocks = slots_to_intervals(slots)
            self.setAccessibleDescription(f"Open: {summary(self._blocks)}")
            self.update()

    def slots(self) -> Slots:
        """What is shown: the document's slots, or the drag's preview while dragging."""
        return self._preview if self._preview is not None else self._base

    def dragging(self) -> bool:
        return self._anchor is not None

    # --- geometry ---------------------------------------------------------------------------------

    def _area(self) -> QRectF:
        return QRectF(self.GUTTER, self.HEADER, max(1, self.width() - self.GUTTER - self.MARGIN),
                      max(1, self.height() - self.HEADER - self.MARGIN))

    def slot_rect(self, day: int, quarter: int) -> QRectF:
        area = self._area()
        width, height = area.width() / 7, area.height() / SLOTS_PER_DAY
        return QRectF(area.left() + day * width, area.top() + quarter * height, width, height)

    def slot_center(self, day: int, quarter: int) -> QPoint:
        """The pixel in the middle of a slot (where a test or a user presses)."""
        return self.slot_rect(day, quarter).center().toPoint()

    def cell_at(self, pos: QPoint | QPointF, clamp: bool = False) -> Cell | None:
        """The (day, quarter) under `pos`; with `clamp` the nearest one when outside the grid."""
        area = self._area()
        x = (pos.x() - area.left()) * 7 / area.width()
        y = (pos.y() - area.top()) * SLOTS_PER_DAY / area.height()
        if not clamp and not (0 <= x < 7 and 0 <= y < SLOTS_PER_DAY):
            return None
        return min(6, max(0, int(x))), min(SLOTS_PER_DAY - 1, max(0, int(y)))

    def sizeHint(self) -> QSize:
        return QSize(self.GUTTER + 7 * 90 + self.MARGIN, self.HEADER + SLOTS_PER_DAY * 6 + self.MARGIN)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.GUTTER + 7 * 40 + self.MARGIN, self.HEADER + SLOTS_PER_DAY * 3 + self.MARGIN)

    # --- gestures ---------------------------------------------------------------------------------

    def _region(self) -> Slots:
        if self._anchor is None or self._current is None:
            return frozenset()
        return (stretch if self._continuous else rectangle)(self._anchor, self._current)

    def _update_preview(self) -> None:
        self._preview = paint(self._base, self._region(), self._opening)
        self._blocks = slots_to_intervals(self._preview)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if event.button() != Qt.MouseButton.LeftButton or cell is None:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        slot = cell[0] * SLOTS_PER_DAY + cell[1]
        self._anchor = self._current = self.cursor_cell = cell
        self._opening = slot not in self._base
        self._continuous = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self._update_preview()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._anchor is not None:
            cell = self.cell_at(event.position(), clamp=True)
            if cell is not None and cell != self._current:
                self._current = self.cursor_cell = cell
                self._update_preview()
        self._set_hover(self.cell_at(event.position()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._anchor is None:
            super().mouseReleaseEvent(event)
            return
        cell = self.cell_at(event.position(), clamp=True)
        if cell is not None and cell != self._current:  # released somewhere the last move did not report
            self._current = self.cursor_cell = cell
            self._update_preview()
        result = self._preview if self._preview is not None else self._base
        self._end_drag()
        if result != self._base:
            self._base = result
            self._blocks = slots_to_intervals(result)
            self.setAccessibleDescription(f"Open: {summary(self._blocks)}")
            self.slots_painted.emit(result)

    def _end_drag(self) -> None:
        self._anchor = self._current = None
        self._preview = None
        self._blocks = slots_to_intervals(self._base)
        self.update()

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hover(None)
        super().leaveEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        day, quarter = self.cursor_cell
        moves = {Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1), Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                 Qt.Key.Key_PageUp: (0, -4), Qt.Key.Key_PageDown: (0, 4)}
        if key == Qt.Key.Key_Escape and self._anchor is not None:
            self._end_drag()
        elif key in moves:
            dx, dy = moves[Qt.Key(key)]
            self.cursor_cell = (min(6, max(0, day + dx)), min(SLOTS_PER_DAY - 1, max(0, quarter + dy)))
            self._announce(self.cursor_cell)
            self.update()
        elif key == Qt.Key.Key_Home:
            self.cursor_cell = (day, 0)
            self.update()
        elif key == Qt.Key.Key_End:
            self.cursor_cell = (day, SLOTS_PER_DAY - 1)
            self.update()
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._anchor is None:
            self.toggle(*self.cursor_cell)
        else:
            super().keyPressEvent(event)

    def toggle(self, day: int, quarter: int) -> None:
        """Open a closed slot or close an open one (one step, reported like a drag)."""
        slot = day * SLOTS_PER_DAY + quarter
        result = paint(self._base, {slot}, slot not in self._base)
        self._base = result
        self._blocks = slots_to_intervals(result)
        self.update()
        self._announce((day, quarter))
        self.slots_painted.emit(result)

    def hover_text(self, cell: Cell) -> str:
        slot = cell[0] * SLOTS_PER_DAY + cell[1]
        text = slot_text(slot)
        shown = self.slots()
        if slot not in shown:
            return f"{text} · closed"
        block = self._block_of(cell)
        return f"{text} · open" + (f" ({block.day.title()} {block.start}–{block.end})" if block else "")

    def _announce(self, cell: Cell) -> None:
        self.hovered.emit(self.hover_text(cell))

    def _set_hover(self, cell: Cell | None) -> None:
        if cell == self._hover:
            return
        self._hover = cell
        self.hovered.emit(self.hover_text(cell) if cell is not None else "")
        self.update()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(event.pos())
            if cell is not None:
                QToolTip.showText(event.globalPos(), self.hover_text(cell), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def _block_of(self, cell: Cell) -> Interval | None:
        minute = cell[0] * DAY_MINUTES + cell[1] * SLOT_MINUTES
        for block in self._blocks:
            for day, start, end, _from, _into in _pieces(block):
                if day == cell[0] and start <= minute - day * DAY_MINUTES < end:
                    return block
        return None

    # --- painting ---------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = self._colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = self._area()
        painter.fillRect(self.rect(), QColor(colours["base"]))
        column = area.width() / 7
        row = area.height() / SLOTS_PER_DAY
        for day in (5, 6):
            painter.fillRect(QRectF(area.left() + day * column, area.top(), column, area.height()),
                             QColor(colours["weekend"]))
        if self._hover is not None and self._anchor is None:
            painter.fillRect(self.slot_rect(*self._hover), QColor(colours["hover"]))
        self._paint_lines(painter, area, column, row)
        self._paint_blocks(painter, row)
        if self._anchor is not None:
            self._paint_region(painter)
        if self.hasFocus():
            pen = QPen(QColor(colours["cursor"]), 2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.slot_rect(*self.cursor_cell).adjusted(1, 0.5, -1, -0.5))
        painter.end()

    def _paint_lines(self, painter: QPainter, area: QRectF, column: float, row: float) -> None:
        colours = self._colours
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        height = painter.fontMetrics().height()
        step = next((h for h in (1, 2, 3, 4, 6) if h * 4 * row >= height + 2), 6)
        for hour in range(25):
            y = area.top() + hour * 4 * row
            strong = hour % 6 == 0
            painter.setPen(QPen(QColor(colours["line_strong" if strong else "line"]), 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            if hour % step == 0 and hour < 24:
                painter.setPen(QColor(colours["text"]))
                painter.drawText(QRectF(0, y - height / 2, self.GUTTER - 6, height),
                                 int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), clock(hour * 60))
        names = DAY_LONG if column >= 84 else DAY_SHORT
        for day in range(8):
            x = area.left() + day * column
            painter.setPen(QPen(QColor(colours["line_strong"]), 1))
            painter.drawLine(QPointF(x, area.top() - 4), QPointF(x, area.bottom()))
            if day < 7:
                painter.setPen(QColor(colours["text"]))
                painter.drawText(QRectF(x, 0, column, self.HEADER), int(Qt.AlignmentFlag.AlignCenter), names[day])

    def _paint_blocks(self, painter: QPainter, row: float) -> None:
        colours = self._colours
        hovered = self._block_of(self._hover) if self._hover is not None else None
        for block in self._blocks:
            lit = block == hovered
            for day, start, end, from_before, into_next in _pieces(block):
                top = self.slot_rect(day, 0).top() + start / SLOT_MINUTES * row
                bottom = self.slot_rect(day, 0).top() + end / SLOT_MINUTES * row
                left = self.slot_rect(day, 0).left() + 3
                rect = QRectF(left, top, self.slot_rect(day, 0).width() - 6, bottom - top)
                path = _block_path(rect, 4.0, round_top=not from_before, round_bottom=not into_next)
                painter.setPen(QPen(QColor(colours["edge"]), 2 if lit else 1))
                painter.setBrush(QColor(colours["fill_hover" if lit else "fill"]))
                painter.drawPath(path)
                if into_next or from_before:
                    _paint_chevron(painter, rect, at_top=from_before, colour=colours["edge"])
                painter.setPen(QColor(colours["label"]))
                self._paint_label(painter, rect, block, day, from_before, into_next)

    def _paint_label(self, painter: QPainter, rect: QRectF, block: Interval, day: int, from_before: bool,
                     into_next: bool) -> None:
        """"09:00–17:00" at the top of a block, or start and end on two lines when the column is
        narrow; a continued piece says where it came from ("from Mon")."""
        metrics = painter.fontMetrics()
        line = metrics.height()
        top = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        inner = rect.adjusted(2, 8 if from_before else 3, -2, -2)
        if from_before:
            label = f"from {DAY_SHORT[(day - 1) % 7]}"
            if inner.height() >= line and metrics.horizontalAdvance(label) <= inner.width():
                painter.drawText(inner, top, label)
            return
        whole = f"{block.start}–{block.end}"
        if inner.height() >= line and metrics.horizontalAdvance(whole) <= inner.width():
            painter.drawText(inner, top, whole)
        elif inner.height() >= 2 * line + 2 and metrics.horizontalAdvance(block.start) <= inner.width():
            painter.drawText(inner, top, block.start)
            if not into_next:
                painter.drawText(inner, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), block.end)
            else:
                painter.drawText(inner.adjusted(0, line, 0, 0), top, f"–{block.end}")

    def _paint_region(self, painter: QPainter) -> None:
        region = self._region()
        if not region:
            return
        colour = QColor(self._colours["edge" if self._opening else "erase"])
        pen = QPen(colour, 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for day in range(7):
            quarters = sorted(s - day * SLOTS_PER_DAY for s in region if s // SLOTS_PER_DAY == day)
            if quarters:
                rect = self.slot_rect(day, quarters[0]).united(self.slot_rect(day, quarters[-1]))
                painter.drawRect(rect.adjusted(1, 0, -1, 0))


def _block_path(rect: QRectF, radius: float, *, round_top: bool, round_bottom: bool) -> QPainterPath:
    """A rectangle with rounded corners only where a block really starts or ends; the flat edge at
    midnight shows that it goes on in the next column."""
    r = min(radius, rect.height() / 2, rect.width() / 2)
    left, right, top, bottom = rect.left(), rect.right(), rect.top(), rect.bottom()
    path = QPainterPath()
    if round_top:
        path.moveTo(left, top + r)
        path.arcTo(QRectF(left, top, 2 * r, 2 * r), 180, -90)
        path.lineTo(right - r, top)
        path.arcTo(QRectF(right - 2 * r, top, 2 * r, 2 * r), 90, -90)
    else:
        path.moveTo(left, top)
        path.lineTo(right, top)
    if round_bottom:
        path.lineTo(right, bottom - r)
        path.arcTo(QRectF(right - 2 * r, bottom - 2 * r, 2 * r, 2 * r), 0, -90)
        path.lineTo(left + r, bottom)
        path.arcTo(QRectF(left, bottom - 2 * r, 2 * r, 2 * r), 270, -90)
    else:
        path.lineTo(right, bottom)
        path.lineTo(left, bottom)
    path.closeSubpath()
    return path


def _paint_chevron(painter: QPainter, rect: QRectF, *, at_top: bool, colour: str) -> None:
    """A small downward arrow at midnight: the block leaves this column (bottom) or arrives (top)."""
    if rect.height() < 8:
        return
    x = rect.center().x()
    y = rect.top() + 1 if at_top else rect.bottom() - 6
    path = QPainterPath()
    path.moveTo(x - 5, y)
    path.lineTo(x, y + 5)
    path.lineTo(x + 5, y)
    painter.setPen(QPen(QColor(colour), 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)


__all__ = ["WEEKDAYS", "WEEK_SLOTS", "WeekGrid"]
