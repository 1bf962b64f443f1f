"""A big archive as partitions: shards of JSON Lines (split at line starts) or Parquet row groups.

Why partitions: a cluster replays an archive in pieces, each read by the worker that replays it
(only a file path and a byte range or row group travel), so no process ever holds the archive.
A partition reads through `read_conversations` (the one JSON Lines reader), its line numbers
counted from the file's first line, so a bad line is reported exactly as `simulate` reports it.

A Parquet library has a text column `conversation` holding one conversation's JSON a row (the
same object as a JSON Lines line; `write_parquet_library` writes one). Decisions can be written
as JSON Lines (exactly `simulate`'s lines) or as Parquet (`DecisionParquetWriter`); pyarrow is
imported only for Parquet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from builder.format.conversation import Conversation, LineError, read_conversations

BLOCK_BYTES = 32 * 1024 * 1024  # a partition of a large JSON Lines file: ~30,000 conversations
PARQUET_COLUMN = "conversation"
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")


class ArchiveError(Exception):
    """An archive that cannot be read at all (missing file, a Parquet file without the column)."""


@dataclass(frozen=True)
class Partition:
    """A piece of one file: bytes [start, end) of a JSON Lines file whose first line is number
    `first_line`, or row group `start` of a Parquet file (rows numbered from `first_line`)."""

    path: str
    kind: str  # "jsonl" or "parquet"
    start: int
    end: int
    first_line: int = 1


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in PARQUET_SUFFIXES


def _jsonl_partitions(path: Path, block_bytes: int) -> Iterator[Partition]:
    size = path.stat().st_size
    if size <= block_bytes:
        yield Partition(str(path), "jsonl", 0, size)
        return
    with open(path, "rb") as handle:
        start, line = 0, 1
        while start < size:
            handle.seek(min(start + block_bytes, size))
            if handle.tell() < size:
                handle.readline()  # to the start of the next line
            end = handle.tell()
            yield Partition(str(path), "jsonl", start, end, line)
            handle.seek(start)
            remaining = end - start
            while remaining > 0:  # count this block's lines for the next block's first line number
                chunk = handle.read(min(remaining, 8 * 1024 * 1024))
                line += chunk.count(b"\n")
                remaining -= len(chunk)
            start = end


def _parquet_partitions(path: Path) -> Iterator[Partition]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # pyarrow raises its own errors for a file that is not Parquet
        raise ArchiveError(f"cannot read {path} as Parquet: {exc}") from None
    if PARQUET_COLUMN not in meta.schema.names:
        raise ArchiveError(f"{path} has no column {PARQUET_COLUMN!r} (one conversation's JSON a row)")
    row = 1
    for group in range(meta.num_row_groups):
        yield Partition(str(path), "parquet", group, group + 1, row)
        row += meta.row_group(group).num_rows


def plan_partitions(paths: Iterable[str | Path], block_bytes: int = BLOCK_BYTES) -> list[Partition]:
    """The partitions of the given files (shards, directories of shards, or single big files)."""
    files: list[Path] = []
    for name in map(Path, paths):
        if name.is_dir():
            files.extend(sorted(p for p in name.iterdir() if p.is_file() and (
                p.suffix.lower() in (".jsonl", ".ndjson", ".json") or _is_parquet(p))))
        elif name.is_file():
            files.append(name)
        else:
            raise ArchiveError(f"cannot read {name}: no such file")
    if any(p.suffix.lower() == ".csv" for p in files):
        raise ArchiveError("a CSV export cannot be replayed on a cluster: turn it into a library first "
                           "with 'handoff-builder import csv FILE -o LIBRARY.jsonl'")
    partitions: list[Partition] = []
    for path in files:
        partitions.extend(_parquet_partitions(path) if _is_parquet(path) else _jsonl_partitions(path, block_bytes))
    return partitions


def partition_lines(partition: Partition) -> Iterator[str]:
    """The raw lines (JSON Lines) or rows' JSON texts (Parquet) of one partition."""
    if partition.kind == "parquet":
        import pyarrow.parquet as pq

        table = pq.ParquetFile(partition.path).read_row_group(partition.start, columns=[PARQUET_COLUMN])
        for value in table.column(PARQUET_COLUMN).to_pylist():
            yield value if isinstance(value, str) else "null"  # an empty row is reported as a bad line
        return
    with open(partition.path, "rb") as handle:
        handle.seek(partition.start)
        remaining = partition.end - partition.start
        for raw in handle:
            if remaining <= 0:
                return
            remaining -= len(raw)
            yield raw.decode("utf-8", errors="replace")


def read_partition(partition: Partition) -> Iterator[Conversation | LineError]:
    """Conversations of one partition, bad lines as LineError, numbered as lines of the file."""
    shift = partition.first_line - 1
    for item in read_conversations(partition_lines(partition)):
        if isinstance(item, LineError):
            yield LineError(item.line + shift, item.message)
        else:
            yield replace(item, line=item.line + shift)


# --- writing -----------------------------------------------------------------------------------

def write_decision_lines(decisions: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Decisions as `simulate` writes them: one JSON object a line."""
    count = 0
    for decision in decisions:
        out.write(json.dumps(decision, ensure_ascii=False) + "\n")
        count += 1
    return count


def _decision_schema() -> Any:
    import pyarrow as pa

    text = pa.string()
    return pa.schema([
        ("id", text), ("escalated", pa.bool_()), ("turn", pa.int32()), ("at", text), ("rule", text),
        ("trigger", text), ("handoff", text), ("team", text), ("priority", text), ("reply", text),
        ("promise", text), ("tags", pa.list_(text)), ("notify", pa.list_(text)), ("timer", pa.bool_()),
    ])


class DecisionParquetWriter:
    """Decisions as a Parquet file (one row each, the decision's fields as columns; `notify` and
    `timer` empty/false when the decision has none), for analysis in other tools."""

    def __init__(self, path: str | Path) -> None:
        import pyarrow.parquet as pq

        self.schema = _decision_schema()
        self._writer = pq.ParquetWriter(str(path), self.schema)
        self.count = 0

    def write(self, decisions: Sequence[dict[str, Any]]) -> None:
        import pyarrow as pa

        if not decisions:
            return
        columns = {name: [d.get(name) for d in decisions] for name in self.schema.names}
        columns["notify"] = [list(d.get("notify") or []) for d in decisions]
        columns["timer"] = [bool(d.get("timer")) for d in decisions]
        self._writer.write_table(pa.Table.from_pydict(columns, schema=self.schema))
        self.count += len(decisions)

    def close(self) -> None:
        self._writer.close()


def write_parquet_library(conversations: Iterable[dict[str, Any] | str], path: str | Path,
                          rows_per_group: int = 20_000) -> int:
    """A Parquet library (column `conversation`, one conversation's JSON a row); returns the rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(PARQUET_COLUMN, pa.string())])
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: list[str] = []
        for item in conversations:
            batch.append(item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
            if len(batch) >= rows_per_group:
                writer.write_table(pa.Table.from_pydict({PARQUET_COLUMN: batch}, schema=schema))
                count += len(batch)
                batch = []
        if batch:
            writer.write_table(pa.Table.from_pydict({PARQUET_COLUMN: batch}, schema=schema))
            count += len(batch)
    return count
