"""Reading conversations (JSON Lines, one conversation a line) without ever crashing on a bad line.

`read_conversations` is a generator: memory stays flat however long the file. A malformed line
becomes a `LineError` with its line number (the caller reports it and goes on); unknown event
types are kept as they are and ignored by the engine.

Mid-conversation updates: a `profile` event carries visitor fields (as in `visitor`) merged into
the profile from that event on (`attributes` key by key); a `context` event carries `values`,
what the host knows about this conversation, read by `visitor.attribute` before the profile's
attributes. Format version 1 already allowed unknown event types, so these need no new version:
a reader that predates them keeps and ignores them, as it does any unknown type.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from builder.format.conversation_checks import (
    check_conversation,
    check_event,
    check_visitor,
    has_surrogate_escape,
    parse_instant,
    without_lone_surrogates,
)

__all__ = ["BLOCK_BYTES", "Conversation", "ConversationError", "LineBlock", "LineError", "MAX_LINE_BYTES",
           "bounded_lines", "check_conversation", "check_event", "check_visitor", "line_blocks", "parse_instant",
           "read_conversations", "refuse_special_file", "unreadable"]

MAX_LINE_BYTES = 64 * 1024 * 1024
"""The longest line (one conversation) a reader takes: a longer one is reported and skipped
without being held in memory (a 10 MB message fits many times over)."""

BLOCK_BYTES = 256 * 1024
"""How much `line_blocks` reads at a time: a few hundred conversations, a few tens of milliseconds
of deciding (small enough for a smooth progress bar, big enough that handing a block to a worker
process costs nothing next to deciding it)."""

KNOWN_EVENT_TYPES = ("visitor", "bot", "page_view", "cart", "resolved", "profile", "context")


@dataclass(frozen=True)
class Conversation:
    """One conversation as read: its id, visitor profile, events and optional expectation."""

    id: str
    events: tuple[dict[str, Any], ...]
    visitor: Mapping[str, Any] = field(default_factory=dict)
    expect: Mapping[str, Any] | None = None
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.visitor:
            out["visitor"] = dict(self.visitor)
        out["events"] = [dict(e) for e in self.events]
        if self.expect is not None:
            out["expect"] = dict(self.expect)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], line: int = 0) -> Conversation:
        """A checked conversation; raises ConversationError with a readable message."""
        data = without_lone_surrogates(data)
        problems = check_conversation(data)
        if problems:
            raise ConversationError("; ".join(problems))
        return cls(
            id=str(data["id"]),
            events=tuple(data["events"]),
            visitor=data.get("visitor") or {},
            expect=data.get("expect"),
            line=line,
        )


@dataclass(frozen=True)
class LineError:
    """A line that could not be read (`internal`: one the engine failed on, a bug); `line` counts
    from 1."""

    line: int
    message: str
    internal: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ConversationError(ValueError):
    """A conversation that does not follow the format."""


def _shown(cid: str) -> str:
    return repr(cid if len(cid) <= 60 else cid[:57] + "…")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def _parsed(text: str) -> Any:
    """`json.loads(text, parse_constant=_refuse_constant)` with its decoder made once, not per
    line (json.loads builds a new one whenever it is given an option): the same values, the same
    errors, the byte-order mark refused as json.loads refuses it."""
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _DECODER.decode(text)


def bounded_lines(handle: IO[bytes], limit: int | None = None,
                  on_read: Callable[[int], None] | None = None) -> Iterator[str | None]:
    """The lines of a binary stream, decoded (bad UTF-8 becomes U+FFFD); None for a line longer
    than `limit` bytes (default `MAX_LINE_BYTES`), skipped in chunks and never held whole in memory."""
    limit = MAX_LINE_BYTES if limit is None else limit
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        if on_read is not None:
            on_read(len(raw))
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw.decode("utf-8", errors="replace")
            continue
        while raw and not raw.endswith(b"\n"):
            raw = handle.readline(1 << 20)
            if on_read is not None:
                on_read(len(raw))
        yield None


@dataclass(frozen=True)
class LineBlock:
    """Whole lines of an input as read, the first of them line `first` (counting from 1); `data`
    None stands for one line over the length cap (skipped unread)."""

    first: int
    data: bytes | None

    def lines(self) -> list[str | None]:
        """The lines decoded as `bounded_lines` decodes them (bad UTF-8 becomes U+FFFD): a newline
        byte never belongs to a multi-byte sequence, so decoding the block at once and splitting
        at its newlines gives the same texts."""
        if self.data is None:
            return [None]
        lines: list[str | None] = self.data.decode("utf-8", errors="replace").split("\n")  # type: ignore[assignment]
        if lines[-1] == "":
            lines.pop()
        return lines


def line_blocks(handle: IO[bytes], size: int = BLOCK_BYTES, limit: int | None = None,
                on_read: Callable[[int], None] | None = None) -> Iterator[LineBlock]:
    """The lines of a binary stream in blocks of whole lines of about `size` bytes, numbered as
    `bounded_lines` numbers them; a line longer than `limit` bytes (default `MAX_LINE_BYTES`) is a
    block of its own with `data` None, skipped in chunks and never held whole in memory.

    Why blocks: reading line by line costs a call per line, and a block is what a worker process
    is handed (`simulate --jobs`). Each read takes what the stream has (`read1`), so lines piped in
    slowly are still decided as they come."""
    limit = MAX_LINE_BYTES if limit is None else limit
    size = max(1, min(size, limit))
    read = getattr(handle, "read1", None) or handle.read
    number, carry, skipping = 1, b"", False
    while True:
        chunk = read(size)
        if not chunk:
            break
        if on_read is not None:
            on_read(len(chunk))
        if skipping:  # the rest of a line over the cap
            cut = chunk.find(b"\n")
            if cut < 0:
                continue
            skipping, chunk = False, chunk[cut + 1:]
        data = carry + chunk if carry else chunk
        carry = b""
        if len(data) > limit:  # only the first line can be over the cap (a chunk is at most `limit`)
            end = data.find(b"\n")
            if end < 0 or end > limit:
                yield LineBlock(number, None)
                number += 1
                if end < 0:
                    skipping = True
                    continue
                data = data[end + 1:]
        end = data.rfind(b"\n") + 1
        carry, data = data[end:], data[:end]
        if data:
            yield LineBlock(number, data)
            number += data.count(b"\n")
    if carry:  # a last line without a newline
        yield LineBlock(number, carry)


def refuse_special_file(path: str | Path) -> None:
    """OSError unless `path` is a regular file: a FIFO would block a reader forever and a device
    such as /dev/zero never ends."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a pipe, a device or a folder)")


