"""What the service does with an event, a tick or a due timer: the one loop of docs/DEPLOYING.md.

Per request: lock the conversation, load it (or open it on the current ruleset), feed the engine
(`observe` applies the timers due before the event first, exactly as `handoff-builder simulate`
does), save it (which schedules its next timer), then answer. The answer goes out only after the
save, so whatever was acknowledged survives a worker that dies next.

Two clocks, chosen when a conversation starts (`"clock"` in its first event):
- `service` (the default): an event without `at` is stamped on arrival (UTC) and the service fires
  the conversation's timers itself when their deadline comes, delivering the Decision (`delivery`);
- `host`: the chatbot drives the clock: every event carries its `at`, timers are decided when an
  event or a `tick` brings the clock past them, and the service never fires one by itself (this
  is how recorded conversations replay exactly as `simulate` decides them).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from builder.engine import Decision, EventTimeError
from builder.engine.decision import iso
from builder.serve.conversation import HOST_CLOCK, SERVICE_CLOCK, Conversation, RecordError
from builder.serve.logs import log
from builder.serve.metrics import Metrics
from builder.serve.requests import EventRequest, Problem
from builder.serve.rulesets import Rulesets
from builder.serve.stores import Busy, Held, Store

Deliver = Callable[[Conversation], Awaitable[None]]


class Desk:
    def __init__(self, rulesets: Rulesets, store: Store, metrics: Metrics, deliver: Deliver) -> None:
        self.rulesets = rulesets
        self.store = store
        self.metrics = metrics
        self.deliver = deliver
        self._event_counts: dict[str, Any] = {}  # each event type's series, looked up once (see `_count`)

    async def event(self, cid: str, request: EventRequest) -> dict[str, Any]:
        event = request.event
        async with self._held(cid) as held:
            conversation = held.conversation
            if conversation is None:
                rules = self.rulesets.current
                conversation = Conversation(cid, rules.session(cid, request.visitor), rules,
                                            request.clock or SERVICE_CLOCK)
            elif request.clock is not None and request.clock != conversation.clock:
                raise Problem(409, f"$.clock: this conversation runs on the {conversation.clock}'s clock; "
                              "a conversation keeps the clock it started with")
            if "at" not in event:
                if conversation.clock == HOST_CLOCK:
                    raise Problem(422, "$.event.at: missing; on the host's clock every event needs its time")
                event["at"] = datetime.now(UTC).isoformat()
            if conversation.decision is not None:
                return self._answer(conversation, None)  # handed over: an agent has it, the engine is done
            try:
                decision = conversation.session.observe(event)
            except EventTimeError as exc:  # the session is left as it was (DEPLOYING.md)
                raise Problem(422, f"$.event.at: {exc}") from None
            conversation.events += 1
            self._count(event["type"])
            self._settle(conversation, decision)
            await held.save(conversation)
        return self._answer(conversation, decision)

    async def tick(self, cid: str, at: datetime | None) -> dict[str, Any]:
        async with self._held(cid) as held:
            conversation = held.conversation
            if conversation is None:
                raise Problem(404, f"no conversation {cid!r} (never started, closed, or expired)")
            if at is None:
                if conversation.clock == HOST_CLOCK:
                    raise Problem(422, "$.at: missing; on the host's clock a tick needs the time to bring it to")
                at = datetime.now(UTC)
            try:
                decision = conversation.session.tick(at) if conversation.decision is None else None
            except EventTimeError as exc:
                raise Problem(422, f"$.at: {exc}") from None
            self._settle(conversation, decision)
            await held.save(conversation)
        return self._answer(conversation, decision)

    async def summary(self, cid: str) -> dict[str, Any] | None:
        try:
            conversation = await self.store.load(cid)
        except RecordError as exc:
            raise Problem(409, f"conversation {cid!r} cannot continue here: {exc}") from None
        return None if conversation is None else conversation.summary()

    async def close(self, cid: str) -> bool:
        """The chat ended: forget it, and its timers never fire."""
        async with self._held(cid) as held:
            return await held.drop()

    async def fire_due(self, now: float | None = None, limit: int = 200) -> int:
        """Fire the service-clock timers that came due; deliver their Decisions. How many fired."""
        now = time.time() if now is None else now
        fired = 0
        for cid in await self.store.claim_due(now, limit):
            decided = None
            try:
                async with self._held(cid) as held:
                    conversation = held.conversation
                    if conversation is None:
                        await self.store.unschedule(cid)
                        continue
                    deadline = conversation.deadline
                    if deadline is not None and deadline <= now:
                        decision = conversation.session.tick(datetime.fromtimestamp(now, UTC))
                        self._settle(conversation, decision)
                        fired += 1
                        self.metrics.timers.labels("handed_over" if decision else "no_handoff").inc()
                        decided = conversation if decision is not None else None
                    await held.save(conversation)  # reschedules (a message may have moved the deadline)
            except Problem as exc:
                log(logging.ERROR, "timer not fired", conversation=cid, error=exc.problems[0])
                continue
            if decided is not None:
                await self.deliver(decided)
        return fired

    # --- helpers --------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _held(self, cid: str) -> AsyncIterator[Held]:
        """The store's hold on a conversation; a busy or unreadable one becomes an answer the
        client can act on (503 retry, 409)."""
        try:
            async with self.store.hold(cid) as held:
                yield held
        except Busy:
            raise Problem(503, f"conversation {cid!r} is busy with another request; retry",
                          headers={"Retry-After": "1"}) from None
        except RecordError as exc:
            log(logging.ERROR, "stored conversation cannot continue", conversation=cid, error=str(exc))
            raise Problem(409, f"conversation {cid!r} cannot continue here: {exc}") from None

    def _count(self, kind: str) -> None:
        """One more event of this type in the metrics; `labels()` costs more than the count itself,
        so each series is looked up once (and only when first seen: /metrics lists what happened)."""
        label = kind if kind in _KNOWN else "other"  # a client's own types never grow the cache
        counted = self._event_counts.get(label)
        if counted is None:
            counted = self._event_counts[label] = self.metrics.events.labels(label)
        counted.inc()

    def _settle(self, conversation: Conversation, decision: Decision | None) -> None:
        conversation.touched = time.time()
        if decision is None:
            return
        conversation.decision = decision.to_dict(trace=False)
        conversation.payload = decision.payload
        self.metrics.decisions.labels(decision.rule or "", decision.trigger or "").inc()
        log(logging.INFO, "handed over", conversation=conversation.id, rule=decision.rule,
            trigger=decision.trigger, turn=decision.turn, timer=decision.timer, why=decision.why,
            ruleset=conversation.rules.content_hash)

    @staticmethod
    def _answer(conversation: Conversation, decision: Decision | None) -> dict[str, Any]:
        session = conversation.session
        return {"conversation": conversation.id,
                "decision": decision.to_dict(trace=False) if decision is not None else None,
                "handed_over": conversation.decision is not None, "turn": session.turn,
                "next_deadline": iso(session.next_deadline) if conversation.decision is None else None,
                "clock": conversation.clock, "ruleset": conversation.rules.content_hash}


_KNOWN = frozenset(("visitor", "bot", "page_view", "cart", "profile", "context", "resolved"))
