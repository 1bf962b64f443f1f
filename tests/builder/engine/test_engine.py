"""The compiled evaluator: operators, modes, stop, cooldown, compile errors, decisions and traces."""

from __future__ import annotations

import json
from typing import Any

import pytest

from builder.engine import CompileError, compile_ruleset, render_trace, simulate
from builder.format.conversation import read_conversations
from builder.format.model import Ruleset
from builder.paths import example_playbook, sample_conversations
from rules_schema.catalog import catalog
from rules_schema.schemas import schema_errors
from tests.builder.engine.reference_engine import events, make_ruleset

START = "2026-11-24T09:00:00Z"


def run(rules: list[dict[str, Any]], evs: list[dict[str, Any]], visitor: dict[str, Any] | None = None,
        trace: bool = False, **settings: Any) -> Any:
    compiled = compile_ruleset(make_ruleset(rules, **settings))
    return simulate(compiled, {"id": "c", "visitor": visitor or {}, "events": evs}, trace=trace)


def says(*texts: str) -> list[dict[str, Any]]:
    return events(START, *[(i * 10, "visitor", {"text": t}) for i, t in enumerate(texts)])


def fires(leaf: dict[str, Any], *texts: str, visitor: dict[str, Any] | None = None, **settings: Any) -> int | None:
    """The turn at which a rule made of `leaf` escalates, or None."""
    return run([{"when": leaf}], says(*texts), visitor, **settings).turn


# --- operators ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("leaf", "texts", "turn"),
    [
        ({"fact": "message.text", "op": "contains_any", "value": ["refund"]}, ("hi", "REFUND!!!"), 2),
        ({"fact": "message.text", "op": "contains_any", "value": ["refund"]}, ("re-fund",), None),
        ({"fact": "message.text", "op": "contains_any", "value": ["talk to a human"]}, ("talk to a human?",), 1),
        ({"fact": "message.text", "op": "contains_none", "value": ["thanks"]}, ("thanks", "bye"), 2),
        ({"fact": "message.text", "op": "matches", "value": r"order\s*#?\d{4,}"}, ("x", "ORDER #12345"), 2),
        ({"fact": "message.text", "op": "similar_to", "value": ["where is my order"]}, ("hi", "where's my order"), 2),
        ({"fact": "message.text", "op": "is_set"}, ("", "   ", "x"), 3),
        ({"fact": "conversation.text", "op": "contains_any", "value": ["refund"]}, ("refund", "ok"), 1),
        ({"fact": "conversation.text", "op": "matches", "value": "^vip"}, ("hello", "VIP here"), 2),
        ({"fact": "conversation.text", "op": "similar_to", "value": ["cancel my plan"]}, ("cancel my plan!",), 1),
        ({"fact": "message.caps_ratio", "op": "between", "value": [0.9, 1]}, ("calm", "WHY IS THIS BROKEN"), 2),
        ({"fact": "conversation.visitor_message_count", "op": "eq", "value": 3}, ("a", "b", "c"), 3),
        ({"fact": "conversation.visitor_message_count", "op": "ne", "value": 1}, ("a", "b"), 2),
        ({"fact": "conversation.visitor_message_count", "op": "lt", "value": 2}, ("a",), 1),
        ({"fact": "conversation.visitor_message_count", "op": "lte", "value": 0}, ("a",), None),
        ({"fact": "message.frustration", "op": "is_true"}, ("ok", "this isn't helpful"), 2),
        ({"fact": "message.frustration", "op": "is_false"}, ("useless",), None),
        ({"fact": "conversation.repeated_question_count", "op": "gte", "value": 1},
         ("where is my order", "WHERE IS MY ORDER???"), 2),
        ({"fact": "message.sentiment", "op": "lte", "value": -0.6}, ("fine", "this is awful, I hate it"), 2),
        ({"fact": "message.text", "op": "contains_any", "value": ["😡"]}, ("ok", "😡😡"), 2),
        ({"fact": "message.text", "op": "contains_any", "value": ["refund"]}, ("x " * 5000 + "refund",), 1),
    ],
)
def test_operators(leaf: dict[str, Any], texts: tuple[str, ...], turn: int | None) -> None:
    assert fires(leaf, *texts) == turn


