"""One conversation as the service holds it: the engine's Session and what the service adds.

Why a record around the Session: the service must know, besides the engine's state, which clock
drives the conversation (`service`: it fires the timers itself; `host`: the chatbot ticks), the
ruleset it started on (by content hash, kept across reloads), how many events it acknowledged, and
the Decision with its handoff payload once handed over (answered by `GET` until the conversation
expires). The memory store keeps these objects as they are; the Redis store keeps `to_record()`,
a JSON text whose `state` is the versioned `Session.to_state()` document.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from builder import runtime
from builder.engine import Session
from builder.engine.decision import iso

RECORD_VERSION = 1
SERVICE_CLOCK, HOST_CLOCK = "service", "host"


class RecordError(ValueError):
    """A stored record this worker cannot continue (its ruleset is unknown, or it is damaged)."""


@dataclass(eq=False)
class Conversation:
    id: str
    session: Session
    rules: runtime.Runtime
    clock: str = SERVICE_CLOCK
    events: int = 0
    decision: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None
    touched: float = field(default_factory=time.time)  # wall clock of the last change, for the TTL

    @property
    def deadline(self) -> float | None:
        """Epoch seconds of the next timer the service must fire (None: none, or the host's clock)."""
        if self.clock != SERVICE_CLOCK or self.decision is not None:
            return None
        at = self.session.next_deadline
        return None if at is None else at.timestamp()

    def summary(self) -> dict[str, Any]:
        """What `GET /v1/conversations/{id}` answers."""
        session = self.session
        deadline = session.next_deadline if self.decision is None else None
        return {"conversation": self.id, "ruleset": self.rules.content_hash, "clock": self.clock,
                "events": self.events, "turn": session.turn, "handed_over": self.decision is not None,
                "tags": session.tags, "next_deadline": iso(deadline),
                "last_event_at": iso(datetime.fromtimestamp(session.clock, UTC)) if session.clock else None,
                "decision": self.decision, "payload": self.payload}

    def to_record(self) -> str:
        return json.dumps({"v": RECORD_VERSION, "id": self.id, "ruleset": self.rules.content_hash,
                           "clock": self.clock, "events": self.events, "decision": self.decision,
                           "payload": self.payload, "touched": self.touched,
                           "state": self.session.to_state()}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    async def from_record(cls, text: str | bytes,
                          runtime_for: Callable[[str], Awaitable[runtime.Runtime | None]]) -> Conversation:
        """The conversation a `to_record()` text describes; RecordError when it cannot continue here."""
        try:
            record = json.loads(text)
            content_hash = record["ruleset"]
            version = record["v"]
        except (ValueError, KeyError, TypeError):
            raise RecordError("the stored conversation is damaged") from None
        if version != RECORD_VERSION:
            raise RecordError(f"the stored conversation has record version {version}, this service reads "
                              f"{RECORD_VERSION}")
        rules = await runtime_for(content_hash)
        if rules is None:
            raise RecordError(f"the conversation started on ruleset {content_hash}, which no worker still has")
        try:
            session = rules.restore(record["state"])
        except (runtime.SessionStateError, KeyError) as exc:
            raise RecordError(str(exc)) from None
        return cls(record["id"], session, rules, record["clock"], record["events"], record["decision"],
                   record["payload"], record["touched"])
