"""Business hours: table tests for the tricky days, and a brute-force reference for random schedules."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.format.model import WEEKDAYS, Closure, HolidaySet, Interval, Ruleset, Schedule, SpecialOpening
from builder.hours.schedule import (
    OpenHours,
    ScheduleError,
    check_schedule,
    open_hours,
    relative_time,
    wall_to_utc,
)
from tests.conftest import examples

ROOT = Path(__file__).resolve().parents[3]
UTC = UTC
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def playbook() -> Ruleset:
    return Ruleset.from_dict(json.loads((ROOT / "resources/examples/playbook.json").read_text(encoding="utf-8")))


def support_hours() -> OpenHours:
    schedule = playbook().schedule("support-hours")
    assert schedule is not None
    return open_hours(schedule)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


# --- overnight shift ---------------------------------------------------------------------------

NIGHT = Schedule("night", "Night shift", "Europe/Berlin", (Interval("mon", "23:00", "07:00"),))


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ((2026, 11, 23, 22, 59), False),  # Monday before the shift
        ((2026, 11, 23, 23, 0), True),  # the start minute is open
        ((2026, 11, 23, 23, 30), True),
        ((2026, 11, 24, 0, 30), True),  # Tuesday, but the shift belongs to Monday
        ((2026, 11, 24, 6, 59), True),
        ((2026, 11, 24, 7, 0), False),  # the end minute is closed
        ((2026, 11, 24, 23, 30), False),  # Tuesday has no shift of its own
    ],
)
def test_overnight_shift(when: tuple[int, ...], expected: bool) -> None:
    assert OpenHours(NIGHT).is_open(local(BERLIN, *when)) is expected


def test_overnight_shift_next_open_and_close() -> None:
    hours = OpenHours(NIGHT)
    inside = local(BERLIN, 2026, 11, 24, 3, 0)
    assert hours.next_open(inside) == inside
    assert hours.next_close(inside) == local(BERLIN, 2026, 11, 24, 7, 0)
    after = local(BERLIN, 2026, 11, 24, 7, 0)
    assert hours.next_close(after) == after
    assert hours.next_open(after) == local(BERLIN, 2026, 11, 30, 23, 0)
    week = hours.business_minutes(local(BERLIN, 2026, 11, 23), local(BERLIN, 2026, 11, 30))
    assert week == 8 * 60


def test_shift_on_a_holiday_eve_still_runs_past_midnight() -> None:
    """The tail of Monday's shift runs on a closed Tuesday: the interval belongs to Monday."""
    schedule = Schedule("n", "Night", "Europe/Berlin", (Interval("mon", "23:00", "07:00"),),
                        closures=(Closure("2026-11-24", "Staff day"),))
    hours = OpenHours(schedule)
    assert hours.is_open(local(BERLIN, 2026, 11, 24, 1, 0))
    closed_monday = Schedule("n", "Night", "Europe/Berlin", (Interval("mon", "23:00", "07:00"),),
                             closures=(Closure("2026-11-23"),))
    assert not OpenHours(closed_monday).is_open(local(BERLIN, 2026, 11, 24, 1, 0))


