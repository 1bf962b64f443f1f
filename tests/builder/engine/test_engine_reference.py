"""Property test: the compiled engine and the naive reference evaluator agree on every generated
ruleset x conversation (decision, rule, turn, instant and tags)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.engine import compile_ruleset, simulate
from tests.builder.engine.reference_engine import events, make_ruleset, reference_run
from tests.conftest import examples

PHRASES = ["refund", "refunds please", "cancel*", "talk to a human", "not helpful", "order", "price",
           "human", "don't", "help me", "😡"]
WORDS = ["I", "want", "a", "refund", "refunded", "cancellation", "cancel", "talk", "to", "human", "HUMANS",
         "not", "helpful", "order", "ORDERS", "price", "please", "don't", "help", "me", "REFUND!!!", "re-fund",
         "😡", "12345", "WHY IS THIS SO SLOW", "awful", "great", "?"]

numeric = st.one_of(
    st.tuples(st.just("conversation.visitor_message_count"), st.integers(0, 5)),
    st.tuples(st.just("conversation.message_count"), st.integers(0, 8)),
    st.tuples(st.just("bot.fallback_count"), st.integers(0, 3)),
    st.tuples(st.just("visitor.score"), st.integers(0, 100)),
    st.tuples(st.just("message.caps_ratio"), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])),
    st.tuples(st.just("conversation.repeated_question_count"), st.integers(0, 2)),
    st.tuples(st.just("pages.view_count"), st.integers(0, 3)),
    st.tuples(st.just("conversation.messages_per_minute"), st.integers(0, 3)),
    st.tuples(st.just("bot.last_confidence"), st.sampled_from([0.2, 0.5, 0.8])),
    st.tuples(st.just("message.sentiment"), st.sampled_from([-0.5, 0.0, 0.5])),
)


@st.composite
def leaves(draw: Any) -> dict[str, Any]:
    kind = draw(st.integers(0, 7))
    if kind == 0:
        return {"fact": "message.text", "op": draw(st.sampled_from(["contains_any", "contains_none"])),
                "value": draw(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=3, unique=True))}
    if kind == 1:
        return {"fact": "conversation.text", "op": "contains_any",
                "value": draw(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=2, unique=True))}
    if kind == 2:
        return {"fact": draw(st.sampled_from(["message.text", "conversation.text"])), "op": "matches",
                "value": draw(st.sampled_from(["refund", r"\d{3,}", "^help", "hu+man"]))}
    if kind == 3:
        fact, value = draw(numeric)
        return {"fact": fact, "op": draw(st.sampled_from(["gt", "gte", "lt", "lte"])), "value": value}
    if kind == 4:
        if draw(st.booleans()):
            return {"fact": "time.minutes_since_start", "op": draw(st.sampled_from(["gt", "gte"])),
                    "value": draw(st.integers(1, 5))}
        return {"fact": "time.silence_seconds", "op": draw(st.sampled_from(["gt", "gte"])),
                "value": draw(st.integers(3, 30)) * 10}
    if kind == 5:
        return {"fact": draw(st.sampled_from(["message.frustration", "conversation.resolved", "cart.abandoned",
                                              "bot.last_fallback", "visitor.returning"])),
                "op": draw(st.sampled_from(["is_true", "is_false"]))}
    if kind == 6:
        return {"fact": "pages.views_matching", "param": "/pricing*", "op": "gte", "value": draw(st.integers(1, 2))}
    return {"fact": "bot.intent", "op": draw(st.sampled_from(["eq", "ne", "in", "not_in"])),
            "value": draw(st.sampled_from(["billing", "Pricing"])) if draw(st.booleans()) else ["billing", "pricing"]}


def _fix(leaf: dict[str, Any]) -> dict[str, Any]:
    if leaf.get("fact") == "bot.intent":
        scalar = leaf["op"] in ("eq", "ne")
        value = leaf["value"]
        leaf["value"] = (value if isinstance(value, str) else value[0]) if scalar else \
            ([value] if isinstance(value, str) else value)
    return leaf


conditions = st.recursive(
    leaves().map(_fix),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda c: {"all": c}),
        st.lists(inner, min_size=1, max_size=3).map(lambda c: {"any": c}),
        inner.map(lambda c: {"not": c}),
    ),
    max_leaves=5,
)


@st.composite
def rules(draw: Any) -> dict[str, Any]:
    escalate = draw(st.booleans())
    actions: list[dict[str, Any]] = [{"type": "tag", "tags": [draw(st.sampled_from(["a", "b", "c"]))]}]
    if escalate:
        actions.insert(0, {"type": "escalate", "handoff": "instant", "team": "support", "priority": "normal"})
    policy = draw(st.sampled_from(["once", "every_turn", "after_minutes"]))
    cooldown: dict[str, Any] = {"policy": policy}
    if policy == "after_minutes":
        cooldown["minutes"] = draw(st.integers(1, 3))
    return {"when": draw(conditions), "actions": actions, "stop": draw(st.booleans()), "cooldown": cooldown}


@st.composite
def conversations(draw: Any) -> dict[str, Any]:
    items = []
    offset = 0
    for _ in range(draw(st.integers(1, 8))):
        offset += draw(st.integers(0, 200))
        kind = draw(st.sampled_from(["visitor", "visitor", "visitor", "bot", "page_view", "cart", "left"]))
        if kind == "visitor":
            text = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=8)))
            items.append((offset, "visitor", {"text": text}))
        elif kind == "bot":
            payload: dict[str, Any] = {"text": "ok"}
            if draw(st.booleans()):
                payload["confidence"] = draw(st.sampled_from([0.1, 0.5, 0.9]))
            if draw(st.booleans()):
                payload["fallback"] = draw(st.booleans())
            if draw(st.booleans()):
                payload["intent"] = draw(st.sampled_from(["billing", "pricing", "other"]))
            if draw(st.integers(0, 4)) == 0:
                payload["resolved"] = True
            items.append((offset, "bot", payload))
        elif kind == "page_view":
            items.append((offset, "page_view", {"url": draw(st.sampled_from(["/pricing", "/pricing/team", "/docs"]))}))
        elif kind == "cart":
            items.append((offset, "cart", {"action": draw(st.sampled_from(["abandon", "checkout"]))}))
        else:
            items.append((offset, "visitor_left", {}))
    visitor = {"score": draw(st.integers(0, 100)), "returning": draw(st.booleans())}
    return {"id": "c", "visitor": visitor, "events": events("2026-03-29T00:59:00Z", *items)}


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(rules(), min_size=1, max_size=4), st.sampled_from(["first_match", "all_matches"]), conversations())
def test_compiled_engine_agrees_with_reference(rule_list: list[dict[str, Any]], mode: str,
                                               conversation: dict[str, Any]) -> None:
    ruleset = make_ruleset(rule_list, evaluation_mode=mode)
    decision = simulate(compile_ruleset(ruleset), conversation)
    expected = reference_run(ruleset, conversation)
    assert (decision.escalated, decision.rule, decision.turn) == (expected.escalated, expected.rule, expected.turn)
    if expected.escalated:
        assert decision.at == expected.at
    assert list(decision.tags) == expected.tags
