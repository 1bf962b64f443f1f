"""Semantic checks of schedules: time zones, empty and overlapping opening hours, holiday sets.

Intervals are placed on a week of minutes (Monday 00:00 = 0); an overnight span (end not after
start) runs into the next day and Sunday night wraps to Monday morning, so "Sun 22:00–02:00"
overlaps "Mon 01:00–09:00".
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from rules_schema.context import Context, items, suggest, text
from rules_schema.locations import DAY_NAMES, Part
from rules_schema.problems import WARNING

DAYS = tuple(DAY_NAMES)
WEEK = 7 * 24 * 60


@cache
def timezone_error(name: str) -> str | None:
    """Why `name` is not an IANA time zone, or None when zoneinfo knows it."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"'{name}' is not a time zone name such as Europe/Berlin{suggest(name, _zone_names())}"
    return None


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


@cache
def _holiday_countries() -> frozenset[str]:
    """The country codes (aliases too) `holidays` knows, from its registry: the same codes as
    `holidays.list_supported_countries()`, which imports every country's module (~0.3 s at start)."""
    from holidays.registry import EntityLoader  # only loaded when a schedule names a holiday set

    return frozenset(EntityLoader.get_country_codes(include_aliases=True))


@cache
def _holiday_regions(country: str) -> tuple[str, ...]:
    """The subdivisions of one known country (loads that country's module only)."""
    import holidays

    return tuple(getattr(holidays, country).subdivisions)


def _minutes(clock: Any) -> int | None:
    if not isinstance(clock, str) or len(clock) != 5 or clock[2] != ":":
        return None
    try:
        hours, minutes = int(clock[:2]), int(clock[3:])
    except ValueError:
        return None
    if hours == 24 and minutes == 0:
        return 24 * 60
    return hours * 60 + minutes if hours < 24 and minutes < 60 else None


def check_schedules(ctx: Context) -> None:
    for index, schedule in items(ctx.doc, "schedules"):
        parts: list[Part] = ["schedules", index]
        zone = text(schedule, "timezone")
        if zone:
            why = timezone_error(zone)
            if why:
                ctx.add([*parts, "timezone"], why, "schedule.timezone")
        _check_weekly(ctx, schedule, parts)
        _check_holidays(ctx, schedule, parts)
        for k, opening in items(schedule, "special_openings"):
            start, end = _minutes(opening.get("start")), _minutes(opening.get("end"))
            if start is not None and end is not None and (start == end or start == 24 * 60):
                ctx.add([*parts, "special_openings", k], "opens and closes at the same time", "schedule.empty_interval")
        weekly = schedule.get("weekly")
        if isinstance(weekly, list) and not weekly and not schedule.get("special_openings"):
            ctx.add([*parts, "weekly"], "no opening hours: the team is always closed", "schedule.never_open", WARNING)


def _check_weekly(ctx: Context, schedule: dict[str, Any], parts: list[Part]) -> None:
    spans: list[tuple[int, int, int]] = []  # (start, end, interval index) in week minutes
    for k, interval in items(schedule, "weekly"):
        day = interval.get("day")
        start, end = _minutes(interval.get("start")), _minutes(interval.get("end"))
        if day not in DAYS or start is None or end is None:
            continue  # the schema reports it
        if start == end or start == 24 * 60:
            ctx.add([*parts, "weekly", k], "opens and closes at the same time; for a whole day use 00:00–24:00",
                    "schedule.empty_interval")
            continue
        base = DAYS.index(day) * 24 * 60
        finish = base + (end if end > start else end + 24 * 60)
        begin = base + start
        if finish <= WEEK:
            spans.append((begin, finish, k))
        else:
            spans.append((begin, WEEK, k))
            spans.append((0, finish - WEEK, k))
    spans.sort()
    reported: set[int] = set()
    for i, (_begin, finish, k) in enumerate(spans):
        for other_begin, _, other_k in spans[i + 1:]:
            if other_begin >= finish:
                break
            if other_k != k and other_k not in reported:
                reported.add(other_k)
                first = _interval_words(schedule, k)
                ctx.add([*parts, "weekly", other_k], f"overlaps {first}", "schedule.overlap")


def _interval_words(schedule: dict[str, Any], k: int) -> str:
    interval = schedule["weekly"][k]
    return f"{DAY_NAMES[interval['day']]} {interval['start']}–{interval['end']}"


def _check_holidays(ctx: Context, schedule: dict[str, Any], parts: list[Part]) -> None:
    hol = schedule.get("holidays")
    country = text(hol, "country")
    if not isinstance(hol, dict) or country is None or len(country) != 2 or not country.isupper():
        return
    if country not in _holiday_countries():
        ctx.add([*parts, "holidays", "country"], f"no public holidays are known for the country '{country}', so "
                "none will be applied", "schedule.holidays", WARNING)
        return
    sub = text(hol, "subdivision")
    regions = _holiday_regions(country) if sub is not None else ()
    if sub is not None and sub not in regions:
        known = ", ".join(regions[:12]) or "none"
        ctx.add([*parts, "holidays", "subdivision"], f"'{sub}' is not a region of {country} with its own "
                f"holidays{suggest(sub, regions)} (known: {known}); national holidays are used",
                "schedule.holidays", WARNING)
