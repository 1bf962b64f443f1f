"""Rule analysis: for each finding, a minimal ruleset that has it and one that does not."""

from __future__ import annotations

import json
from itertools import product
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.analysis import Finding, analyse, analyse_document
from builder.format.model import Ruleset
from builder.paths import example_playbook
from tests.conftest import examples


def leaf(fact: str, op: str, value: Any = None, param: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"fact": fact, "op": op}
    if param is not None:
        out["param"] = param
    if value is not None:
        out["value"] = value
    return out


def rule(rule_id: str, when: dict[str, Any], *, trigger: str = "keyword", handoff: str = "instant",
         team: str = "support", escalate: bool = True, actions: list[dict[str, Any]] | None = None,
         enabled: bool = True) -> dict[str, Any]:
    acts = list(actions or [])
    if escalate:
        acts.insert(0, {"type": "escalate", "handoff": handoff, "team": team, "priority": "normal"})
    return {"id": rule_id, "name": rule_id.replace("-", " ").title(), "enabled": enabled,
            "trigger": trigger, "when": when, "actions": acts}


def document(*rules: dict[str, Any], mode: str = "first_match", **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema_version": 1,
        "metadata": {"name": "t"},
        "settings": {"evaluation_mode": mode, "default_schedule": "hours"},
        "rules": list(rules),
        "templates": [],
        "schedules": [{"id": "hours", "name": "Hours", "timezone": "Europe/Berlin",
                       "weekly": [{"day": "mon", "start": "09:00", "end": "17:00"}]}],
        "routing": {"teams": [{"id": "support", "name": "Support", "schedule": "hours"}],
                    "offline_mode": "email", "sla": {}},
        "channels": [],
    }
    doc.update(extra)
    return doc


def findings(doc: dict[str, Any], **kwargs: Any) -> list[Finding]:
    return analyse(Ruleset.from_dict(doc), **kwargs)


def codes(doc: dict[str, Any], **kwargs: Any) -> list[str]:
    return [f.code for f in findings(doc, **kwargs)]


def only(doc: dict[str, Any], code: str) -> list[Finding]:
    return [f for f in findings(doc) if f.code == code]


# --- rules that can never fire --------------------------------------------------------------------

NEVER = [
    {"all": [leaf("visitor.score", "gt", 80), leaf("visitor.score", "lt", 50)]},
    {"all": [leaf("visitor.score", "gte", 50), leaf("visitor.score", "lt", 50)]},
    {"all": [leaf("visitor.score", "between", [10, 20]), leaf("visitor.score", "gt", 20)]},
    {"all": [leaf("visitor.score", "eq", 3), leaf("visitor.score", "eq", 4)]},
    {"all": [leaf("visitor.score", "eq", 3), leaf("visitor.score", "ne", 3)]},
    {"all": [leaf("visitor.returning", "is_true"), leaf("visitor.returning", "is_false")]},
    {"all": [leaf("visitor.returning", "is_true"), {"not": leaf("visitor.returning", "is_true")}]},
    {"all": [leaf("bot.intent", "eq", "pricing"), leaf("bot.intent", "eq", "refund")]},
    {"all": [leaf("bot.intent", "in", ["a", "b"]), leaf("bot.intent", "not_in", ["a", "b", "c"])]},
    {"all": [leaf("bot.intent", "in", ["a", "b"]), leaf("bot.intent", "in", ["c"])]},
    {"all": [leaf("message.text", "contains_any", ["refund"]),
             leaf("message.text", "contains_none", ["Refund!"])]},
    {"all": [leaf("message.text", "contains_any", ["full refund"]),
             leaf("conversation.text", "contains_none", ["refund"])]},
    {"all": [leaf("message.text", "contains_any", ["refund"]),
             {"not": leaf("message.text", "contains_any", ["refund", "money back"])}]},
    {"all": [leaf("message.caps_ratio", "gt", 1)]},
    {"all": [leaf("visitor.score", "gt", 80), {"not": leaf("visitor.score", "gt", 50)}]},
    {"all": [leaf("message.text", "matches", "a+"), {"not": leaf("message.text", "matches", "a+")}]},
    {"any": [{"all": [leaf("visitor.score", "gt", 80), leaf("visitor.score", "lt", 50)]},
             {"all": [leaf("cart.abandoned", "is_true"), leaf("cart.abandoned", "is_false")]}]},
    {"any": []},
]

