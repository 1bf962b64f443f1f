"""The operators, as a specification: for a fact, an operator and its value, which fact values make
the condition hold. A table row is (operator, value, the fact's value, holds); for text, the value
read is what the visitor said.

Everything goes through the public engine (`compile_ruleset` + `simulate` / sessions), so a row
checks the whole path a condition takes: the fused comparison closures, the merged number loop of
a group, the rule index's gates, and the plain predicates. The boundaries are the point: a value
exactly at a threshold, just either side of it, a missing fact (None), a value of the wrong type
(a yes/no is never the number 1), categories compared without regard to case, empty lists.
"""

from __future__ import annotations

from typing import Any

import pytest

from builder.engine import CompileError, Decision, compile_ruleset, simulate
from tests.builder.engine.reference_engine import events, make_ruleset

START = "2026-11-24T09:00:00Z"
MISSING = object()  # the visitor profile does not have the field at all


def decide(when: dict[str, Any], texts: tuple[str, ...] = ("hi",), visitor: dict[str, Any] | None = None,
           before: tuple[dict[str, Any], ...] = (), trace: bool = False) -> Decision:
    """A one-rule ruleset deciding a conversation: `before` events (bot messages...), then `texts`."""
    items = [(0, str(e.pop("type")), e) for e in (dict(b) for b in before)]
    items += [(10 * (i + 1), "visitor", {"text": t}) for i, t in enumerate(texts)]
    compiled = compile_ruleset(make_ruleset([{"id": "rule", "when": when}]))
    return simulate(compiled, {"id": "c", "visitor": visitor or {}, "events": events(START, *items)}, trace=trace)


def leaf(fact: str, op: str, value: Any = MISSING, param: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"fact": fact, "op": op}
    if value is not MISSING:
        out["value"] = value
    if param is not None:
        out["param"] = param
    return out


# --- numbers: gt / gte / lt / lte / between / eq / ne / is_set ---------------------------------

NUMBER_ROWS = [
    # operator, value, visitor score, holds
    ("gt", 50, 50, False), ("gt", 50, 50.5, True), ("gt", 50, 49.5, False), ("gt", 50, MISSING, False),
    ("gt", -1, MISSING, False),  # a missing number is not 0
    ("gt", 0.5, 1, True), ("gt", 0, True, False),  # yes is not the number 1
    ("gte", 50, 50, True), ("gte", 50, 49.5, False), ("gte", 50, 51, True), ("gte", 0, MISSING, False),
    ("gte", 1, True, False),
    ("lt", 50, 50, False), ("lt", 50, 49.5, True), ("lt", 50, 50.5, False), ("lt", 1, MISSING, False),
    ("lt", 1, False, False),  # no is not the number 0
    ("lte", 50, 50, True), ("lte", 50, 50.5, False), ("lte", 50, 49, True), ("lte", 0, MISSING, False),
    ("lte", 0, False, False),
    ("between", [10, 20], 10, True), ("between", [10, 20], 20, True), ("between", [10, 20], 15.5, True),
    ("between", [10, 20], 9.5, False), ("between", [10, 20], 20.5, False), ("between", [10, 20], MISSING, False),
    ("between", [20, 10], 15, True),  # bounds in either order
    ("between", [0, 1], True, False),
    ("eq", 50, 50, True), ("eq", 50, 50.0, True), ("eq", 50, 50.5, False), ("eq", 50, MISSING, False),
    ("eq", 1, True, False),
    ("ne", 50, 50, False), ("ne", 50, 51, True), ("ne", 50, MISSING, True), ("ne", 1, True, True),
    ("is_set", MISSING, 0, True), ("is_set", MISSING, MISSING, False), ("is_set", MISSING, True, False),
]
TRUE_COUNT = leaf("conversation.visitor_message_count", "gte", 1)  # holds from the first message on
FALSE_COUNT = leaf("conversation.visitor_message_count", "lt", 0)  # never holds
SHAPES = {
    "alone": lambda c: c,
    "all with another comparison": lambda c: {"all": [c, TRUE_COUNT]},  # one merged loop over both
    "any with another comparison": lambda c: {"any": [FALSE_COUNT, c]},
    "under two nots": lambda c: {"not": {"not": c}},  # no index gate: the closure alone decides
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("op", "value", "score", "holds"), NUMBER_ROWS)
def test_number_operators(op: str, value: Any, score: Any, holds: bool, shape: str) -> None:
    visitor = {} if score is MISSING else {"score": score}
    condition = SHAPES[shape](leaf("visitor.score", op, value))
    assert decide(condition, visitor=visitor).escalated is holds