# --- DST -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("zone", "day", "start", "end", "utc_start", "utc_end"),
    [
        # Berlin spring forward 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
        ("Europe/Berlin", "2026-03-29", "01:00", "04:00", (0, 0), (2, 0)),
        ("Europe/Berlin", "2026-03-29", "02:30", "05:00", (1, 0), (3, 0)),  # 02:30 does not exist
        ("Europe/Berlin", "2026-03-29", "02:00", "02:45", None, None),  # wholly inside the gap
        # Berlin fall back 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00 UTC).
        ("Europe/Berlin", "2026-10-25", "00:00", "03:00", (-2, 0), (2, 0)),  # four hours
        ("Europe/Berlin", "2026-10-25", "02:30", "04:00", (0, 30), (3, 0)),  # first 02:30
        ("Europe/Berlin", "2026-10-25", "01:00", "02:30", (-1, 0), (0, 30)),  # ends at the first 02:30
        # New York spring forward 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
        ("America/New_York", "2026-03-08", "01:00", "04:00", (6, 0), (8, 0)),
        ("America/New_York", "2026-03-08", "02:15", "09:00", (7, 0), (13, 0)),
        # New York fall back 2026-11-01: 02:00 EDT falls back to 01:00 EST (06:00 UTC).
        ("America/New_York", "2026-11-01", "01:30", "05:00", (5, 30), (10, 0)),
        ("America/New_York", "2026-11-01", "00:00", "09:00", (4, 0), (14, 0)),  # ten hours
    ],
)
def test_dst_days(zone: str, day: str, start: str, end: str,
                  utc_start: tuple[int, int] | None, utc_end: tuple[int, int] | None) -> None:
    d = date.fromisoformat(day)
    weekday = WEEKDAYS[d.weekday()]
    hours = OpenHours(Schedule("s", "S", zone, (Interval(weekday, start, end),)))
    spans = hours.day_spans(d)
    midnight_utc = datetime(d.year, d.month, d.day, tzinfo=UTC)
    if utc_start is None or utc_end is None:
        assert spans == ()
        assert hours.business_minutes(midnight_utc - timedelta(days=1), midnight_utc + timedelta(days=2)) == 0
        return
    expected_start = midnight_utc + timedelta(hours=utc_start[0], minutes=utc_start[1])
    expected_end = midnight_utc + timedelta(hours=utc_end[0], minutes=utc_end[1])
    assert spans == ((expected_start, expected_end),)
    assert hours.is_open(expected_start)
    assert not hours.is_open(expected_start - timedelta(minutes=1))
    assert not hours.is_open(expected_end)
    assert hours.next_open(expected_start - timedelta(hours=5)) == expected_start
    assert hours.next_close(expected_start) == expected_end
    minutes = (expected_end - expected_start).total_seconds() / 60
    assert hours.business_minutes(expected_start - timedelta(hours=3), expected_end + timedelta(hours=3)) == minutes


def test_nonexistent_and_repeated_wall_times() -> None:
    # 02:30 on the Berlin spring-forward day does not exist: the first instant after the gap.
    assert wall_to_utc(date(2026, 3, 29), 150, BERLIN) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    # 02:30 on the fall-back day happens twice: the first occurrence (CEST, +02:00).
    assert wall_to_utc(date(2026, 10, 25), 150, BERLIN) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # Lord Howe moves by 30 minutes: 02:15 does not exist on 2026-10-04, the gap ends at 02:30 local.
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    after_gap = wall_to_utc(date(2026, 10, 4), 135, lord_howe)
    assert after_gap.astimezone(lord_howe).strftime("%H:%M") == "02:30"
    assert (after_gap - timedelta(seconds=1)).astimezone(lord_howe).strftime("%H:%M:%S") == "01:59:59"


# --- holidays, closures, special openings -----------------------------------------------------

def test_holiday_closes_the_day() -> None:
    hours = support_hours()
    assert "Christmas Day" in hours.holidays(2026).values()
    christmas = local(BERLIN, 2026, 12, 25, 10, 0)  # a Friday
    assert christmas.weekday() == 4
    assert not hours.is_open(christmas)
    assert hours.closed_reason(christmas.date()) == "Christmas Day"
    assert hours.is_open(local(BERLIN, 2026, 12, 23, 10, 0))


def test_ignored_holiday_is_a_working_day() -> None:
    schedule = support_hours().schedule
    worked = Schedule(schedule.id, schedule.name, schedule.timezone, schedule.weekly,
                      HolidaySet("DE", "BE", ("2026-12-25",)))
    hours = OpenHours(worked)
    assert hours.is_open(local(BERLIN, 2026, 12, 25, 10, 0))
    assert date(2026, 12, 25) in hours.computed_holidays(2026)
    assert date(2026, 12, 25) not in hours.holidays(2026)
    assert date(2026, 3, 8) in hours.computed_holidays(2026)  # Women's Day: Berlin's own holiday
    assert date(2026, 3, 8) not in OpenHours(Schedule("s", "S", "Europe/Berlin", (), HolidaySet("DE"))).holidays(2026)


