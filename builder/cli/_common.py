"""What the commands that read conversations share (simulate, test, evaluate, compare): compiling
the ruleset with a readable error, streaming the input with a progress bar, and skipping a
malformed line with its line number on stderr.

Why one module: these commands must treat a broken ruleset or a bad line the same way, with the
same exit codes and the same words, whichever the user runs.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from builder.cli import EXIT_INTERNAL, EXIT_OK, EXIT_SKIPPED, UsageError
from builder.engine import CompileError, Decision, compile_ruleset, simulate
from builder.format.conversation import (
    Conversation,
    LineBlock,
    LineError,
    bounded_lines,
    line_blocks,
    read_conversations,
    refuse_special_file,
)
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


def _lines(handle: IO[bytes], progress: Progress) -> Iterator[str | None]:
    def count(size: int) -> None:
        progress.done_bytes += size

    return bounded_lines(handle, on_read=count)


def _blocks(handle: IO[bytes], progress: Progress) -> Iterator[LineBlock]:
    def count(size: int) -> None:
        progress.done_bytes += size

    return line_blocks(handle, on_read=count)


@contextmanager
def open_conversations(path: str) -> Iterator[tuple[Iterator[str | None], Progress]]:
    """The input's lines (decoded, streaming; None for a line over the length cap) and a progress
    bar sized by the file. A FIFO or device is refused (it could block or never end)."""
    with _opened(path) as (handle, progress):
        yield _lines(handle, progress), progress


@contextmanager
def open_blocks(path: str) -> Iterator[tuple[Iterator[LineBlock], Progress]]:
    """`open_conversations` in blocks of whole lines (`line_blocks`): what `simulate` decides."""
    with _opened(path) as (handle, progress):
        yield _blocks(handle, progress), progress


@contextmanager
def _opened(path: str) -> Iterator[tuple[IO[bytes], Progress]]:
    if path == "-":
        yield sys.stdin.buffer, Progress(None)
        return
    try:
        refuse_special_file(path)
        handle = open(path, "rb")
    except FileNotFoundError:
        raise UsageError(f"cannot read {path}: no such file") from None
    except OSError as exc:
        hint = "; give a file, or '-' for standard input" if exc.errno == errno.EINVAL else ""
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}{hint}") from None
    with handle:
        try:
            size = Path(path).stat().st_size
        except OSError:
            size = 0
        yield handle, Progress(size or None)


def compile_or_report(path: str) -> Any | None:
    """The compiled ruleset, or None after its problems were printed on stderr (the caller exits 1)."""
    try:
        return load_compiled(path)
    except ProblemExit as exc:
        print(exc, file=sys.stderr)
        return None


@dataclass
class Skipped:
    """How many input lines could not be read, and how many conversations the engine failed on
    (each was reported as it was met)."""

    count: int = 0
    internal: int = 0

    def text(self) -> str:
        parts = [f"{self.count} malformed line{'s' if self.count != 1 else ''} skipped"] if self.count else []
        if self.internal:
            parts.append(f"{self.internal} conversation{'s' if self.internal != 1 else ''} skipped "
                         "after an internal error")
        return "; ".join(parts)

    def report(self, source: str, item: LineError, progress: Progress | None = None) -> None:
        """Count `item` and name it on stderr (after clearing `progress`' bar, when given)."""
        if item.internal:
            self.internal += 1
        else:
            self.count += 1
        if progress is not None:
            progress.close()
        print(f"{source}: {item}", file=sys.stderr)

    def exit_code(self, code: int = EXIT_OK) -> int:
        """`code` raised to 3 (input skipped) or 4 (internal error) when those happened."""
        if self.internal:
            return max(code, EXIT_INTERNAL)
        return max(code, EXIT_SKIPPED) if self.count else code


def valid_conversations(lines: Iterable[str | None], source: str, *, schema: bool, skipped: Skipped,
                        progress: Progress | None = None) -> Iterator[Conversation]:
    """The conversations read from `lines`; a malformed line is reported on stderr as
    "`source`: line N: …" (after clearing `progress`' bar, when given) and counted in `skipped`."""
    for item in read_conversations(lines, schema=schema):
        if isinstance(item, LineError):
            skipped.report(source, item, progress)
            continue
        yield item


def decided(compiled: Any, conversation: Conversation, *, trace: bool, source: str, skipped: Skipped,
            progress: Progress | None = None) -> Decision | None:
    """The engine's Decision, or None after an internal error on this conversation was reported
    and counted (the others go on)."""
    try:
        return simulate(compiled, conversation, trace=trace)
    except Exception as exc:  # isolation: named on stderr, exit 4 at the end
        skipped.report(source, internal_error(conversation, exc), progress)
        return None


def internal_error(conversation: Conversation, exc: BaseException) -> LineError:
    """The report of a conversation the engine failed on (`builder.replay.results.internal_error`)."""
    from builder.replay.results import internal_error as named  # lazy: start-up (~12 ms), met only on a bug

    return named(conversation, exc)


@contextmanager
def open_output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or the file `path`; when writing the file fails (disk full) it is removed and the
    command ends with a one-line message (exit 2), never a traceback or a silently partial file."""
    if path is None:
        yield sys.stdout
        return
    try:
        refuse_fifo(path)
        handle = open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with handle:
            yield handle
    except OSError as exc:
        _remove_partial(path)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}; the partial file was removed") from None


def refuse_fifo(path: str) -> None:
    """OSError when `path` is an existing FIFO (opening it to write blocks until a reader comes)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    if stat.S_ISFIFO(info.st_mode):
        raise OSError(errno.EINVAL, "is a pipe (FIFO), not a file")


def _remove_partial(path: str) -> None:
    try:
        if stat.S_ISREG(os.stat(path).st_mode):
            os.remove(path)
    except OSError:
        pass

