"""A conversation being evaluated: events in, at most one Decision out.

When rules run: at every visitor message (a turn) and at every timer deadline. A deadline is the
instant a time fact (`timer: true` in the catalog) crosses a threshold of some rule: before an
event is applied, the clock advances to each pending deadline in order and the rules are
evaluated there, so "silence > 2 min" fires at last message + 2 min even when the next event
comes 10 minutes later. At a deadline a timer counts as expired (its value is taken an instant
after the deadline, so `>` and `>=` both fire exactly at it). Local weekday and hour come from
zoneinfo, so DST is exact.

One clock: the session's clock is the events' own `at` (UTC instants), never the machine's. It
moves to each event's instant and to each deadline that fires; `tick(at)` fires the deadlines up to
`at` but does not move the clock further, so a live session and a replay of its events decide
alike. `next_deadline` says when to tick. Rules for the awkward cases:
- a late event (its instant is at or after a deadline nobody ticked): the deadline is decided
  first, at its own instant; then the event is applied. When the timer escalated, `observe`
  returns the timer's Decision and the event is in the transcript and the state (the Decision,
  made at the deadline, does not include it, and no rule is evaluated at it: the Decision is
  final); otherwise the event is evaluated as usual;
- clock skew (an event older than the clock): it is applied at the clock, never before, so
  timers and cooldowns never run backwards; its own `at` stays in the transcript;
- `tick` before the first event does nothing (the clock starts at the first event).
Profile and context events change what the visitor facts read from that event on; rules still
run at visitor messages and deadlines only, so the new score counts at the next of those.

Modes: `first_match` stops at the first rule that fires with `stop` or that escalates;
`all_matches` lets every rule that holds apply its actions (tags, replies, notify, priority) and
the first escalation decides; `stop` still ends the turn in both modes. An escalation ends the
conversation's evaluation: the Decision is final and later events are ignored.
Cooldown: `once` fires at most once; `every_turn` at most once per turn (visitor message);
`after_minutes` again only when that many minutes passed on the conversation clock.
Hooks: `on_fire(firing)` for every rule firing and `on_decision(decision)` for the Decision, called
once the evaluation is complete (firings in order, then the Decision), so an exception raised by a
hook reaches the caller of `observe`/`tick` with the session already consistent. Unset, they cost
one attribute test per evaluation.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from builder.engine.compiled import Compiled
from builder.engine.decision import Decider, Decision, Seen
from builder.engine.explain.trace import explain_rule, fact_snapshot
from builder.engine.explain.why import explain_briefly
from builder.engine.firings import Evaluation, Firing, cooling
from builder.engine.instants import epoch_seconds, in_bounds, parse_event_time
from builder.engine.nodes import CRule
from builder.engine.session_state import fill_facts, read_document, session_document
from builder.engine.state import State
from builder.format.conversation_checks import MAX_OFFSET, without_lone_surrogates

UTC = UTC
_fromisoformat = datetime.fromisoformat
TIMER_EPSILON = 1e-6  # seconds: "an instant after the deadline"
_MAX_OFFSET = MAX_OFFSET
_SURROGATE = re.compile("[\ud800-\udfff]")


MAX_EVALUATED_CHARS = 20_000
"""The rules read a visitor message's first 20,000 characters (chat widgets cap messages far below
this): a 10 MB paste costs what 20,000 characters cost, while the transcript and the handoff
payload keep the whole message (docs/DEPLOYING.md, "Hostile or odd events")."""

_STRUCTURED = frozenset({"profile", "context", "page_view", "cart"})  # their values reach facts and payloads


def _printable(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """A visitor or bot message with lone surrogates in its text replaced by U+FFFD (a copy; the
    same event when there are none): the transcript and payload must always encode as UTF-8."""
    text = event.get("text")
    if type(text) is str and not text.isascii() and _SURROGATE.search(text):
        return {**event, "text": _SURROGATE.sub("\ufffd", text)}
    return event


class Session:
    """Feed events with `observe`, fire timers with `tick` (at `next_deadline`); read `decision`.
    `to_state()` and `Session.restore` carry it to another process or past a restart.

    `observe` raises ValueError for an event whose `at` is not an ISO 8601 instant (the
    conversation reader rejects such lines before they get here).
    """

    __slots__ = ("compiled", "conversation_id", "visitor", "tracing", "state", "decision", "turns", "_fired",
                 "transcript", "clock", "_deadline", "_last_turn", "_last_at",
                 "_first_match", "_has_timers", "_last_trace", "_stale", "_resets_silence",
                 "on_fire", "on_decision")

    def __init__(self, compiled: Compiled, conversation_id: str = "",
                 visitor: Mapping[str, Any] | None = None, *, trace: bool = False) -> None:
        self.compiled = compiled
        self.conversation_id = conversation_id
        self.visitor: Mapping[str, Any] = visitor or {}
        self.tracing = trace
        self.state = State(compiled.sources, visitor, record_spans=trace)
        self.decision: Decision | None = None
        self.turns: list[Evaluation] = []
        # (rule position, turn, instant, escalated) per firing; Firings, tags and priority are derived
        # on demand. Plain values: the garbage collector stops tracking such a tuple, so a long
        # conversation's log costs it nothing.
        self._fired: list[tuple[int, int, float, bool]] = []
        self.transcript: list[Mapping[str, Any]] = []  # the visitor, bot and page-view events, as given
        self.clock: float | None = None
        self._deadline: float | None = None  # epoch seconds; `next_deadline` is the public datetime
        n = len(compiled.rules)
        self._last_turn: list[int | None] = [None] * n  # per compiled rule: turn it last fired
        self._last_at: list[float] = [0.0] * n  # and the instant
        self._first_match = compiled.settings.evaluation_mode != "all_matches"
        self._has_timers = compiled.has_timers
        self._resets_silence = bool(compiled.silence_keys)  # a message moves the silence deadlines
        self._stale = False  # deadlines need working out again (see `_schedule`)
        self._last_trace: tuple[dict[str, Any], ...] | None = None
        self.on_fire: Callable[[Firing], object] | None = None  # hooks (see the module docstring)
        self.on_decision: Callable[[Decision], object] | None = None

    # --- public -------------------------------------------------------------------------------

    @property
    def fired(self) -> list[Firing]:
        """Every rule that fired so far (with or without escalating), in order."""
        return [Firing(cr.rule.id, turn, datetime.fromtimestamp(now, UTC), cr.tags, cr.replies, cr.notify, esc)
                for cr, turn, now, esc in self._firings()]

    def _firings(self) -> list[tuple[CRule, int, float, bool]]:
        rules = self.compiled.rules
        return [(rules[pos], turn, now, esc) for pos, turn, now, esc in self._fired]

    @property
    def tags(self) -> list[str]:
        """Tags applied so far, in first-applied order."""
        return list(dict.fromkeys(t for cr, _, _, _ in self._firings() for t in cr.tags))

    @property
    def notify(self) -> list[str]:
        """Channels to notify so far, in order."""
        return list(dict.fromkeys(c for cr, _, _, _ in self._firings() for c in cr.notify))

    @property
    def priority(self) -> str | None:
        """The priority set by the latest firing rule that sets one (None: the rule's own)."""
        for cr, _, _, _ in reversed(self._firings()):
            if cr.set_priority is not None:
                return cr.set_priority
        return None

    @property
    def firing_count(self) -> int:
        """How many times rules fired so far (with or without escalating)."""
        return len(self._fired)

    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def next_deadline(self) -> datetime | None:
        """When a timer would fire next (aware, UTC), None when none can: a live host calls
        `tick(next_deadline)` then. Every event may move it (a message resets the silence): read it
        again after each `observe` and `tick`."""
        d = self._deadline
        return None if d is None or self.decision is not None else datetime.fromtimestamp(d, UTC)

    @property
    def last_trace(self) -> tuple[dict[str, Any], ...] | None:
        """The trace of the latest evaluation (when tracing)."""
        return self._last_trace

    def observe(self, event: Mapping[str, Any]) -> Decision | None:
        """Apply one event at its own instant; the Decision if a rule escalated at it or at a deadline
        that passed before it (the event is applied then too: see the module's clock rules)."""
        if self.decision is not None:
            return None
        try:
            kind = event["type"]
            value = event["at"]
        except KeyError:
            kind, value = event.get("type"), event.get("at")
        if type(value) is str:  # `epoch_seconds` inline: a call costs as much as the parse
            try:
                parsed = _fromisoformat(value)
            except ValueError:
                parsed = parse_event_time(value)  # lower-case t/z, or EventTimeError
            offset = parsed.utcoffset()
            if offset is not None and -_MAX_OFFSET <= offset <= _MAX_OFFSET:
                t = parsed.timestamp()
                if not in_bounds(t):
                    t = epoch_seconds(parsed)  # raises EventTimeError with the reason
            else:
                t = epoch_seconds(parsed)
        else:
            t = epoch_seconds(value)
        if kind == "visitor" or kind == "bot":
            event = _printable(event)
        elif kind in _STRUCTURED:
            event = without_lone_surrogates(event)
        st = self.state
        clock = self.clock
        if clock is None:
            st.start = t
            self._stale = True  # the clock starts: every timer is due from here
        else:
            if t < clock:
                t = clock  # out of order: the conversation clock never runs backwards
            deadline = self._deadline
            if deadline is not None and deadline <= t:
                decision = self._run_timers(t)
                if decision is not None:  # a late event: applied, not evaluated (the Decision is final)
                    decision.why  # noqa: B018 - explained before the event changes the state it explains
                    self.clock = st.now = t
                    self._apply(kind, event, t)
                    return decision
        self.clock = st.now = t
        decision = self._evaluate(t, False) if self._apply(kind, event, t) else None
        if self._stale and decision is None and self._has_timers:
            self._schedule(t)
        return decision

    def _apply(self, kind: Any, event: Mapping[str, Any], t: float) -> bool:
        """Apply an event to the State; True for a visitor message (a turn: the rules run)."""
        st = self.state
        if kind == "visitor":
            text = event.get("text")
            if type(text) is not str:
                text = ""
            elif len(text) > MAX_EVALUATED_CHARS:
                text = text[:MAX_EVALUATED_CHARS]
            st.visitor_message(text, t)
            self.transcript.append(event)
            if self._resets_silence:
                self._stale = True
            return True
        if kind == "bot":
            st.bot_message(event, t)
            self.transcript.append(event)
            if self._resets_silence:
                self._stale = True
        elif kind == "page_view":
            url = event.get("url")
            if isinstance(url, str):
                st.page_view(url)
                self.transcript.append(event)  # for the handoff payload's pages
        elif kind == "cart":
            action = event.get("action")
            if isinstance(action, str):
                st.cart(action)
        elif kind == "resolved":
            st.resolved = True
        elif kind == "profile":
            st.profile(event)
            self.visitor = st.visitor
        elif kind == "context":
            values = event.get("values")
            if isinstance(values, Mapping):
                st.set_context(values)
        return False

    def tick(self, at: datetime) -> Decision | None:
        """Fire the deadlines up to `at` (live use: at `next_deadline`, or now and then); the
        Decision if a timer escalated. The clock moves to each deadline fired, not to `at`."""
        if self.decision is not None:
            return None
        return self._run_timers(epoch_seconds(at))

    def to_state(self) -> dict[str, Any]:
        """This conversation's state as a small JSON-serialisable dict; `Session.restore` (or
        `Runtime.restore`) continues it exactly. What is kept and why: `builder.engine.session_state`."""
        return session_document(self.compiled, self.state, conversation_id=self.conversation_id,
                                clock=self.clock, deadline=self._deadline, fired=self._fired,
                                transcript=self.transcript, decision=self.decision)

    @classmethod
    def restore(cls, compiled: Compiled, state: Mapping[str, Any], *, trace: bool = False) -> Session:
        """The session `state` (from `to_state`) describes, on `compiled`: it continues exactly as the
        one that wrote it would. SessionStateError for a state of another ruleset, engine or format."""
        saved = read_document(compiled, state)
        session = cls(compiled, saved.conversation_id, None, trace=trace)
        fill_facts(session.state, saved.facts, saved.transcript)
        session.visitor = session.state.visitor
        session.clock, session._deadline = saved.clock, saved.deadline
        session._fired = saved.fired
        for pos, turn, at, _ in saved.fired:
            session._last_turn[pos] = turn
            session._last_at[pos] = at
        session.transcript = saved.transcript
        session.decision = saved.decision
        return session

    def explain(self, at: datetime | None = None) -> tuple[dict[str, Any], ...]:
        """The trace of every rule at the current state (on demand, e.g. for the simulator)."""
        st = self.state
        if at is not None:
            st.now = epoch_seconds(at)
            st.eps = 0.0
        return tuple(explain_rule(cr, st, fired=False, evaluated=True,
                                  cooldown=self._cooling(cr, st.now, self._last_turn, self._last_at))
                     for cr in self.compiled.rules)

    # --- timers -------------------------------------------------------------------------------

    def _schedule(self, now: float) -> None:
        """The next instant a timer threshold of a rule that may still fire is crossed.

        Deadlines move only when the clock starts, a message resets the silence or a `once`
        rule fired (it has no deadline any more); otherwise the one found stays right."""
        self._stale = False
        st = self.state
        start = st.start
        if start is None:
            self._deadline = None
            return
        compiled = self.compiled
        best = None
        if compiled.start_keys:
            best = self._next_crossing(start, compiled.start_keys, compiled.start_points, now)
        if compiled.silence_keys:
            base = st.last_msg if st.last_msg is not None else start
            d = self._next_crossing(base, compiled.silence_keys, compiled.silence_points, now)
            if d is not None and (best is None or d < best):
                best = d
        self._deadline = best

    def _next_crossing(self, base: float, keys: tuple[float, ...], points: tuple[int, ...], now: float) -> float | None:
        """The first `base + key` after `now` whose rule may still fire (a fired `once` rule cannot)."""
        last_turn = self._last_turn
        rules = self.compiled.rules
        for i in range(bisect_right(keys, now - base), len(keys)):
            d = base + keys[i]
            pos = points[i]
            if d > now and not (last_turn[pos] is not None and rules[pos].policy == "once"):
                return d
        return None

    def _run_timers(self, until: float) -> Decision | None:
        st = self.state
        while (d := self._deadline) is not None and d <= until:
            self.clock = st.now = d
            st.eps = TIMER_EPSILON  # a timer is read an instant after its deadline
            decision = self._evaluate(d, True)
            if decision is not None:
                return decision
            self._schedule(d)
        st.eps = 0.0
        return None

    # --- evaluation ---------------------------------------------------------------------------

    def _cooling(self, cr: CRule, now: float, last_turns: list[int | None], last_ats: list[float]) -> bool:
        """Whether `cr` is cooling down at `now`, given when each rule last fired (turn and instant)."""
        last_turn = last_turns[cr.position]
        return last_turn is not None and cooling(cr, last_turn, last_ats[cr.position], self.state.turn, now)

    def _evaluate(self, now: float, timer: bool) -> Decision | None:
        """Evaluate the rules at `now` (the caller has set the State's clock)."""
        st = self.state
        compiled = self.compiled
        # rules without a gate, and those gated on a phrase present, a threshold crossed, a true flag...
        found = compiled.gates(st)
        before = (list(self._last_turn), list(self._last_at), len(self._fired)) if self.tracing else None
        if not found:
            if before is not None:
                self._record(now, timer, before)
            return None
        tests = compiled.tests if st.hits else compiled.quiet_tests  # no phrase: the pre-folded rules
        last_turn, last_at, log = self._last_turn, self._last_at, self._fired
        mark = len(log)
        turn = st.turn
        first_match = self._first_match
        deciding: CRule | None = None
        rules = compiled.rules
        for pos in sorted(found) if len(found) > 1 else found:
            test = tests[pos]
            if test is None:
                continue
            cr = rules[pos]
            lt = last_turn[pos]
            if lt is not None and cooling(cr, lt, last_at[pos], turn, now):
                continue
            if not test(st):
                continue
            last_turn[pos] = turn
            last_at[pos] = now
            escalates = cr.escalates and deciding is None
            log.append((pos, turn, now, escalates))
            if cr.policy == "once":
                self._stale = True  # its deadlines are gone
            if escalates:
                deciding = cr
                if first_match:
                    break
            if cr.stop:
                break
        if before is not None:
            self._record(now, timer, before)
        decision = None if deciding is None else self._decide(deciding, now, timer)
        if self.on_fire is not None or self.on_decision is not None:
            self._announce(mark, decision)
        return decision

    def _announce(self, mark: int, decision: Decision | None) -> None:
        """Call the hooks: the firings logged since `mark`, then the Decision."""
        on_fire = self.on_fire
        if on_fire is not None:
            rules = self.compiled.rules
            for pos, turn, now, esc in self._fired[mark:]:
                cr = rules[pos]
                on_fire(Firing(cr.rule.id, turn, datetime.fromtimestamp(now, UTC), cr.tags, cr.replies, cr.notify,
                               esc))
        if decision is not None and self.on_decision is not None:
            self.on_decision(decision)

    def _decide(self, deciding: CRule, now: float, timer: bool) -> Decision:
        """The escalation: the Decision is final."""
        turn = self.state.turn
        compiled = self.compiled
        decider = compiled.decider
        if decider is None or decider.ruleset is not compiled.ruleset:  # two threads may both make one: either is right
            decider = compiled.decider = Decider(compiled.ruleset)
        self.decision = decider.decide(
            deciding.rule, conversation_id=self.conversation_id, turn=turn,
            at=datetime.fromtimestamp(now, UTC),
            priority=self.priority, tags=tuple(self.tags), notify=tuple(self.notify), visitor=self.visitor,
            transcript=self.transcript, timer=timer, trace=self._last_trace if self.tracing else None,
            explanation=partial(explain_briefly, deciding, self.state),  # the state stays as it is now
            seen=Seen(self.compiled.ruleset, dict(self.visitor), self.transcript, len(self.transcript)),
        )
        return self.decision

    def _record(self, now: float, timer: bool, before: tuple[list[int | None], list[float], int]) -> None:
        """Trace the evaluation. `before`: when each rule last fired, as it was before the
        evaluation (the trace shows the cooldowns it was evaluated with), and the log's length."""
        st = self.state
        last_turns, last_ats, mark = before
        rules = self.compiled.rules
        fired = [rules[entry[0]] for entry in self._fired[mark:]]
        fired_ids = {cr.index for cr in fired}
        stopped = False
        traces: list[dict[str, Any]] = []
        last = fired[-1].index if fired else None
        for cr in self.compiled.rules:
            evaluated = not stopped
            traces.append(explain_rule(cr, st, fired=cr.index in fired_ids, evaluated=evaluated,
                                       cooldown=self._cooling(cr, now, last_turns, last_ats)))
            if last is not None and cr.index == last and (cr.stop or (self._first_match and cr.escalates)):
                stopped = True
        self._last_trace = tuple(traces)
        self.turns.append(Evaluation(st.turn, datetime.fromtimestamp(now, UTC), timer,
                                     tuple(cr.rule.id for cr in fired), self._last_trace,
                                     fact_snapshot(self.compiled, st)))


def simulate(compiled: Compiled, conversation: Mapping[str, Any] | Any, *, trace: bool = False) -> Decision:
    """Run a whole conversation (a dict or a `Conversation`); escalated False when nothing fired.

    Timers fire up to the conversation's last event (the end of its own clock), not beyond.
    """
    if isinstance(conversation, Mapping):
        cid = str(conversation.get("id", ""))
        visitor, events = conversation.get("visitor") or {}, conversation.get("events", ())
    else:
        cid, visitor, events = conversation.id, conversation.visitor, conversation.events
    session = Session(compiled, cid, visitor, trace=trace)
    for event in events:
        if session.observe(event) is not None:
            break
    if session.decision is not None:
        return session.decision
    return Decision(id=cid, escalated=False, tags=tuple(session.tags), notify=tuple(session.notify),
                    trace=session.last_trace if trace else None)
