"""The rule index changes no result: gates are necessary conditions, thresholds are decided at their
boundaries, and the indexed engine fires exactly what walking every rule fires."""

from __future__ import annotations

from typing import Any

import test_engine_reference as ref
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.engine import compile_ruleset
from builder.engine.compile import CompiledRuleset
from builder.engine.index import without_index
from builder.engine.session import Session
from tests.builder.engine.reference_engine import events, make_ruleset, reference_run
from tests.conftest import examples

START = "2026-11-24T09:00:00Z"


def _fired(compiled: CompiledRuleset, conversation: dict[str, Any]) -> list[tuple[str, int, Any, bool]]:
    session = Session(compiled, "c", conversation.get("visitor"))
    for event in conversation["events"]:
        if session.observe(event) is not None:
            break
    return [(f.rule, f.turn, f.at, f.escalate) for f in session.fired]


def _tag_rules(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"when": c, "actions": [{"type": "tag", "tags": [f"t{i}"]}], "stop": False,
             "cooldown": {"policy": "every_turn"}} for i, c in enumerate(conditions)]


def _fired_rules(conditions: list[dict[str, Any]], conversation: dict[str, Any]) -> list[list[str]]:
    compiled = compile_ruleset(make_ruleset(_tag_rules(conditions), evaluation_mode="all_matches"))
    turns: dict[int, list[str]] = {}
    for rule, turn, _, _ in _fired(compiled, conversation):
        turns.setdefault(turn, []).append(rule)
    assert _fired(without_index(compiled), conversation) == _fired(compiled, conversation)
    return [turns.get(t, []) for t in range(1, 1 + sum(e["type"] == "visitor" for e in conversation["events"]))]


def test_thresholds_on_one_fact_are_decided_at_their_boundaries() -> None:
    conditions = [{"fact": "visitor.score", "op": op, "value": x}
                  for op in ("gt", "gte", "lt", "lte") for x in (49, 50, 50.5, 51)]
    conversation = {"visitor": {"score": 50}, "events": events(START, (0, "visitor", {"text": "hi"}))}
    fired = _fired_rules(conditions, conversation)[0]
    held = [f"r{i}" for i, c in enumerate(conditions) if {
        "gt": 50 > c["value"], "gte": 50 >= c["value"], "lt": 50 < c["value"], "lte": 50 <= c["value"]}[c["op"]]]
    assert fired == held == ["r0", "r4", "r5", "r10", "r11", "r13", "r14", "r15"]


def test_a_count_crosses_each_threshold_at_its_own_turn() -> None:
    conditions = [{"fact": "conversation.visitor_message_count", "op": "gte", "value": n} for n in (3, 1, 2, 2)]
    conversation = {"events": events(START, *[(i * 10, "visitor", {"text": "hello"}) for i in range(3)])}
    assert _fired_rules(conditions, conversation) == [["r1"], ["r1", "r2", "r3"], ["r0", "r1", "r2", "r3"]]


def test_unknown_values_never_cross_a_threshold() -> None:
    conditions = [{"fact": "bot.last_confidence", "op": op, "value": 0.5} for op in ("gt", "gte", "lt", "lte")]
    quiet = {"events": events(START, (0, "visitor", {"text": "hi"}))}
    assert _fired_rules(conditions, quiet) == [[]]
    sure = {"events": events(START, (0, "bot", {"text": "ok", "confidence": 0.5}), (1, "visitor", {"text": "hi"}))}
    assert _fired_rules(conditions, sure) == [["r1", "r3"]]


def test_flags_categories_and_patterns_gate_rules() -> None:
    conditions = [
        {"fact": "bot.intent", "op": "in", "value": ["Billing", "pricing"]},
        {"fact": "bot.intent", "op": "eq", "value": "PRICING"},
        {"fact": "bot.last_fallback", "op": "is_true"},
        {"fact": "message.text", "op": "matches", "value": r"order\s*#?\d+"},
        {"any": [{"fact": "message.frustration", "op": "is_true"}, {"fact": "visitor.score", "op": "gt", "value": 90}]},
        {"all": [{"fact": "message.sentiment", "op": "lt", "value": 0.0},
                 {"fact": "conversation.message_count", "op": "gte", "value": 3}]},
        {"not": {"fact": "bot.intent", "op": "in", "value": ["billing"]}},
    ]
    conversation = {"visitor": {"score": 10}, "events": events(
        START, (0, "bot", {"text": "hi", "intent": "BILLING", "fallback": True}),
        (5, "visitor", {"text": "where is order #123"}),
        (10, "bot", {"text": "hm", "intent": "pricing", "fallback": False}),
        (15, "visitor", {"text": "this is useless and awful"}),
    )}
    assert _fired_rules(conditions, conversation) == [["r0", "r2", "r3"], ["r0", "r1", "r4", "r5", "r6"]]


