"""The hours page's "what happens at…" box: open or closed at a picked moment, and why, and the
handoff each team working by the schedule would get there, with the promise the visitor reads.

Why its own module: it only reads the shown schedule (`self.schedule()`) and the document, and
asks `builder.hours.schedule` / `builder.handoff.routing` every question; the rest of the page edits.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from builder.editing.document import Document
from builder.format.model import HANDOFF_MODES, PRIORITIES, Schedule
from builder.handoff.routing import describe_next_open, route, team_schedule
from builder.hours.schedule import ScheduleError, open_hours
from rules_schema.catalog import catalog
from widgets.common.form_helpers import set_text

OPEN_COLOUR, CLOSED_COLOUR, ERROR_COLOUR = "#15803d", "#b91c1c", "#dc2626"


def coloured(colour: str, text: str) -> str:
    return f"<span style='color:{colour}'>{text}</span>"


ANSWER_LINES = 7  # the longest answer (closed, holiday, callback, promise) wraps to about this many lines


class WhatHappensMixin:
    """The "what happens at…" half of `HoursEditor` (a mixin so the page keeps one flat set of attributes)."""

    document: Document

    if TYPE_CHECKING:  # provided by the page
        def schedule(self) -> Schedule | None: ...

    def _build_what_happens(self) -> QWidget:
        box = QGroupBox("What happens at…")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.moment_edit = QDateTimeEdit()
        self.moment_edit.setAccessibleName("Moment to check")
        self.moment_edit.setCalendarPopup(True)
        self.moment_edit.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.moment_edit.setTimeZone(QTimeZone.utc())  # wall time of the schedule's zone: never in a DST gap
        now = datetime.now()
        self.moment_edit.setDateTime(
            QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, 0), QTimeZone.utc())
        )
        self.moment_edit.dateTimeChanged.connect(lambda *_: self.update_answer())
        row.addWidget(self.moment_edit, 1)
        self.zone_note = QLabel()
        self.zone_note.setObjectName("previewNote")
        row.addWidget(self.zone_note)
        layout.addLayout(row)
        row2 = QHBoxLayout()
        self.priority_combo = QComboBox()
        self.priority_combo.setAccessibleName("Priority")
        for priority in PRIORITIES:
            self.priority_combo.addItem(f"{priority.title()} priority", priority)
        self.priority_combo.setCurrentIndex(PRIORITIES.index("normal"))
        self.priority_combo.currentIndexChanged.connect(lambda *_: self.update_answer())
        self.mode_combo = QComboBox()
        self.mode_combo.setAccessibleName("Handoff the rule asks for")
        modes = catalog().handoff_modes
        for mode in HANDOFF_MODES:
            self.mode_combo.addItem(f"rule asks: {modes.get(mode, {}).get('label', mode)}", mode)
        self.mode_combo.currentIndexChanged.connect(lambda *_: self.update_answer())
        row2.addWidget(self.priority_combo)
        row2.addWidget(self.mode_combo, 1)
        layout.addLayout(row2)
        self.answer = QLabel()
        self.answer.setObjectName("whatHappens")
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # room for the longest answer from the start: the panel must not jump as the text changes
        self.answer.setMinimumHeight(ANSWER_LINES * self.answer.fontMetrics().lineSpacing() + 8)
        layout.addWidget(self.answer, 1)
        return box

    def set_moment(self, at: datetime) -> None:
        """Show `at` (an aware instant) as wall time in the current schedule's zone."""
        schedule = self.schedule()
        zone = zoneinfo.ZoneInfo("UTC")
        if schedule is not None:
            try:
                zone = open_hours(schedule).zone
            except ScheduleError:
                pass
        local = at.astimezone(zone)
        self.moment_edit.setDateTime(
            QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), QTimeZone.utc())
        )

    def moment(self) -> datetime | None:
        """The picked wall time as an aware instant in the schedule's zone (None without a usable one)."""
        schedule = self.schedule()
        if schedule is None:
            return None
        try:
            zone = open_hours(schedule).zone
        except ScheduleError:
            return None
        picked = self.moment_edit.dateTime()
        day, time = picked.date(), picked.time()
        return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=zone)

    def update_answer(self) -> None:
        schedule = self.schedule()
        if schedule is None:
            set_text(self.answer, "")
            return
        try:
            hours = open_hours(schedule)
        except ScheduleError as exc:
            set_text(self.answer, coloured(ERROR_COLOUR, escape(str(exc))))
            return
        at = self.moment()
        if at is None:
            return
        lines = [self._status_line(schedule, at)]
        ruleset = self.document.ruleset
        teams = [t for t in ruleset.routing.teams if (s := team_schedule(ruleset, t.id)) and s.id == schedule.id]
        priority = str(self.priority_combo.currentData())
        mode = str(self.mode_combo.currentData())
        labels = catalog().handoff_modes
        for team in teams:
            handoff = route(ruleset, team=team.id, priority=priority, handoff=mode, at=at)
            label = labels.get(handoff.mode, {}).get("label", handoff.mode)
            promise = f" · promise “{escape(handoff.promise)}”" if handoff.promise else " · no promise"
            extra = " · a callback is offered" if handoff.callback_offered and handoff.mode != "callback" else ""
            lines.append(
                f"<b>{escape(team.name)}</b>: {escape(label)}{promise}{extra}"
                f"<br><span style='color:#64748b'>{escape(handoff.reason)}</span>"
            )
        if not teams:
            nxt = describe_next_open(hours, at)
            lines.append(
                "No team works by this schedule; "
                + (f"it opens {escape(nxt)}." if nxt else "it does not open within a year.")
            )
        set_text(self.answer, "<br><br>".join(lines))

    def _status_line(self, schedule: Schedule, at: datetime) -> str:
        hours = open_hours(schedule)
        if hours.is_open(at):
            return coloured(OPEN_COLOUR, "<b>Open</b>")
        day = hours.local_date(at)
        reason = hours.closed_reason(day)
        closure = next((c for c in schedule.closures if c.date == day.isoformat()), None)
        if closure is not None:
            why = f"closed for the day ({escape(closure.name or 'a closure you added')})"
        elif reason is not None:
            why = f"public holiday: {escape(reason)}"
        else:
            why = "outside opening hours"
        nxt = describe_next_open(hours, at)
        tail = f"; opens {escape(nxt)}" if nxt else "; does not open within a year"
        return coloured(CLOSED_COLOUR, f"<b>Closed</b> — {why}{tail}")
