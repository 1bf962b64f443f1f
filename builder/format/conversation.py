"""Reading conversations (JSON Lines, one conversation a line) without ever crashing on a bad line.

`read_conversations` is a generator: memory stays flat however long the file. A malformed line
becomes a `LineError` with its line number (the caller reports it and goes on); unknown event
types are kept as they are and ignored by the engine.

Mid-conversation updates: a `profile` event carries visitor fields (as in `visitor`) merged into
the profile from that event on (`attributes` key by key); a `context` event carries `values`,
what the host knows about this conversation, read by `visitor.attribute` before the profile's
attributes. Format version 1 already allowed unknown event types, so these need no new version:
a reader that predates them keeps and ignores them, as it does any unknown type.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

KNOWN_EVENT_TYPES = ("visitor", "bot", "page_view", "cart", "resolved", "profile", "context")
_SCALAR = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Conversation:
    """One conversation as read: its id, visitor profile, events and optional expectation."""

    id: str
    events: tuple[dict[str, Any], ...]
    visitor: Mapping[str, Any] = field(default_factory=dict)
    expect: Mapping[str, Any] | None = None
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.visitor:
            out["visitor"] = dict(self.visitor)
        out["events"] = [dict(e) for e in self.events]
        if self.expect is not None:
            out["expect"] = dict(self.expect)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], line: int = 0) -> Conversation:
        """A checked conversation; raises ConversationError with a readable message."""
        problems = check_conversation(data)
        if problems:
            raise ConversationError("; ".join(problems))
        return cls(
            id=str(data["id"]),
            events=tuple(data["events"]),
            visitor=data.get("visitor") or {},
            expect=data.get("expect"),
            line=line,
        )


@dataclass(frozen=True)
class LineError:
    """A line that could not be read; `line` counts from 1."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ConversationError(ValueError):
    """A conversation that does not follow the format."""


def parse_instant(value: Any) -> datetime:
    """An ISO 8601 instant with an offset (or Z), as an aware datetime; ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError("is not a date-time text")
    at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone offset (add Z or +01:00)")
    return at


def _check_event(i: int, event: Any) -> list[str]:
    return check_event(event, f"$.events[{i}]")


def check_event(event: Any, where: str = "$") -> list[str]:
    """Problems of one event (empty when fine), each `location: message` under `where`: the
    conversation format's rules for an event, also what the decision service checks a posted one with."""
    if not isinstance(event, dict):
        return [f"{where}: an event must be an object"]
    problems: list[str] = []
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        problems.append(f"{where}.type: missing or not a text")
    try:
        parse_instant(event.get("at"))
    except ValueError as exc:
        problems.append(f"{where}.at: {exc}" if "at" in event else f"{where}.at: missing")
    if kind == "visitor" and not isinstance(event.get("text"), str):
        problems.append(f"{where}.text: a visitor message needs a text")
    elif kind == "bot":
        conf = event.get("confidence")
        if conf is not None and (isinstance(conf, bool) or not isinstance(conf, (int, float)) or not 0 <= conf <= 1):
            problems.append(f"{where}.confidence: must be a number from 0 to 1")
        for key in ("fallback", "resolved"):
            if key in event and not isinstance(event[key], bool):
                problems.append(f"{where}.{key}: must be true or false")
        if "text" in event and not isinstance(event["text"], str):
            problems.append(f"{where}.text: must be a text")
    elif kind == "page_view" and not isinstance(event.get("url"), str):
        problems.append(f"{where}.url: a page view needs a url")
    elif kind == "cart" and not isinstance(event.get("action"), str):
        problems.append(f"{where}.action: a cart event needs an action")
    elif kind == "profile":
        problems.extend(_check_profile(where, event))
    elif kind == "context":
        values = event.get("values")
        if not isinstance(values, Mapping):
            problems.append(f"{where}.values: a context event needs values (an object)")
        else:
            problems.extend(_check_values(f"{where}.values", values))
    return problems


