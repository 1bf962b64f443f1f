"""Rule-level diff of two ruleset documents, in plain words."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.format.diff import diff_rulesets
from builder.paths import example_playbook
from tests.conftest import examples


@pytest.fixture
def playbook() -> dict[str, Any]:
    return json.loads(example_playbook().read_text("utf-8"))


def _rule(document: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in document["rules"] if r["id"] == rule_id)


def test_identical_rulesets_have_no_differences(playbook: dict[str, Any]) -> None:
    diff = diff_rulesets(playbook, copy.deepcopy(playbook))
    assert not diff and diff.empty
    assert diff.summary() == "No changes"
    assert diff.lines() == []


def test_added_and_removed_rules(playbook: dict[str, Any]) -> None:
    edited = copy.deepcopy(playbook)
    gone = edited["rules"].pop(1)
    edited["rules"].append({"id": "vip", "name": "VIP visitor", "enabled": True})
    diff = diff_rulesets(playbook, edited)
    assert [(r.id, r.name, r.index) for r in diff.added] == [("vip", "VIP visitor", len(edited["rules"]) - 1)]
    assert [(r.id, r.index) for r in diff.removed] == [(gone["id"], 1)]
    assert diff.changed == ()  # the others only shifted up: not "moved"
    assert diff.summary() == f"Added 'VIP visitor'; removed '{gone['name']}'"


def test_each_changed_field_in_plain_words(playbook: dict[str, Any]) -> None:
    first = playbook["rules"][0]
    edited = copy.deepcopy(playbook)
    rule = edited["rules"][0]
    rule["name"] = "Asks for a person"
    rule["enabled"] = False
    rule["when"]["all"][2]["any"][1]["value"].append("a person please")  # the "I want / please" list
    rule["actions"].pop()
    rule["stop"] = False
    [change] = diff_rulesets(playbook, edited).changed
    assert change.id == first["id"] and change.name == "Asks for a person"
    assert change.changes == (
        f"renamed from '{first['name']}'", "enabled → disabled", "conditions changed",
        "actions changed", "no longer stops further rules",
    )
    assert set(change.fields) == {"name", "enabled", "when", "actions", "stop"}
    assert not change.moved


def test_trigger_change_names_both_kinds(playbook: dict[str, Any]) -> None:
    edited = copy.deepcopy(playbook)
    old = edited["rules"][2]["trigger"]
    edited["rules"][2]["trigger"] = "keyword"
    [change] = diff_rulesets(playbook, edited).changed
    assert change.changes == (f"trigger {old} → keyword",)


def test_moving_one_rule_reports_only_that_rule(playbook: dict[str, Any]) -> None:
    edited = copy.deepcopy(playbook)
    moved = edited["rules"].pop(4)
    edited["rules"].insert(0, moved)
    diff = diff_rulesets(playbook, edited)
    [change] = diff.changed
    assert change.id == moved["id"] and change.moved
    assert change.changes == ("moved from position 5 to 1",)
    assert diff.summary() == f"Moved '{moved['name']}'"


def test_reordering_many(playbook: dict[str, Any]) -> None:
    edited = copy.deepcopy(playbook)
    edited["rules"].reverse()
    diff = diff_rulesets(playbook, edited)
    assert len(diff.changed) == len(playbook["rules"]) - 1
    assert diff.summary() == "Reordered rules"


def test_sections_and_metadata(playbook: dict[str, Any]) -> None:
    edited = copy.deepcopy(playbook)
    edited["templates"][0]["body"] = "Hello"
    edited["templates"].append({"id": "new-template", "body": "x"})
    edited["channels"] = []
    edited["routing"]["offline_mode"] = "callback"
    edited["metadata"]["name"] = "Our playbook"
    edited["metadata"]["exported_at"] = "2026-01-01T00:00:00Z"  # set by export: not a change
    diff = diff_rulesets(playbook, edited)
    by_section = {s.section: s for s in diff.sections}
    assert set(by_section) == {"templates", "channels", "routing"}
    assert by_section["templates"].added == ("new-template",)
    assert by_section["templates"].changed == (playbook["templates"][0]["id"],)
    assert by_section["channels"].removed == tuple(c["id"] for c in playbook["channels"])
    assert by_section["routing"].changed == ("offline_mode",)
    assert diff.metadata_changed == ("metadata.name",)
    assert diff.summary() == "Templates changed; routing changed; channels changed; details changed"
    assert "templates changed (added new-template; changed " in "\n".join(diff.lines())


def test_several_edits_summarised_by_count(playbook: dict[str, Any]) -> None:
    edited = copy.deepcopy(playbook)
    for rule in edited["rules"][:3]:
        rule["enabled"] = False
    edited["rules"] = edited["rules"][:-2] + [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}]
    assert diff_rulesets(playbook, edited).summary() == "Added 2 rules; removed 2 rules; changed 3 rules"


def test_drafts_without_ids_or_rules_never_raise() -> None:
    a: dict[str, Any] = {"rules": [{"name": "no id"}, "junk", {"id": "d"}, {"id": "d"}]}
    b: dict[str, Any] = {"rules": "not a list", "templates": {"odd": True}}
    diff = diff_rulesets(a, b)
    assert len(diff.removed) == 4
    assert {s.section for s in diff.sections} == {"templates"}
    assert not diff_rulesets({}, {})


rule_ids = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8)


@settings(max_examples=examples(60), deadline=None)
@given(old=rule_ids, new=rule_ids)
def test_moved_rules_are_a_minimal_set(old: list[str], new: list[str]) -> None:
    """Rules not reported as moved keep their relative order, and no smaller set would do."""
    doc = lambda ids: {"rules": [{"id": i, "name": i.upper()} for i in ids]}  # noqa: E731
    diff = diff_rulesets(doc(old), doc(new))
    assert {r.id for r in diff.added} == set(new) - set(old)
    assert {r.id for r in diff.removed} == set(old) - set(new)
    moved = {c.id for c in diff.changed if c.moved}
    common = [i for i in new if i in old]
    stay = [old.index(i) for i in common if i not in moved]
    assert stay == sorted(stay)
    # longest increasing subsequence length by brute force-free DP
    best = [1] * len(common)
    positions = [old.index(i) for i in common]
    for j in range(len(common)):
        for k in range(j):
            if positions[k] < positions[j]:
                best[j] = max(best[j], best[k] + 1)
    assert len(moved) == len(common) - max(best, default=0)
    assert bool(diff) == (old != new)
