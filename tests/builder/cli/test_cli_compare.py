"""`handoff-builder compare A B CONVERSATIONS` with two tiny rulesets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from builder.cli import main
from builder.format.model import Ruleset
from builder.replay.metrics import compare_replays


def document(*rules: tuple[str, list[str]]) -> dict[str, Any]:
    return {
        "schema_version": 1, "metadata": {"name": "tiny"},
        "settings": {"evaluation_mode": "first_match"},
        "rules": [{"id": rid, "name": rid.title(), "enabled": True, "trigger": "keyword",
                   "when": {"fact": "message.text", "op": "contains_any", "value": phrases},
                   "actions": [{"type": "escalate", "handoff": "instant", "team": "support",
                                "priority": "normal"}]} for rid, phrases in rules],
        "templates": [],
        "schedules": [{"id": "always", "name": "Always", "timezone": "UTC",
                       "weekly": [{"day": d, "start": "00:00", "end": "24:00"}
                                  for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]}],
        "routing": {"teams": [{"id": "support", "name": "Support", "schedule": "always"}],
                    "offline_mode": "email", "sla": {}},
        "channels": [],
    }


A = document(("human", ["human"]), ("refund", ["refund"]))
B = document(("refund", ["refund", "money back"]), ("human", ["human"]))
TEXTS = {"c1": ["hello"], "c2": ["money back please"], "c3": ["a human for my refund"],
         "c4": ["hi", "human please"], "c5": ["refund"]}


@pytest.fixture()
def files(tmp_path: Path) -> tuple[str, str, str]:
    a, b, conv = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "lib.jsonl"
    a.write_text(json.dumps(A), encoding="utf-8")
    b.write_text(json.dumps(B), encoding="utf-8")
    lines = [{"id": cid, "events": [{"at": f"2026-11-24T10:0{i}:00Z", "type": "visitor", "text": t}
                                    for i, t in enumerate(texts)]} for cid, texts in TEXTS.items()]
    conv.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return str(a), str(b), str(conv)


def test_core_comparison_sorts_the_changes(files: tuple[str, str, str]) -> None:
    comparison = compare_replays(Ruleset.from_dict(A), Ruleset.from_dict(B), files[2])
    assert [c.conversation_id for c in comparison.now_escalate] == ["c2"]
    assert [c.conversation_id for c in comparison.other_rule] == ["c3"]
    assert comparison.no_longer_escalate == () and comparison.other_turn == ()
    assert (comparison.a.escalated, comparison.b.escalated) == (3, 4)
    assert comparison.delta.escalated == 1 and comparison.delta.by_rule == {"human": -1, "refund": 2}


def test_compare_prints_changes_and_deltas(files: tuple[str, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", *files]) == 0
    out = capsys.readouterr().out
    assert "Compared 5 conversations: 2 decided differently." in out
    assert "Now escalate (1):\n  c2: no escalation -> refund at turn 1" in out
    assert "Escalate by another rule (1):\n  c3: human at turn 1 -> refund at turn 1" in out
    assert "No longer escalate (0)" in out
    assert "escalation rate: 60.0% -> 80.0% (+20.0 points)" in out
    assert "rule refund: 1 -> 3 (+2)" in out and "rule human: 2 -> 1 (-1)" in out


def test_compare_as_json(files: tuple[str, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", *files, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in data["now_escalate"]] == ["c2"]
    assert data["delta"]["escalated"] == 1 and data["a"]["total"] == 5


def test_same_ruleset_changes_nothing(files: tuple[str, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", files[0], files[0], files[2]]) == 0
    assert "0 decided differently" in capsys.readouterr().out


def test_unreadable_and_invalid_inputs(files: tuple[str, str, str], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", files[0], files[1], str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "nope.json"), files[1], files[2]]) == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"rules": 3}', encoding="utf-8")
    assert main(["compare", str(broken), files[1], files[2]]) == 1
    assert "broken.json" in capsys.readouterr().err
