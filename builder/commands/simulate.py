"""`handoff-builder simulate RULESET CONVERSATIONS [-o OUT] [--trace]`: decisions as JSON Lines.

Streams: one conversation is read, decided and written at a time, so memory stays flat however
long the input. Output keeps the input order. A malformed line is reported on stderr with its
line number and skipped (exit 1 at the end: the input has problems). A progress bar is drawn on
stderr only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from builder.cli import EXIT_OK, EXIT_PROBLEMS, UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="ruleset file (JSON)")
    parser.add_argument("conversations", metavar="CONVERSATIONS", help="conversations, JSON Lines ('-' = stdin)")
    parser.add_argument("-o", "--output", metavar="OUT", help="write decisions here instead of stdout")
    parser.add_argument("--trace", action="store_true", help="include the explanation of the deciding turn")
    parser.add_argument("--schema", action="store_true",
                        help="also validate every line against conversation.v1.schema.json (about 70x slower "
                             "than the built-in checks, which cover the same rules)")


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
    from builder.engine import CompileError, compile_ruleset
    from builder.runtime import RulesetLoadError, RulesetUnreadable, read_ruleset

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


@contextmanager
def open_output(path: str | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    with handle:
        yield handle


def run(args: argparse.Namespace) -> int:
    from builder.conversation import LineError, read_conversations
    from builder.engine import simulate

    try:
        compiled = load_compiled(args.ruleset)
    except ProblemExit as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    skipped = 0
    count = 0
    with open_conversations(args.conversations) as (lines, progress), open_output(args.output) as out:
        try:
            for item in read_conversations(lines, schema=args.schema):
                if isinstance(item, LineError):
                    skipped += 1
                    progress.close()
                    print(f"{args.conversations}: {item}", file=sys.stderr)
                    continue
                decision = simulate(compiled, item, trace=args.trace)
                out.write(json.dumps(decision.to_dict(), ensure_ascii=False) + "\n")
                count += 1
                progress.update(count)
        finally:
            progress.close()
    if skipped:
        print(f"{skipped} malformed line{'s' if skipped != 1 else ''} skipped; {count} conversations decided",
              file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK
