"""Timers on the conversation's own clock: deadlines fire in replay and live, across DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from builder.engine import compile_ruleset, simulate
from tests.builder.engine.reference_engine import events, make_ruleset

UTC = UTC
START = "2026-11-24T09:00:00Z"
BERLIN = {"id": "berlin", "name": "Berlin", "timezone": "Europe/Berlin",
          "weekly": [{"day": d, "start": "08:00", "end": "18:00"} for d in ("mon", "tue", "wed", "thu", "fri")]}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def silence_rule(op: str = "gt", seconds: int = 120, **extra: Any) -> dict[str, Any]:
    return {"id": "silence", "trigger": "time_based",
            "when": {"fact": "time.silence_seconds", "op": op, "value": seconds}, **extra}


def replay(rules: list[dict[str, Any]], evs: list[dict[str, Any]], **settings: Any) -> Any:
    return simulate(compile_ruleset(make_ruleset(rules, **settings)), {"id": "c", "events": evs})


def test_silence_fires_at_its_deadline_not_at_the_next_event() -> None:
    evs = events(START, (0, "visitor", {"text": "hello?"}), (600, "visitor", {"text": "anyone?"}))
    for op in ("gt", "gte"):
        decision = replay([silence_rule(op)], evs)
        assert decision.escalated and decision.timer
        assert decision.at == at(START) + timedelta(minutes=2)
        assert decision.turn == 1
        assert decision.to_dict()["at"] == "2026-11-24T09:02:00Z"


def test_any_message_resets_the_silence() -> None:
    evs = events(START, (0, "visitor", {"text": "hi"}), (100, "bot", {"text": "hello!"}),
                 (200, "visitor", {"text": "so"}), (310, "visitor", {"text": "ok"}))
    assert not replay([silence_rule()], evs).escalated  # longest silence: 110 s
    evs.append(events(START, (500, "visitor_left", {}))[0])
    decision = replay([silence_rule()], evs)
    assert decision.at == at(START) + timedelta(seconds=310 + 120)


def test_timers_stop_at_the_end_of_the_conversation() -> None:
    evs = events(START, (0, "visitor", {"text": "hello?"}), (60, "bot", {"text": "hi"}))
    assert not replay([silence_rule()], evs).escalated


def test_the_earliest_deadline_decides() -> None:
    def rules(silence: int) -> list[dict[str, Any]]:
        return [{"id": "unresolved", "when": {"all": [{"fact": "time.minutes_since_start", "op": "gte", "value": 6},
                                                      {"fact": "conversation.resolved", "op": "is_false"}]}},
                silence_rule(seconds=silence)]
    evs = events(START, (0, "visitor", {"text": "my plug does not connect"}), (60, "visitor", {"text": "still no"}),
                 (200, "visitor", {"text": "hm"}), (900, "visitor_left", {}))
    decision = replay(rules(150), evs)  # silence deadline 200 + 150 = 350 s, before the 6 minutes
    assert (decision.rule, decision.at, decision.turn) == ("silence", at(START) + timedelta(seconds=350), 3)
    decision = replay(rules(240), evs)  # 200 + 240 = 440 s, after the 6 minutes
    assert (decision.rule, decision.at, decision.turn) == ("unresolved", at(START) + timedelta(minutes=6), 3)


def test_resolution_before_the_deadline_prevents_the_escalation() -> None:
    rules = [{"id": "unresolved", "when": {"all": [{"fact": "time.minutes_since_start", "op": "gte", "value": 6},
                                                   {"fact": "conversation.resolved", "op": "is_false"}]}}]
    evs = events(START, (0, "visitor", {"text": "hours?"}), (5, "bot", {"text": "9-5", "resolved": True}),
                 (900, "visitor_left", {}))
    assert not replay(rules, evs).escalated


def test_live_tick_fires_only_after_the_deadline_and_reports_the_deadline() -> None:
    session = compile_ruleset(make_ruleset([silence_rule()])).session("live")
    assert session.observe({"at": START, "type": "visitor", "text": "hello?"}) is None
    assert session.tick(at(START) + timedelta(seconds=119)) is None
    decision = session.tick(at(START) + timedelta(seconds=125))
    assert decision is not None and decision.at == at(START) + timedelta(seconds=120)
    assert session.decision is decision and session.tick(at(START) + timedelta(hours=1)) is None


def test_live_tick_before_any_event_does_nothing() -> None:
    session = compile_ruleset(make_ruleset([silence_rule()])).session("live")
    assert session.tick(at(START)) is None


def test_a_fired_once_rule_sets_no_more_deadlines() -> None:
    rules = [silence_rule(seconds=60, actions=[{"type": "tag", "tags": ["quiet"]}])]
    session = compile_ruleset(make_ruleset(rules)).session("c")
    for event in events(START, (0, "visitor", {"text": "a"}), (100, "visitor", {"text": "b"}),
                        (300, "visitor", {"text": "c"})):
        session.observe(event)
    assert [f.at for f in session.fired] == [at(START) + timedelta(seconds=60)]
    assert session.next_deadline is None


def test_every_turn_timer_refires_after_each_message() -> None:
    rules = [silence_rule(seconds=60, actions=[{"type": "tag", "tags": ["quiet"]}],
                          cooldown={"policy": "every_turn"})]
    session = compile_ruleset(make_ruleset(rules)).session("c")
    for event in events(START, (0, "visitor", {"text": "a"}), (100, "visitor", {"text": "b"}),
                        (300, "visitor", {"text": "c"})):
        session.observe(event)
    assert [f.at for f in session.fired] == [at(START) + timedelta(seconds=s) for s in (60, 160)]


def test_dst_spring_forward_inside_a_conversation() -> None:
    # Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    rules = [
        {"id": "night-owl", "when": {"all": [{"fact": "time.local_hour", "op": "eq", "value": 3},
                                             {"fact": "time.silence_seconds", "op": "gte", "value": 3600}]}},
    ]
    evs = events("2026-03-29T00:30:00Z", (0, "visitor", {"text": "hello at 01:30 local"}),
                 (7200, "visitor_left", {}))
    decision = replay(rules, evs, schedules=[BERLIN], default_schedule="berlin")
    # one real hour of silence: 01:30 UTC, which is 03:30 CEST (wall clock jumped an hour)
    assert decision.at == at("2026-03-29T01:30:00Z")
    assert decision.at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin")).hour == 3


def test_dst_fall_back_keeps_real_durations_and_local_hours() -> None:
    # Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
    session = compile_ruleset(make_ruleset(
        [{"id": "late", "when": {"all": [{"fact": "time.minutes_since_start", "op": "gte", "value": 45},
                                         {"fact": "time.local_hour", "op": "eq", "value": 2},
                                         {"fact": "time.local_weekday", "op": "eq", "value": "sun"}]}}],
        schedules=[BERLIN], default_schedule="berlin")).session("c", trace=True)
    session.observe({"at": "2026-10-25T00:30:00Z", "type": "visitor", "text": "02:30 CEST"})
    first = session.turns[-1].facts
    decision = session.tick(at("2026-10-25T02:00:00Z"))
    assert first["time.local_hour"] == 2
    assert decision is not None and decision.at == at("2026-10-25T01:15:00Z")  # 45 real minutes: 02:15 CET
    assert session.turns[-1].facts["time.local_hour"] == 2 and session.turns[-1].timer


def test_business_hours_follow_the_clock_to_the_deadline() -> None:
    rules = [{"id": "after-hours", "when": {"all": [
        {"fact": "time.in_business_hours", "op": "is_false"},
        {"fact": "time.silence_seconds", "op": "gte", "value": 600}]}}]
    # Tuesday 17:55 Berlin: open at the message, closed when the 10 minutes of silence are up.
    evs = events("2026-11-24T16:55:00Z", (0, "visitor", {"text": "still there?"}), (3600, "visitor_left", {}))
    decision = replay(rules, evs, schedules=[BERLIN], default_schedule="berlin")
    assert decision.at == at("2026-11-24T17:05:00Z")
    evs_open = events("2026-11-24T09:00:00Z", (0, "visitor", {"text": "still there?"}), (3600, "visitor_left", {}))
    assert not replay(rules, evs_open, schedules=[BERLIN], default_schedule="berlin").escalated


def test_out_of_order_events_never_run_the_clock_backwards() -> None:
    evs = events(START, (0, "visitor", {"text": "a"}), (300, "visitor", {"text": "b"}))
    evs.append(events(START, (100, "visitor", {"text": "late"}))[0])
    decision = replay([{"when": {"fact": "conversation.visitor_message_count", "op": "gte", "value": 3}}], evs)
    assert decision.at == at(START) + timedelta(seconds=300)


UNRESOLVED = {"id": "unresolved", "trigger": "time_based",
              "when": {"all": [{"fact": "time.minutes_since_start", "op": "gte", "value": 6},
                               {"fact": "conversation.resolved", "op": "is_false"}]}}


@pytest.mark.parametrize(("offset", "escalates"), [(-1, False), (0, True), (1, True)])
@pytest.mark.parametrize(("rule", "deadline", "event"), [
    # a message resets the silence: unless the deadline came first, the rule never fires
    (silence_rule(seconds=120), 120, ("visitor", {"text": "still here"})),
    (silence_rule("gte", seconds=120), 120, ("bot", {"text": "one moment"})),
    # a resolution ends the wait: unless the deadline came first, the rule never fires
    (UNRESOLVED, 360, ("resolved", {})),
    (UNRESOLVED, 360, ("bot", {"text": "done", "resolved": True})),
])
def test_an_event_exactly_at_a_deadline_comes_after_the_timer(rule: dict[str, Any], deadline: int,
                                                               event: tuple[str, dict[str, Any]],
                                                               offset: int, escalates: bool) -> None:
    """Deadline - 1 s: the event wins; exactly at the deadline and after it: the timer fires first."""
    kind, payload = event
    evs = events(START, (0, "visitor", {"text": "hello?"}), (deadline + offset, kind, payload),
                 (deadline + 60, "visitor_left", {}))  # before a deadline the event itself sets
    decision = replay([rule], evs)
    assert decision.escalated is escalates
    if escalates:
        assert decision.timer and decision.at == at(START) + timedelta(seconds=deadline)


@pytest.mark.parametrize(("offset", "fires"), [(-1, False), (0, True), (1, True)])
def test_a_live_tick_exactly_at_the_deadline_fires(offset: int, fires: bool) -> None:
    session = compile_ruleset(make_ruleset([silence_rule()])).session("live")
    session.observe({"at": START, "type": "visitor", "text": "hello?"})
    decision = session.tick(at(START) + timedelta(seconds=120 + offset))
    assert (decision is not None) is fires
    if decision is not None:
        assert decision.at == at(START) + timedelta(seconds=120)