def test_next_open_across_the_easter_weekend() -> None:
    hours = support_hours()
    # Good Friday 3 April and Easter Monday 6 April 2026 are holidays in Berlin.
    thursday_evening = local(BERLIN, 2026, 4, 2, 19, 0)
    assert hours.next_open(thursday_evening) == local(BERLIN, 2026, 4, 7, 8, 0)
    assert hours.next_close(thursday_evening) == thursday_evening
    assert hours.business_minutes(thursday_evening, local(BERLIN, 2026, 4, 7, 9, 30)) == 90


def test_closure_and_special_opening() -> None:
    schedule = Schedule(
        "s", "S", "Europe/Berlin",
        tuple(Interval(d, "09:00", "17:00") for d in WEEKDAYS[:5]),
        HolidaySet("DE", "BE"),
        closures=(Closure("2026-11-25", "Team offsite"),),
        special_openings=(SpecialOpening("2026-11-28", "10:00", "14:00", "Black Friday weekend"),
                          SpecialOpening("2026-12-25", "12:00", "13:00")),
    )
    hours = OpenHours(schedule)
    assert not hours.is_open(local(BERLIN, 2026, 11, 25, 10, 0))
    assert hours.closed_reason(date(2026, 11, 25)) == "Team offsite"
    assert hours.is_open(local(BERLIN, 2026, 11, 28, 10, 0))  # a Saturday
    assert not hours.is_open(local(BERLIN, 2026, 11, 28, 14, 0))
    assert hours.is_open(local(BERLIN, 2026, 12, 25, 12, 30))  # opens on the holiday
    assert not hours.is_open(local(BERLIN, 2026, 12, 25, 10, 0))  # but only the listed hours


def test_no_opening_and_never_closing() -> None:
    never = OpenHours(Schedule("never", "Never", "UTC"))
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert never.next_open(at) is None
    assert never.add_business_minutes(at, 10) is None
    always = OpenHours(Schedule("always", "Always", "UTC",
                                tuple(Interval(d, "00:00", "24:00") for d in WEEKDAYS)))
    assert always.next_close(at) is None
    assert always.is_open(at)
    assert always.add_business_minutes(at, 90) == at + timedelta(minutes=90)


# --- the promise: `minutes` of open time after an instant ---------------------------------------

