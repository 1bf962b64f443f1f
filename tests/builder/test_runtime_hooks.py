"""Hooks (`on_fire`, `on_decision`) and `Decision.why`, the one-line explanation of every decision."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from builder import runtime
from builder.engine import Decision, Firing
from builder.paths import example_playbook
from tests.builder.engine.reference_engine import make_ruleset

T0 = datetime(2026, 11, 24, 9, 0, 0, 250000, tzinfo=UTC)


def at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat()


def said(*texts: str) -> list[dict[str, Any]]:
    return [{"at": at(10 * i), "type": "visitor", "text": t} for i, t in enumerate(texts)]


TAG = {"type": "tag", "tags": ["seen"]}
ESCALATE = {"type": "escalate", "handoff": "instant", "team": "support", "priority": "normal"}


def all_matches() -> runtime.Runtime:
    """Two rules that only tag (every turn) and one that escalates, all evaluated at every turn."""
    return runtime.Runtime(make_ruleset([
        {"id": "price", "when": {"fact": "message.text", "op": "contains_any", "value": ["price"]},
         "actions": [TAG], "stop": False, "cooldown": {"policy": "every_turn"}},
        {"id": "long", "when": {"fact": "conversation.visitor_message_count", "op": "gte", "value": 2},
         "actions": [{"type": "tag", "tags": ["long"]}], "stop": False, "cooldown": {"policy": "every_turn"}},
        {"id": "human", "name": "Asks for a person",
         "when": {"fact": "message.text", "op": "contains_any", "value": ["agent", "human"]},
         "actions": [ESCALATE], "stop": False},
    ], evaluation_mode="all_matches"))


def test_on_fire_sees_every_firing_and_on_decision_the_decision_after_them() -> None:
    calls: list[Firing | Decision] = []
    session = all_matches().session("c", on_fire=calls.append, on_decision=calls.append)
    returned = None
    for event in said("what is the price", "price again", "a human about the price"):
        returned = session.observe(event)
    assert returned is not None and session.decision is returned
    firings = [c for c in calls if isinstance(c, Firing)]
    assert firings == session.fired
    assert [(f.rule, f.turn, f.escalate) for f in firings] == [
        ("price", 1, False), ("price", 2, False), ("long", 2, False),
        ("price", 3, False), ("long", 3, False), ("human", 3, True)]
    assert firings[-1].at == T0 + timedelta(seconds=20) and firings[0].tags == ("seen",)
    assert calls[-1] is returned and [c for c in calls if isinstance(c, Decision)] == [returned]


def test_hooks_see_timer_firings_and_decisions_from_tick() -> None:
    calls: list[Any] = []
    session = runtime.load(example_playbook()).session("c", on_fire=calls.append, on_decision=calls.append)
    session.observe({"at": at(0), "type": "visitor", "text": "my plug does not connect"})
    assert calls == []
    decision = session.tick(T0 + timedelta(minutes=10))
    assert decision is not None
    assert [type(c) for c in calls] == [Firing, Decision] and calls[1] is decision
    assert calls[0].rule == "no-resolution" and calls[0].at == T0 + timedelta(minutes=6)


def test_no_hooks_no_calls_and_hooks_are_per_session() -> None:
    rules = all_matches()
    seen: list[Any] = []
    hooked = rules.session("a", on_decision=seen.append)
    plain = rules.session("b")
    assert plain.on_fire is None and plain.on_decision is None
    assert plain.observe(said("agent")[0]) is not None
    assert seen == []
    decision = hooked.observe(said("agent")[0])
    assert seen == [decision]


def test_an_exception_in_a_hook_reaches_the_caller_with_the_session_consistent() -> None:
    def explode(decision: Decision) -> None:
        raise RuntimeError("the host's bug")

    session = all_matches().session("c", on_decision=explode)
    with pytest.raises(RuntimeError, match="host's bug"):
        session.observe(said("get me a human")[0])
    assert session.decision is not None and session.decision.rule == "human"
    assert session.observe(said("x", "agent")[1]) is None  # decided: later events are ignored


def test_an_exception_in_on_fire_still_leaves_the_decision_made() -> None:
    def explode(firing: Firing) -> None:
        raise RuntimeError("boom")

    session = all_matches().session("c", on_fire=explode)
    with pytest.raises(RuntimeError):
        session.observe(said("a human please")[0])
    assert session.decision is not None and session.firing_count == 1


# --- Decision.why --------------------------------------------------------------------------------

def why(when: dict[str, Any], *texts: str, name: str = "The rule", trigger: str = "keyword",
        visitor: dict[str, Any] | None = None, **settings: Any) -> str:
    rules = runtime.Runtime(make_ruleset([{"name": name, "trigger": trigger, "when": when}], **settings))
    session = rules.session("c", visitor)
    for event in said(*texts):
        decision = session.observe(event)
        if decision is not None:
            return decision.why
    raise AssertionError("no decision")


def leaf(fact: str, op: str, value: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"fact": fact, "op": op}
    if value is not None:
        out["value"] = value
    return out


def test_why_names_the_phrases_found_in_the_message() -> None:
    assert why(leaf("message.text", "contains_any", ["agent", "human"]), "hi", "I want an agent",
               name="Visitor asks for a human") == "Visitor asks for a human: the message mentions “agent”"
    both = {"all": [leaf("message.text", "contains_any", ["talk", "speak"]),
                    leaf("message.text", "contains_any", ["someone", "person"])]}
    assert why(both, "can I speak to someone") == "The rule: the message mentions “speak”, “someone”"


def test_why_gives_values_against_thresholds_and_leaves_guards_out() -> None:
    rule = {"all": [leaf("conversation.visitor_message_count", "gt", 2), leaf("conversation.resolved", "is_false")]}
    assert why(rule, "a", "b", "c", name="Long chat") == "Long chat: visitor messages: 3 (more than 2)"
    assert why(leaf("conversation.resolved", "is_false"), "a") == "The rule: not marked as resolved"
    assert why(leaf("visitor.score", "gte", 80), "a", visitor={"score": 91.456}) == \
        "The rule: visitor score: 91.46 (at least 80)"


def test_why_names_only_what_held_in_an_any_and_nothing_from_a_not() -> None:
    rule = {"all": [{"any": [leaf("message.text", "contains_any", ["refund"]),
                             leaf("conversation.visitor_message_count", "gte", 5)]},
                    {"not": leaf("message.text", "contains_any", ["thanks"])}]}
    assert why(rule, "I want a refund") == "The rule: the message mentions “refund”"
    only_not = {"not": leaf("message.text", "contains_any", ["thanks"])}
    assert why(only_not, "hello", trigger="explicit_request") == "The rule (asks for a human)"
    # "refund" held inside a group that failed: not a reason, neither under `any` nor under `not`
    refund_early = {"all": [leaf("message.text", "contains_any", ["refund"]),
                            leaf("conversation.visitor_message_count", "gte", 5)]}
    assert why({"any": [refund_early, leaf("message.text", "contains_any", ["money"])]}, "refund my money") == \
        "The rule: the message mentions “money”"
    assert why({"not": refund_early}, "refund") == "The rule (keyword)"


def test_why_of_patterns_conversation_text_and_frustration() -> None:
    assert why(leaf("message.text", "matches", r"order\s*#?\d{4,}"), "where is ORDER #12345 now") == \
        "The rule: the message contains “ORDER #12345”"
    assert why({"all": [leaf("conversation.text", "contains_any", ["refund"]),
                        leaf("conversation.visitor_message_count", "gte", 2)]}, "a refund", "hello?") == \
        "The rule: the visitor has said “refund”; visitor messages: 2 (at least 2)"
    assert why(leaf("message.frustration", "is_true"), "fine", "this is useless") == \
        "The rule: latest message sounds frustrated (“useless”)"


def test_why_of_a_timer_says_the_time_without_the_instant_after_the_deadline() -> None:
    rules = runtime.Runtime(make_ruleset([{"name": "Waited too long",
                                           "when": leaf("time.minutes_since_start", "gte", 6)}]))
    session = rules.session("c")
    session.observe(said("hello")[0])
    decision = session.tick(T0 + timedelta(minutes=8))
    assert decision is not None
    assert decision.why == "Waited too long: minutes since the conversation started: 6 (at least 6)"


def test_why_keeps_to_three_reasons() -> None:
    three = {"all": [leaf("conversation.visitor_message_count", "gte", 1), leaf("visitor.returning", "is_true"),
                     leaf("visitor.email_known", "is_true")]}
    assert why(three, "hi", visitor={"returning": True, "email": "a@b.c"}) == \
        "The rule: visitor messages: 1 (at least 1); returning visitor; visitor's e-mail is known"
    rule = {"all": [leaf("conversation.visitor_message_count", "gte", 1), leaf("conversation.message_count", "gte", 1),
                    leaf("visitor.returning", "is_true"), leaf("visitor.email_known", "is_true")]}
    text = why(rule, "hi", visitor={"returning": True, "email": "a@b.c"})
    assert text == ("The rule: visitor messages: 1 (at least 1); messages in the conversation: 1 (at least 1); "
                    "returning visitor …")


def test_why_on_the_playbook_is_one_line_for_every_escalation() -> None:
    rules = runtime.load(example_playbook())
    for text, start in [("Can I talk to a human?", "Visitor asks for a human: the message mentions “human”"),
                        ("I want my money back", "Refunds, billing disputes and cancellations: the message "
                                                 "mentions “money back”")]:
        decision = rules.session("c").observe({"at": at(0), "type": "visitor", "text": text})
        assert decision is not None and decision.why.startswith(start), decision.why
        assert "\n" not in decision.why and "why" not in decision.to_dict()



def test_a_restored_session_calls_the_hooks_it_is_given() -> None:
    rules = all_matches()
    first = rules.session("c")
    events = said("what is the price", "a human about the price")
    first.observe(events[0])
    state = json.loads(json.dumps(first.to_state()))
    calls: list[Firing | Decision] = []
    again = rules.restore(state, on_fire=calls.append, on_decision=calls.append)
    returned = again.observe(events[1])
    assert returned is not None and calls[-1] is returned
    assert [(c.rule, c.turn) for c in calls if isinstance(c, Firing)] == [("price", 2), ("long", 2), ("human", 2)]


def test_why_explains_the_instant_of_the_decision_not_a_late_event_after_it() -> None:
    """`why` is made when first read; a timer that decided before a late message still explains
    the message it decided on (the late one is applied to the session after the decision)."""
    rules = runtime.Runtime(make_ruleset([{"name": "Waiting for a person", "trigger": "keyword", "when": {
        "all": [leaf("message.text", "contains_any", ["agent"]), leaf("time.silence_seconds", "gte", 60)]}}]))
    session = rules.session("c")
    assert session.observe({"at": at(0), "type": "visitor", "text": "I need an agent"}) is None
    decision = session.observe({"at": at(600), "type": "visitor", "text": "never mind, bye"})
    assert decision is not None and decision.timer and decision.turn == 1
    assert decision.why.startswith("Waiting for a person: the message mentions “agent”")
