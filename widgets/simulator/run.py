"""The simulated conversation: a script of typed events and a clock, replayed through one engine Session.

Why a replay and not a live session only: changing the visitor, the start or a rule must show what
the same conversation would have done, so the page keeps the events the manager typed and rebuilds
the session from them (compile once per ruleset, observe every event, then `tick` to the clock).
No evaluation happens here: the engine decides; this class only keeps the script and the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from builder.engine import (
    CompiledRuleset,
    CompileError,
    Decision,
    Evaluation,
    Session,
    compile_ruleset,
)
from builder.format.model import Ruleset
from builder.hours.schedule import OpenHours, open_hours

END_EVENT = "simulator_clock"  # an event type the engine ignores: keeps the clock's end in a saved test


def iso(at: datetime) -> str:
    """An instant as ISO 8601 UTC with Z (the conversation format)."""
    at = at.astimezone(UTC)
    return at.isoformat(timespec="milliseconds" if at.microsecond else "seconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def default_zone(ruleset: Ruleset) -> ZoneInfo:
    """The zone of the ruleset's default schedule (UTC without one)."""
    schedule = ruleset.schedule(ruleset.settings.default_schedule)
    if schedule is None and ruleset.schedules:
        schedule = ruleset.schedules[0]
    try:
        return ZoneInfo(schedule.timezone) if schedule is not None else ZoneInfo("UTC")
    except Exception:
        return ZoneInfo("UTC")


def default_hours(ruleset: Ruleset) -> OpenHours | None:
    """Business hours of the default schedule, or None when there is none usable."""
    schedule = ruleset.schedule(ruleset.settings.default_schedule)
    if schedule is None and ruleset.schedules:
        schedule = ruleset.schedules[0]
    if schedule is None:
        return None
    try:
        return open_hours(schedule)
    except Exception:
        return None


@dataclass
class Simulation:
    """Visitor, start, typed events and the current simulated instant; the engine session they give."""

    ruleset: Ruleset
    start: datetime
    visitor: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    conversation_id: str = "simulator"
    clock: datetime | None = None
    session: Session | None = None
    compiled: CompiledRuleset | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if self.clock is None:
            self.clock = self.start
        self.restart(recompile=True)

    # --- replay --------------------------------------------------------------------------------

    def set_ruleset(self, ruleset: Ruleset) -> None:
        """A rule changed: recompile and replay the same script."""
        self.ruleset = ruleset
        self.restart(recompile=True)

    def restart(self, *, recompile: bool = False) -> None:
        """A fresh session replaying every event, then the clock up to `clock`."""
        if recompile or self.compiled is None:
            try:
                self.compiled = compile_ruleset(self.ruleset)
                self.error = None
            except CompileError as exc:
                self.compiled, self.error = None, "The rules cannot run yet: " + "; ".join(exc.problems[:3])
        if self.compiled is None:
            self.session = None
            return
        session = self.compiled.session(self.conversation_id, self.visitor, trace=True)
        self.session = session
        for event in self.events:
            session.observe(event)
        session.tick(self.now)

    # --- live -----------------------------------------------------------------------------------

    def add(self, event: Mapping[str, Any]) -> Decision | None:
        """Record an event at the current simulated instant and feed it to the session."""
        full = {"at": iso(self.now), **{k: v for k, v in event.items() if k != "at"}}
        self.events.append(full)
        return self.session.observe(full) if self.session is not None else None

    def advance_to(self, at: datetime) -> Decision | None:
        """Move the simulated clock (never backwards); timers whose deadline passed fire."""
        if at <= self.now:
            return None
        self.clock = at
        return self.session.tick(at) if self.session is not None else None

    def advance(self, delta: timedelta) -> Decision | None:
        return self.advance_to(self.now + delta)

    # --- reading ----------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The simulated instant."""
        return self.clock if self.clock is not None else self.start

    @property
    def decision(self) -> Decision | None:
        return self.session.decision if self.session is not None else None

    @property
    def evaluations(self) -> list[Evaluation]:
        return list(self.session.turns) if self.session is not None else []

    def explain_now(self) -> tuple[dict[str, Any], ...]:
        """Every rule's explanation at the current state (before any visitor message)."""
        if self.session is None:
            return ()
        return self.session.explain(self.now)

    def conversation(self, *, expect: bool = True, conversation_id: str | None = None) -> dict[str, Any]:
        """The conversation-format dict; `expect` records the current outcome as the test's expectation.

        When the clock ran past the last event (a timer fired in the silence), an ignored marker
        event keeps that instant so `simulate`/`test` replay up to it as the simulator did."""
        events = [dict(e) for e in self.events]
        decision = self.decision
        end = decision.at if decision is not None else self.clock
        last = parse_iso(events[-1]["at"]) if events else None
        if end is not None and (last is None or end > last):
            events.append({"at": iso(end), "type": END_EVENT})
        out: dict[str, Any] = {"id": conversation_id or self.conversation_id, "events": events}
        if self.visitor:
            out["visitor"] = dict(self.visitor)
        if expect:
            if decision is not None:
                out["expect"] = {"escalate": True, "rule": decision.rule, "turn": decision.turn}
                if decision.handoff:
                    out["expect"]["handoff"] = decision.handoff
            else:
                out["expect"] = {"escalate": False}
        return out
