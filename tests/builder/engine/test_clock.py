"""One clock: the events' own instants. `next_deadline`, `tick`, late events and clock skew."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from builder import runtime
from builder.engine import Session, compile_ruleset, simulate
from builder.format.conversation import Conversation, read_conversations
from builder.paths import example_playbook, sample_conversations
from tests.builder.engine.reference_engine import events, make_ruleset

UTC = UTC
START = "2026-11-24T09:00:00Z"
T0 = datetime.fromisoformat(START)
SILENCE = {"id": "silence", "trigger": "time_based", "when": {"fact": "time.silence_seconds", "op": "gt", "value": 120}}
HUMAN = {"id": "human", "when": {"fact": "message.text", "op": "contains_any", "value": ["human"]}}
QUIET_TAG = {**SILENCE, "id": "quiet", "actions": [{"type": "tag", "tags": ["quiet"]}], "stop": False}


def session(*rules: dict[str, Any]) -> Session:
    return compile_ruleset(make_ruleset(list(rules))).session("c")


def at(seconds: float) -> str:
    return events(START, (seconds, "x", {}))[0]["at"]


def test_next_deadline_is_an_aware_utc_datetime_or_none() -> None:
    s = session(SILENCE, HUMAN)
    assert s.next_deadline is None  # the clock starts at the first event
    s.observe({"at": START, "type": "visitor", "text": "hello"})
    assert s.next_deadline == T0 + timedelta(seconds=120) and s.next_deadline.tzinfo is UTC
    s.observe({"at": at(100), "type": "bot", "text": "one moment"})
    assert s.next_deadline == T0 + timedelta(seconds=220)  # a message resets the silence
    s.observe({"at": at(110), "type": "visitor", "text": "a human please"})
    assert s.decision is not None and s.next_deadline is None  # decided: nothing more to tick
    assert session(HUMAN).next_deadline is None


def test_a_late_message_after_an_unticked_deadline_gets_the_timers_decision_and_is_applied() -> None:
    s = session(SILENCE, HUMAN)
    s.observe({"at": START, "type": "visitor", "text": "hello"})
    late = {"at": at(600), "type": "visitor", "text": "a human please"}
    decision = s.observe(late)
    assert decision is not None and decision.rule == "silence" and decision.timer
    assert decision.at == T0 + timedelta(seconds=120) and decision.turn == 1
    assert s.transcript[-1] is late and s.state.turn == 2 and s.state.text == "a human please"
    assert s.clock == T0.timestamp() + 600
    assert [f.rule for f in s.fired] == ["silence"]  # the message is applied, not evaluated: the Decision is final


def test_a_late_message_after_a_non_escalating_deadline_is_evaluated() -> None:
    s = session(QUIET_TAG, HUMAN)
    s.observe({"at": START, "type": "visitor", "text": "hello"})
    decision = s.observe({"at": at(600), "type": "visitor", "text": "a human please"})
    assert decision is not None and decision.rule == "human" and not decision.timer
    assert decision.at == T0 + timedelta(seconds=600) and decision.tags == ("quiet",)
    assert [(f.rule, f.at) for f in s.fired] == [("quiet", T0 + timedelta(seconds=120)),
                                                ("human", T0 + timedelta(seconds=600))]


def test_tick_fires_deadlines_but_does_not_move_the_clock() -> None:
    s = session(QUIET_TAG, HUMAN)
    s.observe({"at": START, "type": "visitor", "text": "hello"})
    assert s.tick(T0 + timedelta(seconds=1000)) is None
    assert s.clock == T0.timestamp() + 120  # moved to the deadline that fired, not to the tick
    decision = s.observe({"at": at(500), "type": "visitor", "text": "human?"})
    assert decision is not None and decision.at == T0 + timedelta(seconds=500)


def test_an_event_older_than_the_clock_is_applied_at_the_clock() -> None:
    s = session(QUIET_TAG, HUMAN)
    s.observe({"at": START, "type": "visitor", "text": "hello"})
    s.tick(T0 + timedelta(seconds=130))  # the quiet tag fires at 120: the clock is there
    skewed = {"at": at(50), "type": "visitor", "text": "human?"}
    decision = s.observe(skewed)
    assert decision is not None and decision.at == T0 + timedelta(seconds=120)
    assert s.transcript[-1]["at"] == skewed["at"]  # its own instant stays in the transcript


def test_tick_before_any_event_does_nothing() -> None:
    s = session(SILENCE)
    assert s.tick(T0 + timedelta(hours=1)) is None and s.clock is None


def _host_loop(rules: runtime.Runtime, conversation: Conversation) -> dict[str, Any] | None:
    """A live host: events as they come, and a scheduler that ticks at `next_deadline` in between."""
    s = rules.session(conversation.id, conversation.visitor)
    for event in conversation.events:
        when = datetime.fromisoformat(event["at"])
        while (deadline := s.next_deadline) is not None and deadline < when:
            decision = s.tick(deadline)
            if decision is not None:
                return decision.to_dict()
        decision = s.observe(event)
        if decision is not None:
            return decision.to_dict()
    return None


def test_a_host_ticking_at_next_deadline_decides_as_simulate_on_the_samples() -> None:
    rules = runtime.load(example_playbook())
    count = 0
    for conversation in read_conversations(sample_conversations()):
        assert isinstance(conversation, Conversation)
        expected = simulate(rules.compiled, conversation).to_dict()
        assert _host_loop(rules, conversation) == (expected if expected["escalated"] else None), conversation.id
        count += expected["escalated"]
    assert count > 0