def test_rules_without_a_gate_are_evaluated_at_every_turn() -> None:
    from builder.engine.index import gate

    rules = [{"any": [{"fact": "message.sentiment", "op": "lt", "value": -0.5},
                      {"fact": "visitor.score", "op": "gt", "value": 90}]},
             {"all": [{"fact": "message.sentiment", "op": "lt", "value": -0.5},
                      {"fact": "visitor.score", "op": "gt", "value": 90}]},
             {"fact": "message.text", "op": "contains_any", "value": ["refund"]}]
    compiled = compile_ruleset(make_ruleset(_tag_rules(rules), evaluation_mode="all_matches"))
    assert compiled.always == (0,)
    assert gate(compiled.rules[1].root, compiled.sources, {}) == frozenset({("num", "visitor.score", "gt", 90.0)})


# --- many rules on few facts: the indexed engine against walking every rule and the reference ------

NUMERIC = st.one_of(
    st.tuples(st.just("conversation.visitor_message_count"), st.integers(0, 4)),
    st.tuples(st.just("conversation.message_count"), st.integers(0, 6)),
    st.tuples(st.just("visitor.score"), st.sampled_from([0, 49, 50, 51, 100])),
    st.tuples(st.just("bot.last_confidence"), st.sampled_from([0.1, 0.5, 0.9])),
    st.tuples(st.just("bot.fallback_count"), st.integers(0, 2)),
    st.tuples(st.just("pages.view_count"), st.integers(0, 2)),
    st.tuples(st.just("message.caps_ratio"), st.sampled_from([0.0, 0.5, 1.0])),
)


@st.composite
def indexed_leaves(draw: Any) -> dict[str, Any]:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        fact, value = draw(NUMERIC)
        return {"fact": fact, "op": draw(st.sampled_from(["gt", "gte", "lt", "lte"])), "value": value}
    if kind == 1:
        return {"fact": draw(st.sampled_from(["bot.last_fallback", "visitor.returning", "message.frustration"])),
                "op": "is_true"}
    if kind == 2:
        return {"fact": "bot.intent", "op": "in", "value": draw(st.lists(
            st.sampled_from(["billing", "Pricing", "other"]), min_size=1, max_size=2, unique=True))}
    return draw(ref.leaves().map(ref._fix))  # any other leaf (text, timers, sentiment...)


indexed_conditions = st.recursive(
    indexed_leaves(),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda c: {"all": c}),
        st.lists(inner, min_size=1, max_size=3).map(lambda c: {"any": c}),
        inner.map(lambda c: {"not": c}),
    ),
    max_leaves=4,
)


@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(ref.rules(), min_size=0, max_size=3), st.lists(indexed_conditions, min_size=1, max_size=14),
       st.sampled_from(["first_match", "all_matches"]), ref.conversations(), st.data())
def test_the_index_changes_no_result(escalating: list[dict[str, Any]], conditions: list[dict[str, Any]], mode: str,
                                     conversation: dict[str, Any], data: Any) -> None:
    tagging = [{"when": c, "actions": [{"type": "tag", "tags": [data.draw(st.sampled_from(["a", "b", "c"]))]}],
                "stop": data.draw(st.booleans()),
                "cooldown": {"policy": data.draw(st.sampled_from(["once", "every_turn"]))}} for c in conditions]
    rule_list = tagging + escalating
    order = data.draw(st.permutations(range(len(rule_list))))
    ruleset = make_ruleset([rule_list[i] for i in order], evaluation_mode=mode)
    compiled = compile_ruleset(ruleset)
    assert _fired(compiled, conversation) == _fired(without_index(compiled), conversation)
    from builder.engine import simulate

    decision = simulate(compiled, conversation)
    expected = reference_run(ruleset, conversation)
    assert (decision.escalated, decision.rule, decision.turn) == (expected.escalated, expected.rule, expected.turn)
    assert list(decision.tags) == expected.tags


def test_every_inline_reading_equals_the_facts_own_reader() -> None:
    from builder.engine.registry import signal

    conditions = [{"fact": fact, "op": "gte", "value": 1} for fact in
                  ("time.minutes_since_start", "time.silence_seconds", "conversation.message_count",
                   "conversation.visitor_message_count", "bot.fallback_count", "pages.view_count")]
    conditions += [{"fact": "pages.views_matching", "param": p, "op": "gte", "value": 1}
                   for p in ("/pricing*", "/docs")]
    compiled = compile_ruleset(make_ruleset(_tag_rules(conditions), evaluation_mode="all_matches"))
    leaves = [leaf for rule in compiled.rules for leaf in rule.leaves]
    session = Session(compiled, "c", {"score": 3})
    checked = 0
    for event in [
        None,
        *events(
            START,
            (0, "page_view", {"url": "/pricing/team"}),
            (30, "visitor", {"text": "hi"}),
            (95, "bot", {"text": "ok"}),
            (100, "page_view", {"url": "/docs"}),
        ),
    ]:
        if event is not None:
            session.observe(event)
        for timer in (False, True):
            session.state.eps = 1e-6 if timer else 0.0
            for leaf in leaves:
                expression = leaf.inline
                assert expression is not None, leaf.leaf.fact
                value = eval(expression, {"st": session.state})
                assert value == leaf.actual(session.state), expression
                never_none = signal(leaf.leaf.fact).never_none  # type: ignore[union-attr]
                assert value is not None or not never_none, expression  # no None check there
                checked += 1
    assert checked == 10 * len(leaves) == 10 * 8