@pytest.mark.parametrize(("op", "value", "confidence", "holds"), [
    ("gt", 0.5, 0.5, False), ("gte", 0.5, 0.5, True), ("lt", 0.5, 0.5, False), ("lte", 0.5, 0.5, True),
    ("lt", 0.5, 0.25, True), ("gt", 0.5, 0.75, True), ("lt", 0.5, MISSING, False), ("gt", 0, True, False),
    ("between", [0, 0.5], 0.5, True), ("ne", 0.5, MISSING, True), ("is_set", MISSING, 0, True),
])
def test_a_bot_confidence_is_compared_as_it_was_last_reported(op: str, value: Any, confidence: Any,
                                                             holds: bool) -> None:
    """A number read from an event: the bot's confidence (a yes/no or nothing reported leaves it unknown)."""
    bot = {"type": "bot", "text": "ok"} if confidence is MISSING else {"type": "bot", "text": "ok",
                                                                       "confidence": confidence}
    assert decide(leaf("bot.last_confidence", op, value), before=(bot,)).escalated is holds


def test_a_count_reaches_a_threshold_at_the_turn_it_equals_it() -> None:
    turns = {op: decide(leaf("conversation.visitor_message_count", op, 3), ("a", "b", "c", "d")).turn
             for op in ("gt", "gte", "eq")}
    assert turns == {"gt": 4, "gte": 3, "eq": 3}
    assert decide(leaf("conversation.visitor_message_count", "lte", 1), ("a",)).turn == 1
    assert decide(leaf("conversation.visitor_message_count", "lt", 1), ("a",)).turn is None


@pytest.mark.parametrize("op", ["gt", "gte", "lt", "lte"])
def test_a_numeric_threshold_lets_the_rule_index_skip_the_rule(op: str) -> None:
    """A comparison with a number gives the index a threshold, so the rule is not evaluated at
    every message (only ungated rules are `always`)."""
    compiled = compile_ruleset(make_ruleset([{"when": leaf("visitor.score", op, 50)}]))
    assert compiled.always == ()
    ungated = compile_ruleset(make_ruleset([{"when": leaf("visitor.score", "ne", 50)}]))
    assert ungated.always == (0,)


# --- categories: eq / ne / in / not_in / matches / is_set --------------------------------------

CATEGORY_ROWS = [
    # operator, value, the visitor's "plan" attribute, holds
    ("eq", "Pro", "pro", True), ("eq", "pro", "PRO", True), ("eq", "pro", "prof", False),
    ("eq", "pro", MISSING, False), ("eq", "Straße", "STRASSE", True),  # full case folding
    ("eq", 1, 1, True), ("eq", 1, 1.0, True), ("eq", 1, "1", False), ("eq", "1", 1, False),
    ("eq", 1, True, False), ("eq", True, 1, False), ("eq", True, True, True), ("eq", False, 0, False),
    ("ne", "pro", "PRO", False), ("ne", "pro", "free", True), ("ne", "pro", MISSING, True),
    ("ne", 1, True, True), ("ne", True, True, False),
    ("in", ["Pro", "team"], "TEAM", True), ("in", ["pro"], "free", False), ("in", ["pro"], MISSING, False),
    ("in", [1, 2], 2, True), ("in", [1, 2], 3, False), ("in", [1, 2], True, False), ("in", [True], 1, False),
    ("in", [True], True, True), ("in", ["1"], 1, False), ("in", [1], "1", False), ("in", ["pro", 2], 2, True),
    ("in", ["pro", 2], "PRO", True),
    ("not_in", ["pro"], "PRO", False), ("not_in", ["pro"], "free", True), ("not_in", ["pro"], MISSING, True),
    ("not_in", [1, 2], 2, False), ("not_in", [1], True, True), ("not_in", ["pro", 2], "Pro", False),
    ("matches", "^ent", "enterprise", True), ("matches", "^ent", "trial", False),
    ("matches", "^ent", MISSING, False), ("matches", "^4", 42, True),  # any value is matched as text
    ("is_set", MISSING, "pro", True), ("is_set", MISSING, "", False), ("is_set", MISSING, MISSING, False),
    ("is_set", MISSING, 0, True),
]


@pytest.mark.parametrize(("op", "value", "plan", "holds"), CATEGORY_ROWS)
def test_category_operators_on_a_visitor_attribute(op: str, value: Any, plan: Any, holds: bool) -> None:
    visitor = {"attributes": {} if plan is MISSING else {"plan": plan}}
    assert decide(leaf("visitor.attribute", op, value, param="plan"), visitor=visitor).escalated is holds


