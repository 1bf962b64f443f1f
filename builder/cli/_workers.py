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
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from builder.format.conversation import BLOCK_BYTES

Block = TypeVar("Block")
Result = TypeVar("Result")

AHEAD = 3
"""Blocks in flight per worker: enough that a worker never waits for the next one."""

_WORK: Callable[..., Any] | None = None


def add_jobs_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=jobs_value, default=1, metavar="N",
                        help="decide in N worker processes ('auto': one per usable CPU); the output is the same, "
                             "in input order (default 1)")


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


def jobs_for(requested: int | str, path: str) -> int:
    """The worker processes to start: `requested` (`auto`: the usable CPUs), but one (none
    started) for a file of a single block, which nothing could share."""
    jobs = usable_cpus() if requested == "auto" else int(requested)
    if jobs > 1 and path != "-":
        try:
            if os.stat(path).st_size <= BLOCK_BYTES:
                return 1
        except OSError:
            return 1
    return jobs


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, which a container or `taskset` narrows)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - a system without affinity
        return os.cpu_count() or 1


def in_order(work: Callable[[Block], Result], blocks: Iterable[Block], jobs: int) -> Iterator[tuple[Block, Result]]:
    """(block, work(block)) for each block, in order; with `jobs` > 1 `work` runs in that many
    forked worker processes. An exception raised by `work` is raised here, at its block."""
    if jobs > 1:
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            jobs = 1
    if jobs <= 1:
        for block in blocks:
            yield block, work(block)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    for stream in (sys.stdout, sys.stderr):  # a fork must not inherit buffered output (written twice)
        stream.flush()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(work,))
    pending: deque[tuple[Block, Future[Result]]] = deque()
    try:
        for block in blocks:
            pending.append((block, pool.submit(_run, block)))
            if len(pending) >= jobs * AHEAD:
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


def _start_worker(work: Callable[..., Any]) -> None:
    global _WORK
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent ends the run
    _WORK = work


def _run(block: Any) -> Any:
    if _WORK is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("worker not started")
    return _WORK(block)
