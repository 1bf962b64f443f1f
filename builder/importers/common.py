"""What every importer shares: dropped records with their line, the summary, instants, JSON records,
a record's messages turned into events.

Why here: each platform names its fields differently, but "line 12: message without a time" must
read the same whichever export it came from, and every importer turns Unix seconds or ISO texts
into the one instant form the conversation format accepts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from builder.format.conversation import Conversation, ConversationError


@dataclass(frozen=True)
class Dropped:
    """A record left out of the library: where it was (file and line, from 1) and why."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: line {self.line}: {self.reason}"


@dataclass
class ImportSummary:
    """Counts of one import: what went into the library and what was left out."""

    conversations: int = 0
    events: int = 0
    visitors: set[str] = field(default_factory=set)
    dropped: list[Dropped] = field(default_factory=list)
    masked: int = 0

    def add(self, conversation: Conversation) -> None:
        self.conversations += 1
        self.events += len(conversation.events)
        visitor = conversation.visitor
        self.visitors.add(str(visitor.get("email") or visitor.get("attributes", {}).get("contact_id")
                              or visitor.get("name") or f"conversation:{conversation.id}"))

    def text(self) -> str:
        """The one-paragraph summary a manager reads after an import."""
        visitors = len(self.visitors)
        lines = [f"Read {self.conversations} conversation{'s' * (self.conversations != 1)}, "
                 f"{self.events} event{'s' * (self.events != 1)}, {visitors} visitor{'s' * (visitors != 1)}."]
        if self.masked:
            lines.append(f"Masked {self.masked} piece{'s' * (self.masked != 1)} of personal data "
                         "(e-mails, phone numbers, card numbers).")
        if self.dropped:
            lines.append(f"Dropped {len(self.dropped)} record{'s' * (len(self.dropped) != 1)}:")
            lines.extend(f"  {d}" for d in self.dropped[:50])
            if len(self.dropped) > 50:
                lines.append(f"  … and {len(self.dropped) - 50} more")
        else:
            lines.append("Nothing was dropped.")
        return "\n".join(lines)


class RecordError(ValueError):
    """A record (or part of one) an importer cannot use; the message is the reason shown."""


def instant(value: Any, zone: tzinfo = UTC) -> str:
    """An ISO 8601 instant with offset from Unix seconds (or milliseconds) or an ISO text.

    A text without an offset is read in `zone` (exports often drop it; UTC unless told)."""
    if isinstance(value, bool) or value is None or value == "":
        raise RecordError("has no time")
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 100_000_000_000 else value  # milliseconds since 1973
        at = datetime.fromtimestamp(seconds, UTC)
    elif isinstance(value, str):
        text = value.strip()
        try:
            at = datetime.fromtimestamp(float(text), UTC) if text.replace(".", "", 1).isdigit() \
                else datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise RecordError(f"time {value!r} is not a date-time") from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=zone)
    else:
        raise RecordError(f"time {value!r} is not a date-time")
    return at.isoformat().replace("+00:00", "Z")


def build(cid: Any, events: list[dict[str, Any]], visitor: dict[str, Any] | None = None) -> Conversation:
    """A checked conversation, events in time order (stable); RecordError when it is not usable."""
    if cid is None or str(cid) == "":
        raise RecordError("has no conversation id")
    if not any(e.get("type") == "visitor" for e in events):
        raise RecordError(f"conversation {cid} has no visitor message")
    events = sorted(events, key=lambda e: datetime.fromisoformat(e["at"].replace("Z", "+00:00")))
    data: dict[str, Any] = {"id": str(cid), "events": events}
    if visitor:
        data["visitor"] = visitor
    try:
        return Conversation.from_dict(data)
    except ConversationError as exc:
        raise RecordError(f"conversation {cid}: {exc}") from None


