"""A conversation library as CSV, one message a row (columns `conversation_id`, `at`, `role` or
`type`, `text`, optional `url`, `confidence`, `fallback`, `intent`, `action`), grouped into
conversations by id whether or not a conversation's rows are contiguous."""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from builder.format.conversation import Conversation, ConversationError, LineError
from builder.replay.errors import ReplayError, readable_file

_ROLES = {"visitor": "visitor", "user": "visitor", "customer": "visitor", "bot": "bot",
          "assistant": "bot", "chatbot": "bot", "page": "page_view", "pageview": "page_view"}
_TRUE = {"1", "true", "yes", "y"}


class CsvFormatError(ReplayError):
    """A CSV library without the columns replay needs."""


def _csv_event(row: Mapping[str, str | None]) -> dict[str, Any]:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    role = (cell("role") or cell("type")).lower().replace("-", "_")
    kind = _ROLES.get(role, role) or ("page_view" if cell("url") else "")
    event: dict[str, Any] = {"at": cell("at"), "type": kind}
    text = row.get("text") or ""
    if kind in ("visitor", "bot") or text:
        event["text"] = text
    if cell("url"):
        event["url"] = cell("url")
    if cell("confidence"):
        try:
            event["confidence"] = float(cell("confidence"))
        except ValueError:
            event["confidence"] = cell("confidence")  # reported by the conversation check
    if cell("fallback"):
        event["fallback"] = cell("fallback").lower() in _TRUE
    for key in ("intent", "action"):
        if cell(key):
            event[key] = cell(key)
    return event


def _csv_rows(handle: IO[str]) -> Iterator[tuple[int, str, dict[str, Any]]]:
    reader = csv.DictReader(handle)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("conversation_id", "at") if c not in header]
    if "role" not in header and "type" not in header:
        missing.append("role (or type)")
    if missing:
        raise CsvFormatError("the CSV needs the columns conversation_id, at, role (or type) and text; "
                             f"missing: {', '.join(missing)}")
    reader.fieldnames = header
    for row in reader:
        cid = (row.get("conversation_id") or "").strip()
        yield reader.line_num, cid, _csv_event(row)


def _csv_conversation(cid: str, line: int, events: list[dict[str, Any]]) -> Conversation | LineError:
    if not cid:
        return LineError(line, "a row has no conversation_id")
    try:
        return Conversation.from_dict({"id": cid, "events": events}, line=line)
    except ConversationError as exc:
        return LineError(line, f"conversation {cid}: {exc}")


def read_csv_conversations(source: str | Path | IO[str]) -> Iterator[Conversation | LineError]:
    """Conversations of a CSV library in order of first appearance, rows grouped by id.

    From a file, a first pass counts each conversation's rows so that the second can hand over a
    conversation as soon as its last row is read (memory: only unfinished conversations). A
    stream is read whole.
    """
    if isinstance(source, (str, Path)):
        path = readable_file(Path(source))
        with open(path, encoding="utf-8-sig", newline="") as handle:
            counts: dict[str, int] = {}
            for _, cid, _ in _csv_rows(handle):
                counts[cid] = counts.get(cid, 0) + 1
        with open(path, encoding="utf-8-sig", newline="") as handle:
            yield from _grouped(_csv_rows(handle), counts)
        return
    rows = list(_csv_rows(source))
    totals: dict[str, int] = {}
    for _, cid, _ in rows:
        totals[cid] = totals.get(cid, 0) + 1
    yield from _grouped(iter(rows), totals)


def _grouped(
    rows: Iterator[tuple[int, str, dict[str, Any]]], counts: dict[str, int]
) -> Iterator[Conversation | LineError]:
    open_: dict[str, tuple[int, list[dict[str, Any]]]] = {}
    order: deque[str] = deque()
    finished: set[str] = set()
    for line, cid, event in rows:
        if cid not in open_:
            open_[cid] = (line, [])
            order.append(cid)
        open_[cid][1].append(event)
        if len(open_[cid][1]) == counts.get(cid, 0):
            finished.add(cid)
        while order and order[0] in finished:
            head = order.popleft()
            finished.discard(head)
            first, events = open_.pop(head)
            yield _csv_conversation(head, first, events)
    for head in order:  # only when the file changed between the passes
        first, events = open_.pop(head)
        yield _csv_conversation(head, first, events)
