"""Reading a conversation library for replay: a JSON Lines or CSV file or stream, or conversations
already in memory, and a file's lines counted in bytes for the progress bar."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from builder.format.conversation import (
    Conversation,
    ConversationError,
    LineError,
    bounded_lines,
    read_conversations,
    refuse_special_file,
)
from builder.replay.csv_library import read_csv_conversations
from builder.replay.errors import readable_file

Source = str | Path | IO[str] | Iterable[Conversation | Mapping[str, Any]]


def is_csv(source: Source, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt.lower() == "csv"
    return isinstance(source, (str, Path)) and str(source).lower().endswith(".csv")


def _conversations(items: Iterable[Conversation | Mapping[str, Any]]) -> Iterator[Conversation | LineError]:
    for number, item in enumerate(items, start=1):
        if isinstance(item, Conversation):
            yield item
            continue
        try:
            yield Conversation.from_dict(item, line=number)
        except ConversationError as exc:
            yield LineError(number, str(exc))


def read_library(source: Source, fmt: str | None = None) -> Iterator[Conversation | LineError]:
    """Conversations of a JSONL or CSV file/stream, or of an iterable of conversations/dicts."""
    if is_csv(source, fmt):
        return read_csv_conversations(source)  # type: ignore[arg-type]
    if isinstance(source, (str, Path)):
        readable_file(Path(source))
        return read_conversations(source)
    if hasattr(source, "read"):
        return read_conversations(source)  # type: ignore[arg-type]
    return _conversations(source)  # type: ignore[arg-type]


class CountingLines:
    """Lines of a file in binary, decoded, counting bytes for the progress fraction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.done = 0

    def __iter__(self) -> Iterator[str | None]:
        refuse_special_file(self.path)
        with open(self.path, "rb") as handle:
            yield from bounded_lines(handle, on_read=self._count)

    def _count(self, size: int) -> None:
        self.done += size
