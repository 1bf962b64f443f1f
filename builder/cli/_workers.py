"""Deciding blocks in N worker processes (`simulate --jobs N`), results in input order.

Workers are forked after the ruleset is compiled, so each starts with it ready (nothing is
loaded or compiled again, nothing pickled). Blocks of raw lines go out in order, at most
`AHEAD` per worker in flight, so memory stays flat however long the input; results come back
and are handed on in input order. Workers ignore Ctrl-C: the command stops them and ends as it
does in one process. Where processes cannot be forked, the blocks are decided in this process.
The process machinery is imported only when workers start (~15 ms of start-up otherwise).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

Block = TypeVar("Block")
Result = TypeVar("Result")

AHEAD = 3
"""Blocks in flight per worker: enough that a worker never waits for the next one."""

_WORK: Callable[..., Any] | None = None


AUTO_MIN_BYTES = 2_000_000
"""The smallest file `auto` shares out (about 1,400 conversations, a third of a second of deciding):
starting the workers costs about 50 ms of CPU (forks, the pool, caches warmed again), which a
smaller input does not win back (measured with benchmarks/engine/playbook_bench.py's conversations)."""


def add_jobs_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=jobs_value, default=None, metavar="N",
                        help="decide in N worker processes; 'auto': one per usable CPU for a file over 2 MB, "
                             "otherwise 1 (the default: auto for a file, 1 for stdin); the output is the same "
                             "whatever N, in input order")


def jobs_value(text: str) -> int | str:
    """argparse type of `--jobs`: a whole number from 1, or `auto`."""
    if text == "auto":
        return text
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'auto', got {text!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {jobs}")
    return jobs


def jobs_for(requested: int | str | None, path: str) -> int:
    """The worker processes to use: `requested` as given when a number; `auto` (the default for a
    file) the usable CPUs for a file over `AUTO_MIN_BYTES` and 1 below, for stdin the usable CPUs;
    no `--jobs` on stdin 1 (its size is unknown: a few lines piped in never wait for a fork)."""
    if requested is None:
        requested = "auto" if path != "-" else 1
    if requested != "auto":
        return int(requested)
    if path != "-":
        try:
            if os.stat(path).st_size < AUTO_MIN_BYTES:
                return 1
        except OSError:
            return 1
    return usable_cpus()


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, which a container or `taskset` narrows)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - a system without affinity
        return os.cpu_count() or 1


def in_order(work: Callable[[Block], Result], blocks: Iterable[Block], jobs: int
             ) -> Generator[tuple[Block, Result], None, None]:
    """(block, work(block)) for each block, in order; with `jobs` > 1 `work` runs in that many
    forked worker processes. An exception raised by `work` is raised here, at its block.

    The first block is always worked on here: an input of one block never starts a worker, and
    what the engine loads and caches on first use (the handoff modules, holiday tables, parsed
    templates) is loaded once, before the fork, instead of once in every worker."""
    stream = iter(blocks)
    first = next(stream, None)
    if first is None:
        return
    result = work(first)
    second = next(stream, None) if jobs > 1 and _can_fork() else None
    if second is None:
        yield first, result
        for block in stream:
            yield block, work(block)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    for output in (sys.stdout, sys.stderr):  # a fork must not inherit buffered output (written twice)
        output.flush()
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                               initargs=(work,))
    pending: deque[tuple[Block, Future[Result]]] = deque()
    try:
        pending.append((second, pool.submit(_run, second)))  # the workers are forked here
        yield first, result  # written only now: nothing of it is in a buffer the workers inherit
        for block in stream:
            pending.append((block, pool.submit(_run, block)))
            while pending and (len(pending) >= jobs * AHEAD or pending[0][1].done()):
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    except BaseException:  # Ctrl-C, a failed write, a closed generator: stop the workers
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def _can_fork() -> bool:
    import multiprocessing  # lazy: only when workers are asked for

    return "fork" in multiprocessing.get_all_start_methods()


def _start_worker(work: Callable[..., Any]) -> None:
    global _WORK
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent ends the run
    _WORK = work


def _run(block: Any) -> Any:
    if _WORK is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("worker not started")
    return _WORK(block)
