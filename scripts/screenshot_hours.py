"""Render the business-hours editor and the routing editor offscreen on the example playbook and
save docs/screenshots/hours_editor.png and docs/screenshots/routing_editor.png (1280×800).

The hours picture is made the way a user would: on "Support hours" an overnight shift (Friday
22:00 to Saturday 06:00) is painted with one Shift+drag and the pointer rests on it, one holiday
is unchecked, and "what happens at…" is asked about Christmas Day 10:00 in Berlin. Both pictures
use a fixed "now" (Wednesday 25 November 2026) so they do not change from day to day.

Usage: python scripts/screenshot_hours.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts._render import application, out_dir, playbook_document, settle

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CHRISTMAS = datetime(2026, 12, 25, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def main(argv: list[str]) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QUndoStack
    from PySide6.QtTest import QTest

    from widgets.hours.hours_editor import HoursEditor
    from widgets.routing.routing_editor import RoutingEditor

    app = application()
    folder = out_dir(argv)
    document = playbook_document()
    stack = QUndoStack()

    hours = HoursEditor(document, stack)
    hours.resize(1280, 800)
    hours.holidays.today = date(2026, 11, 25)
    hours.show()
    hours.select_schedule("support-hours")
    settle(app)
    grid = hours.grid
    shift = Qt.KeyboardModifier.ShiftModifier
    QTest.mousePress(grid, Qt.MouseButton.LeftButton, shift, grid.slot_center(4, 22 * 4))
    QTest.mouseMove(grid, grid.slot_center(5, 2 * 4))
    QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, shift, grid.slot_center(5, 5 * 4 + 3))
    item = hours.holidays.item_for("2026-12-26")
    if item is not None:
        item.setCheckState(Qt.CheckState.Unchecked)  # the team works on Boxing Day
    hours.set_moment(CHRISTMAS)
    hours.validate_now()
    hours.setFocus()
    QTest.mouseMove(grid, grid.slot_center(5, 3 * 4))
    settle(app)
    hours.grab().save(str(folder / "hours_editor.png"))

    routing = RoutingEditor(playbook_document(), QUndoStack())  # the playbook as shipped
    routing.now = NOW
    routing.resize(1280, 800)
    routing.show()
    routing.refresh()
    routing.validate_now()
    settle(app)
    focused = app.focusWidget()
    if focused is not None:
        focused.clearFocus()  # no text cursor in the picture
    settle(app)
    routing.grab().save(str(folder / "routing_editor.png"))
    print(folder / "hours_editor.png")
    print(folder / "routing_editor.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
