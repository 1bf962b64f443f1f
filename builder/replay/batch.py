"""Batch replay: a conversation library run through a ruleset, streamed, cancelable, with progress.

`Replay(ruleset, source)` is an iterable of `ReplayResult` in input order. It reads JSON Lines,
CSV with one message a row (`csv_library`) or conversations in memory (`library`). `cancel()` is
checked between conversations; `progress(ReplayProgress)` is called every few hundred
conversations and at the end.

With `processes > 1` chunks of raw lines go to a process pool (`pool`: both cores parse and
decide); results still come back in input order and at most a few chunks are in flight, so memory
stays flat in the number of conversations beyond what the caller keeps.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from pathlib import Path
from typing import Any

from builder.format.conversation import Conversation, LineError, read_conversations
from builder.format.model import Ruleset
from builder.replay.errors import readable_file
from builder.replay.library import CountingLines, Source, is_csv, read_library
from builder.replay.pool import init_worker, pool_context, work_conversations, work_lines
from builder.replay.results import ReplayProgress, ReplayResult, decide_or_skip

__all__ = ["Replay", "replay"]


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
        self._lines: CountingLines | None = None
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
        if isinstance(self.source, (str, Path)) and not is_csv(self.source, self.fmt):
            path = Path(self.source)
            return readable_file(path)
        return None

    def _serial(self) -> Iterator[ReplayResult]:
        path = self._jsonl_path()
        if path is not None:
            self._lines = CountingLines(path)
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
            self._lines = CountingLines(path)
            buffer: list[str | None] = []
            first = 1
            for number, line in enumerate(self._lines, start=1):
                buffer.append(line)
                if len(buffer) >= self.chunk_size:
                    yield work_lines, (first, buffer)
                    buffer, first = [], number + 1
            if buffer:
                yield work_lines, (first, buffer)
            return
        batch: list[Conversation] = []
        for item in read_library(self.source, self.fmt):
            if isinstance(item, LineError):
                self.errors.append(item)
                continue
            batch.append(item)
            if len(batch) >= self.chunk_size:
                yield work_conversations, (batch,)
                batch = []
        if batch:
            yield work_conversations, (batch,)

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
            max_workers=self.processes, mp_context=pool_context(), initializer=init_worker, initargs=(self.ruleset,)
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
