"""The dashboard's charts (pyqtgraph): clickable bars, the hour-of-day chart, the rate gauge.

Charts only draw numbers that `builder.replay.metrics` computed; a click on a bar reports the bar's key
(`bar_clicked(key)`) and the dashboard asks `metrics.select` for the conversations behind it.
`save_png(path)` renders a chart to a PNG for the HTML report (pyqtgraph's ImageExporter, which
needs no visible window).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from builder.replay.metrics import HEALTHY_HIGH, HEALTHY_LOW, WARN_HIGH, WARN_LOW

__all__ = ["ACCENT", "MUTED", "BarChart", "RateGauge", "save_png"]

ACCENT, MUTED, SHADE = "#2563eb", "#94a3b8", "#bbf7d0"
BAND_OK, BAND_WARN, BAND_BAD = "#bbf7d0", "#fef08a", "#fecaca"
BAR_WIDTH = 0.7
HEADROOM = 1.18  # above the tallest bar, at least: room for its number
LABEL_PADDING = 8  # a bar's number: its text item's margins
MIN_HEIGHT, AXES_HEIGHT = 110, 56  # a chart's least height; its title and value axis


def _palette_colours(widget: QWidget) -> tuple[QColor, QColor]:
    palette = widget.palette() if QApplication.instance() is not None else QPalette()
    return palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)


class _Plot(pg.PlotWidget):
    """A static plot: no pan/zoom/menu, theme colours, a title."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        background, text = _palette_colours(self)
        self.text_colour = text
        self.setBackground(background)
        item = self.getPlotItem()
        item.setMouseEnabled(False, False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setTitle(title, color=text.name(), size="10pt")
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(text.name()))
            axis.setTextPen(pg.mkPen(text.name()))
        self.setMinimumSize(220, MIN_HEIGHT)
        self.setAccessibleName(title)
        self.title = title

    def save_png(self, path: str | Path, width: int = 720) -> Path:
        return save_png(self, path, width)


class _Bars(pg.BarGraphItem):
    """Bars that report which one was clicked (index from the click position)."""

    def __init__(self, chart: BarChart, **options: Any) -> None:
        super().__init__(**options)
        self.chart = chart

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        index = self.chart.index_at(ev.pos())
        if index is not None:
            ev.accept()
            self.chart.bar_clicked.emit(self.chart.keys[index])


