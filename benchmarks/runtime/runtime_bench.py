"""Runtime benchmark: session state size, `restore` time and memory per live session.

On the shipped playbook, for the shipped sample conversations and for N generated conversations
of 20 visitor turns (`benchmarks/workloads/long_chats.py`: bot replies, one resolved early, page
views, one question asked again, pauses of 5-90 s, a profile update now and then; most run their
20 turns without escalating):
- state size: bytes of `json.dumps(session.to_state())` at the end of each conversation (or at its
  decision), median and p99;
- restore: `json.loads` + `Runtime.restore` of those states, mean and p99 per state (CPU time);
- memory: 10,000 sessions kept alive at once, each fed the first half of a generated conversation
  (events parsed from JSON inside the measured region, as a service receives them): tracemalloc's
  traced bytes divided by the number of sessions; the same for 10,000 sessions restored from states.

    .venv/bin/python benchmarks/runtime/runtime_bench.py
    .venv/bin/python benchmarks/runtime/runtime_bench.py --conversations 2000 --live 10000
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.workloads.long_chats import generated, playbook
from builder import runtime
from builder.format.conversation import Conversation, read_conversations
from builder.paths import sample_conversations


def feed(rules: runtime.Runtime, conversation: dict[str, Any], upto: int | None = None) -> Any:
    session = rules.session(conversation["id"], conversation.get("visitor"))
    for event in conversation["events"][:upto]:
        if session.observe(event) is not None:
            break
    return session


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def sizes_and_restore(long_conversations: bool, conversations: list[dict[str, Any]]) -> dict[str, float]:
    rules = playbook(long_conversations)
    texts = [json.dumps(feed(rules, c).to_state()) for c in conversations]
    sizes = [float(len(t.encode("utf-8"))) for t in texts]
    fresh = playbook(long_conversations)  # another worker: its own Runtime
    times = []
    for text in texts * max(1, 2000 // len(texts)):
        t0 = time.process_time_ns()
        fresh.restore(json.loads(text))
        times.append((time.process_time_ns() - t0) / 1000)
    decided = sum(json.loads(t).get("decision") is not None for t in texts)
    return {"n": len(texts), "decided": decided, "median B": statistics.median(sizes), "p99 B": percentile(sizes, 99),
            "max B": max(sizes), "restore mean us": statistics.fmean(times), "restore p99 us": percentile(times, 99)}


def live_memory(rules: runtime.Runtime, lines: list[str], restored: bool) -> float:
    """Traced bytes per session with len(lines) sessions alive, each fed the first half of its events."""
    states = []
    if restored:
        states = [json.dumps(feed(rules, c, len(c["events"]) // 2).to_state()) for c in map(json.loads, lines)]
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    sessions = []
    if restored:
        for text in states:
            sessions.append(rules.restore(json.loads(text)))
    else:
        for line in lines:
            conversation = json.loads(line)
            sessions.append(feed(rules, conversation, len(conversation["events"]) // 2))
            del conversation
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert len(sessions) == len(lines)
    return used / len(sessions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1000, help="generated 20-turn conversations")
    parser.add_argument("--live", type=int, default=10_000, help="sessions alive at once for the memory figure")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    samples = [c.to_dict() for c in read_conversations(sample_conversations()) if isinstance(c, Conversation)]
    many = list(generated(args.conversations, args.seed))
    rows = {"samples, playbook": sizes_and_restore(True, samples),
            "20 turns, playbook": sizes_and_restore(True, many),
            "20 turns, no >10 rule": sizes_and_restore(False, many)}
    print("state size (JSON bytes at the end of a conversation, or at its decision) and restore (json.loads + restore)")
    print(f"{'set':<24}{'n':>6}{'decided':>8}{'median B':>10}{'p99 B':>8}{'max B':>8}{'restore mean us':>17}"
          f"{'p99 us':>8}")
    for name, r in rows.items():
        print(f"{name:<24}{r['n']:>6.0f}{r['decided']:>8.0f}{r['median B']:>10.0f}{r['p99 B']:>8.0f}{r['max B']:>8.0f}"
              f"{r['restore mean us']:>17.0f}{r['restore p99 us']:>8.0f}")
    rules = playbook(long_conversations=False)
    lines = [json.dumps(c) for c in generated(args.live, args.seed + 1)]
    live = live_memory(rules, lines, restored=False)
    back = live_memory(rules, lines, restored=True)
    print(f"memory per live session, {args.live:,} alive (10 turns each, tracemalloc): "
          f"{live / 1024:.1f} KiB fed, {back / 1024:.1f} KiB restored")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
