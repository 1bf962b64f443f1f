"""The three schemas are valid Draft 2020-12 and accept the contract examples of ARCHITECTURE.md."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from rules_schema import load_schema, schema_errors, validator
from rules_schema.schemas import SCHEMA_NAMES

# ARCHITECTURE.md, "Conversation" (verbatim, the bot text filled in)
CONVERSATION: dict[str, Any] = {
    "id": "c-17",
    "visitor": {"name": "Ana", "email": "ana@example.com", "score": 85, "returning": True,
                "previous_chat_failed": True, "attributes": {"plan": "enterprise"}},
    "events": [
        {"at": "2026-11-27T02:00:00Z", "type": "page_view", "url": "/pricing"},
        {"at": "2026-11-27T02:00:05Z", "type": "visitor", "text": "Do you do enterprise pricing?"},
        {"at": "2026-11-27T02:00:06Z", "type": "bot", "text": "Let me check.", "confidence": 0.41, "fallback": True,
         "intent": "pricing"},
        {"at": "2026-11-27T02:03:00Z", "type": "cart", "action": "abandon"}],
    "expect": {"escalate": True, "rule": "enterprise-pricing", "turn": 1},
}

# ARCHITECTURE.md, "Decision" (the trace filled in with the engine's documented shape)
DECISION: dict[str, Any] = {
    "id": "c-17", "escalated": True, "turn": 1, "at": "2026-11-27T02:00:05Z",
    "rule": "enterprise-pricing", "trigger": "high_intent", "handoff": "email",
    "team": "sales", "priority": "high", "reply": "Great question for our Sales team.",
    "promise": "by Friday 09:00 (Europe/Berlin)", "tags": ["pricing"],
    "trace": [{"rule": "enterprise-pricing", "name": "Enterprise pricing interest", "fired": True, "held": True,
               "conditions": [{"fact": "message.text", "param": None, "op": "contains_any",
                               "value": ["enterprise pricing"], "actual": "Do you do enterprise pricing?",
                               "held": True, "matches": [{"phrase": "enterprise pricing", "start": 10, "end": 28}]}]}],
}

NO_ESCALATION: dict[str, Any] = {"id": "c-18", "escalated": False, "turn": None, "at": None, "rule": None,
                                 "trigger": None, "handoff": None, "team": None, "priority": None, "reply": None,
                                 "promise": None, "tags": []}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    version = 2 if name == "ruleset" else 1  # the ruleset format is at version 2 (word groups, near)
    assert schema["$id"].endswith(f"/{name}.v{version}.schema.json")


def test_the_architecture_conversation_is_valid() -> None:
    assert schema_errors(CONVERSATION, "conversation") == []


def test_expect_is_optional_and_unknown_event_types_are_allowed() -> None:
    conversation = copy.deepcopy(CONVERSATION)
    del conversation["expect"]
    conversation["events"].append({"at": "2026-11-27T02:04:00+01:00", "type": "typing", "whatever": [1, 2]})
    assert schema_errors(conversation, "conversation") == []


@pytest.mark.parametrize(("change", "where"), [
    (lambda c: c["events"][1].pop("at"), "$.events[1]"),
    (lambda c: c["events"][1].update(at="yesterday"), "$.events[1].at"),
    (lambda c: c["events"][1].pop("text"), "$.events[1]"),
    (lambda c: c["events"][2].update(confidence=1.5), "$.events[2].confidence"),
    (lambda c: c["expect"].pop("escalate"), "$.expect"),
    (lambda c: c["expect"].update(turn=0), "$.expect.turn"),
    (lambda c: c.pop("id"), "$"),
])
def test_a_broken_conversation_is_refused(change: Any, where: str) -> None:
    conversation = copy.deepcopy(CONVERSATION)
    change(conversation)
    errors = schema_errors(conversation, "conversation")
    assert errors and errors[0].startswith(f"{where}: ")


def test_the_architecture_decisions_are_valid() -> None:
    assert schema_errors(DECISION, "decision") == []
    assert schema_errors(NO_ESCALATION, "decision") == []


def test_a_decision_without_escalation_has_no_rule() -> None:
    assert schema_errors({**NO_ESCALATION, "rule": "x"}, "decision")
    assert schema_errors({**DECISION, "rule": None}, "decision")


def test_ruleset_tests_use_the_conversation_schema(minimal: dict[str, Any]) -> None:
    minimal["tests"] = [CONVERSATION, {"id": "c-2", "events": [{"type": "visitor", "text": "hi"}]}]
    validator("ruleset")  # compiled once, reused
    paths = [e.absolute_path for e in validator("ruleset").iter_errors(minimal)]
    assert [list(p) for p in paths] == [["tests", 1, "events", 0]]


def test_the_engine_writes_decisions_that_fit_the_schema() -> None:
    """The contract from the producer's side: simulate's output, trace included, is schema-valid."""
    import json
    from pathlib import Path

    from builder.engine import compile_ruleset, simulate
    from builder.format.model import Ruleset

    root = Path(__file__).resolve().parents[2]
    fixture = json.loads((root / "tests" / "rules_schema" / "fixtures" / "ruleset.v1.json").read_text("utf-8"))
    compiled = compile_ruleset(Ruleset.from_dict(fixture))
    lines = (root / "resources" / "conversations" / "samples.jsonl").read_text("utf-8").splitlines()
    decisions = [simulate(compiled, json.loads(line), trace=True).to_dict() for line in lines if line.strip()]
    assert any(d["escalated"] for d in decisions) and not all(d["escalated"] for d in decisions)
    assert [schema_errors(d, "decision") for d in decisions] == [[] for _ in decisions]