SOMETIMES = [
    {"all": [leaf("visitor.score", "gt", 50), leaf("visitor.score", "lt", 80)]},
    {"all": [leaf("visitor.score", "gte", 50), leaf("visitor.score", "lte", 50)]},
    {"all": [leaf("visitor.score", "eq", 3), leaf("visitor.score", "ne", 4)]},
    {"any": [leaf("visitor.returning", "is_true"), leaf("visitor.returning", "is_false")]},
    {"all": [leaf("bot.intent", "in", ["a", "b"]), leaf("bot.intent", "not_in", ["a"])]},
    {"all": [leaf("message.text", "contains_any", ["refund", "money back"]),
             leaf("message.text", "contains_none", ["refund"])]},
    {"all": [leaf("message.text", "contains_any", ["refund"]),
             leaf("message.text", "contains_none", ["full refund"])]},
    {"all": [leaf("conversation.text", "contains_any", ["refund"]),
             leaf("message.text", "contains_none", ["refund"])]},
    # Through `not` a missing value could satisfy both: never claimed.
    {"all": [{"not": leaf("visitor.score", "gt", 80)}, {"not": leaf("visitor.score", "lte", 80)}]},
    {"all": [leaf("visitor.score", "gt", 80), leaf("visitor.attribute", "eq", "x", "plan"),
             leaf("visitor.attribute", "eq", "y", "country")]},
    {"any": [{"all": [leaf("visitor.score", "gt", 80), leaf("visitor.score", "lt", 50)]},
             leaf("cart.abandoned", "is_true")]},
    {"all": []},
    {"all": [leaf("bot.intent", "eq", "Pricing"), leaf("bot.intent", "eq", "pricing")]},
    {"all": [leaf("visitor.score", "between", [20, 10]), leaf("visitor.score", "eq", 15)]},
]


@pytest.mark.parametrize("when", NEVER)
def test_contradictory_rule_never_fires(when: dict[str, Any]) -> None:
    found = only(document(rule("r", when)), "never_fires")
    assert [f.rule_ids for f in found] == [("r",)]
    assert "can never fire" in found[0].message
    assert found[0].path.startswith("$.rules[0].when")


@pytest.mark.parametrize("when", SOMETIMES)
def test_satisfiable_rule_is_not_reported(when: dict[str, Any]) -> None:
    assert only(document(rule("r", when)), "never_fires") == []


def test_never_fires_message_names_both_conditions() -> None:
    when = {"all": [leaf("visitor.score", "gt", 80), leaf("visitor.score", "lt", 50)]}
    [found] = only(document(rule("hot", when)), "never_fires")
    assert found.message.endswith("cannot both hold at once \u2014 visitor score is more than 80; "
                                  "visitor score is less than 50.")  # the rule list's words (wording.py)
    assert found.path == "$.rules[0].when.all[1]"


def test_disabled_rule_is_not_reported_as_never_firing() -> None:
    when = {"all": [leaf("visitor.score", "gt", 80), leaf("visitor.score", "lt", 50)]}
    assert only(document(rule("r", when, enabled=False)), "never_fires") == []


# --- shadowed rules ---------------------------------------------------------------------------------

SHADOWED = [
    (leaf("message.text", "contains_any", ["refund", "chargeback", "money back"]),
     leaf("message.text", "contains_any", ["refund", "chargeback"])),
    (leaf("message.text", "contains_any", ["refund"]),
     leaf("message.text", "contains_any", ["full refund please", "REFUND!"])),
    (leaf("visitor.score", "gt", 50), leaf("visitor.score", "gte", 80)),
    (leaf("visitor.score", "between", [0, 100]), leaf("visitor.score", "between", [10, 20])),
    (leaf("visitor.score", "ne", 5), leaf("visitor.score", "gt", 10)),
    (leaf("bot.intent", "in", ["pricing", "demo"]), leaf("bot.intent", "eq", "demo")),
    (leaf("conversation.text", "contains_any", ["refund"]), leaf("message.text", "contains_any", ["refund"])),
    ({"any": [leaf("cart.abandoned", "is_true"), leaf("visitor.score", "gt", 90)]},
     {"all": [leaf("visitor.score", "gt", 95), leaf("visitor.returning", "is_true")]}),
    (leaf("message.text", "contains_none", ["refund"]),
     {"all": [leaf("message.text", "contains_none", ["refund", "money"]), leaf("cart.abandoned", "is_true")]}),
    ({"not": leaf("message.text", "matches", "x+")}, {"not": leaf("message.text", "matches", "x+")}),
    # the engine's stems and prefix words
    (leaf("message.text", "contains_any", ["refund"]), leaf("message.text", "contains_any", ["Refunds, please"])),
    (leaf("message.text", "contains_any", ["cancel*"]), leaf("message.text", "contains_any", ["my cancellation"])),
]

