"""Format version 2: word groups and the text options in the model, the file and its checks;
version 1 files keep loading and deciding as before; a newer version is refused in words."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from builder import runtime
from builder.format.io import export_ruleset, load_ruleset, read_ruleset_file
from builder.format.model import Leaf, NearSide, Ruleset, WordGroup, condition_from_dict, group_words
from rules_schema import validate

ROOT = Path(__file__).resolve().parents[3]
V1 = ROOT / "tests" / "rules_schema" / "fixtures" / "ruleset.v1.json"


def v2_document() -> dict[str, Any]:
    document = json.loads(V1.read_text(encoding="utf-8"))
    document.update({"$schema": "https://handoff-builder.example/schemas/ruleset.v2.schema.json",
                     "schema_version": 2})
    document["word_groups"] = [
        {"id": "people", "name": "People", "words": ["human", "agent"], "includes": ["staff"]},
        {"id": "staff", "name": "Staff", "words": ["manager", "someone"]},
        {"id": "verbs", "name": "Contact verbs", "words": ["talk", "speak", "put me through"]},
    ]
    document["rules"][0]["when"] = {"any": [
        {"fact": "message.text", "op": "near", "groups": ["verbs"], "near": {"groups": ["people"]}, "within": 3,
         "ignore_negated": True},
        {"fact": "message.text", "op": "contains_any", "groups": ["people"], "typo": False, "ignore_negated": True},
    ]}
    return document


def test_leaf_options_round_trip_and_are_left_out_when_default() -> None:
    leaf = Leaf("message.text", "near", ("talk",), groups=("verbs",), near=NearSide(("human",), ("people",)),
                within=3, typo=False, ignore_negated=True)
    data = leaf.to_dict()
    assert data == {"fact": "message.text", "op": "near", "value": ["talk"], "groups": ["verbs"],
                    "near": {"value": ["human"], "groups": ["people"]}, "within": 3, "typo": False,
                    "ignore_negated": True}
    assert condition_from_dict(data) == leaf
    plain = Leaf("message.text", "contains_any", ("refund",))
    assert plain.typo is True and plain.to_dict() == {"fact": "message.text", "op": "contains_any",
                                                      "value": ["refund"]}


def test_a_group_includes_other_groups_once_even_in_a_loop() -> None:
    groups = (WordGroup("a", "A", ("x", "y"), ("b",)), WordGroup("b", "B", ("y", "z"), ("a",)))
    assert group_words(groups, ("a",)) == ("x", "y", "z")
    assert group_words(groups, ("missing",)) == ()


def test_a_v2_file_validates_round_trips_and_decides_with_its_groups(tmp_path: Path) -> None:
    document = v2_document()
    assert [p for p in validate(document) if p.is_error] == []
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    ruleset = load_ruleset(path)
    assert ruleset.words_of(("people",)) == ("human", "agent", "manager", "someone")
    export_ruleset(read_ruleset_file(path), tmp_path / "a.json")
    export_ruleset(read_ruleset_file(tmp_path / "a.json"), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert Ruleset.from_dict(json.loads((tmp_path / "a.json").read_text("utf-8"))).word_groups == ruleset.word_groups
    loaded = runtime.load(path)
    rule_id = ruleset.rules[0].id

    def decides(text: str) -> str | None:
        session = loaded.session("c")
        decision = session.observe({"at": "2026-11-24T10:00:00Z", "type": "visitor", "text": text})
        return decision.rule if decision is not None else None

    assert decides("could you put me through to someone") == rule_id  # a group included by another
    assert decides("I need the manager") == rule_id  # the groups alone
    assert decides("no, I do not want to talk to someone") is None  # negated, both the "near" and the group
    assert decides("I don't want a manager") is None
    assert decides("a managr") is None  # typo tolerance off on the second condition


def test_an_old_file_keeps_its_exact_matching(tmp_path: Path) -> None:
    document = json.loads(V1.read_text(encoding="utf-8"))
    assert document["schema_version"] == 1
    ruleset = load_ruleset(V1)
    phrase_leaves = [leaf for rule in ruleset.rules for leaf in _leaves(rule.when) if leaf.op == "contains_any"]
    assert phrase_leaves and all(leaf.typo is False for leaf in phrase_leaves)
    export_ruleset(document, tmp_path / "out.json")
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))["schema_version"] == 2


def _leaves(node: Any) -> list[Leaf]:
    from builder.format.model import iter_leaves

    return iter_leaves(node)


@pytest.mark.parametrize(("change", "code", "path"), [
    (lambda d: d["rules"][0]["when"]["any"][0].update(groups=["verbz"]), "ref.word_group",
     "$.rules[0].when.any[0].groups[0]"),
    (lambda d: d["rules"][0]["when"]["any"][0]["near"].update(groups=["peeple"]), "ref.word_group",
     "$.rules[0].when.any[0].near.groups[0]"),
    (lambda d: d["rules"][0]["when"]["any"][0].pop("near"), "value.missing", "$.rules[0].when.any[0].near"),
    (lambda d: d["word_groups"][1].update(includes=["people"]), "word_group.cycle", "$.word_groups[0].includes"),
    (lambda d: d["rules"][0]["when"]["any"][1].update(within=3), "value.unexpected",
     "$.rules[0].when.any[1].within"),
])
def test_group_and_near_mistakes_are_reported_in_words(change: Any, code: str, path: str) -> None:
    document = copy.deepcopy(v2_document())
    change(document)
    found = [(p.code, p.path) for p in validate(document)]
    assert (code, path) in found, found


def test_a_newer_format_version_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    document = v2_document()
    document["schema_version"] = 3
    path = tmp_path / "future.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(runtime.RulesetLoadError, match="format version 3; this version of Handoff Builder "
                                                       "reads version 2"):
        runtime.load(path)
