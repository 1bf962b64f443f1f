"""The business-hours editor: schedules, their painted week, time zone, holidays, closures and
special days, and "what happens at…" a chosen moment.

Why "what happens at…" sits next to the grid: a schedule matters because of what the visitor is
told. Picking a date and time shows open or closed (and why: a holiday's name, a closure, outside
hours) and, for every team working by this schedule, the handoff `builder.handoff.routing.route` chooses
with the promise text the visitor would read — so painting an hour or unchecking a holiday shows
its consequence at once. All schedule questions go to `builder.hours.schedule` / `builder.handoff.routing`.

Every edit is one `SetRulesetCommand` (one per drag; typing the name merges); the view mirrors the
document's `ruleset_replaced` event, so undo, redo and opening another project land here alike.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import replace
from functools import cache
from html import escape

from PySide6.QtCore import QSignalBlocker
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from builder.editing.document import Document
from builder.format.model import Interval, Schedule
from builder.handoff.routing import team_schedule
from builder.hours.week_slots import edit_intervals, intervals_to_slots, on_grid, summary
from rules_schema import Problem
from widgets.common.editor_page import focus_item, problems_label, problems_under, split_page
from widgets.common.form_helpers import set_text, unique_id, unique_name
from widgets.common.list_form import ID_ROLE, ListFormPage
from widgets.common.page_scroll import PageScroll
from widgets.common.placeholder_highlighter import route_undo_to_window
from widgets.common.style import icon
from widgets.hours.holiday_list import HolidayPanel, SpecialDaysPanel, searchable
from widgets.hours.hours_answer import ERROR_COLOUR, WhatHappensMixin, coloured
from widgets.hours.week_grid import WeekGrid

WARNING_COLOUR = "#b45309"
HINT = ("Drag across the grid to paint open hours; start on an open slot to erase. Shift+drag paints one "
        "continuous span (e.g. Monday 22:00 to Tuesday 06:00 overnight). Arrow keys move, Space toggles.")


@cache
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


class HoursEditor(WhatHappensMixin, ListFormPage[Schedule]):
    """Schedule list, week grid, time zone, holidays, closures and the "what happens at…" box."""

    noun, collection = "schedule", "schedules"

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(document, undo_stack, parent, object_name="hoursEditor")
        split_page(self, [self._build_list(), self._build_week(), self._build_side()], (0, 3, 2), (210, 620, 430))
        default = self.document.ruleset.schedule(None)
        # Filled lazily, when first shown: the first holiday lookup imports every country of the
        # `holidays` package (about a second), which a window opening on the rules page should not wait for.
        self.open_document(default.id if default else None)

    # --- building -----------------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        caption = QLabel("Schedules")
        caption.setObjectName("sectionTitle")
        self.schedule_list = QListWidget()
        self.schedule_list.setAccessibleName("Schedules")
        self.schedule_list.setMinimumWidth(180)
        self.schedule_list.setSpacing(2)
        self.add_button = QPushButton(icon("new"), "Add")
        self.add_button.clicked.connect(lambda: self.add_schedule())
        self.duplicate_button = QPushButton(icon("duplicate"), "Duplicate")
        self.duplicate_button.clicked.connect(lambda: self.add_schedule(copy=True))
        self.delete_button = QPushButton(icon("delete"), "")
        self.delete_button.setToolTip("Delete this schedule")
        self.delete_button.setAccessibleName("Delete schedule")
        self.delete_button.clicked.connect(self.delete_schedule)
        self.used_by = QLabel()
        self.used_by.setObjectName("previewNote")
        self.used_by.setWordWrap(True)
        return self.list_pane(self.schedule_list, [self.add_button, self.duplicate_button, self.delete_button],
                              above=caption, below=self.used_by, stretch=False)

    def _build_week(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        form = self.name_form()
        self.zone_combo = QComboBox()
        self.zone_combo.setAccessibleName("Time zone")
        self.zone_combo.addItems(list(zone_names()))
        self.zone_combo.setMaxVisibleItems(16)
        self.zone_search = searchable(self.zone_combo)
        self.zone_search.setPlaceholderText("Type to search, e.g. Berlin")
        self.zone_combo.activated.connect(lambda index: self.set_zone(self.zone_combo.itemText(index)))
        completer = self.zone_combo.completer()
        if completer is not None:
            completer.activated.connect(self.set_zone)
        self.zone_search.editingFinished.connect(lambda: self.set_zone(self.zone_combo.currentText()))
        form.addRow("Time zone", self.zone_combo)
        layout.addLayout(form)
        self.grid = WeekGrid()
        self.grid.slots_painted.connect(self._painted)
        self.hover_label = QLabel(" ")
        self.grid.hovered.connect(lambda text: set_text(self.hover_label, text or " "))
        layout.addWidget(self.grid, 1)
        self.hover_label.setObjectName("hoverTime")
        layout.addWidget(self.hover_label)
        self.hint_label = QLabel(HINT)
        self.hint_label.setObjectName("previewNote")
        self.hint_label.setWordWrap(True)
        layout.addWidget(self.hint_label)
        self.problems_label = problems_label("scheduleProblems")
        layout.addWidget(self.problems_label)
        route_undo_to_window(self.name_edit, self.zone_search)
        self.week_box = box
        return box

    def _build_side(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.holidays = HolidayPanel()
        self.holidays.edited.connect(self._sub_edit)
        self.special_days = SpecialDaysPanel()
        self.special_days.edited.connect(self._sub_edit)
        self.tabs.addTab(self.holidays, "Public holidays")
        self.special_days_scroll = PageScroll(self.special_days)  # its calendar scrolls on a laptop, the page does not
        self.tabs.addTab(self.special_days_scroll, "Closures && special days")
        layout.addWidget(self.tabs, 3)
        layout.addWidget(self._build_what_happens(), 2)
        return box

    # --- selection ----------------------------------------------------------------------------------

    schedule = ListFormPage.current
    current_schedule_id = ListFormPage.current_id
    select_schedule = ListFormPage.select

    # --- mirroring the document ---------------------------------------------------------------------

    def _list_key(self) -> object:
        ruleset = self.document.ruleset
        return tuple((s.id, s.name) for s in ruleset.schedules), ruleset.settings.default_schedule

    def _fill_list(self) -> None:
        default = self.document.ruleset.settings.default_schedule
        for schedule in self.document.ruleset.schedules:
            entry = QListWidgetItem(schedule.name + ("  · default" if schedule.id == default else ""))
            entry.setData(ID_ROLE, schedule.id)
            entry.setToolTip(f"id: {schedule.id}")
            self.schedule_list.addItem(entry)

    def _after_removal(self) -> str | None:
        schedules = self.document.ruleset.schedules
        return schedules[0].id if schedules else None

    def _load_fields(self, *, selected: bool = False) -> None:
        if not self.isVisible():
            self._stale = True
            return
        schedule = self.schedule()
        self._loading = True
        try:
            if schedule != self._shown:
                self._shown = schedule
                for widget in (self.week_box, self.tabs, self.delete_button, self.duplicate_button):
                    widget.setEnabled(schedule is not None)
                set_text(self.name_edit, schedule.name if schedule else "")
                if schedule is not None and self.zone_combo.currentText() != schedule.timezone:
                    with QSignalBlocker(self.zone_combo):
                        index = self.zone_combo.findText(schedule.timezone)
                        if index >= 0:
                            self.zone_combo.setCurrentIndex(index)
                        else:
                            self.zone_combo.setEditText(schedule.timezone)
                self.grid.set_slots(intervals_to_slots(schedule.weekly) if schedule else frozenset())
                self.holidays.show_schedule(schedule)
                self.special_days.show_schedule(schedule)
                set_text(self.zone_note, schedule.timezone if schedule else "")
            self._show_used_by()
            self.update_answer()
        finally:
            self._loading = False
        self._show_problems()

    def _teams_using(self, schedule: Schedule) -> list[str]:
        ruleset = self.document.ruleset
        return [t.name for t in ruleset.routing.teams if (s := team_schedule(ruleset, t.id)) and s.id == schedule.id]

    def _show_used_by(self) -> None:
        schedule = self.schedule()
        if schedule is None:
            set_text(self.used_by, "No schedule yet: add one and paint its hours.")
            return
        teams = self._teams_using(schedule)
        text = ("Used by " + ", ".join(teams)) if teams else "No team works by this schedule yet (pick it in Routing)."
        if schedule.id == self.document.ruleset.settings.default_schedule:
            text += "\nThe default schedule: teams without their own use it."
        set_text(self.used_by, text)

    # --- edits --------------------------------------------------------------------------------------

    def _sub_edit(self, new: Schedule, text: str, merge_key: str | None) -> None:
        old = self.schedule()
        if old is not None and new != old and new.id == old.id:
            self._replace_item(new, f"{text} ('{old.name}')", merge_key)

    def _painted(self, slots: frozenset[int]) -> None:
        schedule = self.schedule()
        if schedule is None:
            return
        weekly = edit_intervals(schedule.weekly, slots)
        if weekly != schedule.weekly:
            self._replace_item(replace(schedule, weekly=weekly), f"Paint hours of '{schedule.name}'")

    def set_zone(self, name: str) -> None:
        """Use time zone `name` when it is a known IANA zone (typed text that is not stays unsaved)."""
        schedule = self.schedule()
        name = name.strip()
        if self._loading or schedule is None or name == schedule.timezone:
            return
        if name not in zone_names():
            self._show_problems(extra=f"'{escape(name)}' is not a time zone; pick one from the list.")
            return
        self._replace_item(replace(schedule, timezone=name), f"Time zone {name} for '{schedule.name}'")

    def add_schedule(self, copy: bool = False) -> str:
        """Add an empty schedule (or a copy of the current one); returns its id."""
        ruleset = self.document.ruleset
        current = self.schedule()
        base = current if copy and current is not None else None
        name = unique_name(f"{base.name} copy" if base else "New schedule", {s.name for s in ruleset.schedules})
        schedule_id = unique_id(name, {s.id for s in ruleset.schedules}, "schedule")
        if base is not None:
            new = replace(base, id=schedule_id, name=name)
        else:
            zone = current.timezone if current is not None else "UTC"
            new = Schedule(schedule_id, name, zone, (), current.holidays if current else None)
        self._push(self._with_items((*ruleset.schedules, new)), f"Add schedule '{name}'")
        self.select_schedule(schedule_id)
        return schedule_id

    def delete_schedule(self) -> None:
        self._delete_current()

    def weekly(self) -> tuple[Interval, ...]:
        schedule = self.schedule()
        return schedule.weekly if schedule else ()

    # --- validation ---------------------------------------------------------------------------------

    def _show_problems(self, extra: str = "") -> None:
        schedule = self.schedule()
        lines = [coloured(ERROR_COLOUR, "● " + extra)] if extra else []
        if schedule is not None and self._validated is self.document.ruleset:
            prefix = f"$.schedules[{self.document.ruleset.schedules.index(schedule)}]"
            for problem in problems_under(self.problems, prefix, indexed=True):
                message = re.sub(r"^Schedule '[^']*'(, [^:]*)?: ", "", problem.message)
                colour = ERROR_COLOUR if problem.severity == "error" else WARNING_COLOUR
                lines.append(coloured(colour, "● " + escape(message)))
        if schedule is not None and not on_grid(schedule.weekly):
            lines.append(coloured(WARNING_COLOUR, "● Some hours are not on the quarter hour; the grid rounds them "
                                   "outward and painting next to them snaps them to the quarter hour."))
        if schedule is not None:
            self.grid.setToolTip("")
            self.grid.setAccessibleDescription(f"Open: {summary(schedule.weekly)}")
        set_text(self.problems_label, "<br>".join(lines))
        self.problems_label.setVisible(bool(lines))

    def focus_problem(self, problem: Problem) -> bool:
        """Show the schedule a `$.schedules[i]…` problem points at; False when it is not ours."""
        part = focus_item(problem, "schedules", self.document.ruleset.schedules, self.select_schedule)
        if part is None:
            return False
        if part == "holidays":
            self.tabs.setCurrentWidget(self.holidays)
        elif part in ("closures", "special_openings"):
            self.tabs.setCurrentWidget(self.special_days_scroll)
        {"timezone": self.zone_combo, "name": self.name_edit}.get(part, self.grid).setFocus()
        return True
