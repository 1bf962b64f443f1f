"""`profile` and `context` events change the visitor facts mid-conversation, in sessions and `simulate`."""

from __future__ import annotations

from typing import Any

from builder.engine import compile_ruleset, simulate
from tests.builder.engine.reference_engine import events, make_ruleset

START = "2026-11-24T09:00:00Z"
HOT_LEAD = {"id": "hot-lead", "when": {"all": [{"fact": "visitor.score", "op": "gte", "value": 80},
                                               {"fact": "message.text", "op": "contains_any", "value": ["price"]}]}}


def conversation(*items: tuple[float, str, dict[str, Any]], visitor: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": "c", "visitor": visitor or {"score": 40}, "events": events(START, *items)}


def test_a_score_rule_fires_only_after_a_profile_event_raises_the_score() -> None:
    compiled = compile_ruleset(make_ruleset([HOT_LEAD]))
    asks = [(0, "visitor", {"text": "what is the price?"}), (60, "visitor", {"text": "price for 40 seats?"})]
    assert not simulate(compiled, conversation(*asks)).escalated
    raised = simulate(compiled, conversation(asks[0], (30, "profile", {"score": 92}), asks[1]))
    assert raised.escalated and raised.turn == 2
    lowered = simulate(compiled, conversation(asks[0], (30, "profile", {"score": 50}), asks[1],
                                              visitor={"score": 85}))
    assert lowered.escalated and lowered.turn == 1  # the first turn still had the old score
    assert not simulate(compiled, conversation((0, "profile", {"score": 50}), *asks,
                                               visitor={"score": 85})).escalated


def test_a_profile_event_merges_fields_and_attributes_key_by_key() -> None:
    session = compile_ruleset(make_ruleset([HOT_LEAD])).session(
        "c", {"name": "Ana", "score": 10, "attributes": {"country": "de", "plan": "free"}})
    session.observe({"at": START, "type": "profile", "email": "ana@example.com", "returning": True,
                     "attributes": {"plan": "enterprise"}})
    assert session.visitor == {"name": "Ana", "score": 10, "email": "ana@example.com", "returning": True,
                               "attributes": {"country": "de", "plan": "enterprise"}}
    st = session.state
    assert (st.email_known, st.returning, st.score, dict(st.attributes)) == (
        True, True, 10, {"country": "de", "plan": "enterprise"})


def test_context_values_are_read_by_visitor_attribute_before_the_profiles() -> None:
    rule = {"id": "enterprise", "when": {"all": [
        {"fact": "visitor.attribute", "param": "plan", "op": "eq", "value": "enterprise"},
        {"fact": "conversation.visitor_message_count", "op": "gte", "value": 1}]}}
    compiled = compile_ruleset(make_ruleset([rule]))
    visitor = {"attributes": {"plan": "free"}}
    hello = (10, "visitor", {"text": "hello"})
    assert not simulate(compiled, conversation(hello, visitor=visitor)).escalated
    decision = simulate(compiled, conversation((0, "context", {"values": {"plan": "enterprise"}}), hello,
                                               visitor=visitor))
    assert decision.escalated
    # a later profile update does not hide the conversation's context
    session = compile_ruleset(make_ruleset([rule])).session("c", visitor)
    for event in events(START, (0, "context", {"values": {"plan": "enterprise"}}),
                        (1, "profile", {"attributes": {"plan": "free"}})):
        session.observe(event)
    assert session.visitor["attributes"] == {"plan": "free"} and "values" not in session.visitor
    assert session.observe(events(START, hello)[0]) is not None


def test_a_malformed_profile_or_context_event_from_a_host_never_crashes_the_engine() -> None:
    compiled = compile_ruleset(make_ruleset([HOT_LEAD]))
    decision = simulate(compiled, conversation((0, "profile", {"score": "high", "attributes": [1]}),
                                               (1, "context", {"values": "x"}),
                                               (2, "visitor", {"text": "price?"}), visitor={"score": 90}))
    assert not decision.escalated  # a score that is not a number reads as unknown
