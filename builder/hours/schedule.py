"""Business hours: when is a team open, when does it open or close next, and how much open time
lies between two instants.

Why it is built this way:

* **Instants are UTC-aware datetimes; wall time is only an input and a display.** Each local day
  of a schedule is turned once into open spans in UTC (cached), and every question is answered by
  scanning those spans day by day — never minute by minute — for at most 366 days.
* **An interval belongs to the day it starts on.** `Interval("mon", "23:00", "07:00")` runs from
  Monday 23:00 to Tuesday 07:00; whether it runs is decided by Monday's status. A holiday or a
  closure closes its whole local day, i.e. every interval that *starts* on that day (the tail of
  the previous night's shift still runs). A special opening replaces the weekly intervals that
  start on its date; it wins over a computed holiday, an explicit closure wins over everything.
* **Daylight saving time, chosen deliberately:**
  - a wall time that does not exist (spring forward, e.g. 02:30 in Berlin on the last Sunday of
    March) maps to the first instant after the gap (03:00 local); an interval lying wholly in the
    gap is empty;
  - a wall time that happens twice (fall back, e.g. 02:30 in Berlin on the last Sunday of October)
    maps to its first occurrence (fold=0), for starts and ends alike; so 00:00-03:00 on that day
    lasts four hours and 02:00-02:30 lasts 30 minutes.
* Spans are half-open: open at the start minute, closed at the end minute.
* Holidays come from the `holidays` package, computed per country/subdivision/year and cached; the
  schedule's `ignore` list overrides single days (the team works anyway).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from builder.format.model import WEEKDAYS, HolidaySet, Schedule

UTC = UTC
SEARCH_DAYS = 366
_DAY = timedelta(days=1)
_WEEK_AHEAD = 9  # days `settled_spans` looks ahead (a promise rarely reaches further)

Span = tuple[datetime, datetime]


class ScheduleError(ValueError):
    """A schedule that cannot be evaluated (unknown time zone); the message is for the user."""


def parse_hhmm(text: str) -> int:
    """Minutes after midnight of "HH:MM" ("24:00" is 1440)."""
    hours, _, minutes = text.partition(":")
    try:
        value = int(hours) * 60 + int(minutes)
    except ValueError:
        raise ScheduleError(f"{text!r} is not a time of day like 09:30") from None
    if not 0 <= value <= 1440:
        raise ScheduleError(f"{text!r} is not a time of day like 09:30")
    return value


def minutes_span(start: str, end: str) -> tuple[int, int]:
    """Start and end in minutes after the start day's midnight; an end not after the start (other
    than 24:00) runs into the next day."""
    s, e = parse_hhmm(start), parse_hhmm(end)
    if e <= s and end != "24:00":
        e += 1440
    return s, e


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ScheduleError(f"{text!r} is not a date like 2026-12-24") from None


def load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown time zone {name!r} (expected an IANA name like Europe/Berlin)") from None


def aware(at: datetime) -> datetime:
    """`at` as UTC; a naive datetime is refused because its meaning depends on the machine."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ScheduleError("a time without a time zone offset cannot be placed on a schedule")
    return at.astimezone(UTC)


