"""The days-off side of a schedule: public holidays (country, region, the computed days with
checkboxes) and a calendar of closures and special opening days.

Why checkboxes over the computed list: the `holidays` package knows the dates, the manager knows
which of them the team really takes off; unchecking a day adds it to the schedule's `ignore` list
(the team works anyway), so the file keeps the rule ("German holidays in Berlin") and only the
exceptions, and next year's dates stay computed.

Both panels are views: `show_schedule(schedule)` mirrors the document, and a user edit is emitted
as `edited(new_schedule, undo_text, merge_key)` for the hours editor to push as one undo command.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from datetime import date
from functools import cache

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTime, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from builder.format.model import Closure, HolidaySet, Schedule, SpecialOpening
from builder.hours.schedule import ScheduleError, country_holidays, open_hours
from builder.hours.week_slots import DAY_MINUTES, clock

DATE_ROLE = Qt.ItemDataRole.UserRole
CLOSED_COLOUR, OPEN_COLOUR, HOLIDAY_COLOUR = "#fecaca", "#bbf7d0", "#fde68a"


@cache
def countries() -> tuple[tuple[str, str], ...]:
    """(code, English name) of every country the `holidays` package covers, sorted by name."""
    import holidays

    try:
        from holidays.registry import COUNTRIES
        found = {str(entry[1]): re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(entry[0])) for entry in COUNTRIES.values()}
    except (ImportError, AttributeError, IndexError):  # an older or newer package layout
        found = {code: code for code in holidays.list_supported_countries()}
    return tuple(sorted(((c, n) for c, n in found.items() if re.fullmatch(r"[A-Z]{2}", c)), key=lambda cn: cn[1]))


@cache
def subdivisions(country: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of the regions with their own holidays ("BE", "Berlin"); empty when none."""
    import holidays

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            entity = holidays.country_holidays(country)
    except NotImplementedError:
        return ()
    names = {code: name for name, code in getattr(entity, "subdivisions_aliases", {}).items()}
    return tuple((str(code), str(names.get(code, code))) for code in getattr(entity, "subdivisions", ()))


def _pick(combo: QComboBox, text: str) -> int:
    """The item a typed search means: exact text, exact code, then the only item containing it."""
    wanted = text.strip().casefold()
    if not wanted:
        return -1
    hits = []
    for index in range(combo.count()):
        label, code = combo.itemText(index).casefold(), str(combo.itemData(index) or "").casefold()
        if wanted in (label, code) or label.startswith(wanted + " ("):
            return index
        if wanted in label:
            hits.append(index)
    return hits[0] if len(hits) == 1 else -1


