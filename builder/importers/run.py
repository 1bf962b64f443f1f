"""Running an importer over files: masking, counting, and writing the library as JSON Lines.

`import_files(fmt, paths, options)` yields conversations (masked unless told not to) and fills
an `ImportSummary`; `write_library` streams them to a JSON Lines file in the conversation
format, the file `simulate`, `replay` and the Replay page read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any

from builder.format.conversation import Conversation
from builder.importers import chatwoot, csv_mapped, intercom, rasa, sunshine
from builder.importers.common import Dropped, ImportSummary
from builder.importers.csv_mapped import CsvMapping
from builder.importers.masking import mask_text

Reader = Callable[[Path, tzinfo], Iterator[Conversation | Dropped]]
FORMATS: dict[str, tuple[str, Reader]] = {
    "rasa": ("Rasa tracker store (JSON events)", rasa.read),
    "chatwoot": ("Chatwoot conversations and messages (API JSON)", chatwoot.read),
    "zendesk": ("Zendesk / Sunshine Conversations messages (API JSON or webhooks)", sunshine.read),
    "intercom": ("Intercom conversations with parts (API JSON)", intercom.read),
    "csv": ("CSV, one message a row, with a column mapping", csv_mapped.read),
}
MASKED_FIELDS = ("text",)


@dataclass(frozen=True)
class ImportOptions:
    """`mask`: replace e-mails, phone numbers and card numbers (on by default); `zone`: the time
    zone of times written without an offset; `csv`: the column mapping of a CSV import."""

    mask: bool = True
    zone: tzinfo = UTC
    csv: CsvMapping | None = None


class ImportFormatError(ValueError):
    """An unknown format name (a usage error)."""


def _mask(conversation: Conversation) -> tuple[Conversation, int]:
    count = 0

    def masked(value: Any) -> Any:
        nonlocal count
        if not isinstance(value, str):
            return value
        text, n = mask_text(value)
        count += n
        return text

    events = tuple({k: masked(v) if k in MASKED_FIELDS else v for k, v in e.items()} for e in conversation.events)
    visitor: dict[str, Any] = dict(conversation.visitor)
    if "email" in visitor:
        visitor["email"], count = "[email]", count + 1
    attributes = visitor.get("attributes")
    if isinstance(attributes, dict):
        visitor["attributes"] = {k: masked(v) for k, v in attributes.items()}
    return replace(conversation, events=events, visitor=visitor), count


def import_files(fmt: str, paths: Iterable[str | Path], options: ImportOptions | None = None,
                 summary: ImportSummary | None = None) -> Iterator[Conversation]:
    """Conversations of the files in `fmt` (a FORMATS key); dropped records go to `summary`."""
    if fmt not in FORMATS:
        raise ImportFormatError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    options = options or ImportOptions()
    summary = summary if summary is not None else ImportSummary()
    reader = FORMATS[fmt][1]
    for path in map(Path, paths):
        items = csv_mapped.read(path, options.zone, options.csv) if fmt == "csv" else reader(path, options.zone)
        for item in items:
            if isinstance(item, Dropped):
                summary.dropped.append(item)
                continue
            summary.add(item)  # before masking: two visitors' masked e-mails look alike
            if options.mask:
                item, count = _mask(item)
                summary.masked += count
            yield item


def write_library(conversations: Iterable[Conversation], out: Path | str) -> int:
    """Write conversations as JSON Lines (one a line, the conversation format); returns the count."""
    count = 0
    with open(out, "w", encoding="utf-8", newline="\n") as handle:
        for conversation in conversations:
            handle.write(json.dumps(conversation.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count
