"""Rule analysis: for each finding, a minimal ruleset that has it and one that does not."""

from __future__ import annotations

import json
from typing import Any

import pytest

from builder.analysis import Finding, analyse, analyse_document
from builder.model import Ruleset
from builder.paths import example_playbook


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
    assert "Visitor score is more than 80" in found.message
    assert "Visitor score is less than 50" in found.message
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
                   rule("b", leaf("message.text", "contains_any", ["refund", "x"]), trigger="keyword"))
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


def test_team_whose_schedule_does_not_exist() -> None:
    doc = document(rule("a", leaf("cart.abandoned", "is_true")))
    assert only(doc, "team_without_schedule") == []
    doc["routing"]["teams"][0]["schedule"] = "missing"
    [found] = only(doc, "team_without_schedule")
    assert found.path == "$.routing.teams[0].schedule" and found.rule_ids == ("a",)


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
    assert json.loads(json.dumps(found.to_dict()))["code"] == "never_fires"
