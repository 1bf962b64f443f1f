"""Migrations: every format version has a fixture; each migrates to the latest and validates clean."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from rules_schema import LATEST_VERSION, document_version, migrate, validate
from rules_schema.migrate import MIGRATIONS

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(version: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"ruleset.v{version}.json").read_text(encoding="utf-8"))
    return data


def test_there_is_a_fixture_for_every_version() -> None:
    versions = sorted(int(p.name.split(".")[1][1:]) for p in FIXTURES.glob("ruleset.v*.json"))
    assert versions == list(range(LATEST_VERSION + 1))
    assert sorted(MIGRATIONS) == list(range(LATEST_VERSION))


@pytest.mark.parametrize("version", range(LATEST_VERSION + 1))
def test_every_version_migrates_to_a_clean_latest(version: int) -> None:
    document = fixture(version)
    assert document_version(document) == version
    migrated = migrate(document)
    assert document_version(migrated) == LATEST_VERSION
    assert validate(migrated) == []


def test_the_draft_migrates_to_the_latest_fixture_through_each_step() -> None:
    assert MIGRATIONS[0](fixture(0)) == fixture(1)
    assert migrate(fixture(0)) == fixture(LATEST_VERSION)


def test_v1_phrase_conditions_keep_matching_exactly() -> None:
    """Version 2 turns typo tolerance on unless a condition says otherwise; a v1 file's phrase
    conditions say otherwise, so an old file decides as it did. Other conditions are untouched."""
    v1 = {"schema_version": 1, "rules": [{"id": "r", "when": {"all": [
        {"fact": "message.text", "op": "contains_any", "value": ["agent"]},
        {"not": {"fact": "message.text", "op": "contains_none", "value": ["bot"]}},
        {"fact": "message.text", "op": "matches", "value": "x"},
        {"fact": "visitor.score", "op": "gt", "value": 5}]}}]}
    leaves = migrate(v1)["rules"][0]["when"]["all"]
    assert migrate(v1)["schema_version"] == 2
    assert leaves[0]["typo"] is False and leaves[1]["not"]["typo"] is False
    assert "typo" not in leaves[2] and "typo" not in leaves[3]


def test_the_draft_renames_are_applied() -> None:
    rule = migrate(fixture(0))["rules"][0]
    assert (rule["name"], rule["enabled"], rule["trigger"], rule["stop"]) == (
        "Visitor asks for a human", True, "explicit_request", True)
    assert [leaf["op"] for leaf in rule["when"]["any"]] == ["contains_any", "matches"]
    assert rule["actions"][0] == {"type": "escalate", "handoff": "instant", "team": "support", "priority": "high"}
    assert rule["actions"][2] == {"type": "tag", "tags": ["human-request"]}


def test_latest_is_unchanged_and_input_is_never_mutated() -> None:
    latest, draft = fixture(LATEST_VERSION), fixture(0)
    before = copy.deepcopy(draft)
    assert migrate(latest) == latest
    migrate(draft)
    assert draft == before


@pytest.mark.parametrize("document", [[], "x", {"schema_version": 99, "rules": []}, {"schema_version": "one"},
                                      {"format": "handoff-builder/draft", "rules": "broken"}])
def test_unknown_or_broken_documents_are_left_for_validate(document: Any) -> None:
    migrated = migrate(document)
    assert validate(migrated)  # reported in words, never an exception


def test_a_newer_version_is_explained() -> None:
    problems = validate(migrate({**fixture(LATEST_VERSION), "schema_version": LATEST_VERSION + 1}))
    assert [p.code for p in problems] == ["schema.version"]
    assert f"format version {LATEST_VERSION + 1}" in problems[0].message