NOT_SHADOWED = [
    (leaf("message.text", "contains_any", ["refund"]),
     leaf("message.text", "contains_any", ["refund", "chargeback"])),
    (leaf("message.text", "contains_any", ["full refund"]),
     leaf("message.text", "contains_any", ["refund"])),
    (leaf("visitor.score", "gte", 80), leaf("visitor.score", "gt", 50)),
    (leaf("visitor.score", "gt", 80), leaf("visitor.score", "gte", 80)),
    (leaf("message.text", "contains_any", ["refund"]), leaf("conversation.text", "contains_any", ["refund"])),
    ({"all": [leaf("cart.abandoned", "is_true"), leaf("visitor.score", "gt", 90)]},
     leaf("visitor.score", "gt", 95)),
    # `not score > 80` also holds when the score is unknown, `score <= 80` might not.
    (leaf("visitor.score", "lte", 80), {"not": leaf("visitor.score", "gt", 80)}),
    (leaf("message.text", "matches", "x+"), leaf("message.text", "matches", "x+y")),
    (leaf("message.text", "contains_any", ["cancel"]), leaf("message.text", "contains_any", ["cancellation"])),
    (leaf("message.text", "contains_any", ["cancellation*"]), leaf("message.text", "contains_any", ["cancel*"])),
]


@pytest.mark.parametrize(("earlier", "later"), SHADOWED)
def test_shadowed_by_an_earlier_wider_rule(earlier: dict[str, Any], later: dict[str, Any]) -> None:
    found = only(document(rule("wide", earlier), rule("narrow", later)), "shadowed")
    assert [(f.rule_ids, f.path) for f in found] == [(("narrow", "wide"), "$.rules[1]")]
    assert "never gets a chance" in found[0].message


@pytest.mark.parametrize(("earlier", "later"), NOT_SHADOWED)
def test_not_shadowed_when_not_implied(earlier: dict[str, Any], later: dict[str, Any]) -> None:
    assert only(document(rule("first", earlier), rule("second", later)), "shadowed") == []


def test_shadowing_needs_first_match_an_escalating_earlier_rule_and_order() -> None:
    wide = leaf("message.text", "contains_any", ["refund", "money back"])
    narrow = leaf("message.text", "contains_any", ["refund"])
    assert only(document(rule("w", wide), rule("n", narrow), mode="all_matches"), "shadowed") == []
    assert only(document(rule("w", wide, escalate=False, actions=[{"type": "tag", "tags": ["x"]}]),
                         rule("n", narrow)), "shadowed") == []
    assert only(document(rule("n", narrow), rule("w", wide)), "shadowed") == []
    assert only(document(rule("w", wide, enabled=False), rule("n", narrow)), "shadowed") == []


# --- overlapping rules with different handoff modes ------------------------------------------------

def test_overlapping_rules_with_different_handoffs() -> None:
    doc = document(rule("a", leaf("message.text", "contains_any", ["refund"]), handoff="instant"),
                   rule("b", {"all": [leaf("message.text", "contains_any", ["refund now", "money"]),
                                      leaf("cart.abandoned", "is_true")]}, handoff="email"))
    [found] = only(doc, "overlapping_handoffs")
    assert found.rule_ids == ("b", "a")
    assert "\u201crefund now\u201d" in found.message and "transfer now" in found.message


def test_numeric_overlap_reported_and_disjoint_ranges_not() -> None:
    overlapping = document(rule("a", leaf("visitor.score", "gt", 50), handoff="instant"),
                           rule("b", leaf("visitor.score", "lt", 80), handoff="callback"))
    assert codes(overlapping).count("overlapping_handoffs") == 1
    disjoint = document(rule("a", leaf("visitor.score", "gt", 80), handoff="instant"),
                        rule("b", leaf("visitor.score", "lt", 50), handoff="callback"))
    assert "overlapping_handoffs" not in codes(disjoint)


def test_no_overlap_with_the_same_handoff_or_unrelated_phrases() -> None:
    same = document(rule("a", leaf("message.text", "contains_any", ["refund"])),
                    rule("b", leaf("message.text", "contains_any", ["refund"])))
    assert "overlapping_handoffs" not in codes(same)
    unrelated = document(rule("a", leaf("message.text", "contains_any", ["refund"]), handoff="instant"),
                         rule("b", leaf("message.text", "contains_any", ["demo"]), handoff="email"))
    assert "overlapping_handoffs" not in codes(unrelated)


