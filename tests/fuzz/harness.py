"""The fuzz suite's harness (issue #23): every target runs under a 5 s alarm per input and records
what it saw — inputs, worst time, peak memory — printed at the end of the run.

Fast by default (150 inputs per target, seconds); long when `CI` is set or
`HYPOTHESIS_PROFILE=thorough`: `FUZZ_CASES` inputs per target, 2,000 by default (about two minutes
for the four targets, what the CI budget allows); `FUZZ_CASES=10000` is the full long mode of
issue #23 (about ten minutes on a developer's machine). A crash is any
exception a target does not document, a hang is an input that takes more than `HANG_SECONDS`,
and memory is the process's peak resident size, which must stay under `MEMORY_LIMIT`: each is a
failing test, so a green run means zero of each. `FUZZ_REPORT=path` also writes the figures as JSON.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.conftest import PROFILE

HANG_SECONDS = 5
MEMORY_LIMIT = 1 << 30
CASES = int(os.environ.get("FUZZ_CASES", "2000")) if PROFILE == "thorough" else 150


class Hang(Exception):
    """An input took longer than HANG_SECONDS."""


@dataclass
class Figures:
    inputs: int = 0
    crashes: int = 0
    hangs: int = 0
    worst_seconds: float = 0.0
    peak_rss_mb: float = 0.0


FIGURES: dict[str, Figures] = {}


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


@contextmanager
def guarded(target: str) -> Iterator[None]:
    """Run one input of `target`: counted, timed, stopped as a Hang after HANG_SECONDS."""
    figures = FIGURES.setdefault(target, Figures())

    def stop(*_: object) -> None:
        raise Hang(f"{target}: one input ran longer than {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(HANG_SECONDS)
    started = time.perf_counter()
    try:
        yield
    except Hang:
        figures.hangs += 1
        raise
    except Exception:
        figures.crashes += 1
        raise
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        figures.inputs += 1
        figures.worst_seconds = max(figures.worst_seconds, time.perf_counter() - started)
        rss = _peak_rss_bytes()
        figures.peak_rss_mb = max(figures.peak_rss_mb, rss / 2**20)
    if rss > MEMORY_LIMIT:
        raise MemoryError(f"{target}: the process's peak memory reached {rss / 2**20:.0f} MB")
