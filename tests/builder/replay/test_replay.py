"""Batch replay: order, expectations, unreadable lines, cancel, progress, CSV grouping, the pool."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from builder.format.model import Ruleset
from builder.replay.batch import Replay, replay
from builder.replay.csv_library import CsvFormatError, read_csv_conversations
from builder.replay.errors import ReplayError
from builder.replay.results import ReplayProgress


def ruleset() -> Ruleset:
    def rule(rid: str, phrase: str, trigger: str, handoff: str) -> dict[str, Any]:
        return {"id": rid, "name": rid.title(), "enabled": True, "trigger": trigger,
                "when": {"fact": "message.text", "op": "contains_any", "value": [phrase]},
                "actions": [{"type": "escalate", "handoff": handoff, "team": "support", "priority": "normal"}]}

    return Ruleset.from_dict({
        "schema_version": 1, "metadata": {"name": "tiny"},
        "settings": {"evaluation_mode": "first_match", "default_schedule": "always"},
        "rules": [rule("human", "human", "explicit_request", "instant"),
                  rule("refund", "refund", "complex", "email")],
        "templates": [],
        "schedules": [{"id": "always", "name": "Always", "timezone": "UTC",
                       "weekly": [{"day": d, "start": "00:00", "end": "24:00"}
                                  for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]}],
        "routing": {"teams": [{"id": "support", "name": "Support", "schedule": "always"}],
                    "offline_mode": "email", "sla": {}},
        "channels": [],
    })


def conversation(cid: str, *texts: str, expect: dict[str, Any] | None = None) -> dict[str, Any]:
    events = [{"at": f"2026-11-24T10:{i:02d}:00Z", "type": "visitor", "text": t} for i, t in enumerate(texts)]
    out: dict[str, Any] = {"id": cid, "events": events}
    if expect is not None:
        out["expect"] = expect
    return out


def library(count: int) -> list[dict[str, Any]]:
    texts = ["hello", "I want a refund", "a human please", "just browsing"]
    return [conversation(f"c{i}", "hi", texts[i % 4]) for i in range(count)]


def write_jsonl(path: Path, items: list[Any]) -> Path:
    path.write_text("".join((i if isinstance(i, str) else json.dumps(i)) + "\n" for i in items), encoding="utf-8")
    return path


def test_results_in_input_order_with_decisions(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "lib.jsonl", library(8))
    results = list(replay(ruleset(), path))
    assert [r.index for r in results] == list(range(8))
    assert [r.conversation_id for r in results] == [f"c{i}" for i in range(8)]
    assert [r.decision["rule"] for r in results[:4]] == [None, "refund", "human", None]
    assert results[1].decision["turn"] == 2 and results[1].escalated and not results[0].escalated
    assert results[2].open is True and results[0].open is None


def test_expectations_pass_or_fail_with_misses() -> None:
    items = [conversation("ok", "refund now", expect={"escalate": True, "rule": "refund"}),
             conversation("bad", "hello", expect={"escalate": True, "rule": "human", "turn": 1}),
             conversation("free", "hello")]
    results = list(replay(ruleset(), items))
    assert [r.passed for r in results] == [True, False, None]
    assert ("escalate", True, False) in results[1].misses


def test_unreadable_lines_are_collected_and_the_run_goes_on(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "lib.jsonl", [library(1)[0], "{not json", {"id": "x"}, library(2)[1]])
    run = Replay(ruleset(), path)
    results = list(run)
    assert [r.conversation_id for r in results] == ["c0", "c1"]
    assert [e.line for e in run.errors] == [2, 3]


def test_missing_file_is_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="no such file"):
        list(replay(ruleset(), tmp_path / "nope.jsonl"))


def test_cancel_is_checked_between_conversations(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "lib.jsonl", library(50))
    seen: list[str] = []
    run = Replay(ruleset(), path, cancel=lambda: len(seen) >= 5)
    for result in run:
        seen.append(result.conversation_id)
    assert seen == ["c0", "c1", "c2", "c3", "c4"]
    assert run.cancelled
    again = Replay(ruleset(), path, keep=True)
    assert len(list(again)) == 50 and not again.cancelled
    assert [r.index for r in again.results] == list(range(50))


def test_progress_reports_counts_and_ends_at_the_whole_file(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "lib.jsonl", library(10))
    reports: list[ReplayProgress] = []
    list(Replay(ruleset(), path, progress=reports.append, progress_every=4))
    assert [p.done for p in reports] == [4, 8, 10]
    assert reports[-1].fraction == 1.0
    assert all(0 < (p.fraction or 0) <= 1 for p in reports)
    in_memory: list[ReplayProgress] = []
    list(Replay(ruleset(), library(4), progress=in_memory.append, progress_every=2))
    assert [(p.done, p.fraction) for p in in_memory] == [(2, 0.5), (4, 1.0)]


# --- CSV -------------------------------------------------------------------------------------------

CSV = """conversation_id,at,role,text,url
a,2026-11-24T10:00:00Z,visitor,hello,
b,2026-11-24T10:00:00Z,user,hi there,
a,2026-11-24T10:00:05Z,bot,How can I help?,
b,2026-11-24T10:00:02Z,page_view,,/pricing
a,2026-11-24T10:00:09Z,visitor,"I want a refund, please",
c,2026-11-24T10:00:00Z,visitor,a human,
b,2026-11-24T10:00:09Z,visitor,a human please,
"""


@pytest.mark.parametrize("as_file", [True, False])
def test_csv_rows_grouped_by_conversation_in_first_appearance_order(tmp_path: Path, as_file: bool) -> None:
    path = tmp_path / "lib.csv"
    path.write_text(CSV, encoding="utf-8")
    items = list(read_csv_conversations(path if as_file else io.StringIO(CSV)))
    assert [c.id for c in items] == ["a", "b", "c"]  # type: ignore[union-attr]
    a, b, _ = items
    assert [e["type"] for e in a.events] == ["visitor", "bot", "visitor"]  # type: ignore[union-attr]
    assert a.events[2]["text"] == "I want a refund, please"  # type: ignore[union-attr]
    assert b.events[1] == {"at": "2026-11-24T10:00:02Z", "type": "page_view", "url": "/pricing"}  # type: ignore[union-attr]
    assert b.events[0]["type"] == "visitor"  # "user" is the visitor  # type: ignore[union-attr]


def test_csv_replay_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "lib.csv"
    path.write_text(CSV, encoding="utf-8")
    results = list(replay(ruleset(), path))
    assert [(r.conversation_id, r.decision["rule"], r.decision["turn"]) for r in results] == [
        ("a", "refund", 2), ("b", "human", 2), ("c", "human", 1)]


def test_csv_without_needed_columns_or_with_a_bad_row(tmp_path: Path) -> None:
    with pytest.raises(CsvFormatError, match="conversation_id"):
        list(read_csv_conversations(io.StringIO("id,at,text\nx,2026-11-24T10:00:00Z,hi\n")))
    bad = "conversation_id,at,type,text\nx,yesterday,visitor,hi\ny,2026-11-24T10:00:00Z,visitor,hi\n"
    run = Replay(ruleset(), io.StringIO(bad), fmt="csv")
    assert [r.conversation_id for r in run] == ["y"]
    assert run.errors[0].line == 2 and "x" in run.errors[0].message


# --- the process pool ------------------------------------------------------------------------------

def test_pool_keeps_input_order_and_agrees_with_one_process(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "lib.jsonl", [*library(13), "{bad", *library(20)[13:]])
    serial = Replay(ruleset(), path)
    expected = [(r.index, r.conversation_id, r.decision) for r in serial]
    pooled = Replay(ruleset(), path, processes=2, chunk_size=3)
    assert [(r.index, r.conversation_id, r.decision) for r in pooled] == expected
    assert [e.line for e in pooled.errors] == [e.line for e in serial.errors] == [14]
    cancelled = Replay(ruleset(), path, processes=2, chunk_size=2, cancel=lambda: cancelled.done >= 4)
    assert [r.conversation_id for r in cancelled] == ["c0", "c1", "c2", "c3"] and cancelled.cancelled


def test_pool_on_csv_and_on_conversations_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "lib.csv"
    path.write_text(CSV, encoding="utf-8")
    pooled = [(r.index, r.conversation_id, r.decision["rule"]) for r in replay(ruleset(), path, processes=2,
                                                                                 chunk_size=1)]
    assert pooled == [(0, "a", "refund"), (1, "b", "human"), (2, "c", "human")]
    items = library(7)
    assert [r.conversation_id for r in replay(ruleset(), items, processes=2, chunk_size=2)] == [
        f"c{i}" for i in range(7)]
