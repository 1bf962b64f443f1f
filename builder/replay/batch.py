"""Batch replay: a conversation library run through a ruleset, streamed, cancelable, with progress.

`Replay(ruleset, source)` is an iterable of `ReplayResult` in input order. It reads JSON Lines
(`builder.format.conversation.read_conversations`) or CSV with one message a row (columns
`conversation_id`, `at`, `role` or `type`, `text`, optional `url`, `confidence`, `fallback`,
`intent`, `action`), grouped by conversation id whether or not a conversation's rows are
contiguous. `cancel()` is checked between conversations; `progress(ReplayProgress)` is called
every few hundred conversations and at the end.

With `processes > 1` chunks of raw lines go to a process pool (both cores parse and decide);
results still come back in input order and at most a few chunks are in flight, so memory stays
flat in the number of conversations beyond what the caller keeps. Workers come from a fork
server (never a fork of a process running Qt threads).
"""

from __future__ import annotations

import csv
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from multiprocessing import get_context
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
from builder.format.model import Ruleset

__all__ = ["CsvFormatError", "Replay", "ReplayError", "ReplayProgress", "ReplayResult", "replay",
           "read_library", "expectation_misses"]

Source = str | Path | IO[str] | Iterable[Conversation | Mapping[str, Any]]
COMPARED = ("escalate", "rule", "turn", "trigger", "handoff", "team", "priority", "tags")


class ReplayError(Exception):
    """The library cannot be read at all (missing file, CSV without the needed columns)."""


@dataclass(frozen=True)
class ReplayResult:
    """One conversation's outcome. `passed` is None when the conversation has no `expect`."""

    index: int
    conversation_id: str
    decision: dict[str, Any]
    expect: dict[str, Any] | None = None
    passed: bool | None = None
    open: bool | None = None  # was the team open at the escalation (None: no escalation)
    line: int = 0
    misses: tuple[tuple[str, Any, Any], ...] = ()

    @property
    def escalated(self) -> bool:
        return bool(self.decision.get("escalated"))


@dataclass(frozen=True)
class ReplayProgress:
    done: int
    fraction: float | None  # share of the input read, when its size is known
    errors: int = 0


