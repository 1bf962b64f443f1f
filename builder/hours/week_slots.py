"""Weekly opening hours as painted quarter hours, and back to the schedule's intervals.

Why a slot view: the hours editor lets a manager paint a week of 7 × 96 fifteen-minute slots with
the mouse; the ruleset stores `model.Interval`s. Both directions live here, Qt-free, so they are
tested on their own (round trips) and the grid widget only paints sets of numbers.

* A slot is `day * 96 + quarter` (Monday 00:00 = 0, Sunday 23:45 = 671); the week is cyclic, so
  a Sunday-night shift continues on Monday morning, as `rules_schema.checks.schedule_checks` reads it.
* Interval → slots: every slot the interval covers at least partly is open (hours off the
  15-minute grid are rounded outward for display).
* Slots → intervals: adjacent open slots merge into one run; a run is cut at midnight only when
  one interval cannot hold it. An interval may run past midnight when it ends before it started
  (`{"day": "mon", "start": "22:00", "end": "06:00"}`), so a run that starts after midnight and
  lasts under a day stays ONE overnight interval; a run starting at 00:00 ends with "24:00".
* `edit_intervals` applies a painted result to existing intervals and keeps every interval the
  paint stroke did not touch exactly as it was (minutes off the grid included).
"""

from __future__ import annotations

from collections.abc import Iterable

from builder.format.model import WEEKDAYS, Interval

SLOT_MINUTES = 15
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES  # 96
WEEK_SLOTS = 7 * SLOTS_PER_DAY  # 672
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES

Slots = frozenset[int]


