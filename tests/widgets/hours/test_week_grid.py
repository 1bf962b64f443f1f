"""The week grid alone: drags paint and erase, Shift+drag paints one continuous overnight span,
hover names the slot, and the keyboard toggles a slot."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from builder.format.model import Interval
from builder.hours.week_slots import SLOTS_PER_DAY, intervals_to_slots, slots_to_intervals
from widgets.hours.week_grid import WeekGrid

pytestmark = pytest.mark.gui
NO = Qt.KeyboardModifier.NoModifier


def quarter(hhmm: str) -> int:
    hours, minutes = map(int, hhmm.split(":"))
    return (hours * 60 + minutes) // 15


def drag(grid: WeekGrid, start: tuple[int, str], end: tuple[int, str],
         modifier: Qt.KeyboardModifier = NO) -> None:
    """Press on one slot, move through the way there, release on the last slot — like a hand."""
    a = grid.slot_center(start[0], quarter(start[1]))
    b = grid.slot_center(end[0], quarter(end[1]))
    QTest.mousePress(grid, Qt.MouseButton.LeftButton, modifier, a)
    for k in range(1, 5):
        QTest.mouseMove(grid, QPoint(a.x() + (b.x() - a.x()) * k // 4, a.y() + (b.y() - a.y()) * k // 4))
    QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, modifier, b)


@pytest.fixture
def grid(qtbot: Any) -> WeekGrid:
    widget = WeekGrid()
    qtbot.addWidget(widget)
    widget.resize(760, 640)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_rectangle_drag_paints_one_report(grid: WeekGrid, qtbot: Any) -> None:
    reports: list[frozenset[int]] = []
    grid.slots_painted.connect(reports.append)
    drag(grid, (0, "09:00"), (4, "16:45"))
    assert len(reports) == 1
    assert slots_to_intervals(reports[0]) == tuple(Interval(d, "09:00", "17:00")
                                                   for d in ("mon", "tue", "wed", "thu", "fri"))


def test_drag_from_open_slot_erases(grid: WeekGrid) -> None:
    grid.set_slots(intervals_to_slots([Interval("mon", "09:00", "17:00")]))
    drag(grid, (0, "12:00"), (0, "12:45"))
    assert slots_to_intervals(grid.slots()) == (Interval("mon", "09:00", "12:00"), Interval("mon", "13:00", "17:00"))


def test_shift_drag_paints_overnight_span(grid: WeekGrid) -> None:
    reports: list[frozenset[int]] = []
    grid.slots_painted.connect(reports.append)
    drag(grid, (0, "22:00"), (1, "05:45"), Qt.KeyboardModifier.ShiftModifier)
    assert [slots_to_intervals(r) for r in reports] == [(Interval("mon", "22:00", "06:00"),)]


def test_escape_cancels_a_drag(grid: WeekGrid) -> None:
    reports: list[frozenset[int]] = []
    grid.slots_painted.connect(reports.append)
    a, b = grid.slot_center(2, 40), grid.slot_center(2, 50)
    QTest.mousePress(grid, Qt.MouseButton.LeftButton, NO, a)
    QTest.mouseMove(grid, b)
    assert grid.dragging() and grid.slots()
    QTest.keyClick(grid, Qt.Key.Key_Escape)
    QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, NO, b)
    assert reports == [] and grid.slots() == frozenset()


def test_hover_names_the_slot_and_its_block(grid: WeekGrid) -> None:
    grid.set_slots(intervals_to_slots([Interval("mon", "22:00", "06:00")]))
    seen: list[str] = []
    grid.hovered.connect(seen.append)
    QTest.mouseMove(grid, grid.slot_center(1, quarter("02:15")))
    assert seen[-1] == "Tue 02:15–02:30 · open (Mon 22:00–06:00)"
    QTest.mouseMove(grid, grid.slot_center(3, quarter("02:15")))
    assert seen[-1] == "Thu 02:15–02:30 · closed"


def test_keyboard_moves_and_toggles(grid: WeekGrid) -> None:
    reports: list[frozenset[int]] = []
    grid.slots_painted.connect(reports.append)
    grid.setFocus()
    grid.cursor_cell = (0, quarter("09:00"))
    QTest.keyClick(grid, Qt.Key.Key_Right)
    QTest.keyClick(grid, Qt.Key.Key_Down)
    QTest.keyClick(grid, Qt.Key.Key_Space)
    assert slots_to_intervals(reports[-1]) == (Interval("tue", "09:15", "09:30"),)
    QTest.keyClick(grid, Qt.Key.Key_Space)
    assert reports[-1] == frozenset()


def test_cells_map_back_from_their_centres(grid: WeekGrid) -> None:
    for day in range(7):
        for q in (0, 37, SLOTS_PER_DAY - 1):
            assert grid.cell_at(grid.slot_center(day, q)) == (day, q)
    assert grid.cell_at(QPoint(2, 2)) is None