def searchable(combo: QComboBox) -> QLineEdit:
    """Make `combo` editable with typed text filtering its items (contains, any case); returns
    its line edit."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    edit = combo.lineEdit()
    return edit if edit is not None else QLineEdit(combo)


class HolidayPanel(QWidget):
    """Country and region pickers and the computed holidays of this and next year, each checkable.

    Signals: `edited(schedule, text, merge_key)`.
    """

    edited = Signal(object, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = date.today()
        self.schedule: Schedule | None = None
        self._shown: object = ()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.country_combo = QComboBox()
        self.country_combo.setAccessibleName("Holiday country")
        self.country_combo.addItem("No public holidays", None)
        for code, name in countries():
            self.country_combo.addItem(f"{name} ({code})", code)
        search = searchable(self.country_combo)
        search.setPlaceholderText("Type to search a country")
        self.country_combo.activated.connect(lambda index: self._country_chosen(self.country_combo.itemData(index)))
        search.returnPressed.connect(self._country_typed)
        form.addRow("Country", self.country_combo)
        self.region_combo = QComboBox()
        self.region_combo.setAccessibleName("Holiday region")
        self.region_combo.activated.connect(self._region_chosen)
        form.addRow("Region", self.region_combo)
        self.list = QListWidget()
        self.list.setAccessibleName("Computed holidays")
        self.list.setAlternatingRowColors(True)
        self.list.itemChanged.connect(self._item_changed)
        self.note = QLabel()
        self.note.setObjectName("previewNote")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)

    def show_schedule(self, schedule: Schedule | None) -> None:
        key = (schedule.holidays if schedule else None, schedule is None, self.today.year)
        self.schedule = schedule
        if key == self._shown:
            return
        self._shown = key
        hs = schedule.holidays if schedule else None
        self.setEnabled(schedule is not None)
        with QSignalBlocker(self.country_combo):
            index = self.country_combo.findData(hs.country) if hs else 0
            if index < 0 and hs is not None:
                self.country_combo.addItem(f"unknown country '{hs.country}'", hs.country)
                index = self.country_combo.count() - 1
            self.country_combo.setCurrentIndex(index)
        with QSignalBlocker(self.region_combo):
            self.region_combo.clear()
            self.region_combo.addItem("Whole country", None)
            for code, name in subdivisions(hs.country) if hs else ():
                self.region_combo.addItem(f"{name} ({code})" if name != code else code, code)
            if hs and hs.subdivision and self.region_combo.findData(hs.subdivision) < 0:
                self.region_combo.addItem(f"unknown region '{hs.subdivision}'", hs.subdivision)
            self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(hs.subdivision)) if hs else 0)
            self.region_combo.setEnabled(self.region_combo.count() > 1)
        self._fill_list(hs)

    def _fill_list(self, hs: HolidaySet | None) -> None:
        with QSignalBlocker(self.list):
            self.list.clear()
            if hs is None:
                self.note.setText("The team works on public holidays. Pick a country to close on its holidays.")
                return
            self.note.setText("Checked days are closed. Uncheck a holiday the team works anyway.")
            ignored = set(hs.ignore)
            for year in (self.today.year, self.today.year + 1):
                try:
                    days = country_holidays(hs.country, hs.subdivision or None, year)
                except ScheduleError as exc:
                    self.note.setText(str(exc))
                    return
                header = QListWidgetItem(str(year))
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = QFont(self.list.font())
                font.setBold(True)
                header.setFont(font)
                self.list.addItem(header)
                for day, name in days.items():
                    item = QListWidgetItem(f"{day.strftime('%a')} {day.day} {day.strftime('%b')} — {name}")
                    item.setData(DATE_ROLE, day.isoformat())
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                  | Qt.ItemFlag.ItemIsUserCheckable)
                    closed = day.isoformat() not in ignored
                    item.setCheckState(Qt.CheckState.Checked if closed else Qt.CheckState.Unchecked)
                    item.setToolTip("Closed on this day" if closed else "The team works on this day")
                    if day < self.today:
                        item.setForeground(QBrush(QColor("#94a3b8")))
                    self.list.addItem(item)

    def item_for(self, iso_day: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            if self.list.item(row).data(DATE_ROLE) == iso_day:
                return self.list.item(row)
        return None

    def _country_typed(self) -> None:
        index = _pick(self.country_combo, self.country_combo.currentText())
        if index >= 0:
            self.country_combo.setCurrentIndex(index)
            self._country_chosen(self.country_combo.itemData(index))

    def _country_chosen(self, code: object) -> None:
        schedule = self.schedule
        if schedule is None:
            return
        current = schedule.holidays.country if schedule.holidays else None
        if code == current:
            return
        if code is None:
            self.edited.emit(replace(schedule, holidays=None), "No public holidays", None)
        else:
            self.edited.emit(replace(schedule, holidays=HolidaySet(str(code))),
                             f"Close on public holidays of {code}", None)

    def _region_chosen(self, index: int) -> None:
        schedule = self.schedule
        if schedule is None or schedule.holidays is None:
            return
        code = self.region_combo.itemData(index)
        hs = schedule.holidays
        if (code or None) == (hs.subdivision or None):
            return
        new = HolidaySet(hs.country, str(code) if code else None, hs.ignore)
        self.edited.emit(replace(schedule, holidays=new),
                         f"Holidays of {code or 'the whole country'}", None)

    def _item_changed(self, item: QListWidgetItem) -> None:
        schedule, day = self.schedule, item.data(DATE_ROLE)
        if schedule is None or schedule.holidays is None or not day:
            return
        hs = schedule.holidays
        ignore = set(hs.ignore)
        works = item.checkState() != Qt.CheckState.Checked
        if works == (day in ignore):
            return
        ignore.symmetric_difference_update({day})
        new = HolidaySet(hs.country, hs.subdivision, tuple(sorted(ignore)))
        text = f"Work on {item.text().split(' — ', 1)[-1]}" if works else f"Close on {item.text().split(' — ', 1)[-1]}"
        self.edited.emit(replace(schedule, holidays=new), text, None)


class SpecialDaysPanel(QWidget):
    """A calendar of closures (red), special openings (green) and holidays (amber), with buttons to
    close a day or open it specially, and the list of those days.

    Signals: `edited(schedule, text, merge_key)`.
    """

    edited = Signal(object, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schedule: Schedule | None = None
        self._shown: object = ()
        self.calendar = QCalendarWidget()
        self.calendar.setAccessibleName("Closures and special openings")
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.selectionChanged.connect(self._describe_day)
        self.calendar.currentPageChanged.connect(lambda *_: self._paint_calendar())
        self.day_label = QLabel()
        self.day_label.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Reason, e.g. Team offsite (optional)")
        self.name_edit.setAccessibleName("Reason for the day")
        self.close_button = QPushButton("Close this day")
        self.close_button.clicked.connect(self.close_day)
        self.start_edit, self.end_edit = QTimeEdit(QTime(10, 0)), QTimeEdit(QTime(14, 0))
        for edit, name in ((self.start_edit, "Special opening from"), (self.end_edit, "Special opening until")):
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(name)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open on this day only at these hours (replaces the weekly hours)")
        self.open_button.clicked.connect(self.open_day)
        self.entries = QListWidget()
        self.entries.setAccessibleName("Closures and special openings list")
        self.entries.itemActivated.connect(self._jump)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.calendar)
        legend = QLabel(" ".join(f"<span style='background:{colour}; color:#0f172a'>&nbsp;{text}&nbsp;</span>"
                                 for colour, text in ((CLOSED_COLOUR, "closed"), (OPEN_COLOUR, "special opening"),
                                                      (HOLIDAY_COLOUR, "public holiday"))))
        legend.setObjectName("calendarLegend")
        layout.addWidget(legend)
        layout.addWidget(self.day_label)
        layout.addWidget(self.name_edit)
        row = QHBoxLayout()
        row.addWidget(self.close_button)
        row.addStretch(1)
        row.addWidget(QLabel("or open"))
        row.addWidget(self.start_edit)
        row.addWidget(QLabel("–"))
        row.addWidget(self.end_edit)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        layout.addWidget(self.entries, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.remove_button)
        layout.addLayout(bottom)

    def selected_day(self) -> date:
        picked = self.calendar.selectedDate()
        return date(picked.year(), picked.month(), picked.day())

    def select_day(self, day: date) -> None:
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def show_schedule(self, schedule: Schedule | None) -> None:
        self.schedule = schedule
        self.setEnabled(schedule is not None)
        if schedule == self._shown:
            return
        self._shown = schedule
        with QSignalBlocker(self.entries):
            self.entries.clear()
            if schedule is not None:
                rows = [(c.date, f"{c.date} — closed" + (f": {c.name}" if c.name else ""), "c")
                        for c in schedule.closures]
                rows += [
                    (s.date, f"{s.date} — open {s.start}–{s.end}" + (f": {s.name}" if s.name else ""), "s")
                    for s in schedule.special_openings
                ]
                for day, text, kind in sorted(rows):
                    item = QListWidgetItem(text)
                    item.setData(DATE_ROLE, (kind, day))
                    item.setBackground(QColor(CLOSED_COLOUR if kind == "c" else OPEN_COLOUR))
                    item.setForeground(QColor("#0f172a"))  # dark text on the light tint, in either theme
                    self.entries.addItem(item)
        self._paint_calendar()
        self._describe_day()

    def _paint_calendar(self) -> None:
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clears every date's format
        schedule = self.schedule
        if schedule is None:
            return
        year = self.calendar.yearShown()
        marks: dict[str, str] = {}
        if schedule.holidays is not None:
            ignored = set(schedule.holidays.ignore)
            for y in (year - 1, year, year + 1):
                try:
                    days = country_holidays(schedule.holidays.country, schedule.holidays.subdivision or None, y)
                except ScheduleError:
                    break
                marks.update({d.isoformat(): HOLIDAY_COLOUR for d in days if d.isoformat() not in ignored})
        marks.update({s.date: OPEN_COLOUR for s in schedule.special_openings})
        marks.update({c.date: CLOSED_COLOUR for c in schedule.closures})
        for iso, colour in marks.items():
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(colour))
            fmt.setForeground(QColor("#0f172a"))
            self.calendar.setDateTextFormat(QDate.fromString(iso, "yyyy-MM-dd"), fmt)

    def _describe_day(self) -> None:
        schedule, day = self.schedule, self.selected_day()
        heading = f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
        if schedule is None:
            self.day_label.setText("")
            return
        try:
            hours = open_hours(schedule)
        except ScheduleError as exc:
            self.day_label.setText(f"<b>{heading}</b>: {exc}")
            return
        reason = hours.closed_reason(day)
        spans = hours.day_minutes(day)
        special = any(s.date == day.isoformat() for s in schedule.special_openings)
        if reason is not None:
            kind = "closure" if any(c.date == day.isoformat() for c in schedule.closures) else "public holiday"
            text = f"closed — {reason} ({kind})"
        elif not spans:
            text = "closed (no weekly hours on this day)"
        else:
            times = ", ".join(
                f"{clock(s)}–{clock(e if e == DAY_MINUTES else e % DAY_MINUTES)}" for s, e in sorted(spans)
            )
            text = ("special opening " if special else "open ") + times
        self.day_label.setText(f"<b>{heading}</b>: {text}")

    def _replace(self, closures: tuple[Closure, ...], openings: tuple[SpecialOpening, ...], text: str) -> None:
        schedule = self.schedule
        if schedule is None:
            return
        key = lambda entry: entry.date  # noqa: E731 - a sort key
        self.edited.emit(
            replace(
                schedule, closures=tuple(sorted(closures, key=key)), special_openings=tuple(sorted(openings, key=key))
            ),
            text,
            None,
        )

    def close_day(self) -> None:
        """Close the selected day (replacing a special opening on it)."""
        schedule = self.schedule
        if schedule is None:
            return
        iso = self.selected_day().isoformat()
        closure = Closure(iso, self.name_edit.text().strip())
        self._replace(
            (*[c for c in schedule.closures if c.date != iso], closure),
            tuple(s for s in schedule.special_openings if s.date != iso),
            f"Close on {iso}",
        )

    def open_day(self) -> None:
        """Open the selected day at the chosen hours only (an end before the start runs overnight)."""
        schedule = self.schedule
        start, end = self.start_edit.time().toString("HH:mm"), self.end_edit.time().toString("HH:mm")
        if schedule is None:
            return
        if start == end:
            self.day_label.setText("A special opening needs an end time different from its start.")
            return
        iso = self.selected_day().isoformat()
        opening = SpecialOpening(iso, start, end, self.name_edit.text().strip())
        self._replace(
            tuple(c for c in schedule.closures if c.date != iso),
            (*[s for s in schedule.special_openings if s.date != iso], opening),
            f"Open on {iso}",
        )

    def remove_selected(self) -> None:
        schedule, item = self.schedule, self.entries.currentItem()
        if schedule is None or item is None:
            return
        kind, iso = item.data(DATE_ROLE)
        if kind == "c":
            self._replace(
                tuple(c for c in schedule.closures if c.date != iso),
                schedule.special_openings,
                f"Remove closure on {iso}",
            )
        else:
            self._replace(
                schedule.closures,
                tuple(s for s in schedule.special_openings if s.date != iso),
                f"Remove special opening on {iso}",
            )

    def _jump(self, item: QListWidgetItem) -> None:
        _kind, iso = item.data(DATE_ROLE)
        self.select_day(date.fromisoformat(iso))


__all__ = ["HolidayPanel", "SpecialDaysPanel", "countries", "searchable", "subdivisions"]