# --- phrases in two trigger kinds --------------------------------------------------------------------

def test_phrase_in_two_trigger_kinds_after_normalisation() -> None:
    doc = document(rule("a", leaf("message.text", "contains_any", ["Refund!"]), trigger="complex"),
                   rule("b", leaf("message.text", "contains_any", ["refunds", "x"]), trigger="keyword"))
    [found] = only(doc, "phrase_in_two_triggers")
    assert found.rule_ids == ("a", "b") and "\u201crefund\u201d" in found.message


def test_phrase_in_one_trigger_kind_or_only_excluded_is_fine() -> None:
    same_kind = document(rule("a", leaf("message.text", "contains_any", ["refund"]), trigger="complex"),
                         rule("b", leaf("message.text", "contains_any", ["refund"]), trigger="complex"))
    assert only(same_kind, "phrase_in_two_triggers") == []
    excluded = document(rule("a", leaf("message.text", "contains_any", ["refund"]), trigger="complex"),
                        rule("b", leaf("message.text", "contains_none", ["refund"]), trigger="keyword"))
    assert only(excluded, "phrase_in_two_triggers") == []


# --- offline branches ----------------------------------------------------------------------------

def test_unknown_team_has_no_offline_branch() -> None:
    found = only(document(rule("a", leaf("cart.abandoned", "is_true"), team="billing")),
                 "escalation_unknown_team")
    assert [(f.rule_ids, f.path) for f in found] == [(("a",), "$.rules[0].actions[0]")]
    assert only(document(rule("a", leaf("cart.abandoned", "is_true"))), "escalation_unknown_team") == []


def test_team_without_any_usable_schedule() -> None:
    doc = document(rule("a", leaf("cart.abandoned", "is_true")))
    doc["routing"]["teams"][0]["schedule"] = "missing"
    assert only(doc, "team_without_schedule") == []  # the default schedule stands in
    del doc["settings"]["default_schedule"]
    [found] = only(doc, "team_without_schedule")
    assert found.path == "$.routing.teams[0].schedule" and found.rule_ids == ("a",)
    assert "always open" in found.message


def test_unknown_team_without_default_hours_counts_as_always_open() -> None:
    doc = document(rule("a", leaf("cart.abandoned", "is_true"), team="billing"))
    assert "borrows the default" in only(doc, "escalation_unknown_team")[0].message
    del doc["settings"]["default_schedule"]
    assert "always open" in only(doc, "escalation_unknown_team")[0].message


def test_offline_callback_switched_off() -> None:
    doc = document(rule("a", leaf("cart.abandoned", "is_true")))
    doc["routing"]["offline_mode"] = "callback"
    assert codes(doc).count("offline_callback_disabled") == 1
    doc["routing"]["callback_enabled"] = True
    assert "offline_callback_disabled" not in codes(doc)


def test_offline_mode_missing_in_the_document() -> None:
    doc = document(rule("a", leaf("cart.abandoned", "is_true")))
    assert "offline_mode_missing" not in [f.code for f in analyse_document(doc)]
    del doc["routing"]["offline_mode"]
    assert "offline_mode_missing" in [f.code for f in analyse_document(doc)]


# --- unused templates and channels -------------------------------------------------------------------

def _template(tid: str, channel: str = "chat") -> dict[str, Any]:
    return {"id": tid, "name": tid.title(), "channel": channel, "body": "Hi"}


def test_unused_template_and_channel() -> None:
    doc = document(rule("a", leaf("cart.abandoned", "is_true"),
                        actions=[{"type": "reply", "template": "used"}]),
                   templates=[_template("used"), _template("spare"), _template("alert", "slack"),
                              _template("offline", "email")],
                   channels=[{"id": "ops", "name": "Ops", "type": "slack", "template": "alert"}])
    found = [(f.code, f.path) for f in findings(doc) if f.code.startswith("unused")]
    assert found == [("unused_template", "$.templates[1]"), ("unused_channel", "$.channels[0]")]
    doc["rules"][0]["actions"].append({"type": "notify", "channel": "ops"})
    doc["rules"][0]["actions"].append({"type": "reply", "template": "spare"})
    assert [c for c in codes(doc) if c.startswith("unused")] == []