def clock(minutes: int) -> str:
    """"HH:MM" of minutes after midnight (1440 is "24:00")."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse(text: str) -> int | None:
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit():
        return None
    value = int(hours) * 60 + int(minutes)
    return value if 0 <= value <= DAY_MINUTES else None


def interval_minutes(interval: Interval) -> tuple[int, int] | None:
    """(start, end) in week minutes (end may pass the week's end); None when unreadable or empty."""
    if interval.day not in WEEKDAYS:
        return None
    start, end = _parse(interval.start), _parse(interval.end)
    if start is None or end is None or start == DAY_MINUTES or start == end:
        return None
    if end < start:
        end += DAY_MINUTES
    base = WEEKDAYS.index(interval.day) * DAY_MINUTES
    return base + start, base + end


def interval_slots(interval: Interval) -> Slots:
    """The slots `interval` covers at least partly (wrapping from Sunday into Monday)."""
    span = interval_minutes(interval)
    if span is None:
        return frozenset()
    start, end = span
    first, last = start // SLOT_MINUTES, -(-end // SLOT_MINUTES)
    return frozenset(slot % WEEK_SLOTS for slot in range(first, last))


def intervals_to_slots(intervals: Iterable[Interval]) -> Slots:
    """Every slot any of `intervals` covers."""
    out: set[int] = set()
    for interval in intervals:
        out |= interval_slots(interval)
    return frozenset(out)


def runs(slots: Iterable[int]) -> list[tuple[int, int]]:
    """Maximal runs of open slots as (first slot, length), cyclic over the week, sorted by first
    slot; a full week is one run starting Monday 00:00."""
    open_ = {s % WEEK_SLOTS for s in slots}
    if len(open_) == WEEK_SLOTS:
        return [(0, WEEK_SLOTS)]
    out: list[tuple[int, int]] = []
    for slot in sorted(open_):
        if (slot - 1) % WEEK_SLOTS in open_:
            continue  # not the start of a run
        length = 1
        while (slot + length) % WEEK_SLOTS in open_:
            length += 1
        out.append((slot, length))
    return out


def _run_intervals(first: int, length: int) -> list[Interval]:
    """One run of slots as few intervals as possible, each starting on its own day."""
    out: list[Interval] = []
    start, left = first * SLOT_MINUTES, length * SLOT_MINUTES
    while left > 0:
        day, offset = divmod(start, DAY_MINUTES)
        room = DAY_MINUTES - offset  # until midnight
        if offset == 0:
            take = min(left, DAY_MINUTES)  # from midnight: at most to 24:00 (00:00-00:00 is not valid)
        elif left <= room or left < DAY_MINUTES:
            take = left  # the same day, or overnight ending before the start time
        else:
            take = room
        end = offset + take
        end_text = "24:00" if end == DAY_MINUTES else clock(end % DAY_MINUTES)
        out.append(Interval(WEEKDAYS[day % 7], clock(offset), end_text))
        start, left = (start + take) % WEEK_MINUTES, left - take
    return out


def slots_to_intervals(slots: Iterable[int]) -> tuple[Interval, ...]:
    """The canonical intervals of painted `slots`, sorted by day and start."""
    out = [iv for first, length in runs(slots) for iv in _run_intervals(first, length)]
    return tuple(sorted(out, key=interval_key))


def interval_key(interval: Interval) -> tuple[int, str]:
    return (WEEKDAYS.index(interval.day) if interval.day in WEEKDAYS else 7, interval.start)


def rectangle(anchor: tuple[int, int], current: tuple[int, int]) -> Slots:
    """The slots of the days and quarter hours between two (day, quarter) corners."""
    (d1, q1), (d2, q2) = anchor, current
    return frozenset(d * SLOTS_PER_DAY + q for d in range(min(d1, d2), max(d1, d2) + 1)
                     for q in range(min(q1, q2), max(q1, q2) + 1))


def stretch(anchor: tuple[int, int], current: tuple[int, int]) -> Slots:
    """The slots from one (day, quarter) to another in week order (one continuous span, e.g. an
    overnight shift painted from Monday 22:00 down to Tuesday 05:45)."""
    a, b = (d * SLOTS_PER_DAY + q for d, q in (anchor, current))
    return frozenset(range(min(a, b), max(a, b) + 1))


def paint(slots: Slots, region: Iterable[int], open_: bool) -> Slots:
    """`slots` with `region` opened (`open_`) or closed."""
    region_set = {s % WEEK_SLOTS for s in region}
    return frozenset(slots | region_set) if open_ else frozenset(slots - region_set)


def _touched(interval: Interval, changed: Slots) -> bool:
    covered = interval_slots(interval)
    if not covered:
        return False
    near = set(covered)
    for first, length in runs(covered):
        near.add((first - 1) % WEEK_SLOTS)
        near.add((first + length) % WEEK_SLOTS)
    return bool(near & changed)


def edit_intervals(intervals: Iterable[Interval], new_slots: Iterable[int]) -> tuple[Interval, ...]:
    """Intervals after a paint stroke: untouched ones kept verbatim, the rest rebuilt from slots.

    An interval is touched when a changed slot lies inside it or right next to it (painting next
    to it grows it); unreadable intervals are kept for the validator to report."""
    old = tuple(intervals)
    new = frozenset(s % WEEK_SLOTS for s in new_slots)
    changed = intervals_to_slots(old) ^ new
    if not changed:
        return old
    kept = [iv for iv in old if interval_minutes(iv) is None or not _touched(iv, changed)]
    rest = new - intervals_to_slots(kept)
    return tuple(sorted([*kept, *slots_to_intervals(rest)], key=interval_key))


def on_grid(intervals: Iterable[Interval]) -> bool:
    """True when every interval starts and ends on a quarter hour (the grid shows it exactly)."""
    for interval in intervals:
        for text in (interval.start, interval.end):
            value = _parse(text)
            if value is not None and value % SLOT_MINUTES:
                return False
    return True


def slot_text(slot: int) -> str:
    """"Mon 09:15–09:30" for a week slot."""
    day, quarter = divmod(slot % WEEK_SLOTS, SLOTS_PER_DAY)
    start = quarter * SLOT_MINUTES
    return f"{WEEKDAYS[day].title()} {clock(start)}–{clock(start + SLOT_MINUTES)}"


def interval_text(interval: Interval) -> str:
    """"Mon 22:00–06:00 (overnight)" for display."""
    span = interval_minutes(interval)
    night = span is not None and span[1] - (span[0] // DAY_MINUTES) * DAY_MINUTES > DAY_MINUTES
    return f"{interval.day.title()} {interval.start}–{interval.end}" + (" (overnight)" if night else "")


def summary(intervals: Iterable[Interval]) -> str:
    """A one-line reading of the week for screen readers and tooltips."""
    items = [interval_text(iv) for iv in sorted(intervals, key=interval_key)]
    return ", ".join(items) if items else "closed all week"