def expectation_misses(expect: Mapping[str, Any], decision: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, expected, actual) for each expectation the decision misses (same as `test`)."""
    actual = {"escalate": decision.get("escalated"), **decision}
    misses = []
    for key in COMPARED:
        if key in expect:
            want, got = expect[key], actual.get(key)
            same = sorted(want or []) == sorted(got or []) if key == "tags" else want == got
            if not same:
                misses.append((key, want, got))
    return misses

# --- CSV: one message a row ----------------------------------------------------------------------

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


def decide(compiled: Any, conversation: Conversation, index: int = 0) -> ReplayResult:
    """Run one conversation (the one implementation the CLI path and the pool share)."""
    # lazy: the dashboard imports this module on the GUI thread to list libraries; the engine loads
    # in the replay's thread (or preloaded in the fork server), not on the page's first show
    from builder.engine import simulate

    decision = simulate(compiled, conversation)
    data = decision.to_dict(trace=False)
    expect = dict(conversation.expect) if conversation.expect is not None else None
    misses = tuple(expectation_misses(expect, data)) if expect is not None else ()
    routing = decision.routing
    return ReplayResult(
        index=index,
        conversation_id=conversation.id,
        decision=data,
        expect=expect,
        passed=None if expect is None else not misses,
        open=bool(routing.open) if decision.escalated and routing is not None else None,
        line=conversation.line,
        misses=misses,
    )


def decide_or_skip(compiled: Any, conversation: Conversation, index: int = 0) -> ReplayResult | LineError:
    """`decide`, or an `internal` LineError naming the conversation when the engine fails on it: one
    conversation that meets a bug never loses the others."""
    try:
        return decide(compiled, conversation, index)
    except Exception as exc:  # isolation: reported and counted, never silent
        return internal_error(conversation, exc)


def internal_error(conversation: Conversation, exc: BaseException) -> LineError:
    """The report of a conversation the engine failed on (a bug to report, not bad input)."""
    detail = " ".join(str(exc).split())[:200]
    return LineError(conversation.line, f"conversation {conversation.id!r}: internal error "
                     f"({type(exc).__name__}: {detail}); skipped, please report it", internal=True)


# --- reading -------------------------------------------------------------------------------------


def _is_csv(source: Source, fmt: str | None) -> bool:
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
    if _is_csv(source, fmt):
        return read_csv_conversations(source)  # type: ignore[arg-type]
    if isinstance(source, (str, Path)):
        readable_file(Path(source))
        return read_conversations(source)
    if hasattr(source, "read"):
        return read_conversations(source)  # type: ignore[arg-type]
    return _conversations(source)  # type: ignore[arg-type]


def readable_file(path: Path) -> Path:
    """`path`, or ReplayError when it is missing or not a regular file (a FIFO would block)."""
    try:
        refuse_special_file(path)
    except FileNotFoundError:
        raise ReplayError(f"cannot read {path}: no such file") from None
    except OSError as exc:
        raise ReplayError(f"cannot read {path}: {exc.strerror or exc}") from None
    return path


class _CountingLines:
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


# --- the pool ----------------------------------------------------------------------------------

_WORKER: Any = None


def _init_worker(ruleset: Ruleset) -> None:
    global _WORKER
    from builder.engine import compile_ruleset  # lazy: as `decide`

    _WORKER = compile_ruleset(ruleset)


def _work_lines(first_line: int, lines: list[str | None]) -> list[ReplayResult | LineError]:
    out: list[ReplayResult | LineError] = []
    for item in read_conversations(lines):
        if isinstance(item, LineError):
            out.append(replace(item, line=item.line + first_line - 1))
        else:
            out.append(decide_or_skip(_WORKER, replace(item, line=item.line + first_line - 1)))
    return out


def _work_conversations(items: list[Conversation]) -> list[ReplayResult | LineError]:
    return [decide_or_skip(_WORKER, c) for c in items]


def _pool_context() -> Any:
    """A fork server (started once, with the engine preloaded, so each pool starts fast and no
    fork ever happens from a process running Qt threads); plain spawn where there is none."""
    try:
        context = get_context("forkserver")
    except ValueError:
        return get_context("spawn")
    context.set_forkserver_preload(
        ["builder.replay.batch", "builder.engine", "builder.handoff.routing", "builder.handoff.templates"]
    )
    return context


# --- the replay ----------------------------------------------------------------------------------


class Replay:
    """Iterate to run; afterwards `errors` lists unreadable lines, `cancelled` tells whether the
    run stopped early and, with `keep=True`, `results` holds every result. Iterate once."""

    def __init__(
        self,
        ruleset: Ruleset | Any,
        source: Source,
        *,
        fmt: str | None = None,
        processes: int | None = 1,
        chunk_size: int = 200,
        cancel: Callable[[], bool] | None = None,
        progress: Callable[[ReplayProgress], None] | None = None,
        progress_every: int = 200,
        keep: bool = False,
    ) -> None:
        from builder.engine import CompiledRuleset, compile_ruleset  # lazy: as `decide`

        if isinstance(ruleset, CompiledRuleset):
            self.compiled, self.ruleset = ruleset, ruleset.ruleset
        else:
            self.ruleset, self.compiled = ruleset, compile_ruleset(ruleset)
        self.source, self.fmt = source, fmt
        self.processes = processes if processes is not None else self._auto_processes(source)
        self.chunk_size = max(1, chunk_size)
        self.cancel = cancel or (lambda: False)
        self.progress_callback = progress
        self.progress_every = max(1, progress_every)
        self.errors: list[LineError] = []
        self.cancelled = False
        self.done = 0
        self._lines: _CountingLines | None = None
        self._reported: tuple[int, int] | None = None
        self.keep = keep
        self.results: list[ReplayResult] = []  # with keep=True: every result, for inspection

    @staticmethod
    def _auto_processes(source: Source) -> int:
        """Both cores for files over ~2 MB (about 2,000 conversations); one otherwise."""
        if isinstance(source, (str, Path)) and Path(source).is_file() and Path(source).stat().st_size > 2_000_000:
            return max(1, min(2, os.cpu_count() or 1))
        return 1

    def _fraction(self) -> float | None:
        if self._lines is not None and self._lines.size:
            return min(1.0, self._lines.done / self._lines.size)
        if isinstance(self.source, (list, tuple)) and self.source:
            return min(1.0, (self.done + len(self.errors)) / len(self.source))
        return None

    def _report(self, force: bool = False) -> None:
        if self.progress_callback is None or self._reported == (self.done, len(self.errors)):
            return
        if force or self.done % self.progress_every == 0:
            self._reported = (self.done, len(self.errors))
            self.progress_callback(ReplayProgress(self.done, self._fraction(), len(self.errors)))

    def _emit(self, item: ReplayResult | LineError) -> ReplayResult | None:
        if isinstance(item, LineError):
            self.errors.append(item)
            return None
        result = replace(item, index=self.done)
        if self.keep:
            self.results.append(result)
        self.done += 1
        self._report()
        return result

    def __iter__(self) -> Iterator[ReplayResult]:
        try:
            if self.processes > 1:
                yield from self._pooled()
            else:
                yield from self._serial()
        finally:
            self._report(force=True)

    def _jsonl_path(self) -> Path | None:
        if isinstance(self.source, (str, Path)) and not _is_csv(self.source, self.fmt):
            path = Path(self.source)
            return readable_file(path)
        return None

    def _serial(self) -> Iterator[ReplayResult]:
        path = self._jsonl_path()
        if path is not None:
            self._lines = _CountingLines(path)
            items: Iterator[Conversation | LineError] = read_conversations(self._lines)
        else:
            items = read_library(self.source, self.fmt)
        for item in items:
            if self.cancel():
                self.cancelled = True
                return
            if isinstance(item, LineError):
                self._emit(item)
                continue
            result = self._emit(decide_or_skip(self.compiled, item))
            if result is not None:
                yield result

    def _chunks(self) -> Iterator[tuple[Callable[..., list[ReplayResult | LineError]], tuple[Any, ...]]]:
        path = self._jsonl_path()
        if path is not None:
            self._lines = _CountingLines(path)
            buffer: list[str | None] = []
            first = 1
            for number, line in enumerate(self._lines, start=1):
                buffer.append(line)
                if len(buffer) >= self.chunk_size:
                    yield _work_lines, (first, buffer)
                    buffer, first = [], number + 1
            if buffer:
                yield _work_lines, (first, buffer)
            return
        batch: list[Conversation] = []
        for item in read_library(self.source, self.fmt):
            if isinstance(item, LineError):
                self.errors.append(item)
                continue
            batch.append(item)
            if len(batch) >= self.chunk_size:
                yield _work_conversations, (batch,)
                batch = []
        if batch:
            yield _work_conversations, (batch,)

    def _wait(self, future: Future[list[ReplayResult | LineError]]) -> list[ReplayResult | LineError] | None:
        """The chunk's results, or None when cancel is asked meanwhile (checked every 0.1 s)."""
        while True:
            try:
                return future.result(timeout=0.1)
            except FutureTimeout:
                if self.cancel():
                    return None

    def _pooled(self) -> Iterator[ReplayResult]:
        executor = ProcessPoolExecutor(
            max_workers=self.processes, mp_context=_pool_context(), initializer=_init_worker, initargs=(self.ruleset,)
        )
        pending: deque[Future[list[ReplayResult | LineError]]] = deque()
        chunks = self._chunks()
        limit = self.processes * 3
        try:
            while True:
                while len(pending) < limit and not self.cancel():
                    job = next(chunks, None)
                    if job is None:
                        break
                    pending.append(executor.submit(job[0], *job[1]))
                if not pending:
                    self.cancelled = self.cancelled or self.cancel()
                    return
                items = self._wait(pending.popleft())
                if items is None:
                    self.cancelled = True
                    return
                for item in items:
                    if self.cancel():
                        self.cancelled = True
                        return
                    result = self._emit(item)
                    if result is not None:
                        yield result
        finally:
            executor.shutdown(wait=False, cancel_futures=True)


def replay(ruleset: Ruleset | Any, source: Source, **options: Any) -> Iterator[ReplayResult]:
    """Shortcut: `iter(Replay(ruleset, source, **options))`."""
    return iter(Replay(ruleset, source, **options))
