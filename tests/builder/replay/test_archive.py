"""Archive partitions: a big JSON Lines file split at line starts with its line numbers kept,
Parquet row groups, the decision writers (JSON Lines exactly as simulate, Parquet)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.format.conversation import LineError, read_conversations
from builder.replay.archive import (
    ArchiveError,
    DecisionParquetWriter,
    plan_partitions,
    read_partition,
    write_decision_lines,
    write_parquet_library,
)


def library(path: Path, count: int, bad_every: int = 7) -> list[str]:
    lines = []
    for i in range(count):
        if i % bad_every == 3:
            lines.append("{broken")
        else:
            lines.append(json.dumps({"id": f"c{i}", "events": [
                {"at": "2026-12-01T10:00:00Z", "type": "visitor", "text": f"message {'x' * (i % 13)}"}]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


@pytest.mark.parametrize("block", [50, 333, 1000, 10**6])
def test_blocks_cover_the_file_once_with_its_line_numbers(tmp_path: Path, block: int) -> None:
    path = tmp_path / "big.jsonl"
    library(path, 120)
    partitions = plan_partitions([path], block_bytes=block)
    assert (len(partitions) > 1) == (block < path.stat().st_size)
    assert partitions[0].start == 0 and partitions[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in zip(partitions, partitions[1:], strict=False))
    items = [item for p in partitions for item in read_partition(p)]
    whole = list(read_conversations(path))
    assert [(type(i), i.line) for i in items] == [(type(i), i.line) for i in whole]
    messages = [i.message for i in items if isinstance(i, LineError)]
    assert messages == [i.message for i in whole if isinstance(i, LineError)] and messages


def test_folders_of_shards_and_parquet_row_groups(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    folder.mkdir()
    lines = library(folder / "a.jsonl", 10)
    library(folder / "b.jsonl", 5)
    (folder / "notes.txt").write_text("not a library", encoding="utf-8")
    assert write_parquet_library(lines, folder / "c.parquet", rows_per_group=4) == 10
    partitions = plan_partitions([folder])
    assert [(Path(p.path).name, p.kind, p.first_line) for p in partitions] == [
        ("a.jsonl", "jsonl", 1), ("b.jsonl", "jsonl", 1),
        ("c.parquet", "parquet", 1), ("c.parquet", "parquet", 5), ("c.parquet", "parquet", 9)]
    from_parquet = [item for p in partitions[2:] for item in read_partition(p)]
    from_jsonl = list(read_partition(partitions[0]))
    assert [(type(i), i.line) for i in from_parquet] == [(type(i), i.line) for i in from_jsonl]


def test_unusable_inputs_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no such file"):
        plan_partitions([tmp_path / "missing.jsonl"])
    (tmp_path / "export.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match="handoff-builder import csv"):
        plan_partitions([tmp_path / "export.csv"])
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["hi"]}), tmp_path / "other.parquet")
    with pytest.raises(ArchiveError, match="no column 'conversation'"):
        plan_partitions([tmp_path / "other.parquet"])


def test_decisions_as_json_lines_and_parquet(tmp_path: Path) -> None:
    import io

    import pyarrow.parquet as pq

    decisions = [
        {"id": "c1", "escalated": True, "turn": 2, "at": "2026-12-01T10:00:00Z", "rule": "r", "trigger": "emotional",
         "handoff": "instant", "team": "support", "priority": "high", "reply": "Über", "promise": None,
         "tags": ["a", "b"], "notify": ["slack"]},
        {"id": "c2", "escalated": False, "turn": None, "at": None, "rule": None, "trigger": None, "handoff": None,
         "team": None, "priority": None, "reply": None, "promise": None, "tags": [], "timer": True},
    ]
    out = io.StringIO()
    assert write_decision_lines(decisions, out) == 2
    assert out.getvalue() == "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in decisions)
    writer = DecisionParquetWriter(tmp_path / "d.parquet")
    writer.write(decisions)
    writer.close()
    rows = pq.read_table(tmp_path / "d.parquet").to_pylist()
    assert rows[0]["id"] == "c1" and rows[0]["tags"] == ["a", "b"] and rows[0]["notify"] == ["slack"]
    assert rows[0]["turn"] == 2 and rows[0]["reply"] == "Über" and rows[0]["timer"] is False
    assert rows[1]["escalated"] is False and rows[1]["turn"] is None and rows[1]["timer"] is True