OFFICE = Schedule("office", "Office", "Europe/Berlin",
                  tuple(Interval(d, "09:00", "17:00") for d in WEEKDAYS[:5]) + (Interval("sat", "22:00", "06:00"),),
                  HolidaySet("DE", "BE"))


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        ((2026, 11, 23, 16, 0), 60, (2026, 11, 23, 17, 0)),  # lands exactly at close: today, not tomorrow
        ((2026, 11, 23, 16, 0), 59, (2026, 11, 23, 16, 59)),  # one minute before close
        ((2026, 11, 23, 16, 0), 61, (2026, 11, 24, 9, 1)),  # one minute past: the rest tomorrow
        ((2026, 11, 23, 16, 59), 1, (2026, 11, 23, 17, 0)),  # the last open minute
        ((2026, 11, 23, 17, 0), 1, (2026, 11, 24, 9, 1)),  # at close: counts from the next opening
        ((2026, 11, 23, 8, 0), 480, (2026, 11, 23, 17, 0)),  # before opening: the whole day, to close
        ((2026, 11, 23, 9, 0), 481, (2026, 11, 24, 9, 1)),  # a whole day and a minute
        ((2026, 11, 23, 12, 0), 0, (2026, 11, 23, 12, 0)),  # nothing to add while open
        ((2026, 11, 27, 16, 30), 60, (2026, 11, 28, 22, 30)),  # Friday evening: the Saturday night shift
        ((2026, 11, 28, 23, 0), 420, (2026, 11, 29, 6, 0)),  # overnight span to its close on Sunday
        ((2026, 11, 28, 23, 0), 421, (2026, 11, 30, 9, 1)),  # past it: Monday
        # across Christmas (Fri 25th and Sat 26th are holidays; the night shift starts on the 26th)
        ((2026, 12, 24, 16, 30), 60, (2026, 12, 28, 9, 30)),
        # DST: the Saturday night shift of 28 March runs 22:00 CET to 06:00 CEST, seven hours
        ((2026, 3, 28, 22, 0), 420, (2026, 3, 29, 6, 0)),
        ((2026, 3, 28, 22, 0), 419, (2026, 3, 29, 5, 59)),
        ((2026, 3, 28, 22, 0), 421, (2026, 3, 30, 9, 1)),
        # the one of 24 October runs 22:00 CEST to 06:00 CET, nine hours
        ((2026, 10, 24, 22, 0), 540, (2026, 10, 25, 6, 0)),
        ((2026, 10, 24, 22, 0), 480, (2026, 10, 25, 5, 0)),
    ],
)
def test_add_business_minutes_boundaries(start: tuple[int, ...], minutes: int, expected: tuple[int, ...]) -> None:
    """The promise a visitor reads ("we answer by 17:00"): reaching the close is still today."""
    hours = OpenHours(OFFICE)
    at = local(BERLIN, *start)
    assert hours.add_business_minutes(at, minutes) == local(BERLIN, *expected)
    if minutes:  # and it is the inverse of counting open minutes
        assert hours.business_minutes(at, local(BERLIN, *expected)) == minutes


def test_adjacent_intervals_merge() -> None:
    hours = OpenHours(Schedule("s", "S", "UTC", (Interval("mon", "22:00", "24:00"), Interval("tue", "00:00", "06:00"))))
    monday = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    assert hours.next_close(monday) == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


def test_naive_time_and_unknown_zone_are_readable_errors() -> None:
    with pytest.raises(ScheduleError, match="time zone offset"):
        support_hours().is_open(datetime(2026, 1, 1, 10, 0))
    with pytest.raises(ScheduleError, match="unknown time zone"):
        OpenHours(Schedule("x", "X", "Mars/Olympus"))
    with pytest.raises(ScheduleError, match="not a date"):
        OpenHours(Schedule("x", "X", "UTC", closures=(Closure("2026-02-30"),)))
    with pytest.raises(ScheduleError, match="not a time of day"):
        OpenHours(Schedule("x", "X", "UTC", (Interval("mon", "9am", "17:00"),)))
    problems = check_schedule(Schedule("x", "X", "Mars/Olympus", holidays=HolidaySet("DE", "ZZ")))
    assert len(problems) == 2
    assert problems[0] == "unknown time zone 'Mars/Olympus' (expected an IANA name like Europe/Berlin)"
    assert problems[1].startswith("holidays: ") and "subdivision ZZ" in problems[1]
    assert check_schedule(support_hours().schedule) == []


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ((2026, 11, 27, 16, 30), "today 16:30"),
        ((2026, 11, 28, 9, 0), "tomorrow 09:00"),
        ((2026, 11, 29, 9, 0), "Sunday 09:00"),  # two days ahead: the weekday
        ((2026, 11, 30, 9, 0), "Monday 09:00"),
        ((2026, 12, 3, 9, 0), "Thursday 09:00"),  # six days ahead: still the weekday
        ((2026, 12, 4, 9, 0), "4 December 09:00"),  # a week ahead: the date
        ((2027, 1, 2, 9, 0), "2 January 09:00"),
        ((2027, 9, 23, 9, 0), "23 September 09:00"),  # 300 days ahead: no year yet
        ((2027, 9, 24, 9, 0), "24 September 2027 09:00"),  # 301 days ahead: with the year
        ((2027, 11, 2, 9, 0), "2 November 2027 09:00"),
        ((2026, 11, 26, 9, 0), "26 November 2026 09:00"),  # in the past: the full date
    ],
)
def test_relative_time(when: tuple[int, ...], expected: str) -> None:
    now = local(BERLIN, 2026, 11, 27, 10, 0)  # a Friday
    assert relative_time(local(BERLIN, *when), now, BERLIN) == expected