def json_records(path: Path, page_key: str | None = None) -> Iterator[tuple[int, Any] | Dropped]:
    """(line, record) for each record of a JSON file: the elements of a top-level list, the one
    top-level object, or one object per line (JSON Lines, where a broken line is Dropped). A
    top-level object holding its records in a list under `page_key` (an API page) gives them one
    by one with their own lines."""
    source = path.name
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from _array_records(text, source, text.index("["))
        return
    try:
        whole = json.loads(text)
    except (ValueError, RecursionError):
        whole = None
    if isinstance(whole, dict) and page_key and isinstance(whole.get(page_key), list):
        key = text.find(f'"{page_key}"')
        yield from _array_records(text, source, text.index("[", key))
        return
    if isinstance(whole, dict):
        yield 1 + text[: len(text) - len(stripped)].count("\n"), whole
        return
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except (ValueError, RecursionError) as exc:
            yield Dropped(source, number, f"not valid JSON ({exc})")


def each_record(path: Path, page_key: str | None = None) -> Iterator[tuple[int, Any] | Dropped]:
    """(line, record) like `json_records`, a record that is a list (one line holding several, or a
    `{page_key: [ … ]}` page on one line) given element by element, each at that line."""
    for item in json_records(path, page_key):
        if isinstance(item, Dropped):
            yield item
            continue
        line, record = item
        if page_key and isinstance(record, dict) and isinstance(record.get(page_key), list):
            record = record[page_key]
        for one in record if isinstance(record, list) else [record]:
            yield line, one


def conversation_per_record(path: Path, make: Callable[[Any, list[str]], Conversation],
                            page_key: str | None = None) -> Iterator[Conversation | Dropped]:
    """The conversations of a file holding one a record: `make(record, skipped)` for each (see
    `outcome`), records that are not JSON Dropped."""
    for item in each_record(path, page_key):
        if isinstance(item, Dropped):
            yield item
        else:
            yield from outcome(path.name, item[0], partial(make, item[1]))


def events_of(cid: Any, messages: Iterable[Any], event: Callable[[Any, tzinfo], dict[str, Any] | None],
              zone: tzinfo, skipped: list[str], what: str = "message") -> list[dict[str, Any]]:
    """`event(message, zone)` of each message, in order; a message it refuses (RecordError) is left
    out with "conversation <cid>: <what> <n> <reason>" in `skipped`, and None means nothing to keep."""
    events = []
    for number, message in enumerate(messages, start=1):
        try:
            found = event(message, zone)
        except RecordError as exc:
            skipped.append(f"conversation {cid}: {what} {number} {exc}")
            continue
        if found is not None:
            events.append(found)
    return events


def _array_records(text: str, source: str, start: int) -> Iterator[tuple[int, Any] | Dropped]:
    """The elements of a top-level JSON list, each with the line it starts on; a broken element
    ends the list (JSON cannot be resynchronised inside an array) and is Dropped with its line."""
    decoder = json.JSONDecoder()
    pos = start + 1
    line = 1 + text.count("\n", 0, pos)
    length = len(text)
    while True:
        while pos < length and text[pos] in " \t\r\n,":
            if text[pos] == "\n":
                line += 1
            pos += 1
        if pos >= length or text[pos] == "]":
            return
        try:
            value, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:
            yield Dropped(source, line, f"not valid JSON ({exc}); the rest of the file was not read")
            return
        yield line, value
        line += text.count("\n", pos, end)
        pos = end


def outcome(source: str, line: int, make: Callable[[list[str]], Conversation]) -> Iterator[Conversation | Dropped]:
    """Run `make(skipped)`: each part it left out (a reason in `skipped`) and, when the record is
    unusable, the record itself come out as Dropped at `line`; otherwise the conversation."""
    skipped: list[str] = []
    try:
        conversation = make(skipped)
    except RecordError as exc:
        yield from (Dropped(source, line, why) for why in skipped)
        yield Dropped(source, line, str(exc))
        return
    yield from (Dropped(source, line, why) for why in skipped)
    yield conversation


def obj(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one (exports leave optional parts out)."""
    return value if isinstance(value, dict) else {}


def texts(record: dict[str, Any], **fields: str) -> dict[str, str]:
    """{ours: record[theirs]} for each `ours="theirs"` whose value is a non-empty text (exports
    leave names and e-mails out, null or blank)."""
    return {ours: record[theirs] for ours, theirs in fields.items()
            if isinstance(record.get(theirs), str) and record[theirs]}
