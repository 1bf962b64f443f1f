"""Pauses in a live service: the worst single `Session.observe` over N interleaved conversations.

A chatbot service keeps thousands of sessions alive and feeds each event as it arrives. This opens
`--live` sessions on the shipped playbook (its >10-messages rule off, so conversations live their
20 turns; `benchmarks/workloads/long_chats.py`), then feeds their events round-robin — event k of
every conversation before event k+1 of any — parsing each event from JSON as a service would,
and times every `observe` call (wall clock, `perf_counter_ns`). Printed: calls, mean, p99, p99.9,
worst, calls over 5 ms, and the garbage collector's collections per generation, for
- `default`: Python's collector as it comes;
- `frozen`: `runtime.settle()` after loading (`gc.freeze()`: the ruleset, compiled rules and
  imported modules move to the permanent generation and are never traversed again);
- `frozen+sessions`: also `runtime.settle()` every 500 new sessions and every 20,000 events, as a
  service may do once a second or so between requests (what has lived that long moves out of the
  collector's way; sessions hold no reference cycles, so frozen ones are still freed when dropped;
  each settle's own collection is timed separately: "settle ms" is the longest);
- `gc off`: no automatic collection at all (the lower bound).
The machine may be shared: a pause can also be another process taking the CPU, so each mode also
prints the worst *CPU* time of one call (`thread_time_ns`), which only this thread's work moves.

    .venv/bin/python benchmarks/runtime/gc_bench.py                  # 10,000 live conversations
    .venv/bin/python benchmarks/runtime/gc_bench.py --live 2000 --modes default frozen
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MODES = ("default", "frozen", "frozen+sessions", "gc off")


def run(mode: str, live: int, seed: int) -> dict[str, float]:
    from benchmarks.workloads.long_chats import generated, playbook
    from builder import runtime

    rules = playbook(long_conversations=False)
    # The harness keeps its data where the collector does not look: tuples of strings (untracked
    # after one collection) and arrays of timings, so the pauses measured are the runtime's own.
    lines = tuple(tuple(json.dumps(e) for e in c["events"]) for c in generated(live, seed))
    ids = tuple(f"g-{i}" for i in range(live))
    gc.collect()
    if mode == "gc off":
        gc.disable()
    if mode.startswith("frozen"):
        runtime.settle()
    before = [s["collections"] for s in gc.get_stats()]
    walls, cpus = array("q"), array("q")
    sessions = []
    for i in range(live):
        sessions.append(rules.session(ids[i], {"name": "Visitor", "score": i % 60}))
        if mode == "frozen+sessions" and i % 500 == 499:
            runtime.settle()
    longest = max(map(len, lines))
    perf, thread = time.perf_counter_ns, time.thread_time_ns
    settles = array("q")
    fed = 0
    for k in range(longest):
        for i in range(live):
            events = lines[i]
            if k >= len(events) or sessions[i].decision is not None:
                continue
            fed += 1
            if mode == "frozen+sessions" and fed % 20_000 == 0:
                s0 = thread()
                runtime.settle()
                settles.append(thread() - s0)
            event = json.loads(events[k])
            c0, w0 = thread(), perf()
            sessions[i].observe(event)
            w1, c1 = perf(), thread()
            walls.append(w1 - w0)
            cpus.append(c1 - c0)
    after = [s["collections"] for s in gc.get_stats()]
    gc.enable()
    walls, cpus = array("q", sorted(walls)), array("q", sorted(cpus))
    n = len(walls)
    return {"calls": n, "mean_us": sum(walls) / n / 1e3, "p99_us": walls[int(n * 0.99)] / 1e3,
            "p999_us": walls[int(n * 0.999)] / 1e3, "worst_ms": walls[-1] / 1e6,
            "over_5ms": sum(1 for w in walls if w > 5_000_000), "worst_cpu_ms": cpus[-1] / 1e6,
            "cpu_over_5ms": sum(1 for c in cpus if c > 5_000_000),
            "settle_ms": max(settles, default=0) / 1e6,
            "collections": "/".join(str(a - b) for a, b in zip(after, before, strict=True))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one, args.live, args.seed)))
        return 0
    print(f"{args.live:,} live conversations, events interleaved; wall time of each observe call")
    print(f"{'mode':<17}{'calls':>9}{'mean µs':>9}{'p99 µs':>8}{'p99.9 µs':>10}{'worst ms':>10}{'>5 ms':>7}"
          f"{'worst CPU ms':>14}{'CPU >5 ms':>10}{'settle ms':>10}  collections gen0/1/2")
    for mode in args.modes:  # each in a fresh process: one mode's garbage is not the next one's
        out = subprocess.run([sys.executable, __file__, "--one", mode, "--live", str(args.live),
                              "--seed", str(args.seed)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{mode:<17}{r['calls']:>9,}{r['mean_us']:>9.1f}{r['p99_us']:>8.0f}{r['p999_us']:>10.0f}"
              f"{r['worst_ms']:>10.2f}{r['over_5ms']:>7}{r['worst_cpu_ms']:>14.2f}{r['cpu_over_5ms']:>10}"
              f"{r['settle_ms']:>10.2f}"
              f"  {r['collections']}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
