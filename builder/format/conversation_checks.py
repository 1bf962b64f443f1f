"""Is this one conversation usable? The schema decides, plus the bounds the engine's clock needs.

One checker: `conversation.v1.schema.json`, run by the compiled checker (`rules_schema.fastcheck`,
differential-tested against jsonschema), its errors worded for a person. A conversation that is
plainly valid (`conversation_quick`, differential-tested against this checker) skips it. On top of the schema,
what the format leaves open but the engine cannot take:

- instants from 1970-01-01 to 2200-12-31 (UTC) with an offset within ±14 hours (the widest real
  offset): year 9999 or 0001 overflows the calendar arithmetic of schedules and decisions;
- lone surrogates (`"\\ud800"`: legal JSON escapes, not text) are replaced by U+FFFD, so an id or
  a message can always be printed and written as UTF-8;
- NaN and Infinity are refused by the reader (they are not JSON, and a decision could not be
  written back as JSON).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from builder.format.conversation_quick import plainly_valid

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC)
MAX_OFFSET = timedelta(hours=14)
EARLIEST_SECONDS, LATEST_SECONDS = EARLIEST.timestamp(), LATEST.timestamp()

_TYPE_WORDS = {"string": "a text", "number": "a number", "integer": "a whole number", "boolean": "true or false",
               "array": "a list", "object": "an object ({…})", "null": "null"}
_NEEDS = {"text": "a text", "url": "a url", "action": "an action", "values": "values (an object)"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_instant(value: Any) -> datetime:
    """An RFC 3339 instant (`T`/`Z` in either case) within the engine's bounds, as an aware
    datetime; ValueError with a readable message otherwise."""
    if not isinstance(value, str):
        raise ValueError("is not a date-time text")
    try:
        at = datetime.fromisoformat(value.upper() if not value.isupper() else value)
    except ValueError:
        raise ValueError(f"{_short(value)} is not a date and time like 2026-11-27T09:00:00Z") from None
    if at.tzinfo is None:
        raise ValueError(f"{_short(value)} has no time zone offset (add Z or +01:00)")
    bound_problem = instant_bounds(at)
    if bound_problem:
        raise ValueError(f"{_short(value)} {bound_problem}")
    return at


def instant_bounds(at: datetime) -> str | None:
    """Why an aware datetime is outside what the engine takes (None when inside)."""
    offset = at.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        return "has an offset beyond ±14 hours"
    if not EARLIEST_SECONDS <= at.timestamp() <= LATEST_SECONDS:
        return "is outside the years 1970 to 2200"
    return None


def _short(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "…")


def without_lone_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its texts (keys too) replaced by U+FFFD; the same
    object when there is none (the common case costs one scan of the texts)."""
    if not _has_lone_surrogate(value):
        return value
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [without_lone_surrogates(v) for v in value]
    return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}


def _has_lone_surrogate(value: Any) -> bool:
    if type(value) is str:
        return not value.isascii() and _SURROGATE.search(value) is not None
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    return False


def has_surrogate_escape(line: str) -> bool:
    """Whether a JSON text may decode to a lone surrogate (a `\\uD800`–`\\uDFFF` escape)."""
    return "\\u" in line and re.search(r"\\u[dD][89a-fA-F]", line) is not None


def check_conversation(data: Any) -> list[str]:
    """Problems of one conversation (empty when fine), `$.path: what is wrong`, in document order."""
    if plainly_valid(data):
        return []
    return full_check(data)


def full_check(data: Any) -> list[str]:
    """`check_conversation` without the quick path: the compiled schema checker on every line."""
    from rules_schema.schemas import fast_validator

    if not isinstance(data, Mapping):
        return ["$: a conversation must be a JSON object"]
    errors = sorted(fast_validator("conversation").iter_errors(data), key=lambda e: _order(e.absolute_path))
    problems = [_plain(e) for e in errors]
    events = data.get("events")
    if isinstance(events, list):
        for i, event in enumerate(events):
            at = event.get("at") if isinstance(event, dict) else None
            if isinstance(at, str) and not any(e.absolute_path[:3] == ["events", i, "at"] for e in errors):
                try:
                    parse_instant(at)
                except ValueError as exc:
                    problems.append(f"$.events[{i}].at: {exc}")
    return problems


