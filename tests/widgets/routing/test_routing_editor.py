"""The routing editor driven like a user: promises per priority, offline mode, teams and their
schedules, and the warnings that appear next to what causes them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QLineEdit

from builder.analysis.promises import unkept_promises
from builder.editing.document import Document
from builder.format.model import Ruleset, Sla
from builder.handoff.routing import route
from widgets.routing.routing_editor import RoutingEditor, sample_moment

pytestmark = pytest.mark.gui
PLAYBOOK = Path(__file__).resolve().parents[3] / "resources" / "examples" / "playbook.json"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday


def playbook(edit: Any = None) -> Ruleset:
    data = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    return Ruleset.from_dict(data)


def make_editor(qtbot: Any, ruleset: Ruleset, stack: QUndoStack) -> RoutingEditor:
    editor = RoutingEditor(Document(ruleset), stack)
    editor.now = NOW
    qtbot.addWidget(editor)
    editor.resize(1280, 800)
    editor.show()
    qtbot.waitExposed(editor)
    editor.refresh()
    editor.validate_now()
    return editor


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


def test_change_a_promise_by_typing_and_picking(qtbot: Any, stack: QUndoStack) -> None:
    editor = make_editor(qtbot, playbook(), stack)
    row = editor.sla_rows["normal"]
    row["value"].setFocus()
    row["value"].selectAll()
    qtbot.keyClicks(row["value"], "2")
    assert editor.document.ruleset.routing.sla_for("normal") == Sla(120, "business")  # still counted in hours
    qtbot.keyClicks(row["value"], "5")
    assert editor.document.ruleset.routing.sla_for("normal") == Sla(25 * 60, "business")
    assert stack.count() == 1  # typing merges into one step
    row["clock"].setFocus()
    qtbot.keyClick(row["clock"], Qt.Key.Key_Down)
    assert editor.document.ruleset.routing.sla_for("normal") == Sla(25 * 60, "calendar")
    row["unit"].setFocus()
    qtbot.keyClick(row["unit"], Qt.Key.Key_Up)
    assert editor.document.ruleset.routing.sla_for("normal") == Sla(25, "calendar")
    stack.undo()
    stack.undo()
    stack.undo()
    assert editor.document.ruleset.routing.sla_for("normal") == Sla(240, "business")
    assert row["value"].value() == 4 and row["unit"].currentText() == "hours"


def test_switch_a_priority_promise_off_and_on(qtbot: Any, stack: QUndoStack) -> None:
    editor = make_editor(qtbot, playbook(), stack)
    check = editor.sla_rows["low"]["check"]
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert editor.document.ruleset.routing.sla_for("low") is None
    assert not editor.sla_rows["low"]["value"].isEnabled()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert editor.document.ruleset.routing.sla_for("low") == Sla(24 * 60, "business")


def test_promise_examples_come_from_routing(qtbot: Any, stack: QUndoStack) -> None:
    editor = make_editor(qtbot, playbook(), stack)
    ruleset = editor.document.ruleset
    hours_zone = "Europe/Berlin"
    from zoneinfo import ZoneInfo

    at = sample_moment(NOW.astimezone(ZoneInfo(hours_zone)))
    expected = route(ruleset, team="support", priority="high", handoff="instant", at=at).promise
    assert expected and expected in editor.sla_rows["high"]["example"].text()


def test_offline_mode_and_callback_warning(qtbot: Any, stack: QUndoStack) -> None:
    editor = make_editor(qtbot, playbook(), stack)
    qtbot.mouseClick(editor.callback_radio, Qt.MouseButton.LeftButton)
    assert editor.document.ruleset.routing.offline_mode == "callback"
    box = editor.callback_check
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on the tick box
    assert editor.document.ruleset.routing.callback_enabled is False
    qtbot.waitUntil(lambda: "callbacks are switched off" in editor.offline_problems.text())
    assert editor.offline_problems.isVisible()
    stack.undo()
    assert editor.document.ruleset.routing.callback_enabled is True
    qtbot.waitUntil(lambda: editor.offline_problems.text() == "")
    stack.undo()
    assert editor.email_radio.isChecked() and editor.document.ruleset.routing.offline_mode == "email"


def test_team_with_an_unknown_schedule_is_warned_inline(qtbot: Any, stack: QUndoStack) -> None:
    def unknown(data: dict[str, Any]) -> None:
        data["routing"]["teams"][1]["schedule"] = "night-shift"

    editor = make_editor(qtbot, playbook(unknown), stack)
    assert any("night-shift" in w for w in editor.warnings())
    combo = editor.team_table.cellWidget(1, 1)
    assert isinstance(combo, QComboBox) and "unknown schedule" in combo.currentText()
    assert combo.property("problem") == "warning"
    index = combo.findData("sales-hours")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert editor.document.ruleset.routing.team("sales").schedule == "sales-hours"
    qtbot.waitUntil(lambda: not any("night-shift" in w for w in editor.warnings()))


def test_escalation_to_a_team_without_any_hours(qtbot: Any, stack: QUndoStack) -> None:
    def no_hours(data: dict[str, Any]) -> None:
        data["routing"]["teams"][1]["schedule"] = "night-shift"

    editor = make_editor(qtbot, playbook(no_hours), stack)
    editor.default_combo.setCurrentIndex(0)  # "None"
    editor.default_combo.activated.emit(0)
    assert editor.document.ruleset.settings.default_schedule is None
    qtbot.waitUntil(lambda: any("no usable opening hours" in w for w in editor.warnings()))
    assert "Sales" in editor.team_problems.text()


def test_a_promise_the_schedule_cannot_keep(qtbot: Any, stack: QUndoStack) -> None:
    def never_open(data: dict[str, Any]) -> None:
        data["schedules"][1]["weekly"] = []

    editor = make_editor(qtbot, playbook(never_open), stack)
    normal = editor.sla_rows["normal"]["problems"].text()
    assert "Sales never opens" in normal
    [core] = [p.message for p in unkept_promises(editor.document.ruleset, NOW) if p.priority == "normal"]
    assert core in editor.warnings()  # the core's sentence, rendered under its own priority
    assert normal == editor.sla_rows["normal"]["problems"].text() and editor.sla_rows["normal"]["problems"].isVisible()


def test_calendar_promise_longer_than_closed_stretch_needs_a_backup(qtbot: Any, stack: QUndoStack) -> None:
    def calendar_urgent(data: dict[str, Any]) -> None:
        data["routing"]["sla"]["urgent"]["clock"] = "calendar"  # the example counts business hours

    editor = make_editor(qtbot, playbook(calendar_urgent), stack)
    assert any("calendar-time promise for urgent" in w for w in editor.warnings())  # weekend > 30 minutes
    qtbot.keyClicks(editor.backup_edit, "oncall@example.com")
    assert editor.document.ruleset.routing.backup_contact == "oncall@example.com"
    qtbot.waitUntil(lambda: not any("calendar-time promise" in w for w in editor.warnings()))


def test_add_rename_and_delete_a_team(qtbot: Any, stack: QUndoStack) -> None:
    editor = make_editor(qtbot, playbook(), stack)
    qtbot.mouseClick(editor.add_team_button, Qt.MouseButton.LeftButton)
    teams = editor.document.ruleset.routing.teams
    assert len(teams) == 3 and teams[-1].schedule == "support-hours"
    name = editor.team_table.cellWidget(2, 0)
    assert isinstance(name, QLineEdit)
    name.selectAll()
    qtbot.keyClicks(name, "Billing")
    assert editor.document.ruleset.routing.teams[-1].name == "Billing"
    assert stack.count() == 2
    editor.team_table.selectRow(2)
    qtbot.mouseClick(editor.delete_team_button, Qt.MouseButton.LeftButton)
    assert [t.id for t in editor.document.ruleset.routing.teams] == ["support", "sales"]
    stack.undo()
    assert editor.document.ruleset.routing.teams[-1].name == "Billing"


def test_a_clicked_routing_problem_selects_the_team(qtbot: Any, stack: QUndoStack) -> None:
    from rules_schema import Problem

    editor = make_editor(qtbot, playbook(), stack)
    assert editor.focus_problem(Problem("$.routing.teams[1].schedule", "x", "error", "ref.schedule"))
    assert editor.team_table.currentRow() == 1
    assert not editor.focus_problem(Problem("$.schedules[0].timezone", "x", "error", "schedule.timezone"))


def test_a_team_without_its_own_backup_says_so_in_full(qtbot: Any, stack: QUndoStack) -> None:
    """At 1366×768 the column read "uses the routing ba…"."""
    editor = make_editor(qtbot, playbook(), stack)
    editor.resize(1270, 500)  # the Routing page in a laptop window
    qtbot.wait(20)
    field = editor.team_table.cellWidget(0, 2)
    assert isinstance(field, QLineEdit) and not field.text()
    room = field.contentsRect().width() - 8  # the line edit's own margins
    # with room to spare: the laptop's font (DejaVu Sans under X11) runs wider than the test platform's
    assert field.fontMetrics().horizontalAdvance(field.placeholderText()) * 1.25 <= room
