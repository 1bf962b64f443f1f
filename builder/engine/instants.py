"""Event times (ISO 8601 text or datetimes) as epoch seconds, the conversation clock's unit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

UTC = UTC
_fromisoformat = datetime.fromisoformat


def epoch_seconds(value: Any) -> float:
    """Epoch seconds of an ISO 8601 instant (text or datetime); a time without an offset is
    UTC. ValueError for text that is not an ISO 8601 instant.

    `Session.observe` writes the common case inline. A table of the hours already read, and
    parsing the text by hand, were both measured slower than `fromisoformat` (in C)."""
    at = _fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(at, datetime):
        raise ValueError(f"event time {value!r} is not an ISO 8601 instant")
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.timestamp()
