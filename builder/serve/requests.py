"""Reading what a client posted, strictly, with answers that say what is wrong.

Why strict: a chatbot integration is written once against the documentation and then runs
unattended; an event with a misspelt field that is silently ignored would quietly stop a rule from
firing. So every body is checked before the engine sees it (the conversation format's rules for an
event, `builder.format.conversation.check_event`, the same checks `simulate` applies to a file) and
a problem comes back as 4xx with one `location: message` line per problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from builder.format.conversation import check_event, check_visitor, parse_instant
from builder.serve.conversation import HOST_CLOCK, SERVICE_CLOCK

MAX_ID_CHARS = 200
_PLACEHOLDER_AT = "2000-01-01T00:00:00Z"


class Problem(Exception):
    """A request the service refuses: HTTP `status` and the readable `problems`."""

    def __init__(self, status: int, *problems: str, headers: dict[str, str] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.status = status
        self.problems = list(problems)
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": self.problems[0] if len(self.problems) == 1 else "the request has problems",
                "problems": self.problems}


@dataclass(frozen=True)
class EventRequest:
    event: dict[str, Any]
    visitor: dict[str, Any] | None
    clock: str | None


def parse_json(body: bytes) -> Any:
    if not body.strip():
        raise Problem(400, "$: the body is empty; send a JSON object")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise Problem(400, "$: the body is not UTF-8 text") from None
    except ValueError as exc:
        raise Problem(400, f"$: the body is not JSON ({exc})") from None


def conversation_id(text: str) -> str:
    if not text or len(text) > MAX_ID_CHARS or not text.isprintable() or text != text.strip():
        raise Problem(400, f"the conversation id must be 1 to {MAX_ID_CHARS} printable characters without "
                      "spaces at either end")
    return text


def _unknown(data: dict[str, Any], known: tuple[str, ...]) -> list[str]:
    return [f"$.{key}: unknown field (expected {', '.join(known)})" for key in data if key not in known]


def event_request(data: Any) -> EventRequest:
    """`{"event": {...}, "visitor": {...}?, "clock": "service"|"host"?}`, checked."""
    if not isinstance(data, dict):
        raise Problem(422, '$: the body must be a JSON object like {"event": {"type": "visitor", "text": "…"}}')
    known = ("event", "visitor", "clock")
    problems = _unknown(data, known)
    event = data.get("event")
    if "event" not in data:
        problems.append("$.event: missing")
    elif isinstance(event, dict):
        checked = event if "at" in event else {**event, "at": _PLACEHOLDER_AT}  # `at` may be left to the service
        problems.extend(check_event(checked, "$.event"))
    else:
        problems.extend(check_event(event, "$.event"))
    visitor = data.get("visitor")
    if visitor is not None:
        problems.extend(check_visitor(visitor, "$.visitor"))
    clock = data.get("clock")
    if clock is not None and clock not in (SERVICE_CLOCK, HOST_CLOCK):
        problems.append(f'$.clock: must be "{SERVICE_CLOCK}" (the service fires timers) or "{HOST_CLOCK}" '
                        "(you tick)")
    if problems:
        raise Problem(422, *problems)
    return EventRequest(dict(cast(dict[str, Any], event)), visitor, clock)


def tick_request(data: Any) -> datetime | None:
    """`{"at": "…"}` or `{}`: the instant to bring the conversation's clock to (None: now)."""
    if not isinstance(data, dict):
        raise Problem(422, '$: the body must be a JSON object like {"at": "2026-11-27T02:05:00Z"} or {}')
    problems = _unknown(data, ("at",))
    at = None
    if "at" in data:
        try:
            at = parse_instant(data["at"])
        except ValueError as exc:
            problems.append(f"$.at: {exc}")
    if problems:
        raise Problem(422, *problems)
    return at
