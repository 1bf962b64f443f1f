"""The quick path never accepts what the schema checker refuses (issue #23: one checker, the schema
is the truth), and it does accept the everyday conversations it exists for."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.format.conversation_checks import check_conversation, full_check
from builder.format.conversation_quick import plainly_valid
from tests.conftest import examples
from tests.rules_schema.strategies import broken

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = [json.loads(line) for line in
           (ROOT / "resources" / "conversations" / "samples.jsonl").read_text(encoding="utf-8").splitlines()
           if line.strip()]
PLAIN = {"id": "c-1", "visitor": {"name": "Ana", "score": 42, "returning": True, "attributes": {"plan": "pro"}},
         "events": [{"at": "2026-11-27T09:00:00Z", "type": "page_view", "url": "/pricing"},
                    {"at": "2026-11-27T09:00:05.123+01:00", "type": "visitor", "text": "hi"},
                    {"at": "2026-11-27T09:00:07-05:30", "type": "bot", "text": "Hello", "confidence": 0.5,
                     "fallback": False, "intent": None, "resolved": False}],
         "expect": {"escalate": True, "rule": "r", "turn": 1, "handoff": "instant", "priority": "high",
                    "tags": ["a"]}}
ODD = st.one_of(st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1.5, -1, 2, True, None, "", "x", [], {},
                                 "2026-11-27t09:00:00z", "2026-02-30T09:00:00Z", "1970-01-01T00:00:00+01:00",
                                 "2200-12-31T23:59:59-14:00", "2199-12-31T23:59:59-14:00",
                                 "1971-01-01T00:00:00+14:00", "2026-11-27T09:00:00+14:01",
                                 "2026-11-27T24:00:00Z", "2026-11-27T09:00:60Z", "2026-11-27T09:00:00",
                                 "2026-00-10T09:00:00Z", "2026-11-27T09:00:00.1234567Z", "\ud800",
                                 "visitor", "bot", "page_view", "cart", "profile", "context", "instant", "low"]))


def _with_leaf(document: Any, value: Any, data: st.DataObject) -> Any:
    leaves: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            leaves.append((node, key))
            walk(child)

    walk(document)
    parent, key = data.draw(st.sampled_from(leaves))
    parent[key] = value
    return document


@pytest.mark.parametrize("conversation", [PLAIN, *SAMPLES], ids=lambda c: str(c.get("id")))
def test_same_verdict_on_the_samples(conversation: dict[str, Any]) -> None:
    assert check_conversation(conversation) == full_check(conversation)
    if plainly_valid(conversation):
        assert full_check(conversation) == []


def test_the_everyday_conversation_takes_the_quick_path() -> None:
    assert full_check(PLAIN) == []
    assert plainly_valid(PLAIN)
    assert plainly_valid({"id": "x", "events": []})


@pytest.mark.parametrize(("path", "value"), [
    (("events", 1, "text"), 5), (("events", 2, "confidence"), math.nan), (("events", 2, "confidence"), 1.01),
    (("events", 0, "at"), "2026-11-27T09:00:00"), (("events", 0, "at"), "2201-01-01T00:00:00Z"),
    (("visitor", "score"), math.inf), (("expect", "turn"), 0), (("id",), ""), (("events", 0, "url"), None),
])
def test_a_problem_is_never_waved_through(path: tuple[Any, ...], value: Any) -> None:
    document = copy.deepcopy(PLAIN)
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    assert not plainly_valid(document)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), value=ODD, base=st.sampled_from([PLAIN, *SAMPLES]))
def test_never_accepts_what_the_schema_checker_refuses(data: st.DataObject, value: Any,
                                                       base: dict[str, Any]) -> None:
    document = data.draw(broken(base))
    if isinstance(document, (dict, list)) and document:
        document = _with_leaf(document, value, data)
    if plainly_valid(document):
        assert full_check(document) == []
    assert check_conversation(document) == full_check(document)
