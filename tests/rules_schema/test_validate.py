"""One test per problem code: a minimal ruleset broken in exactly one way reports that code, at
that path, with that severity, in a sentence that names the rule or object it is about."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema.exceptions import ValidationError
from strategies import broken, json_values  # this folder's helper module

from rules_schema import Problem, content_hash, validate
from rules_schema.schema_messages import translate_errors
from tests.conftest import examples

Doc = dict[str, Any]
PLAYBOOK = Path(__file__).resolve().parents[2] / "resources" / "examples" / "playbook.json"
PROBLEMS_MD = Path(__file__).resolve().parents[2] / "rules_schema" / "PROBLEMS.md"


def leaf(doc: Doc) -> Doc:
    return doc["rules"][0]["when"]["all"][0]


def set_leaf(doc: Doc, **fields: Any) -> None:
    doc["rules"][0]["when"]["all"][0] = fields


def add_rule(doc: Doc, **changes: Any) -> None:
    rule = {**doc["rules"][0], **changes}
    doc["rules"].append(rule)


def weekly(doc: Doc, *intervals: tuple[str, str, str]) -> None:
    doc["schedules"][0]["weekly"] = [{"day": d, "start": s, "end": e} for d, s, e in intervals]


# code -> (how to break the minimal ruleset, path of the problem, severity)
CASES: dict[str, tuple[Callable[[Doc], Any], str, str]] = {
    "schema.required": (lambda d: d["rules"][0].pop("name"), "$.rules[0].name", "error"),
    "schema.additional": (lambda d: d["rules"][0].update(colour="red"), "$.rules[0].colour", "error"),
    "schema.type": (lambda d: d["rules"][0].update(enabled="yes"), "$.rules[0].enabled", "error"),
    "schema.enum": (lambda d: d["rules"][0]["actions"][0].update(handoff="fast"), "$.rules[0].actions[0].handoff",
                    "error"),
    "schema.version": (lambda d: d.update(schema_version=3), "$.schema_version", "error"),
    "schema.pattern": (lambda d: d["channels"][0].update(url_env="https://hooks.slack.com/x"),
                       "$.channels[0].url_env", "error"),
    "schema.format": (lambda d: d["schedules"][0].update(closures=[{"date": "2026-13-01"}]),
                      "$.schedules[0].closures[0].date", "error"),
    "schema.range": (lambda d: d["routing"]["sla"]["normal"].update(minutes=0), "$.routing.sla.normal.minutes",
                     "error"),
    "schema.length": (lambda d: d["rules"][0]["actions"].append({"type": "tag", "tags": []}),
                      "$.rules[0].actions[3].tags", "error"),
    "re2.invalid": (lambda d: set_leaf(d, fact="message.text", op="matches", value=r"(\w+) \1"),
                    "$.rules[0].when.all[0].value", "error"),
    "fact.unknown": (lambda d: leaf(d).update(fact="message.txt"), "$.rules[0].when.all[0].fact", "error"),
    "op.unknown": (lambda d: leaf(d).update(op="contains"), "$.rules[0].when.all[0].op", "error"),
    "op.not_for_fact": (lambda d: leaf(d).update(fact="visitor.score"), "$.rules[0].when.all[0].op", "error"),
    "param.missing": (lambda d: set_leaf(d, fact="visitor.attribute", op="eq", value="enterprise"),
                      "$.rules[0].when.all[0].param", "error"),
    "param.unexpected": (lambda d: set_leaf(d, fact="visitor.score", param="x", op="gt", value=3),
                         "$.rules[0].when.all[0].param", "error"),
    "ref.default_schedule": (lambda d: (d["settings"].pop("default_schedule"),
                                        set_leaf(d, fact="time.in_business_hours", op="is_false")),
                             "$.rules[0].when.all[0]", "error"),
    "value.missing": (lambda d: set_leaf(d, fact="visitor.score", op="gt"), "$.rules[0].when.all[0].value", "error"),
    "value.shape": (lambda d: set_leaf(d, fact="visitor.score", op="between", value=[1, "x"]),
                    "$.rules[0].when.all[0].value", "error"),
    "value.empty": (lambda d: leaf(d).update(value=[]), "$.rules[0].when.all[0].value", "error"),
    "value.range": (lambda d: set_leaf(d, fact="visitor.score", op="between", value=[5, 2]),
                    "$.rules[0].when.all[0].value", "error"),
    "value.choice": (lambda d: set_leaf(d, fact="time.local_weekday", op="eq", value="monday"),
                     "$.rules[0].when.all[0].value", "error"),
    "value.out_of_range": (lambda d: set_leaf(d, fact="message.caps_ratio", op="gte", value=70),
                           "$.rules[0].when.all[0].value", "warning"),
    "value.unexpected": (lambda d: set_leaf(d, fact="cart.abandoned", op="is_true", value=True),
                         "$.rules[0].when.all[0].value", "warning"),
    "condition.empty": (lambda d: d["rules"][0].update(when={"all": []}), "$.rules[0].when.all", "warning"),
    "id.duplicate": (lambda d: add_rule(d, name="Another rule"), "$.rules[1].id", "error"),
    "name.duplicate": (lambda d: add_rule(d, id="refunds-2"), "$.rules[1].name", "warning"),
    "ref.template": (lambda d: d["rules"][0]["actions"][1].update(template="ak"), "$.rules[0].actions[1].template",
                     "error"),
    "ref.schedule": (lambda d: d["routing"]["teams"][0].update(schedule="ofice"), "$.routing.teams[0].schedule",
                     "error"),
    "ref.word_group": (lambda d: d["rules"][0]["when"]["all"][0].update(groups=["peple"]),
                       "$.rules[0].when.all[0].groups[0]", "error"),
    "word_group.cycle": (lambda d: d.update(word_groups=[{"id": "a", "name": "A", "words": ["x"], "includes": ["a"]}]),
                         "$.word_groups[0].includes", "error"),
    "ref.channel": (lambda d: d["rules"][0]["actions"][2].update(channel="teams"), "$.rules[0].actions[2].channel",
                    "error"),
    "ref.team": (lambda d: d["rules"][0]["actions"][0].update(team="sales"), "$.rules[0].actions[0].team", "error"),
    "ref.rule": (lambda d: d.update(tests=[{"id": "c-1", "events": [], "expect": {"escalate": True, "rule": "x"}}]),
                 "$.tests[0].expect.rule", "error"),
    "template.not_chat": (lambda d: d["rules"][0]["actions"][1].update(template="alert"),
                          "$.rules[0].actions[1].template", "error"),
    "template.channel_mismatch": (lambda d: d["channels"][0].update(template="ack"), "$.channels[0].template",
                                  "warning"),
    "template.placeholder": (lambda d: d["templates"][0].update(body="Hi {{visitor.nam}}"), "$.templates[0].body",
                             "error"),
    "template.syntax": (lambda d: d["templates"][0].update(body="Hi {{visitor.name"), "$.templates[0].body",
                        "warning"),
    "template.empty": (lambda d: d["templates"][0].update(body="  "), "$.templates[0].body", "warning"),
    "template.too_long": (lambda d: d["templates"][0].update(body="x" * 1200), "$.templates[0].body", "warning"),
    "template.subject": (lambda d: d["templates"][0].update(subject="Hello"), "$.templates[0].subject", "warning"),
    "rule.no_actions": (lambda d: d["rules"][0].update(actions=[]), "$.rules[0].actions", "warning"),
    "rule.no_escalate": (lambda d: d["rules"][0]["actions"].pop(0), "$.rules[0].actions", "warning"),
    "rule.cooldown_minutes": (lambda d: d["rules"][0].update(cooldown={"policy": "once", "minutes": 5}),
                              "$.rules[0].cooldown.minutes", "warning"),
    "routing.sla_missing": (lambda d: d["rules"][0]["actions"][0].update(priority="high"),
                            "$.rules[0].actions[0].priority", "warning"),
    "schedule.timezone": (lambda d: d["schedules"][0].update(timezone="Europe/Berln"), "$.schedules[0].timezone",
                          "error"),
    "schedule.empty_interval": (lambda d: weekly(d, ("mon", "09:00", "09:00")), "$.schedules[0].weekly[0]", "error"),
    "schedule.overlap": (lambda d: weekly(d, ("mon", "08:00", "18:00"), ("mon", "17:00", "20:00")),
                         "$.schedules[0].weekly[1]", "error"),
    "schedule.never_open": (lambda d: weekly(d), "$.schedules[0].weekly", "warning"),
    "schedule.holidays": (lambda d: d["schedules"][0]["holidays"].update(country="XX"),
                          "$.schedules[0].holidays.country", "warning"),
    "channel.incomplete": (lambda d: d["channels"][0].pop("url_env"), "$.channels[0].url_env", "error"),
    "metadata.hash_mismatch": (lambda d: d["metadata"].update(content_hash="sha256:" + "0" * 64),
                               "$.metadata.content_hash", "warning"),
}


def _with_code(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_is_reported_where_it_happens(minimal: Doc, code: str) -> None:
    breaker, path, severity = CASES[code]
    breaker(minimal)
    problems = validate(minimal)
    found = _with_code(problems, code)
    assert found, f"{code} not reported; got {[(p.code, p.path) for p in problems]}"
    assert (found[0].path, found[0].severity) == (path, severity)
    assert found[0].message[0].isupper() and "\n" not in found[0].message


def test_the_minimal_ruleset_is_clean(minimal: Doc) -> None:
    assert validate(minimal) == []


def test_the_example_playbook_is_clean(playbook: Doc) -> None:
    assert validate(playbook) == []


def test_problems_md_lists_exactly_the_tested_codes() -> None:
    table = set(re.findall(r"^\| `([a-z0-9_.]+)` \|", PROBLEMS_MD.read_text(encoding="utf-8"), re.MULTILINE))
    assert table - {"schema.invalid"} == set(CASES)
    assert "schema.invalid" in table


def test_unknown_keyword_falls_back_to_schema_invalid(minimal: Doc) -> None:
    error = ValidationError("[1, 1] has non-unique elements", validator="uniqueItems", validator_value=True,
                            instance=[1, 1], schema={"uniqueItems": True}, path=["tags"])
    problems = translate_errors(minimal, [(["rules", 0], error)])
    assert [(p.code, p.path) for p in problems] == [("schema.invalid", "$.rules[0].tags")]
    assert problems[0].message.startswith("Rule 'Refund requests':")


def test_message_names_the_rule_and_uses_plain_words(minimal: Doc) -> None:
    leaf(minimal).update(value=[])
    [problem] = validate(minimal)
    assert problem.message == "Rule 'Refund requests', condition on 'Latest visitor message': the phrase list is empty"
    assert problem.rule_id == "refunds"


def test_all_problems_are_returned_at_once(minimal: Doc) -> None:
    for code in ("schema.required", "fact.unknown", "ref.schedule", "template.placeholder", "schedule.timezone"):
        CASES[code][0](minimal)
    codes = {p.code for p in validate(minimal)}
    assert {"schema.required", "fact.unknown", "ref.schedule", "template.placeholder", "schedule.timezone"} <= codes


def test_problems_come_in_document_order(minimal: Doc) -> None:
    minimal["rules"] = [dict(minimal["rules"][0], id=f"r{i}", name=f"Rule {i}") for i in range(12)]
    for rule in minimal["rules"]:
        rule["when"] = {"all": []}
    paths = [p.path for p in validate(minimal)]
    assert paths == [f"$.rules[{i}].when.all" for i in range(12)]


def test_a_disabled_rule_is_not_a_problem(minimal: Doc) -> None:
    minimal["rules"][0]["enabled"] = False
    assert validate(minimal) == []


def test_overnight_span_overlaps_next_morning(minimal: Doc) -> None:
    weekly(minimal, ("sun", "22:00", "02:00"), ("mon", "01:00", "09:00"))
    assert [p.code for p in validate(minimal)] == ["schedule.overlap"]


def test_touching_intervals_and_whole_days_do_not_overlap(minimal: Doc) -> None:
    weekly(minimal, ("mon", "00:00", "24:00"), ("tue", "00:00", "12:00"), ("tue", "12:00", "18:00"),
           ("sat", "22:00", "06:00"), ("sun", "06:00", "10:00"))
    assert validate(minimal) == []


def test_holiday_region_unknown_is_a_warning(minimal: Doc) -> None:
    minimal["schedules"][0]["holidays"]["subdivision"] = "ZZ"
    [problem] = validate(minimal)
    assert (problem.code, problem.severity, problem.path) == (
        "schedule.holidays", "warning", "$.schedules[0].holidays.subdivision")


def test_reference_checks_cover_default_schedule_and_channel_templates(minimal: Doc) -> None:
    minimal["settings"]["default_schedule"] = "nowhere"
    minimal["channels"][0]["template"] = "gone"
    found = {(p.code, p.path) for p in validate(minimal)}
    assert found == {("ref.schedule", "$.settings.default_schedule"), ("ref.template", "$.channels[0].template")}


def test_matching_content_hash_is_clean(minimal: Doc) -> None:
    minimal["metadata"]["content_hash"] = content_hash(minimal)
    assert validate(minimal) == []


@pytest.mark.parametrize("document", [[], "rules", 3, None])
def test_a_document_that_is_not_an_object_is_one_problem(document: Any) -> None:
    [problem] = validate(document)
    assert (problem.code, problem.path) == ("schema.type", "$")


def test_a_wrong_type_deep_inside_never_crashes_the_semantic_checks(minimal: Doc) -> None:
    minimal["rules"][0]["when"] = {"all": "refund"}
    minimal["rules"][0]["actions"] = [3, {"type": "escalate", "team": 5}]
    minimal["schedules"][0]["weekly"] = [{"day": 1, "start": None, "end": "25:00"}]
    minimal["routing"] = []
    problems = validate(minimal)
    assert problems and all(p.code.startswith("schema.") or p.code.startswith("ref.") or p.code.startswith("rule.")
                            for p in problems)


def _table_codes() -> set[str]:
    return set(re.findall(r"^\| `([a-z0-9_.]+)` \|", PROBLEMS_MD.read_text(encoding="utf-8"), re.MULTILINE))


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=broken(json.loads(PLAYBOOK.read_text(encoding="utf-8"))))
def test_validate_never_raises_and_uses_only_documented_codes(document: Any) -> None:
    problems = validate(document)
    assert {p.code for p in problems} <= _table_codes()
    assert all(p.path.startswith("$") and p.message and "\n" not in p.message for p in problems)


@settings(max_examples=examples(60), deadline=None)
@given(document=json_values)
def test_validate_never_raises_on_arbitrary_json(document: Any) -> None:
    assert validate(document)  # an empty list is impossible: none of these is a whole ruleset