# --- rules firing on too much of a library ---------------------------------------------------------

def test_rule_firing_on_more_than_the_threshold() -> None:
    doc = document(rule("a", leaf("cart.abandoned", "is_true")), rule("b", leaf("visitor.returning", "is_true")))
    found = [f for f in findings(doc, fired={"a": 31, "b": 30}, total=100) if f.code == "fires_often"]
    assert [f.rule_ids for f in found] == [("a",)] and "31%" in found[0].message
    assert "fires_often" not in codes(doc, fired={"a": 50}, total=100, threshold=0.5)
    assert "fires_often" not in codes(doc)


# --- the shipped playbook ------------------------------------------------------------------------------

def test_example_playbook_has_no_findings() -> None:
    doc = json.loads(example_playbook().read_text(encoding="utf-8"))
    assert analyse_document(doc) == []


def test_findings_are_plain_data() -> None:
    doc = document(rule("r", {"all": [leaf("visitor.score", "gt", 80), leaf("visitor.score", "lt", 50)]}))
    [found] = findings(doc)
    assert found.to_dict() == {"code": "never_fires", "severity": "warning", "message": found.message,
                               "rule_ids": ["r"], "path": "$.rules[0].when.all[1]"}
    assert found.rule_id == "r"
    problem = found.to_problem()
    assert (problem.path, problem.severity, problem.code, problem.rule_id) == (
        "$.rules[0].when.all[1]", "warning", "analysis.never_fires", "r")
    assert json.loads(json.dumps(found.to_dict()))["code"] == "never_fires"


# --- soundness against a brute-force reference ---------------------------------------------------
# Whatever the engine does with a missing value (every test fails / negative tests hold / the value
# counts as zero), a rule reported as never firing must hold for no fact assignment, and a rule
# reported as shadowed must imply the earlier one for every assignment.

NUMBERS = [0, 10, 50, 80]
INTENTS = ["a", "b", "c"]
PHRASES = ["refund", "full refund", "money", "money back", "refund now"]

leaves = st.one_of(
    st.builds(lambda op, v: {"fact": "visitor.score", "op": op, "value": v},
              st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"]), st.sampled_from(NUMBERS)),
    st.builds(lambda a, b: {"fact": "visitor.score", "op": "between", "value": sorted([a, b])},
              st.sampled_from(NUMBERS), st.sampled_from(NUMBERS)),
    st.builds(lambda op: {"fact": "visitor.returning", "op": op}, st.sampled_from(["is_true", "is_false"])),
    st.builds(lambda op, v: {"fact": "bot.intent", "op": op, "value": v},
              st.sampled_from(["eq", "ne"]), st.sampled_from(INTENTS)),
    st.builds(lambda op, v: {"fact": "bot.intent", "op": op, "value": sorted(v)},
              st.sampled_from(["in", "not_in"]), st.sets(st.sampled_from(INTENTS), min_size=1, max_size=2)),
    st.builds(lambda f, op, v: {"fact": f, "op": op, "value": sorted(v)},
              st.sampled_from(["message.text", "conversation.text"]),
              st.sampled_from(["contains_any", "contains_none"]),
              st.sets(st.sampled_from(PHRASES), min_size=1, max_size=2)),
)

conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, inner),
    ),
    max_leaves=5,
)

SCORES = [None] + sorted({n + d for n in NUMBERS for d in (-0.5, 0, 0.5)})
TEXTS = [("", ""), ("refund", "refund"), ("full refund", "money back full refund"),
         ("money back", "money back"), ("refund now", "refund now"), ("money", "refund money"),
         ("", "refund"), ("a full refund now money back", "a full refund now money back")]
ASSIGNMENTS = [
    {"visitor.score": s, "visitor.returning": r, "bot.intent": i, "message.text": m, "conversation.text": c}
    for s, r, i, (m, c) in product(SCORES, [None, True, False], [None, *INTENTS, "z"], TEXTS)
]


def _has(text: str, phrase: str) -> bool:
    words, target = text.split(), phrase.split()
    return any(words[i:i + len(target)] == target for i in range(len(words) - len(target) + 1))