@pytest.mark.parametrize(
    ("op", "value", "holds"),
    [("eq", "Pricing", True), ("ne", "pricing", False), ("in", ["billing", "pricing"], True),
     ("not_in", ["billing"], True), ("matches", "^pri", True), ("is_set", None, True)],
)
def test_category_operators(op: str, value: Any, holds: bool) -> None:
    leaf: dict[str, Any] = {"fact": "bot.intent", "op": op}
    if value is not None:
        leaf["value"] = value
    evs = events(START, (0, "bot", {"text": "hi", "intent": "pricing"}), (1, "visitor", {"text": "x"}))
    assert run([{"when": leaf}], evs).escalated is holds


def test_missing_values_never_satisfy_comparisons() -> None:
    assert fires({"fact": "visitor.score", "op": "gt", "value": -1}, "hi") is None
    assert fires({"fact": "visitor.score", "op": "ne", "value": 5}, "hi") == 1
    assert fires({"fact": "bot.last_confidence", "op": "lt", "value": 1}, "hi") is None
    assert fires({"fact": "visitor.attribute", "param": "plan", "op": "is_set"}, "hi",
                 visitor={"attributes": {"plan": "pro"}}) == 1


def test_every_catalog_fact_and_operator_compiles() -> None:
    cat = catalog()
    schedule = {"id": "s", "name": "S", "timezone": "Europe/Berlin", "weekly": []}
    rules = []
    for fact in cat.facts.values():
        for op in fact.operators:
            kind = cat.operators[op].value
            value: Any = {"phrases": ["refund"], "pattern": "re", "scalar": 1 if fact.type == "number" else "x",
                          "number": 1, "range": [0, 1], "choices": ["x"], "none": None}[kind]
            leaf: dict[str, Any] = {"fact": fact.name, "op": op}
            if value is not None:
                leaf["value"] = value
            if op == "near":
                leaf["near"] = {"value": ["x"]}
            if fact.param:
                leaf["param"] = {"schedule": "s", "attribute": "plan", "url_pattern": "/p*"}[fact.param]
            rules.append({"when": leaf})
    compiled = compile_ruleset(make_ruleset(rules, schedules=[schedule], default_schedule="s"))
    assert len(compiled.rules) == len(rules)
    session = compiled.session("c", {"score": 1}, trace=True)
    session.observe({"at": START, "type": "visitor", "text": "refund re x"})
    assert len(session.last_trace or ()) == len(rules)


@pytest.mark.parametrize(
    ("leaf", "message"),
    [
        ({"fact": "message.mood", "op": "is_true"}, "unknown fact 'message.mood'"),
        ({"fact": "message.text", "op": "gt", "value": 1}, "cannot use"),
        ({"fact": "visitor.score", "op": "resembles", "value": 1}, "unknown operator 'resembles'"),
        ({"fact": "visitor.score", "op": "gt", "value": "high"}, "needs a number"),
        ({"fact": "visitor.score", "op": "between", "value": [1]}, "two numbers"),
        ({"fact": "message.text", "op": "matches", "value": "(unclosed"}, "not a valid RE2"),
        ({"fact": "message.text", "op": "contains_any", "value": ["!!!"]}, "no words"),
        ({"fact": "pages.views_matching", "op": "gt", "value": 1}, "URL pattern"),
        ({"fact": "time.in_business_hours", "op": "is_true"}, "schedule"),
    ],
)
def test_compile_errors_are_readable(leaf: dict[str, Any], message: str) -> None:
    with pytest.raises(CompileError) as info:
        compile_ruleset(make_ruleset([{"id": "bad-rule", "when": {"all": [leaf]}}]))
    assert message in str(info.value)
    assert "bad-rule" in info.value.problems[0] and "$.rules[0].when.all[0]" in info.value.problems[0]


# --- modes, stop, cooldown ---------------------------------------------------------------------

REFUND = {"fact": "message.text", "op": "contains_any", "value": ["refund"]}
ANY_MESSAGE = {"fact": "message.text", "op": "is_set"}


