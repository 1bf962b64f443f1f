"""The Replay page's charts: the escalation-rate gauge and the bars by trigger kind, rule, turn, hour
of day and handoff mode. A click on a bar asks for the conversations behind it.

The rule chart shows the rules that handed over (the summary beside it names those that never
fired): fourteen rule names in a chart a third of a laptop screen high overlapped unreadably."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from builder.replay.metrics import Metrics
from rules_schema.catalog import catalog
from widgets.replay.charts import ACCENT, BarChart, RateGauge
from widgets.replay.metrics_text import short


class EscalationCharts(QWidget):
    """Signals: `bar_clicked(chart_key: str, bar_key)` — a bar of chart `chart_key` was clicked."""

    bar_clicked = Signal(str, object)

    def __init__(self, kind_labels: dict[str, str], mode_labels: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_labels, self.mode_labels = kind_labels, mode_labels
        self.kind_colours = {k: v.get("colour", ACCENT) for k, v in catalog().trigger_kinds.items()}
        self.gauge = RateGauge(self)
        self.charts: dict[str, BarChart] = {
            "by_trigger": BarChart("Escalations by trigger kind", horizontal=True, parent=self),
            "by_rule": BarChart("Escalations by rule", horizontal=True, parent=self),
            "by_turn": BarChart("Turn of the escalation", parent=self),
            "by_hour": BarChart("By hour of day (shaded: open)", parent=self),
            "by_handoff": BarChart("Handoff modes", horizontal=True, parent=self),
        }
        for key, chart in self.charts.items():
            chart.bar_clicked.connect(lambda value, key=key: self.bar_clicked.emit(key, value))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.gauge, 0, 0)
        grid.addWidget(self.charts["by_handoff"], 0, 1)
        grid.addWidget(self.charts["by_trigger"], 1, 0)
        grid.addWidget(self.charts["by_rule"], 1, 1)
        grid.addWidget(self.charts["by_turn"], 2, 0)
        grid.addWidget(self.charts["by_hour"], 2, 1)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(2, 3)

    def clear(self) -> None:
        """No replay yet: an empty gauge and empty charts."""
        self.gauge.set_rate(None)
        for chart in self.charts.values():
            chart.set_bars([], [], [])

    def drawing_steps(self, m: Metrics, names: dict[str, str], *, live: bool) -> list[Callable[[], None]]:
        """One redraw per chart, gauge first, for the page to run one per event-loop turn. While a
        replay runs (`live`) only the gauge: it holds the GIL most of the time, so every Python call of
        a chart redraw would wait for it; the charts follow at the end."""
        turns = list(range(1, max([*m.by_turn, 1]) + 1))
        if 0 in m.by_turn:
            turns.insert(0, 0)
        charts = self.charts
        fired = {rule: count for rule, count in m.by_rule.items() if count}  # the rest: "Never fired" in the summary
        steps: list[Callable[[], None]] = [
            lambda: self.gauge.set_rate(m.rate),
            lambda: charts["by_trigger"].set_bars(
                list(m.by_trigger),
                [self.kind_labels.get(k, k) for k in m.by_trigger],
                list(m.by_trigger.values()),
                [self.kind_colours.get(k, ACCENT) for k in m.by_trigger],
            ),
            lambda: charts["by_rule"].set_bars(
                list(fired), [short(names.get(r, r)) for r in fired], list(fired.values())
            ),
            lambda: charts["by_turn"].set_bars(
                turns,
                [str(t) for t in turns],
                [m.by_turn.get(t, 0) for t in turns],
                label_every=max(1, len(turns) // 12),
            ),
            lambda: charts["by_hour"].set_bars(
                list(range(24)), [f"{h:02d}" for h in range(24)], list(m.by_hour), shaded=m.open_hours, label_every=3
            ),
            lambda: charts["by_handoff"].set_bars(
                list(m.by_handoff), [self.mode_labels.get(k, k) for k in m.by_handoff], list(m.by_handoff.values())
            ),
        ]
        return steps[:1] if live else steps

    def save_pngs(self, folder: Path) -> dict[str, Path]:
        """The gauge (`rate.png`) and each chart (`<key>.png`) as PNG files in `folder`."""
        pngs = {"rate": self.gauge.save_png(folder / "rate.png")}
        for key, chart in self.charts.items():
            pngs[key] = chart.save_png(folder / f"{key}.png")
        return pngs