class BarChart(_Plot):
    """Labelled bars, vertical (hours, turns) or horizontal (rules, trigger kinds, long labels).

    `shaded[i]` draws a background column behind bar i (business hours)."""

    bar_clicked = Signal(object)

    def __init__(self, title: str, *, horizontal: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.horizontal = horizontal
        self.keys: list[Any] = []
        self.values: list[int] = []
        self.bars: _Bars | None = None
        self._items: list[Any] = []
        self._top = 1
        self.getPlotItem().getViewBox().sigResized.connect(self._fit_headroom)
        if horizontal:
            self.getPlotItem().invertY(True)
            font = QFont(self.font())
            font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
            self.label_axis().setStyle(tickFont=font)

    def value_axis(self) -> Any:
        return self.getPlotItem().getAxis("bottom" if self.horizontal else "left")

    def label_axis(self) -> Any:
        return self.getPlotItem().getAxis("left" if self.horizontal else "bottom")

    def set_bars(self, keys: Sequence[Any], labels: Sequence[str], values: Sequence[int],
                 colours: Sequence[str] | str = ACCENT, shaded: Sequence[bool] = (),
                 label_every: int = 1) -> None:
        item = self.getPlotItem()
        for old in self._items:
            item.removeItem(old)
        self._items = []
        self.keys, self.values = list(keys), [int(v) for v in values]
        n = len(self.values)
        positions = list(range(n))
        top = max(self.values, default=0) or 1
        brushes = [pg.mkBrush(c) for c in ([colours] * n if isinstance(colours, str) else colours)]
        if any(shaded):
            spans = [i for i in positions if i < len(shaded) and shaded[i]]
            extent = {"height" if not self.horizontal else "width": [top * 1.15] * len(spans)}
            place = {"x" if not self.horizontal else "y": spans}
            base = {"y0" if not self.horizontal else "x0": 0}
            size = {"width" if not self.horizontal else "height": [1.0] * len(spans)}
            shade = pg.BarGraphItem(**place, **base, **size, **extent, brush=pg.mkBrush(SHADE), pen=pg.mkPen(None))
            shade.setZValue(-10)
            item.addItem(shade)
            self._items.append(shade)
        if self.horizontal:
            self.bars = _Bars(self, x0=0, y=positions, height=BAR_WIDTH, width=self.values, brushes=brushes,
                              pen=pg.mkPen(None))
        else:
            self.bars = _Bars(self, x=positions, y0=0, width=BAR_WIDTH, height=self.values, brushes=brushes,
                              pen=pg.mkPen(None))
        item.addItem(self.bars)
        self._items.append(self.bars)
        for i, value in enumerate(self.values):
            if not value:
                continue
            text = pg.TextItem(str(value), color=self.text_colour.name(),
                               anchor=(0, 0.5) if self.horizontal else (0.5, 1))
            text.setPos(*(value, i) if self.horizontal else (i, value))
            item.addItem(text)
            self._items.append(text)
        self.value_axis().setTicks([integer_ticks(top) if n else []])  # before a replay: no stray "0" and "1"
        ticks = [(i, str(label)) for i, label in enumerate(labels) if label_every <= 1 or i % label_every == 0]
        self.label_axis().setTicks([ticks])
        if self.horizontal:
            item.setXRange(0, top * 1.18, padding=0)
            item.setYRange(-0.6, max(n, 1) - 0.4, padding=0)
            self.setMinimumHeight(max(MIN_HEIGHT, n * self._row_height() + AXES_HEIGHT))  # labels never overlap
        else:
            self._top = top
            self._fit_headroom()
            item.setXRange(-0.6, max(n, 1) - 0.4, padding=0)

    def _fit_headroom(self) -> None:
        """Room above the tallest bar for its number, in pixels of the chart's current height (a share
        of the value range cut the "6" in half on a laptop)."""
        if self.horizontal:
            return
        view_height = self.getPlotItem().getViewBox().height()
        label = QFontMetrics(self.font()).height() + LABEL_PADDING
        share = label / view_height if view_height > 0 else 0.0
        top = self._top * (HEADROOM if share <= 0 or share >= 0.6 else max(HEADROOM, 1 / (1 - share)))
        self.getPlotItem().setYRange(0, top, padding=0)

    def _row_height(self) -> int:
        """Pixels one labelled bar needs: its label's line height and a little air."""
        font = self.label_axis().style.get("tickFont") or self.font()
        return QFontMetrics(font).height() + 2

    def index_at(self, pos: QPointF) -> int | None:
        """The bar under a point in plot coordinates (None between bars or beyond a bar's end)."""
        along, across = (pos.y(), pos.x()) if self.horizontal else (pos.x(), pos.y())
        index = round(along)
        if not 0 <= index < len(self.values) or abs(along - index) > BAR_WIDTH / 2:
            return None
        if across < 0 or across > max(self.values[index], max(self.values) * 0.05):
            return None  # clicks on the empty part of the column do not count, tiny bars get a margin
        return index

    def bar_point(self, key: Any) -> QPointF:
        """The middle of a bar in plot coordinates (for tests and keyboard access)."""
        index = self.keys.index(key)
        value = self.values[index] / 2
        return QPointF(value, index) if self.horizontal else QPointF(index, value)

    def bar_viewport_pos(self, key: Any) -> Any:
        """Where the middle of a bar is on screen, in viewport pixels (a user's click)."""
        scene = self.getPlotItem().getViewBox().mapViewToScene(self.bar_point(key))
        return self.mapFromScene(scene)


class RateGauge(_Plot):
    """The escalation rate as a bar over the field's bands: green 10-20%, yellow 5-10 and 20-30%,
    red beyond."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Escalation rate", parent)
        self.rate: float | None = None
        self._items: list[Any] = []
        self.getPlotItem().getAxis("left").hide()
        self.getPlotItem().getAxis("bottom").setLabel("% of conversations")
        self.setMinimumHeight(110)
        self.set_rate(None)

    def set_rate(self, rate: float | None) -> None:
        item = self.getPlotItem()
        for old in self._items:
            item.removeItem(old)
        self._items = []
        self.rate = rate
        end = max(40.0, (rate or 0) * 100 * 1.12 + 4)  # room for the label right of the bar
        bands = [(0, WARN_LOW, BAND_BAD), (WARN_LOW, HEALTHY_LOW, BAND_WARN), (HEALTHY_LOW, HEALTHY_HIGH, BAND_OK),
                 (HEALTHY_HIGH, WARN_HIGH, BAND_WARN), (WARN_HIGH, end / 100, BAND_BAD)]
        for low, high, colour in bands:
            band = pg.BarGraphItem(x0=[low * 100], width=[(high - low) * 100], y0=[0], height=[1],
                                   brush=pg.mkBrush(colour), pen=pg.mkPen(None))
            band.setZValue(-10)
            item.addItem(band)
            self._items.append(band)
        if rate is not None:
            bar = pg.BarGraphItem(x0=[0], width=[rate * 100], y0=[0.3], height=[0.4], brush=pg.mkBrush("#0f172a"),
                                  pen=pg.mkPen(None))
            item.addItem(bar)
            label = pg.TextItem(f"{rate:.1%}", color="#0f172a", anchor=(0, 0.5))
            label.setPos(rate * 100 + 0.5, 0.5)
            item.addItem(label)
            self._items += [bar, label]
        item.setXRange(0, end, padding=0)
        item.setYRange(0, 1, padding=0)


def integer_ticks(top: int, count: int = 5) -> list[tuple[int, str]]:
    """Whole-number ticks (counts have no halves) at a 1-2-5 step giving about `count` ticks."""
    step = 1
    while top / step > count:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if top / step <= count:
                break
    return [(v, str(v)) for v in range(0, top + 1, step)]


def save_png(plot: pg.PlotWidget, path: str | Path, width: int = 720) -> Path:
    """The chart as a PNG `width` pixels wide (the height follows the widget's proportions)."""
    from pyqtgraph.exporters import ImageExporter

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    exporter = ImageExporter(plot.getPlotItem())
    exporter.parameters()["width"] = int(width)
    exporter.export(str(target))
    return target
