"""A quick "surely fine" test for one conversation, so the schema checker runs only on doubt.

Running the compiled schema checker on every conversation cost ~0.14 ms each, more than deciding
a short conversation. Nearly every conversation a host sends is plainly valid, made of the common
event types (visitor, bot, page view) with well-formed instants. `plainly_valid` recognises exactly
those with plain Python and answers True only when the schema (and the engine's instant bounds)
would find nothing; on anything else (other event types, lower-case `t`/`z`, NaN, a year near the
bounds, a subclass of str...) it answers False and `check_conversation` runs the full checker, which
stays the one truth and words the problem. A differential test holds it to that checker.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

_TOP = frozenset({"id", "visitor", "events", "expect"})
_EXPECT = frozenset({"escalate", "rule", "turn", "trigger", "handoff", "team", "priority", "tags"})
_HANDOFFS = frozenset({"instant", "callback", "email"})
_PRIORITIES = frozenset({"low", "normal", "high", "urgent"})
_INF = float("inf")
# RFC 3339 with upper-case T and Z, years 1971-2199 and offsets within ±14:00: always inside the
# engine's bounds (1970-01-01 to 2200-12-31 UTC); the day of the month is left to fromisoformat.
_INSTANT = re.compile(r"(?:19[7-9]\d|2[01]\d\d)-[01]\d-[0-3]\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
                      r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))").fullmatch
_fromisoformat = datetime.fromisoformat


def _number(value: Any) -> bool:
    kind = type(value)
    return kind is int or (kind is float and -_INF < value < _INF)


def _instant(value: Any) -> bool:
    if type(value) is not str or _INSTANT(value) is None or value.startswith("1970"):
        return False
    try:
        _fromisoformat(value)
    except ValueError:
        return False
    return True


def _values(values: Any) -> bool:
    if type(values) is not dict:
        return False
    for value in values.values():
        kind = type(value)
        if not (kind is str or kind is bool or value is None or _number(value)):
            return False
    return True


def _visitor(visitor: Any) -> bool:
    if type(visitor) is not dict:
        return False
    get = visitor.get
    for key in ("name", "email"):
        if key in visitor and type(get(key)) is not str:
            return False
    for key in ("returning", "previous_chat_failed"):
        if key in visitor and type(get(key)) is not bool:
            return False
    if "score" in visitor and not _number(get("score")):
        return False
    return "attributes" not in visitor or _values(get("attributes"))


def _bot(event: dict[str, Any]) -> bool:
    get = event.get
    if "text" in event and type(get("text")) is not str:
        return False
    if "confidence" in event:
        confidence = event["confidence"]
        if not _number(confidence) or not 0 <= confidence <= 1:
            return False
    for key in ("fallback", "resolved"):
        if key in event and type(get(key)) is not bool:
            return False
    return "intent" not in event or get("intent") is None or type(get("intent")) is str


def _event(event: Any) -> bool:
    if type(event) is not dict or not _instant(event.get("at")):
        return False
    kind = event.get("type")
    if kind == "visitor":
        return type(event.get("text")) is str
    if kind == "bot":
        return _bot(event)
    if kind == "page_view":
        return type(event.get("url")) is str
    return False  # other types: the full checker decides


def _expect(expect: Any) -> bool:
    if type(expect) is not dict or not expect.keys() <= _EXPECT or type(expect.get("escalate")) is not bool:
        return False
    get = expect.get
    for key in ("trigger", "team"):
        if key in expect and type(get(key)) is not str:
            return False
    if "rule" in expect and not (get("rule") is None or type(get("rule")) is str):
        return False
    if "turn" in expect and not (get("turn") is None or (type(expect["turn"]) is int and expect["turn"] >= 1)):
        return False
    if "handoff" in expect and not (type(get("handoff")) is str and get("handoff") in _HANDOFFS):
        return False
    if "priority" in expect and not (type(get("priority")) is str and get("priority") in _PRIORITIES):
        return False
    tags = get("tags", [])
    return type(tags) is list and all(type(tag) is str for tag in tags)


def plainly_valid(data: Any) -> bool:
    """True only when `data` is a conversation the schema and the engine's bounds surely accept;
    False means "not sure": run the full checker."""
    if type(data) is not dict or not data.keys() <= _TOP:
        return False
    cid, events = data.get("id"), data.get("events")
    if type(cid) is not str or not cid or type(events) is not list:
        return False
    if "visitor" in data and not _visitor(data["visitor"]):
        return False
    if "expect" in data and not _expect(data["expect"]):
        return False
    for event in events:
        if not _event(event):
            return False
    return True