def unreadable(path: str | Path) -> str | None:
    """Why `path` cannot be read as an input file ("cannot read X: no such file"); None when it can."""
    try:
        refuse_special_file(path)
    except FileNotFoundError:
        return f"cannot read {path}: no such file"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    return None


def _lines(source: str | Path | IO[str] | Iterable[str]) -> Iterator[str | None]:
    if isinstance(source, (str, Path)):
        refuse_special_file(source)
        with open(source, "rb") as handle:
            yield from bounded_lines(handle)
    else:
        for line in source:
            yield None if line is None or len(line) > MAX_LINE_BYTES else line


def read_conversations(
    source: str | Path | IO[str] | Iterable[str | None], *, schema: bool = False, first_line: int = 1
) -> Iterator[Conversation | LineError]:
    """Conversations of a JSON Lines file or stream, in order; bad lines as LineError.

    Blank lines are skipped silently; a None item (from `bounded_lines`) is a line over the length
    cap. With `schema=True` each line is also checked by jsonschema itself (slower; the built-in
    check runs the same schema, compiled). `first_line`: the number of the first line (the lines
    of a `LineBlock` start at its `first`).
    """
    validate = None
    if schema:
        from rules_schema.schemas import schema_errors

        validate = schema_errors
    for number, raw in enumerate(_lines(source), start=first_line):  # type: ignore[arg-type]
        if raw is None:
            yield LineError(number, f"longer than {MAX_LINE_BYTES // 2**20} MB: skipped")
            continue
        text = raw.strip()
        if not text:
            continue
        try:
            data = _parsed(text)
        except ValueError as exc:
            yield LineError(number, f"not valid JSON ({exc})")
            continue
        except RecursionError:
            yield LineError(number, "nested too deeply")
            continue
        if has_surrogate_escape(text):
            data = without_lone_surrogates(data)
        problems = check_conversation(data)
        if not problems and validate is not None:
            problems = validate(data, "conversation")
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            cid = data.get("id") if isinstance(data, dict) else None
            named = f"conversation {_shown(cid)}: " if isinstance(cid, str) and cid else ""
            yield LineError(number, named + "; ".join(problems[:3]) + more)
            continue
        yield Conversation(
            id=data["id"], events=tuple(data["events"]), visitor=data.get("visitor") or {},
            expect=data.get("expect"), line=number,
        )