def tag(name: str) -> list[dict[str, Any]]:
    return [{"type": "tag", "tags": [name]}]


def test_first_match_stops_at_the_first_rule_that_fires() -> None:
    rules = [{"id": "tagger", "when": ANY_MESSAGE, "actions": tag("seen")}, {"id": "refund", "when": REFUND}]
    decision = run(rules, says("refund please"))
    assert not decision.escalated and decision.tags == ("seen",)  # the tagger stops the turn
    rules[0]["stop"] = False
    decision = run(rules, says("refund please"))
    assert decision.rule == "refund" and decision.tags == ("seen",)


def test_first_match_once_cooldown_lets_later_rules_act_next_turn() -> None:
    rules = [{"id": "tagger", "when": ANY_MESSAGE, "actions": tag("seen")}, {"id": "refund", "when": REFUND}]
    decision = run(rules, says("refund please", "refund!"))
    assert (decision.rule, decision.turn) == ("refund", 2)


def test_all_matches_applies_every_rule_and_the_first_escalation_decides() -> None:
    rules = [
        {"id": "a", "when": ANY_MESSAGE, "actions": tag("a"), "stop": False},
        {"id": "first", "when": REFUND, "stop": False,
         "actions": [{"type": "escalate", "handoff": "instant", "team": "support", "priority": "normal"},
                     {"type": "tag", "tags": ["billing"]}]},
        {"id": "second", "when": REFUND, "stop": False,
         "actions": [{"type": "escalate", "handoff": "email", "team": "sales", "priority": "high"},
                     {"type": "tag", "tags": ["sales"]}]},
        {"id": "vip", "when": ANY_MESSAGE, "stop": False, "actions": [{"type": "set_priority", "priority": "urgent"}]},
    ]
    decision = run(rules, says("refund"), evaluation_mode="all_matches")
    assert decision.rule == "first" and decision.tags == ("a", "billing", "sales")
    assert decision.priority == "urgent"  # set_priority from a rule that fired at the deciding turn
    first_match = run(rules, says("refund"), evaluation_mode="first_match")
    assert first_match.rule == "first" and first_match.tags == ("a", "billing")


def test_disabled_rules_never_fire() -> None:
    assert not run([{"when": REFUND, "enabled": False}], says("refund")).escalated


def test_cooldowns() -> None:
    def tags_fired(policy: dict[str, Any], offsets: list[int]) -> int:
        rules = [{"id": "t", "when": REFUND, "actions": tag("r"), "cooldown": policy}]
        compiled = compile_ruleset(make_ruleset(rules))
        session = compiled.session("c")
        for event in events(START, *[(o, "visitor", {"text": "refund"}) for o in offsets]):
            session.observe(event)
        return len(session.fired)

    assert tags_fired({"policy": "once"}, [0, 10, 20]) == 1
    assert tags_fired({"policy": "every_turn"}, [0, 10, 20]) == 3
    assert tags_fired({"policy": "after_minutes", "minutes": 1}, [0, 30, 60, 90, 130]) == 3  # 0, 60, 130


def test_an_escalation_is_final() -> None:
    session = compile_ruleset(make_ruleset([{"when": REFUND}])).session("c")
    first = session.observe({"at": START, "type": "visitor", "text": "refund"})
    assert first is not None and session.decision is first
    assert session.observe({"at": "2026-11-24T09:01:00Z", "type": "visitor", "text": "refund"}) is None


def test_unknown_events_are_ignored_and_bad_ones_do_not_crash() -> None:
    evs = events(START, (0, "typing", {"who": "visitor"}), (1, "cart", {}), (2, "page_view", {}),
                 (3, "bot", {"confidence": "high", "intent": 3}), (4, "visitor", {"text": None}),
                 (5, "visitor", {"text": "refund"}))
    decision = run([{"when": REFUND}], evs)
    assert (decision.rule, decision.turn) == ("r0", 2)


# --- the decision ------------------------------------------------------------------------------

def playbook() -> Ruleset:
    return Ruleset.from_dict(json.loads(example_playbook().read_text(encoding="utf-8")))


