"""Event times (ISO 8601 text or datetimes) as epoch seconds, the conversation clock's unit.

The clock takes instants from 1970 to 2200 (UTC) with offsets within ±14 hours
(`builder.format.conversation_checks`): a year 9999 or 0001 instant would overflow the calendar
arithmetic of schedules and decisions, so it is refused here, with `EventTimeError`, before it
changes anything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from builder.format.conversation_checks import EARLIEST_SECONDS, LATEST_SECONDS, instant_bounds

UTC = UTC
_fromisoformat = datetime.fromisoformat


class EventTimeError(ValueError):
    """An event's `at` is not an ISO 8601 instant the conversation clock can take (the session is
    left as it was)."""


def parse_event_time(value: str) -> datetime:
    """`fromisoformat`, also taking RFC 3339's lower-case `t` and `z`; EventTimeError otherwise."""
    try:
        return _fromisoformat(value)
    except ValueError:
        try:
            return _fromisoformat(value.upper())
        except ValueError:
            shown = value if len(value) <= 40 else value[:37] + "…"
            raise EventTimeError(f"event time {shown!r} is not an ISO 8601 instant") from None


def epoch_seconds(value: Any) -> float:
    """Epoch seconds of an ISO 8601 instant (text or datetime); a time without an offset is
    UTC. EventTimeError (a ValueError) for anything else, or an instant out of bounds.

    `Session.observe` writes the common case inline. A table of the hours already read, and
    parsing the text by hand, were both measured slower than `fromisoformat` (in C)."""
    at = parse_event_time(value) if isinstance(value, str) else value
    if not isinstance(at, datetime):
        raise EventTimeError(f"event time {value!r} is not an ISO 8601 instant")
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    problem = instant_bounds(at)
    if problem:
        raise EventTimeError(f"event time {at.isoformat()} {problem}")
    return at.timestamp()


def in_bounds(t: float) -> bool:
    """Whether epoch seconds `t` lie within the clock's years (the inline check of `observe`)."""
    return EARLIEST_SECONDS <= t <= LATEST_SECONDS