def _leaf(node: dict[str, Any], facts: dict[str, Any], missing: str) -> bool:
    value, op, want = facts[node["fact"]], node["op"], node.get("value")
    if value is None:
        if missing == "zero":
            value = {"visitor.score": 0, "visitor.returning": False, "bot.intent": ""}[node["fact"]]
        else:
            return missing == "lenient" and op in ("ne", "not_in", "is_false")
    if op in ("contains_any", "contains_none"):
        found = any(_has(value, p) for p in want)
        return found if op == "contains_any" else not found
    return {
        "gt": lambda: value > want, "gte": lambda: value >= want, "lt": lambda: value < want,
        "lte": lambda: value <= want, "eq": lambda: value == want, "ne": lambda: value != want,
        "between": lambda: want[0] <= value <= want[1], "in": lambda: value in want,
        "not_in": lambda: value not in want, "is_true": lambda: value is True,
        "is_false": lambda: value is False,
    }[op]()


def holds(node: dict[str, Any], facts: dict[str, Any], missing: str) -> bool:
    if "all" in node:
        return all(holds(c, facts, missing) for c in node["all"])
    if "any" in node:
        return any(holds(c, facts, missing) for c in node["any"])
    if "not" in node:
        return not holds(node["not"], facts, missing)
    return _leaf(node, facts, missing)


def _ruleset(*whens: dict[str, Any]) -> Ruleset:
    rules = [{"id": f"r{i}", "name": f"R{i}", "enabled": True, "trigger": "keyword", "when": w,
              "actions": [{"type": "escalate", "handoff": "instant", "team": "support", "priority": "normal"}]}
             for i, w in enumerate(whens)]
    return Ruleset.from_dict({"schema_version": 1, "metadata": {"name": "t"}, "rules": rules,
                              "templates": [], "schedules": [], "channels": [],
                              "routing": {"teams": [], "offline_mode": "email", "sla": {}}})


@settings(max_examples=examples(30), deadline=None)
@given(conditions, st.one_of(conditions, st.builds(lambda x, a: ("narrowed", x), conditions, st.none())))
def test_never_fires_and_shadowed_are_sound(first: dict[str, Any], second: Any) -> None:
    if isinstance(second, tuple):  # "first and something more": a rule that first surely shadows
        second = {"all": [second[1], first]}
    findings = analyse(_ruleset(first, second))
    whens = {"r0": first, "r1": second}
    modes = ("strict", "lenient", "zero")
    for finding in findings:
        if finding.code == "never_fires":
            when = whens[finding.rule_ids[0]]
            assert not any(holds(when, f, m) for f in ASSIGNMENTS for m in modes), finding.message
        elif finding.code == "shadowed":
            assert finding.rule_ids == ("r1", "r0")
            assert all(holds(first, f, m) for f in ASSIGNMENTS for m in modes if holds(second, f, m))


# The same claims checked against the real engine: a rule reported as never firing never decides
# a conversation, and a rule reported as shadowed never decides one either.

ENGINE_TEXTS = [("", "refund"), ("money back", "full refund"), ("", "money back"), ("", "refund now"),
                ("refund", "money"), ("refund", "hello"), ("", "a full refund now money back")]
ENGINE_CASES = [
    {"id": "x", "visitor": {k: v for k, v in (("score", s), ("returning", r)) if v is not None},
     "events": [*([{"at": "2026-11-24T10:00:00Z", "type": "visitor", "text": e}] if e else []),
                *([{"at": "2026-11-24T10:00:05Z", "type": "bot", "text": "ok", "intent": i}] if i else []),
                {"at": "2026-11-24T10:00:09Z", "type": "visitor", "text": m}]}
    for s, r, i, (e, m) in product([None, -0.5, 0, 9.5, 10, 10.5, 50, 50.5, 79.5, 80, 80.5],
                                   [None, True, False], [None, "a", "B", "z"], ENGINE_TEXTS)
]


def _deciding_rules(ruleset: Ruleset) -> set[str]:
    from builder.engine import compile_ruleset, simulate

    compiled = compile_ruleset(ruleset)
    return {d.rule for d in (simulate(compiled, case) for case in ENGINE_CASES) if d.rule is not None}


@settings(max_examples=examples(30), deadline=None)
@given(conditions, st.builds(lambda x: {"all": [x]}, conditions))
def test_claims_hold_in_the_engine(first: dict[str, Any], extra: dict[str, Any]) -> None:
    second = {"all": [extra, first]}  # surely shadowed by `first`
    both = _ruleset(first, second)
    for finding in analyse(both):
        if finding.code == "never_fires" and finding.rule_ids == ("r0",):
            assert _deciding_rules(_ruleset(first)) == set(), finding.message
        elif finding.code == "shadowed":
            assert "r1" not in _deciding_rules(both), finding.message