@pytest.mark.parametrize(("op", "value", "intent", "holds"), [
    ("eq", "Pricing", "pricing", True), ("eq", "pricing", "billing", False), ("eq", "pricing", MISSING, False),
    ("ne", "Pricing", "pricing", False), ("ne", "pricing", MISSING, True),
    ("in", ["BILLING", "pricing"], "Billing", True), ("in", ["billing"], "pricing", False),
    ("in", ["billing"], MISSING, False),
    ("not_in", ["BILLING"], "billing", False), ("not_in", ["billing"], MISSING, True),
    ("matches", "^pri", "pricing", True), ("matches", "^pri", MISSING, False),
    ("is_set", MISSING, "pricing", True), ("is_set", MISSING, MISSING, False),
])
def test_category_operators_on_the_bot_intent(op: str, value: Any, intent: Any, holds: bool) -> None:
    """The same operators on an indexed category (the rule index gates on the folded values)."""
    bot = {"type": "bot", "text": "ok"} if intent is MISSING else {"type": "bot", "text": "ok", "intent": intent}
    assert decide(leaf("bot.intent", op, value), before=(bot,)).escalated is holds


# --- yes / no: is_true / is_false ----------------------------------------------------------------

@pytest.mark.parametrize(("op", "returning", "holds"), [
    ("is_true", True, True), ("is_true", False, False), ("is_true", MISSING, False), ("is_true", 1, False),
    ("is_true", "yes", False),
    ("is_false", True, False), ("is_false", False, True), ("is_false", MISSING, True), ("is_false", 1, True),
])
def test_yes_no_operators(op: str, returning: Any, holds: bool) -> None:
    """Only a real yes is true; anything else (missing, 1, "yes") counts as no."""
    visitor = {} if returning is MISSING else {"returning": returning}
    for shape in SHAPES.values():
        assert decide(shape(leaf("visitor.returning", op)), visitor=visitor).escalated is holds


# --- text: contains_any / contains_none / matches / similar_to / is_set -------------------------

def holds_at_last_message(condition: dict[str, Any], *texts: str) -> bool:
    """Whether `condition` holds when the last of `texts` has been said (never earlier: the rule
    also needs that many messages)."""
    count = leaf("conversation.visitor_message_count", "gte", len(texts))
    return decide({"all": [condition, count]}, texts).escalated


TEXT_ROWS = [
    # fact, operator, value, the visitor's messages, holds at the last one
    ("message.text", "contains_any", ["refund"], ("I want a REFUND",), True),
    ("message.text", "contains_any", ["refund", "money back"], ("my money back now",), True),
    ("message.text", "contains_any", "refund", ("refund please",), True),  # one phrase, not in a list
    ("message.text", "contains_any", ["refund"], ("refund", "thanks"), False),  # the latest message only
    ("message.text", "contains_none", ["refund"], ("hello",), True),
    ("message.text", "contains_none", ["refund"], ("a refund",), False),
    ("message.text", "contains_none", ["refund"], ("refund", "thanks"), True),
    ("message.text", "matches", r"order\s*#?\d{4,}", ("ORDER #12345",), True),
    ("message.text", "matches", r"order\s*#?\d{4,}", ("order 123",), False),
    ("message.text", "matches", r"\d{4}", ("1234", "no number"), False),
    ("message.text", "similar_to", ["where is my order"], ("where's my order",), True),
    ("message.text", "similar_to", ["where is my order"], ("where is my order", "hello"), False),
    ("message.text", "is_set", MISSING, ("x",), True),
    ("message.text", "is_set", MISSING, ("x", "   "), False),
    ("conversation.text", "contains_any", ["refund"], ("a refund", "thanks"), True),  # said earlier counts
    ("conversation.text", "contains_any", ["refund"], ("hello", "thanks"), False),
    ("conversation.text", "contains_none", ["refund"], ("a refund", "thanks"), False),
    ("conversation.text", "contains_none", ["refund"], ("hello", "thanks"), True),
    ("conversation.text", "matches", "^vip", ("VIP here", "ok"), True),
    ("conversation.text", "matches", "^vip", ("hello", "a vip"), False),
    ("conversation.text", "similar_to", ["cancel my plan"], ("cancel my plan!", "ok"), True),
    ("conversation.text", "similar_to", ["cancel my plan"], ("hello", "ok"), False),
    ("conversation.text", "is_set", MISSING, ("x", "  "), True),
    ("conversation.text", "is_set", MISSING, ("", "  "), False),
]


@pytest.mark.parametrize(("fact", "op", "value", "texts", "holds"), TEXT_ROWS)
def test_text_operators(fact: str, op: str, value: Any, texts: tuple[str, ...], holds: bool) -> None:
    assert holds_at_last_message(leaf(fact, op, value), *texts) is holds