def test_relative_time_counts_days_in_the_schedules_zone() -> None:
    """23 November 20:00 UTC is already the 24th in Auckland: a time on the 24th is "today" there."""
    auckland = ZoneInfo("Pacific/Auckland")
    now = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
    assert relative_time(local(auckland, 2026, 11, 24, 10, 0), now, auckland) == "today 10:00"
    assert relative_time(local(auckland, 2026, 11, 25, 10, 0), now, auckland) == "tomorrow 10:00"


def test_unnamed_closure_and_reversed_or_split_spans() -> None:
    schedule = Schedule("s", "S", "UTC", (Interval("mon", "09:00", "12:00"), Interval("mon", "12:00", "14:00"),
                                          Interval("mon", "15:00", "17:00")),
                        closures=(Closure("2026-11-30"),))
    hours = OpenHours(schedule)
    assert hours.closed_reason(date(2026, 11, 30)) == "closed"
    assert hours.closed_reason(date(2026, 11, 23)) is None
    monday, tuesday = datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC)
    # adjacent spans merge, and the day's later span is still counted after the merge
    assert hours.business_minutes(monday, tuesday) == 7 * 60
    assert hours.next_close(monday + timedelta(hours=10)) == monday + timedelta(hours=14)
    assert hours.next_open(monday + timedelta(hours=14)) == monday + timedelta(hours=15)
    assert hours.business_minutes(tuesday, monday) == 0.0  # b before a


# --- property: the fast schedule agrees with a minute-by-minute reference -------------------------

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
         "Australia/Lord_Howe", "America/St_Johns"]
# Windows that include DST transitions of those zones, plus ordinary weeks.
WINDOW_STARTS = [datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 28, tzinfo=UTC),
                 datetime(2026, 4, 4, tzinfo=UTC), datetime(2026, 10, 3, tzinfo=UTC),
                 datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 10, 31, tzinfo=UTC),
                 datetime(2026, 6, 10, tzinfo=UTC)]

times = st.builds(lambda h, q: f"{h:02d}:{q * 15:02d}", st.integers(0, 23), st.integers(0, 3)) | st.just("24:00")
intervals = st.builds(Interval, st.sampled_from(WEEKDAYS), times, times)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    zone = draw(st.sampled_from(ZONES))
    weekly = tuple(draw(st.lists(intervals, min_size=0, max_size=5)))
    days = [date(2026, 3, 5) + timedelta(days=i) for i in range(5)] + \
           [date(2026, 10, 1) + timedelta(days=i) for i in range(35)]
    closures = tuple(Closure(d.isoformat()) for d in draw(st.lists(st.sampled_from(days), max_size=2)))
    specials = tuple(SpecialOpening(d.isoformat(), s, e) for d, s, e in draw(
        st.lists(st.tuples(st.sampled_from(days), times, times), max_size=2)))
    return Schedule("p", "P", zone, weekly, None, closures, specials)