def test_decision_contract_with_routing_and_reply() -> None:
    book = playbook()
    compiled = compile_ruleset(book)
    conversation = {"id": "c-17", "visitor": {"name": "Ana", "score": 85}, "events": [
        {"at": "2026-11-27T02:00:00Z", "type": "page_view", "url": "/pricing"},
        {"at": "2026-11-27T02:00:05Z", "type": "visitor", "text": "Do you do enterprise pricing?"}]}
    out = simulate(compiled, conversation).to_dict()
    assert out["id"] == "c-17" and out["escalated"] is True
    assert (out["rule"], out["trigger"], out["turn"], out["at"]) == (
        "enterprise-pricing", "high_intent", 1, "2026-11-27T02:00:05Z")
    assert (out["team"], out["priority"], out["handoff"]) == ("sales", "high", "email")  # 03:00 in Berlin: closed
    assert out["promise"] and out["promise"] in out["reply"] and "Ana" in out["reply"]
    rule = book.rule("enterprise-pricing")
    assert rule is not None
    assert out["tags"] == [t for a in rule.actions for t in getattr(a, "tags", ())] and "trace" not in out
    assert schema_errors(out, "decision") == []


def test_no_escalation_has_null_rule_and_turn() -> None:
    out = simulate(compile_ruleset(playbook()), {"id": "c", "events": says("thanks, bye")}).to_dict()
    assert out["escalated"] is False and out["rule"] is None and out["turn"] is None and out["at"] is None
    assert schema_errors(out, "decision") == []


def test_samples_decide_as_expected_and_validate() -> None:
    compiled = compile_ruleset(playbook())
    seen = 0
    for item in read_conversations(sample_conversations()):
        assert not isinstance(item, Exception) and hasattr(item, "expect"), item
        out = simulate(compiled, item, trace=True).to_dict()
        assert schema_errors(out, "decision") == []
        expect = item.expect or {}
        assert out["escalated"] == expect["escalate"], item.id
        for key in ("rule", "turn", "handoff", "team", "trigger"):
            if key in expect:
                assert out[key] == expect[key], (item.id, key)
        seen += 1
    assert seen >= 15


def test_trace_explains_values_matches_and_near_misses() -> None:
    rules = [{"id": "vip-refund", "name": "VIP refund", "when": {"all": [
        REFUND, {"fact": "visitor.score", "op": "gt", "value": 80},
        {"not": {"fact": "message.text", "op": "contains_any", "value": ["just kidding"]}}]}}]
    decision = run(rules, says("I want a REFUND now"), {"score": 50}, trace=True)
    assert not decision.escalated
    rule = decision.trace[0]
    assert (rule["rule"], rule["fired"], rule["held"]) == ("vip-refund", False, False)
    assert (rule["conditions_held"], rule["conditions_total"]) == (1, 3)  # a near miss, visible
    root = rule["conditions"][0]
    refund, score, negation = root["conditions"]
    assert refund["held"] and refund["matches"] == [{"phrase": "refund", "start": 9, "end": 15}]
    assert (score["actual"], score["held"]) == (50, False)
    assert negation["op"] == "not" and negation["held"] is True
    text = render_trace(decision.trace)
    assert "1 of 3 conditions held" in text and "'refund'@9-15" in text and "actual: 50" in text


def test_trace_marks_rules_after_a_stop_as_not_evaluated() -> None:
    rules = [{"id": "a", "when": REFUND}, {"id": "b", "when": ANY_MESSAGE}]
    decision = run(rules, says("refund"), trace=True)
    assert [(r["rule"], r["fired"], r["evaluated"]) for r in decision.trace] == [("a", True, True), ("b", False, False)]
    assert schema_errors(decision.to_dict(), "decision") == []


def test_a_schedule_with_an_unknown_zone_is_a_compile_error() -> None:
    schedule = {"id": "mars", "name": "Mars", "timezone": "Mars/Olympus_Mons", "weekly": []}
    with pytest.raises(CompileError, match="mars"):
        compile_ruleset(make_ruleset([{"when": {"fact": "time.in_business_hours", "param": "mars", "op": "is_true"}}],
                                     schedules=[schedule]))


