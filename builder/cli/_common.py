"""What the commands that read conversations share (simulate, test, evaluate, compare): compiling
the ruleset with a readable error, streaming the input with a progress bar, and skipping a
malformed line with its line number on stderr.

Why one module: these commands must treat a broken ruleset or a bad line the same way, with the
same exit codes and the same words, whichever the user runs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from builder.cli import UsageError
from builder.engine import CompileError, compile_ruleset
from builder.format.conversation import Conversation, LineError, read_conversations
from builder.runtime import RulesetLoadError, RulesetUnreadable, read_ruleset


class Progress:
    """A one-line progress bar on stderr, drawn only on a terminal and at most 10 times a second."""

    def __init__(self, total_bytes: int | None, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = total_bytes
        self.done_bytes = 0
        self.count = 0
        self.started = time.monotonic()
        self._drawn = 0.0

    def update(self, count: int) -> None:
        self.count = count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn < 0.1:
            return
        self._drawn = now
        rate = count / max(now - self.started, 1e-9)
        if self.total:
            share = min(self.done_bytes / self.total, 1.0)
            bar = "#" * int(share * 30)
            text = f"\r[{bar:<30}] {share:6.1%}  {count:,} conversations  {rate:,.0f}/s"
        else:
            text = f"\r{count:,} conversations  {rate:,.0f}/s"
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r" + " " * 78 + "\r")
            self.stream.flush()


def load_compiled(path: str) -> Any:
    """Read, validate and compile a ruleset: UsageError (exit 2) when the file cannot be read,
    ProblemExit (exit 1) when the ruleset has errors."""
    try:
        ruleset = read_ruleset(path)
    except RulesetUnreadable as exc:
        raise UsageError(str(exc)) from None
    except RulesetLoadError as exc:
        raise ProblemExit(str(exc)) from None
    try:
        return compile_ruleset(ruleset)
    except CompileError as exc:
        raise ProblemExit(f"{path}: the ruleset cannot be evaluated\n" + "\n".join(exc.problems)) from None


class ProblemExit(Exception):
    """The input has problems: message to stderr, exit 1."""


def _lines(handle: IO[bytes], progress: Progress) -> Iterator[str]:
    for raw in handle:
        progress.done_bytes += len(raw)
        yield raw.decode("utf-8", errors="replace")


@contextmanager
def open_conversations(path: str) -> Iterator[tuple[Iterator[str], Progress]]:
    """The input's lines (decoded, streaming) and a progress bar sized by the file."""
    if path == "-":
        progress = Progress(None)
        yield _lines(sys.stdin.buffer, progress), progress
        return
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        try:
            size = Path(path).stat().st_size
        except OSError:
            size = 0
        progress = Progress(size or None)
        yield _lines(handle, progress), progress


def compile_or_report(path: str) -> Any | None:
    """The compiled ruleset, or None after its problems were printed on stderr (the caller exits 1)."""
    try:
        return load_compiled(path)
    except ProblemExit as exc:
        print(exc, file=sys.stderr)
        return None


@dataclass
class Skipped:
    """How many input lines could not be read (each was reported as it was met)."""

    count: int = 0

    def text(self) -> str:
        return f"{self.count} malformed line{'s' if self.count != 1 else ''} skipped"


def valid_conversations(lines: Iterable[str], source: str, *, schema: bool, skipped: Skipped,
                        progress: Progress | None = None) -> Iterator[Conversation]:
    """The conversations read from `lines`; a malformed line is reported on stderr as
    "`source`: line N: …" (after clearing `progress`' bar, when given) and counted in `skipped`."""
    for item in read_conversations(lines, schema=schema):
        if isinstance(item, LineError):
            skipped.count += 1
            if progress is not None:
                progress.close()
            print(f"{source}: {item}", file=sys.stderr)
            continue
        yield item

