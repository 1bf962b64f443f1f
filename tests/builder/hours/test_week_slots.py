"""Painted quarter hours ↔ schedule intervals: round trips, overnight spans, and edits that keep
untouched intervals verbatim."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.format.model import WEEKDAYS, Interval, Schedule
from builder.hours.schedule import OpenHours
from builder.hours.week_slots import (
    SLOTS_PER_DAY,
    WEEK_SLOTS,
    edit_intervals,
    interval_slots,
    intervals_to_slots,
    on_grid,
    paint,
    rectangle,
    runs,
    slot_text,
    slots_to_intervals,
    stretch,
    summary,
)
from rules_schema import validate
from tests.conftest import examples

slot_sets = st.frozensets(st.integers(0, WEEK_SLOTS - 1), max_size=200)
# Blocky sets (a few long runs) reach overnight and multi-day shapes that random slots rarely do.
blocks = st.lists(st.tuples(st.integers(0, WEEK_SLOTS - 1), st.integers(1, 3 * SLOTS_PER_DAY)), max_size=4).map(
    lambda pairs: frozenset((a + k) % WEEK_SLOTS for a, n in pairs for k in range(n)))
any_slots = st.one_of(slot_sets, blocks)


def slot(day: str, hhmm: str) -> int:
    hours, minutes = map(int, hhmm.split(":"))
    return WEEKDAYS.index(day) * SLOTS_PER_DAY + (hours * 60 + minutes) // 15


def schedule_doc(intervals: tuple[Interval, ...]) -> dict[str, object]:
    weekly = [iv.to_dict() for iv in intervals]
    return {"$schema": "x", "schema_version": 1, "metadata": {"name": "t", "version": "1.0.0"},
            "settings": {"evaluation_mode": "first_match"}, "rules": [], "templates": [],
            "schedules": [{"id": "s", "name": "S", "timezone": "UTC", "weekly": weekly}],
            "routing": {"teams": [], "offline_mode": "email", "sla": {}}, "channels": []}


@settings(max_examples=examples(150), deadline=None)
@given(any_slots)
def test_slots_round_trip_exactly(slots: frozenset[int]) -> None:
    intervals = slots_to_intervals(slots)
    assert intervals_to_slots(intervals) == slots
    assert slots_to_intervals(intervals_to_slots(intervals)) == intervals


@settings(max_examples=examples(60), deadline=None)
@given(any_slots)
def test_intervals_are_valid_and_disjoint_for_the_validator(slots: frozenset[int]) -> None:
    problems = [p for p in validate(schedule_doc(slots_to_intervals(slots)))
                if p.path.startswith("$.schedules") and p.code != "schedule.never_open"]
    assert problems == []


@settings(max_examples=examples(60), deadline=None)
@given(any_slots)
def test_intervals_mean_the_painted_slots_to_the_schedule_engine(slots: frozenset[int]) -> None:
    """Reference: the real OpenHours, asked at the middle of every slot of a week (UTC zone)."""
    hours = OpenHours(Schedule("s", "S", "UTC", slots_to_intervals(slots)))
    monday = datetime(2026, 11, 23, tzinfo=hours.zone)  # a Monday without DST changes in UTC
    assert date(2026, 11, 23).weekday() == 0
    opened = {k for k in range(WEEK_SLOTS) if hours.is_open(monday + timedelta(minutes=15 * k + 7))}
    assert opened == slots


@settings(max_examples=examples(100), deadline=None)
@given(any_slots)
def test_one_interval_per_run_unless_a_run_is_a_day_or_longer(slots: frozenset[int]) -> None:
    found = slots_to_intervals(slots)
    long_runs = [length for _first, length in runs(slots) if length >= SLOTS_PER_DAY]
    if not long_runs:
        assert len(found) == len(runs(slots))


def test_overnight_block_stays_one_interval() -> None:
    painted = stretch((0, slot("mon", "22:00")), (1, slot("mon", "05:45")))
    assert slots_to_intervals(painted) == (Interval("mon", "22:00", "06:00"),)
    assert interval_slots(Interval("mon", "22:00", "06:00")) == painted


def test_sunday_night_wraps_into_monday_morning() -> None:
    painted = paint(frozenset(range(slot("sun", "23:00"), WEEK_SLOTS)), range(8), True)
    assert slots_to_intervals(painted) == (Interval("sun", "23:00", "02:00"),)


def test_full_days_end_at_24_and_long_runs_split_at_midnight() -> None:
    assert slots_to_intervals(range(SLOTS_PER_DAY)) == (Interval("mon", "00:00", "24:00"),)
    assert slots_to_intervals(range(WEEK_SLOTS)) == tuple(Interval(d, "00:00", "24:00") for d in WEEKDAYS)
    long = frozenset(range(slot("mon", "22:00"), slot("wed", "06:00")))
    assert slots_to_intervals(long) == (Interval("mon", "22:00", "24:00"), Interval("tue", "00:00", "24:00"),
                                        Interval("wed", "00:00", "06:00"))


def test_rectangle_paints_mon_to_fri_nine_to_five() -> None:
    region = rectangle((0, slot("mon", "09:00")), (4, slot("mon", "16:45")))
    assert slots_to_intervals(region) == tuple(Interval(d, "09:00", "17:00") for d in WEEKDAYS[:5])


def test_edit_keeps_untouched_intervals_verbatim() -> None:
    odd = Interval("tue", "08:10", "12:05")  # off the quarter-hour grid
    old = (Interval("mon", "09:00", "17:00"), odd)
    assert not on_grid(old)
    grown = paint(intervals_to_slots(old), range(slot("mon", "17:00"), slot("mon", "18:00")), True)
    assert edit_intervals(old, grown) == (Interval("mon", "09:00", "18:00"), odd)
    assert edit_intervals(old, intervals_to_slots(old)) == old
    erased = paint(intervals_to_slots(old), range(slot("mon", "12:00"), slot("mon", "13:00")), False)
    assert edit_intervals(old, erased) == (Interval("mon", "09:00", "12:00"), Interval("mon", "13:00", "17:00"), odd)


def test_interval_off_grid_rounds_outward() -> None:
    assert interval_slots(Interval("mon", "08:10", "08:20")) == {slot("mon", "08:00"), slot("mon", "08:15")}
    assert interval_slots(Interval("mon", "09:00", "09:00")) == frozenset()  # empty, the validator says so


def test_texts() -> None:
    assert slot_text(slot("tue", "14:15")) == "Tue 14:15–14:30"
    assert summary([Interval("mon", "22:00", "06:00")]) == "Mon 22:00–06:00 (overnight)"
    assert summary([]) == "closed all week"