def test_a_turns_trace_shows_the_cooldowns_it_was_evaluated_with() -> None:
    """A rule that fires is not shown cooling down at the turn it fired, only at the next."""
    compiled = compile_ruleset(make_ruleset([{"id": "refund", "when": REFUND, "actions": tag("r"),
                                              "cooldown": {"policy": "once"}}]))
    traced = compiled.session("c", trace=True)
    traced.observe({"at": START, "type": "visitor", "text": "a refund please"})
    traced.observe({"at": "2026-11-24T09:00:10Z", "type": "visitor", "text": "the refund, again"})
    rows = [(t.turn, t.fired, [(r["rule"], r["held"], r["cooldown"]) for r in t.trace]) for t in traced.turns]
    assert rows == [(1, ("refund",), [("refund", True, False)]), (2, (), [("refund", True, True)])]


def test_every_trace_shows_each_rules_cooldown_as_it_was_before_the_evaluation() -> None:
    """Per evaluation (turn, timer, fired, cooldown of once / every_turn / after 1 minute / silence
    every_turn): a rule that fires shows no cooldown; 'wait' may fire again exactly 60 s after it
    fired; an every_turn rule cools down for the timers of the turn it fired at."""
    rules = [{"id": i, "when": REFUND, "actions": tag(i), "stop": False, "cooldown": c} for i, c in (
        ("once", {"policy": "once"}), ("turn", {"policy": "every_turn"}),
        ("wait", {"policy": "after_minutes", "minutes": 1}))]
    rules.append({"id": "quiet", "when": {"fact": "time.silence_seconds", "op": "gte", "value": 30},
                  "actions": tag("quiet"), "stop": False, "cooldown": {"policy": "every_turn"}})
    session = compile_ruleset(make_ruleset(rules, evaluation_mode="all_matches")).session("c", trace=True)
    for event in events(START, *[(t, "visitor", {"text": "refund"}) for t in (0, 20, 60, 100)]):
        session.observe(event)
    rows = [(e.turn, e.timer, e.fired, tuple(r["cooldown"] for r in e.trace)) for e in session.turns]
    F, T = False, True
    assert rows == [
        (1, F, ("once", "turn", "wait"), (F, F, F, F)),
        (2, F, ("turn",), (T, F, T, F)),
        (2, T, ("quiet",), (T, T, T, F)),  # silence deadline 20 + 30 s
        (3, F, ("turn", "wait"), (T, F, F, F)),  # 60 s after 'wait' fired: it may fire again
        (3, T, ("quiet",), (T, T, T, F)),
        (4, F, ("turn",), (T, F, T, F)),
    ]
    assert [r["cooldown"] for r in session.explain()] == [T, T, T, F]
    assert "wait (Rule 2): cooling down" in render_trace(session.turns[1].trace)


def test_explain_on_demand_and_turn_records() -> None:
    compiled = compile_ruleset(make_ruleset([{"id": "refund", "when": REFUND, "actions": tag("r")},
                                             {"id": "caps", "when": {"fact": "message.caps_ratio", "op": "gte",
                                                                     "value": 0.7}}]))
    quiet = compiled.session("c")
    quiet.observe({"at": START, "type": "visitor", "text": "a refund please"})
    assert quiet.turns == []  # nothing recorded unless asked
    trace = quiet.explain()
    assert [(r["rule"], r["held"], r["cooldown"]) for r in trace] == [("refund", True, True), ("caps", False, False)]
    traced = compiled.session("c", trace=True)
    traced.observe({"at": START, "type": "visitor", "text": "a refund please"})
    traced.observe({"at": "2026-11-24T09:00:10Z", "type": "visitor", "text": "HELLO THERE ANYONE"})
    assert [(t.turn, t.fired) for t in traced.turns] == [(1, ("refund",)), (2, ("caps",))]
    assert traced.decision is not None and traced.decision.rule == "caps"
    assert traced.turns[1].facts["message.caps_ratio"] == 1.0
    assert [f.rule for f in traced.fired] == ["refund", "caps"] and traced.fired[0].tags == ("r",)
    assert [f.escalate for f in traced.fired] == [False, True]