_PROFILE_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "a text"), "email": ((str,), "a text"), "returning": ((bool,), "true or false"),
    "previous_chat_failed": ((bool,), "true or false"),
}


def _check_values(where: str, values: Mapping[str, Any]) -> list[str]:
    return [f"{where}.{key}: must be a text, a number, true/false or null"
            for key, value in values.items() if not isinstance(value, _SCALAR)]


def _check_profile(where: str, profile: Mapping[str, Any]) -> list[str]:
    """The visitor fields' types, for the `visitor` object and for a `profile` event."""
    problems: list[str] = []
    score = profile.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
        problems.append(f"{where}.score: must be a number")
    for key, (types, what) in _PROFILE_TYPES.items():
        if key in profile and not isinstance(profile[key], types):
            problems.append(f"{where}.{key}: must be {what}")
    attrs = profile.get("attributes")
    if attrs is not None:
        if not isinstance(attrs, Mapping):
            problems.append(f"{where}.attributes: must be an object")
        else:
            problems.extend(_check_values(f"{where}.attributes", attrs))
    return problems


def check_visitor(visitor: Any, where: str = "$.visitor") -> list[str]:
    """Problems of a visitor profile object (empty when fine)."""
    if not isinstance(visitor, Mapping):
        return [f"{where}: must be an object"]
    return _check_profile(where, visitor)


def check_conversation(data: Any) -> list[str]:
    """Problems of one conversation (empty when fine): the schema's rules, checked fast by hand."""
    if not isinstance(data, Mapping):
        return ["$: a conversation must be a JSON object"]
    problems: list[str] = []
    cid = data.get("id")
    if not isinstance(cid, str) or not cid:
        problems.append("$.id: missing or not a text")
    events = data.get("events")
    if not isinstance(events, list):
        problems.append("$.events: missing or not a list")
    else:
        for i, event in enumerate(events):
            problems.extend(_check_event(i, event))
    visitor = data.get("visitor")
    if visitor is not None:
        if not isinstance(visitor, Mapping):
            problems.append("$.visitor: must be an object")
        else:
            problems.extend(_check_profile("$.visitor", visitor))
    expect = data.get("expect")
    if expect is not None:
        if not isinstance(expect, Mapping) or not isinstance(expect.get("escalate"), bool):
            problems.append("$.expect.escalate: must be true or false")
        elif expect.get("turn") is not None and (
            isinstance(expect["turn"], bool) or not isinstance(expect["turn"], int) or expect["turn"] < 1
        ):
            problems.append("$.expect.turn: must be a whole number from 1")
    for key in data:
        if key not in ("id", "visitor", "events", "expect"):
            problems.append(f"$.{key}: unknown field")
    return problems


def _lines(source: str | Path | IO[str] | Iterable[str]) -> Iterator[str]:
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8", errors="replace", newline="") as handle:
            yield from handle
    else:
        yield from source


def read_conversations(
    source: str | Path | IO[str] | Iterable[str], *, schema: bool = False
) -> Iterator[Conversation | LineError]:
    """Conversations of a JSON Lines file or stream, in order; bad lines as LineError.

    Blank lines are skipped silently. With `schema=True` each line is also checked against
    `conversation.v1.schema.json` (slower; the hand checks cover the same rules).
    """
    validate = None
    if schema:
        from rules_schema.schemas import schema_errors

        validate = schema_errors
    for number, raw in enumerate(_lines(source), start=1):
        text = raw.strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError as exc:
            yield LineError(number, f"not valid JSON ({exc})")
            continue
        except RecursionError:
            yield LineError(number, "nested too deeply")
            continue
        problems = check_conversation(data)
        if not problems and validate is not None:
            problems = validate(data, "conversation")
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            yield LineError(number, "; ".join(problems[:3]) + more)
            continue
        yield Conversation(
            id=data["id"], events=tuple(data["events"]), visitor=data.get("visitor") or {},
            expect=data.get("expect"), line=number,
        )