def check_event(event: Any, where: str = "$") -> list[str]:
    """Problems of one event on its own (empty when fine), each `location: message` under `where`:
    the same checker as a whole conversation's (what the decision service checks a posted one with).

    Why two steps: the decision service checks every posted event, and nearly all are fine. A
    yes-or-no check of the event part of the schema (plus its `at`) answers those in a fraction of
    the time; only an event with a problem goes through the whole conversation's checker, whose
    errors are worded and ordered (a conversation is valid exactly when each of its events is)."""
    if _event_is_fine(event):
        return []
    return check_event_in_conversation(event, where)


def check_event_in_conversation(event: Any, where: str = "$") -> list[str]:
    """`check_event` the long way: the event inside a conversation of its own, every problem worded."""
    return _relocated(check_conversation({"id": "event", "events": [event]}), "$.events[0]", where)


def _event_is_fine(event: Any) -> bool:
    from rules_schema.schemas import fast_part_check

    is_valid = fast_part_check("conversation", "event")
    if is_valid is None or not is_valid(event):
        return False
    at = event.get("at")
    return not isinstance(at, str) or _instant_is_fine(at)


@lru_cache(maxsize=1024)  # the service's placeholder instant, repeated timestamps
def _instant_is_fine(text: str) -> bool:
    try:
        parse_instant(text)
    except ValueError:
        return False
    return True


def check_visitor(visitor: Any, where: str = "$.visitor") -> list[str]:
    """Problems of a visitor profile object on its own (empty when fine), under `where`."""
    return _relocated(check_conversation({"id": "visitor", "events": [], "visitor": visitor}), "$.visitor", where)


def _relocated(problems: list[str], inside: str, where: str) -> list[str]:
    return [where + p[len(inside):] for p in problems if p.startswith(inside)]


def _order(path: Any) -> list[tuple[int, Any]]:
    return [(0, p) if isinstance(p, int) else (1, str(p)) for p in path]


def _plain(error: Any) -> str:
    from rules_schema.problems import json_path

    path = list(error.absolute_path)
    where, keyword, value, instance = json_path(path), error.validator, error.validator_value, error.instance
    if keyword == "required":
        missing = [k for k in value if isinstance(instance, dict) and k not in instance]
        key = missing[0] if missing else value[0]
        kind = instance.get("type") if isinstance(instance, dict) else None
        need = f" (a {kind} event needs {_NEEDS[key]})" if key in _NEEDS and isinstance(kind, str) else ""
        return f"{json_path([*path, key])}: missing{need}"
    if keyword == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = [k for k in instance if k not in known] if isinstance(instance, dict) else []
        return f"{json_path([*path, extra[0]]) if extra else where}: unknown field"
    if keyword == "type":
        if not path:
            return "$: a conversation must be a JSON object"
        wanted = [value] if isinstance(value, str) else value
        return f"{where}: must be {' or '.join(_TYPE_WORDS.get(w, w) for w in wanted)}"
    if keyword in ("minimum", "maximum"):
        low, high = error.schema.get("minimum"), error.schema.get("maximum")
        if low is not None and high is not None:
            return f"{where}: must be a number from {low} to {high}"
        return f"{where}: must be {'at least' if keyword == 'minimum' else 'at most'} {value}"
    if keyword == "format" and value == "date-time":
        text = instance if isinstance(instance, str) else str(instance)
        if re.fullmatch(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?", text):
            return f"{where}: {_short(text)} has no time zone offset (add Z or +01:00)"
        return f"{where}: {_short(text)} is not a date and time with an offset like 2026-11-27T09:00:00Z"
    if keyword == "minLength":
        return f"{where}: must not be empty"
    if keyword == "enum":
        return f"{where}: must be one of {', '.join(map(str, value))}"
    return f"{where}: does not satisfy {keyword}"