def reference_walls(schedule: Schedule, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """Naive wall-clock [start, end) of every interval that starts on a day in first..last."""
    closures = {c.date for c in schedule.closures}
    out = []
    d = first
    while d <= last:
        specials = [(s.start, s.end) for s in schedule.special_openings if s.date == d.isoformat()]
        if d.isoformat() in closures:
            pairs: list[tuple[str, str]] = []
        elif specials:
            pairs = specials
        else:
            pairs = [(i.start, i.end) for i in schedule.weekly if i.day == WEEKDAYS[d.weekday()]]
        for start, end in pairs:
            sh, sm = map(int, start.split(":"))
            eh, em = map(int, end.split(":"))
            wall_start = datetime(d.year, d.month, d.day) + timedelta(hours=sh, minutes=sm)
            wall_end = datetime(d.year, d.month, d.day) + timedelta(hours=eh, minutes=em)
            if wall_end <= wall_start and end != "24:00":
                wall_end += timedelta(days=1)
            out.append((wall_start, wall_end))
        d += timedelta(days=1)
    return out


@pytest.mark.slow
@settings(max_examples=examples(50), deadline=None)
@given(schedules(), st.sampled_from(WINDOW_STARTS))
def test_is_open_agrees_with_minute_by_minute_reference(schedule: Schedule, window: datetime) -> None:
    """The reference walks minute by minute: an interval starts at the first minute whose wall time
    reaches its start (so a nonexistent start moves past the gap and a repeated one takes the first
    occurrence) and ends likewise at its end."""
    zone = ZoneInfo(schedule.timezone)
    hours = OpenHours(schedule)
    minutes = 3 * 24 * 60
    lead = 4 * 60  # earlier minutes so the running maximum of the wall clock is right
    walls = reference_walls(schedule, (window - timedelta(days=3)).date(), (window + timedelta(days=4)).date())
    running = datetime.min
    expected: list[bool] = []
    for k in range(-lead, minutes):
        instant = window + timedelta(minutes=k)
        running = max(running, instant.astimezone(zone).replace(tzinfo=None))
        if k >= 0:
            expected.append(any(s <= running < e for s, e in walls))
    actual = [hours.is_open(window + timedelta(minutes=k)) for k in range(minutes)]
    assert actual == expected
    # The scanning questions agree with the same reference.
    end = window + timedelta(minutes=minutes)
    assert hours.business_minutes(window, end) == sum(expected)
    probe = minutes // 3
    later = [k for k in range(probe, minutes) if expected[k]]
    if later:
        assert hours.next_open(window + timedelta(minutes=probe)) == window + timedelta(minutes=later[0])
    closed_later = [k for k in range(probe, minutes) if not expected[k]]
    if closed_later:
        assert hours.next_close(window + timedelta(minutes=probe)) == window + timedelta(minutes=closed_later[0])


@settings(max_examples=examples(100), deadline=None)
@given(schedules(), st.sampled_from(WINDOW_STARTS), st.integers(-3 * 24 * 60, 40 * 24 * 60), st.integers(0, 59))
def test_around_answers_the_three_questions_at_once(schedule: Schedule, window: datetime, minute: int,
                                                    second: int) -> None:
    """Routing asks `around` instead of `is_open`, `next_open` and `next_close` one by one."""
    hours = OpenHours(schedule)
    at = window + timedelta(minutes=minute, seconds=second)
    assert hours.around(at) == (hours.is_open(at), hours.next_open(at), hours.next_close(at))


def test_around_when_never_open_and_always_open() -> None:
    at = datetime(2026, 1, 1, 12, 30, 15, tzinfo=UTC)
    assert OpenHours(Schedule("never", "Never", "UTC")).around(at) == (False, None, at)
    always = OpenHours(Schedule("always", "Always", "UTC", tuple(Interval(d, "00:00", "24:00") for d in WEEKDAYS)))
    assert always.around(at) == (True, at, None)


def _walked_business_minutes(hours: OpenHours, at: datetime, minutes: int) -> datetime | None:
    """`add_business_minutes` by the full walk over `spans` (what the cached week must agree with)."""
    left = timedelta(minutes=minutes)
    for start, end in hours.spans(at):
        start = max(start, at)
        if end - start >= left:
            return start + left
        left -= end - start
    return None


@settings(max_examples=examples(100), deadline=None)
@given(schedules(), st.sampled_from(WINDOW_STARTS), st.integers(-3 * 24 * 60, 40 * 24 * 60),
       st.integers(0, 30 * 24 * 60))
def test_add_business_minutes_from_the_cached_week_equals_the_walk(schedule: Schedule, window: datetime,
                                                                   minute: int, minutes: int) -> None:
    hours = OpenHours(schedule)
    at = window + timedelta(minutes=minute, seconds=17)
    assert hours.add_business_minutes(at, minutes) == _walked_business_minutes(hours, at, minutes)