def wall_to_utc(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The instant of wall time `day` 00:00 + `minutes` in `zone` (see the module notes on DST)."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
    first = naive.replace(tzinfo=zone, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == naive:
        return utc  # exists (first occurrence when repeated)
    # Nonexistent: the transition lies between the two readings; find its first second.
    lo, hi = sorted((int(naive.replace(tzinfo=zone, fold=1).timestamp()), int(utc.timestamp())))
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


@lru_cache(maxsize=512)
def country_holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    """The holidays the `holidays` package computes (English names where available).

    Raises ScheduleError for an unknown country or subdivision. The package is imported here, at
    first use: it costs a tenth of a second of start-up the window does not need."""
    import holidays as holidays_lib

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            entity = holidays_lib.country_holidays(country, subdiv=subdivision, years=year)
            if "en_US" in getattr(entity, "supported_languages", ()):
                entity = holidays_lib.country_holidays(country, subdiv=subdivision, years=year,
                                                       language="en_US")
    except NotImplementedError as exc:
        raise ScheduleError(f"holidays: {exc}") from None
    return {d: str(name) for d, name in sorted(entity.items()) if d.year == year}


def check_schedule(schedule: Schedule) -> list[str]:
    """Problems that make a schedule unusable, as sentences (empty when fine)."""
    problems: list[str] = []
    try:
        load_zone(schedule.timezone)
    except ScheduleError as exc:
        problems.append(str(exc))
    if schedule.holidays is not None:
        try:
            country_holidays(schedule.holidays.country, schedule.holidays.subdivision or None,
                             datetime.now(UTC).year)
        except ScheduleError as exc:
            problems.append(str(exc))
    return problems


class OpenHours:
    """A schedule made answerable: `is_open`, `next_open`, `next_close`, `business_minutes`."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self.zone = load_zone(schedule.timezone)
        self._weekly: dict[int, list[tuple[int, int]]] = {i: [] for i in range(7)}
        for interval in schedule.weekly:
            self._weekly[WEEKDAYS.index(interval.day)].append(minutes_span(interval.start, interval.end))
        self._closures = {parse_date(c.date): c.name for c in schedule.closures}
        self._special: dict[date, list[tuple[int, int]]] = {}
        for special in schedule.special_openings:
            self._special.setdefault(parse_date(special.date), []).append(
                minutes_span(special.start, special.end))
        self._days: dict[date, tuple[Span, ...]] = {}
        self._settled: dict[date, tuple[Span, ...]] = {}
        self._holidays: dict[int, dict[date, str]] = {}
        hs = schedule.holidays
        self._ignored = {parse_date(d) for d in hs.ignore} if hs is not None else set()

    # --- calendar -------------------------------------------------------------------------------

    def computed_holidays(self, year: int) -> dict[date, str]:
        """Every holiday the country/subdivision has in `year`, ignored ones included (for the editor)."""
        hs: HolidaySet | None = self.schedule.holidays
        if hs is None:
            return {}
        try:
            return country_holidays(hs.country, hs.subdivision or None, year)
        except ScheduleError:
            return {}

    def holidays(self, year: int) -> dict[date, str]:
        """The holidays that close the team in `year` (computed minus the schedule's `ignore`)."""
        found = self._holidays.get(year)
        if found is None:
            found = {d: n for d, n in self.computed_holidays(year).items() if d not in self._ignored}
            self._holidays[year] = found
        return dict(found)

    def closed_reason(self, day: date) -> str | None:
        """Why the whole local `day` is closed (closure or holiday name), None when it is not."""
        if day in self._closures:
            return self._closures[day] or "closed"
        if day in self._special:
            return None
        return self._holiday_days(day.year).get(day)

    def _holiday_days(self, year: int) -> dict[date, str]:
        if year not in self._holidays:
            self.holidays(year)
        return self._holidays[year]

    def day_minutes(self, day: date) -> list[tuple[int, int]]:
        """The wall-clock spans (minutes after midnight) that start on local `day`."""
        if day in self._closures:
            return []
        if day in self._special:
            return list(self._special[day])
        if day in self._holiday_days(day.year):
            return []
        return list(self._weekly[day.weekday()])

    def day_spans(self, day: date) -> tuple[Span, ...]:
        """The UTC spans that start on local `day`, sorted, empty ones dropped (cached)."""
        cached = self._days.get(day)
        if cached is None:
            spans = []
            for s, e in sorted(self.day_minutes(day)):
                start, end = wall_to_utc(day, s, self.zone), wall_to_utc(day, e, self.zone)
                if end > start:
                    spans.append((start, end))
            cached = tuple(spans)
            if len(self._days) > 4096:
                self._days.clear()
            self._days[day] = cached
        return cached

    def local_date(self, at: datetime) -> date:
        return aware(at).astimezone(self.zone).date()

    def spans(self, at: datetime, days: int = SEARCH_DAYS) -> Iterator[Span]:
        """Merged open spans that end after `at`, in order, looking `days` local days ahead.

        Spans of one day start before those of the next (a start is at most 24:00), so merging
        while streaming is enough."""
        at = aware(at)
        first = self.local_date(at) - 2 * _DAY
        current: Span | None = None
        for offset in range(days + 3):
            for start, end in self.day_spans(first + offset * _DAY):
                if current is not None and start <= current[1]:
                    current = (current[0], max(current[1], end))
                    continue
                if current is not None and current[1] > at:
                    yield current
                current = (start, end)
        if current is not None and current[1] > at:
            yield current

    # --- questions ------------------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        at = aware(at)
        day = self.local_date(at)
        return any(start <= at < end for offset in (2, 1, 0) for start, end in self.day_spans(day - offset * _DAY))

    def settled_spans(self, day: date) -> tuple[Span, ...]:
        """The merged spans `spans` yields for a local `day` over its first `_WEEK_AHEAD` days,
        without the last one (a later day could still extend it): cached per day, so the
        questions routing asks at every escalation need no walk over the calendar."""
        cached = self._settled.get(day)
        if cached is None:
            merged: list[Span] = []
            for offset in range(-2, _WEEK_AHEAD):
                for start, end in self.day_spans(day + offset * _DAY):
                    if merged and start <= merged[-1][1]:
                        merged[-1] = (merged[-1][0], max(merged[-1][1], end))
                    else:
                        merged.append((start, end))
            cached = tuple(merged[:-1])
            if len(self._settled) > 4096:
                self._settled.clear()
            self._settled[day] = cached
        return cached

    def _ahead(self, at: datetime) -> list[Span]:
        """The settled spans that end after `at` (possibly none: then ask `spans`)."""
        return [span for span in self.settled_spans(self.local_date(at)) if span[1] > at]

    def around(self, at: datetime) -> tuple[bool, datetime | None, datetime | None]:
        """`is_open(at)`, `next_open(at)` and `next_close(at)` from one look at the schedule (what
        routing asks at every escalation)."""
        at = aware(at)
        ahead = self._ahead(at)
        for start, end in ahead or self.spans(at):
            if start > at:
                return False, start, at
            return True, at, None if end - at > timedelta(days=SEARCH_DAYS) else end
        return False, None, at

    def next_open(self, at: datetime) -> datetime | None:
        """The first instant at or after `at` when the team is open (`at` itself when open now);
        None when there is no opening within 366 days."""
        at = aware(at)
        for start, _end in self.spans(at):
            return max(start, at)
        return None

    def next_close(self, at: datetime) -> datetime | None:
        """The first instant at or after `at` when the team is closed (`at` itself when closed now);
        None when it stays open for the next 366 days."""
        at = aware(at)
        for start, end in self.spans(at):
            if start > at:
                return at
            return None if end - at > timedelta(days=SEARCH_DAYS) else end
        return at

    def business_minutes(self, a: datetime, b: datetime) -> float:
        """Open minutes between the instants `a` and `b` (0 when b is not after a)."""
        a, b = aware(a), aware(b)
        if b <= a:
            return 0.0
        days = (self.local_date(b) - self.local_date(a)).days + 2
        total = 0.0
        for start, end in self.spans(a, days=days):
            if start >= b:
                break
            total += (min(end, b) - max(start, a)).total_seconds() / 60
        return total

    def add_business_minutes(self, at: datetime, minutes: float) -> datetime | None:
        """The instant when `minutes` of open time have passed after `at` (counting from the next
        opening when closed); None when that is not reached within 366 days."""
        at = aware(at)
        left = timedelta(minutes=minutes)
        for start, end in self._ahead(at):  # the cached week first; the full walk when beyond it
            start = max(start, at)
            if end - start >= left:
                return start + left
            left -= end - start
        left = timedelta(minutes=minutes)
        for start, end in self.spans(at):
            start = max(start, at)
            if end - start >= left:
                return start + left
            left -= end - start
        return None


_by_identity: dict[int, OpenHours] = {}


def open_hours(schedule: Schedule) -> OpenHours:
    """The (cached) OpenHours of a schedule; schedules are immutable, so caching is safe. The same
    object is found by identity first (hashing a schedule's nested tuples at every escalation cost
    more than the answer), then by value."""
    found = _by_identity.get(id(schedule))
    if found is not None and found.schedule is schedule:
        return found
    found = _open_hours_by_value(schedule)
    if len(_by_identity) > 256:
        _by_identity.clear()
    _by_identity[id(schedule)] = found
    return found


@lru_cache(maxsize=64)
def _open_hours_by_value(schedule: Schedule) -> OpenHours:
    return OpenHours(schedule)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def relative_time(when: datetime, now: datetime, zone: ZoneInfo) -> str:
    """`when` as a person says it, relative to `now`, in `zone`: "today 16:30", "tomorrow 09:00",
    "Monday 09:00" (within a week), "2 January 09:00" (later; with the year beyond ~10 months)."""
    local, ref = aware(when).astimezone(zone), aware(now).astimezone(zone)
    clock = f"{local.hour:02d}:{local.minute:02d}"  # strftime("%H:%M"), without its cost
    days = (local.date() - ref.date()).days
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    if 1 < days < 7:
        return f"{DAY_NAMES[local.weekday()]} {clock}"
    year = f" {local.year}" if (local.year != ref.year and days > 300) or days < 0 else ""
    return f"{local.day} {MONTHS[local.month - 1]}{year} {clock}"