@pytest.mark.parametrize(("fact", "op", "value", "texts", "holds"), TEXT_ROWS)
def test_negated_text_operators(fact: str, op: str, value: Any, texts: tuple[str, ...], holds: bool) -> None:
    assert holds_at_last_message({"not": leaf(fact, op, value)}, *texts) is not holds


def test_a_trace_shows_what_a_text_condition_read() -> None:
    """The latest message for a message condition; how much was said for a conversation-wide one;
    the best similarity so far for a conversation-wide similar_to."""
    conditions = {"m": leaf("message.text", "contains_any", ["refund"]),
                  "c": leaf("conversation.text", "contains_any", ["refund"]),
                  "s": leaf("conversation.text", "similar_to", ["cancel my plan"])}
    rules = [{"id": k, "when": c, "actions": [{"type": "tag", "tags": [k]}], "stop": False,
              "cooldown": {"policy": "every_turn"}} for k, c in conditions.items()]
    session = compile_ruleset(make_ruleset(rules, evaluation_mode="all_matches")).session("c", trace=True)
    assert [(r["conditions"][0]["actual"], r["conditions"][0]["held"]) for r in session.explain()] == [
        ("", False), ("0 visitor messages", False), (0.0, False)]  # nothing said yet
    session.observe({"at": START, "type": "visitor", "text": "cancel my plan"})
    session.observe({"at": "2026-11-24T09:00:10Z", "type": "visitor", "text": "hi"})
    rows = [(r["rule"], r["conditions"][0]["actual"], r["conditions"][0]["held"]) for r in session.turns[-1].trace]
    assert rows == [("m", "hi", False), ("c", "2 visitor messages", False), ("s", 100.0, True)]


# --- what cannot be compiled --------------------------------------------------------------------

@pytest.mark.parametrize(("condition", "message"), [
    (leaf("message.text", "contains_any", []), "'contains_any' needs a list of phrases, got ()"),
    (leaf("message.text", "contains_none", 5), "'contains_none' needs a list of phrases, got 5"),
    (leaf("message.text", "similar_to", ["ok", 5]), "'similar_to' needs a list of phrases"),
    (leaf("conversation.text", "contains_any", ["!!!"]), "no words"),
    (leaf("message.text", "matches", 5), "'matches' needs a pattern text, got 5"),
    (leaf("conversation.text", "matches", "(unclosed"), "not a valid RE2"),
    (leaf("bot.intent", "matches", ["^a"]), "'matches' needs a pattern text"),
    (leaf("bot.intent", "matches", "(unclosed"), "not a valid RE2"),
    (leaf("visitor.score", "gt", "high"), "'gt' needs a number, got 'high'"),
    (leaf("visitor.score", "gte", True), "'gte' needs a number, got True"),
    (leaf("visitor.score", "lt", "high"), "'lt' needs a number, got 'high'"),
    (leaf("visitor.score", "lte", [1]), "'lte' needs a number, got (1,)"),
    (leaf("visitor.score", "between", [1]), "'between' needs two numbers [low, high], got (1,)"),
    (leaf("visitor.score", "between", [1, "x"]), "'between' needs two numbers"),
    (leaf("visitor.score", "between", [True, 2]), "'between' needs two numbers"),
    (leaf("visitor.score", "between", 5), "'between' needs two numbers"),
    (leaf("visitor.score", "eq"), "'eq' needs one value, got None"),
    (leaf("visitor.score", "ne", [1, 2]), "'ne' needs one value, got (1, 2)"),
    (leaf("bot.intent", "in", []), "'in' needs a list of values, got ()"),
    (leaf("bot.intent", "not_in", "pricing"), "'not_in' needs a list of values, got 'pricing'"),
    (leaf("visitor.score", "resembles", 1), "unknown operator 'resembles'"),
    (leaf("message.mood", "is_true"), "unknown fact 'message.mood'"),
    (leaf("visitor.score", "contains_any", ["x"]), "'Visitor score' cannot use"),
    (leaf("message.frustration", "gt", 1), "cannot use"),
])
def test_a_condition_that_cannot_hold_is_a_compile_error(condition: dict[str, Any], message: str) -> None:
    """Never a condition that silently stays false: one readable problem, naming where it is."""
    with pytest.raises(CompileError) as info:
        compile_ruleset(make_ruleset([{"id": "bad", "when": {"any": [TRUE_COUNT, condition]}}]))
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith("rule 'bad' $.rules[0].when.any[1]: ")
    assert message in info.value.problems[0]
