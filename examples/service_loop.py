"""A chatbot service around `builder.runtime`: one clock, timers, saved sessions, the handoff payload.

    python examples/service_loop.py [RULESET] [CONVERSATIONS]    # default: the bundled playbook and samples

`Host` is what a worker runs: it restores a conversation's session from the store, brings its clock
to the event's own timestamp (`tick`) and feeds the event (`observe`), saves the session again and
schedules its next timer; a timer that comes due is a `tick` at its deadline. Nothing lives in the
worker between two events, so any worker may take a conversation's next event (after a restart,
too). `replay` feeds recorded conversations through a Host in time order, which is how this file
is tested (tests/test_deploying_example.py: same decisions as `handoff-builder simulate`); `serve`
is the live loop, stamping events as they arrive and sleeping until the next timer.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from builder import runtime
from builder.engine import Decision, Session

HandOver = Callable[[Decision, Mapping[str, Any]], object]


class Host:
    """The sessions of one worker (one thread or one asyncio loop: a Session is never shared).

    `store` maps a conversation id to its saved state (JSON text): here a dict, in production
    Redis or a database row, shared by the workers. The Runtime is shared by every worker."""

    def __init__(self, rules: runtime.Runtime, hand_over: HandOver, store: dict[str, str] | None = None) -> None:
        self.rules = rules
        self.hand_over = hand_over
        self.store: dict[str, str] = {} if store is None else store
        self.timers: list[tuple[datetime, str]] = []  # (deadline, conversation id), earliest first
        self.scheduled: dict[str, datetime] = {}  # the live deadline per conversation; older ones are stale

    def event(self, conversation_id: str, visitor: Mapping[str, Any] | None, event: Mapping[str, Any]) -> None:
        """One event of a conversation; `event["at"]` is the session's clock (ISO 8601 with offset)."""
        saved = self.store.get(conversation_id)
        session = (self.rules.restore(json.loads(saved)) if saved is not None
                   else self.rules.session(conversation_id, visitor))
        at = datetime.fromisoformat(event["at"])
        decision = session.tick(at) or session.observe(event)  # timers due by then first, then the event
        self._settle(conversation_id, session, decision)

    def due(self, now: datetime) -> None:
        """Fire, in deadline order, every timer whose deadline is not after `now`."""
        while self.timers and self.timers[0][0] <= now:
            deadline, conversation_id = heapq.heappop(self.timers)
            saved = self.store.get(conversation_id)
            if saved is None or self.scheduled.get(conversation_id) != deadline:
                continue  # closed, handed over, or a message moved the deadline since
            session = self.rules.restore(json.loads(saved))
            self._settle(conversation_id, session, session.tick(deadline))

    def close(self, conversation_id: str) -> None:
        """The chat ended (the visitor left, the bot resolved it): its timers will not fire."""
        self.store.pop(conversation_id, None)
        self.scheduled.pop(conversation_id, None)

    def _settle(self, conversation_id: str, session: Session, decision: Decision | None) -> None:
        if decision is not None:
            self.close(conversation_id)  # an agent takes over from here
            self.hand_over(decision, decision.payload or {})
            return
        self.store[conversation_id] = json.dumps(session.to_state())
        deadline = session.next_deadline
        if deadline is None:
            self.scheduled.pop(conversation_id, None)
        elif self.scheduled.get(conversation_id) != deadline:
            self.scheduled[conversation_id] = deadline
            heapq.heappush(self.timers, (deadline, conversation_id))


def replay(host: Host, conversations: Iterable[Mapping[str, Any]]) -> None:
    """Recorded conversations, interleaved by time as a service receives them; each one closes at its
    last event (the visitor left), so no timer fires after it, as in `handoff-builder simulate`."""
    arrivals = []
    for number, conversation in enumerate(conversations):
        events = conversation["events"]
        for index, event in enumerate(events):
            last = index == len(events) - 1
            arrivals.append((datetime.fromisoformat(event["at"]), number, index, conversation, event, last))
    arrivals.sort(key=lambda item: item[:3])
    for at, _, _, conversation, event, last in arrivals:
        host.due(at)  # every conversation's timers that came due before this event
        host.event(conversation["id"], conversation.get("visitor"), event)
        if last:
            host.close(conversation["id"])


async def serve(host: Host, inbox: asyncio.Queue[tuple[str, Mapping[str, Any] | None, dict[str, Any]] | None]) -> None:
    """Live: each event is stamped when it arrives (this service's clock, UTC) and timers fire when
    that clock reaches them. Put `(conversation id, visitor, event)` in `inbox`; None stops."""
    while True:
        timeout = None
        if host.timers:
            timeout = max(0.0, (host.timers[0][0] - datetime.now(UTC)).total_seconds())
        try:
            item = await asyncio.wait_for(inbox.get(), timeout)
        except TimeoutError:
            host.due(datetime.now(UTC))
            continue
        if item is None:
            return
        conversation_id, visitor, event = item
        event["at"] = datetime.now(UTC).isoformat()  # one clock for events and timers
        host.due(datetime.fromisoformat(event["at"]))
        host.event(conversation_id, visitor, event)


def main(argv: list[str]) -> int:
    from builder.paths import example_playbook, sample_conversations

    rules = runtime.load(argv[0] if argv else example_playbook())
    with open(argv[1] if len(argv) > 1 else sample_conversations(), encoding="utf-8") as lines:
        conversations = [json.loads(line) for line in lines if line.strip()]
    largest = 0

    def hand_over(decision: Decision, payload: Mapping[str, Any]) -> None:
        # Post `payload` to the agents' desk (or `builder.handoff.notify`); here: one JSON line.
        print(json.dumps({"decision": decision.to_dict(), "payload": payload}, ensure_ascii=False, default=str))

    class Measured(dict[str, str]):
        def __setitem__(self, key: str, value: str) -> None:
            nonlocal largest
            largest = max(largest, len(value.encode()))
            super().__setitem__(key, value)

    replay(Host(rules, hand_over, Measured()), conversations)
    print(f"{len(conversations)} conversations replayed; largest saved session state {largest} bytes",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
