"""How fast the schedule answers: is_open, next_open, next_close, business_minutes and route.

Prints figures (never asserted in tests). Run: .venv/bin/python benchmarks/engine/schedule_bench.py
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from builder.format.model import Ruleset, Schedule
from builder.handoff.routing import route
from builder.hours.schedule import OpenHours

ROOT = Path(__file__).resolve().parents[2]


def timed(label: str, n: int, call: Callable[[int], object]) -> None:
    start = time.perf_counter()
    for i in range(n):
        call(i)
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {n:>7} calls  {elapsed / n * 1e6:9.1f} µs/call")


def main() -> None:
    ruleset = Ruleset.from_dict(json.loads((ROOT / "resources/examples/playbook.json").read_text(encoding="utf-8")))
    schedule = ruleset.schedule("support-hours")
    assert schedule is not None
    rng = random.Random(7)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    instants = [base + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)) for _ in range(20000)]

    cold = OpenHours(schedule)
    timed("is_open, cold cache (Europe/Berlin, DE-BE)", 2000, lambda i: cold.is_open(instants[i]))
    warm = OpenHours(schedule)
    for at in instants:
        warm.is_open(at)
    timed("is_open, warm cache", 20000, lambda i: warm.is_open(instants[i]))
    timed("next_open", 20000, lambda i: warm.next_open(instants[i]))
    timed("next_close", 20000, lambda i: warm.next_close(instants[i]))
    timed("business_minutes over 30 days", 2000,
          lambda i: warm.business_minutes(instants[i], instants[i] + timedelta(days=30)))
    never = OpenHours(Schedule("never", "Never", "Europe/Berlin"))
    timed("next_open giving up after 366 days (cold)", 1, lambda i: never.next_open(base))
    timed("next_open giving up after 366 days (warm)", 200, lambda i: never.next_open(base))
    timed("route (playbook, sales, high)", 5000,
          lambda i: route(ruleset, team="sales", priority="high", handoff="instant", at=instants[i]))


if __name__ == "__main__":
    main()
