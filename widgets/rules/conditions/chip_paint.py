"""How a chip looks: a rounded pill with its text and a ✕, painted rather than built from widgets.

Kept apart from `ChipsEdit` (which decides where chips go and what a click or a key does) because
painting is where the speed tricks live: the pill is rendered once per colour and screen ratio and
stretched, since a long phrase list paints dozens of antialiased rounded rectangles per frame.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QWidget

_PILLS: dict[tuple[int, int, float], QPixmap] = {}


def pill_pixmap(colour: QColor, height: int, ratio: float) -> QPixmap:
    """A rounded pill rendered once per colour and screen ratio: antialiased rounded rectangles
    cost ~0.5 ms each on the raster engine, and a long phrase list paints dozens of them."""
    key = (colour.rgba(), height, ratio)
    pixmap = _PILLS.get(key)
    if pixmap is None:
        pixmap = QPixmap(round(2 * height * ratio), round(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(0, 0, 2 * height, height), height / 2, height / 2)
        painter.end()
        _PILLS[key] = pixmap
    return pixmap


def draw_pill(painter: QPainter, pill: QPixmap, rect: QRect) -> None:
    """Three slices of the cached pill: left cap, a stretched middle column, right cap."""
    ratio = pill.devicePixelRatio()
    cap = rect.height() / 2
    src_w, src_h = pill.width(), pill.height()
    src_cap = src_h / 2
    left, top, right = float(rect.x()), float(rect.y()), float(rect.x() + rect.width())
    painter.drawPixmap(QRectF(left, top, cap, rect.height()), pill, QRectF(0, 0, src_cap, src_h))
    painter.drawPixmap(QRectF(left + cap, top, max(0.0, rect.width() - 2 * cap), rect.height()), pill,
                       QRectF(src_cap, 0, max(1.0, ratio), src_h))
    painter.drawPixmap(QRectF(right - cap, top, cap, rect.height()), pill, QRectF(src_w - src_cap, 0, src_cap, src_h))


def paint_chips(widget: QWidget, painter: QPainter, chips: Iterable[tuple[str, QRect, QRect]],
                hover_close: int, pad_x: int, close_w: int, height: int) -> None:
    """Paint each (text, chip rect, ✕ rect) in `widget`'s palette and font; the ✕ at index
    `hover_close` is drawn at full strength so the user sees what a click would remove."""
    palette = widget.palette()
    fill = QColor(palette.color(QPalette.ColorRole.Highlight))
    fill.setAlpha(38)
    pill = pill_pixmap(fill, height, widget.devicePixelRatioF())
    text_colour = palette.color(QPalette.ColorRole.Text)
    metrics = widget.fontMetrics()
    for index, (value, chip, close) in enumerate(chips):
        draw_pill(painter, pill, chip)
        painter.setPen(text_colour)
        text_rect = chip.adjusted(pad_x, 0, -close_w - 2, 0)
        text = metrics.elidedText(value, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text)
        muted = QColor(text_colour)
        muted.setAlpha(255 if index == hover_close else 130)
        painter.setPen(muted)
        painter.drawText(close, int(Qt.AlignmentFlag.AlignCenter), "✕")
