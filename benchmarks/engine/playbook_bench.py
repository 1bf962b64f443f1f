"""The shipped playbook end to end: `handoff-builder simulate` (process start, JSON in and out) over
N generated conversations, in visitor turns per second.

Conversations (seeded): a page view or two, 1-7 everyday visitor messages answered by the bot, and
in nine of ten a last message that escalates (a request for a person, a refund, frustration, a
legal threat, buying intent...), `benchmarks/workloads/everyday_messages.py` with bot turns and page views
added. "turns" counts the visitor messages the engine evaluated: those up to the deciding one of
an escalated conversation, all of them otherwise (a decided conversation is not read further).
Printed per wall-clock second and per CPU-second of the `simulate` process (its own user + system
time, and with `--jobs` that of its worker processes too; robust to other load on a shared machine).
`--jobs N` (or `auto`) is passed on to `simulate`; several values run one after the other on the
same file (`--jobs 1 2`), and each run's decisions must be byte-identical to the first's.

    .venv/bin/python benchmarks/engine/playbook_bench.py                    # N = 20,000
    .venv/bin/python benchmarks/engine/playbook_bench.py --conversations 50000 --repeat 3
    .venv/bin/python benchmarks/engine/playbook_bench.py --repeat 3 --jobs 1 2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.workloads.everyday_messages import day_of_messages  # noqa: E402

BOT = ["Here is what I found:", "You can do that under Settings.", "Let me check that for you.",
       "Our plans are listed on the pricing page."]
PAGES = ["/pricing", "/docs/setup", "/account/billing", "/shop/charger?ref=mail", "/help", "/checkout"]


def conversations(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        at, texts = day_of_messages(rng)
        events: list[dict[str, Any]] = [{"at": at.isoformat(), "type": "page_view", "url": rng.choice(PAGES)}]
        for text in texts:
            at += timedelta(seconds=rng.randint(3, 40), microseconds=rng.randint(0, 999999))
            events.append({"at": at.isoformat(), "type": "visitor", "text": text})
            at += timedelta(seconds=rng.randint(1, 3))
            events.append({"at": at.isoformat(), "type": "bot", "text": rng.choice(BOT),
                           "confidence": round(rng.uniform(0.3, 0.99), 2), "fallback": rng.random() < 0.1})
            if rng.random() < 0.2:
                events.append({"at": at.isoformat(), "type": "page_view", "url": rng.choice(PAGES)})
        out.append({"id": f"c-{i}", "visitor": {"name": "Ana", "score": rng.randrange(0, 100),
                                                "returning": rng.random() < 0.3}, "events": events})
    return out


def evaluated_turns(conversation: dict[str, Any], decision: dict[str, Any]) -> int:
    if decision.get("escalated"):
        return int(decision["turn"])
    return sum(1 for e in conversation["events"] if e["type"] == "visitor")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", nargs="+", default=["1"], metavar="N",
                        help="simulate's --jobs (several: one run each, on the same file)")
    args = parser.parse_args()
    from builder.paths import example_playbook

    convs = conversations(args.conversations, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        source, decisions = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        source.write_text("".join(json.dumps(c) + "\n" for c in convs), encoding="utf-8")
        in_file = sum(1 for c in convs for e in c["events"] if e["type"] == "visitor")
        first: bytes | None = None
        for jobs in args.jobs:
            walls, cpus = [], []
            for _ in range(args.repeat):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "builder", "simulate", str(example_playbook()), str(source),
                                "-o", str(decisions), "--jobs", jobs], cwd=ROOT, check=True,
                               env={**os.environ, "PYTHONHASHSEED": "0"})
                walls.append(time.perf_counter() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers too: each was waited for
                cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            written = decisions.read_bytes()
            if first is None:
                first = written
                out = [json.loads(line) for line in written.decode("utf-8").splitlines()]
                turns = sum(evaluated_turns(c, d) for c, d in zip(convs, out, strict=True))
                escalated = sum(1 for d in out if d.get("escalated"))
                print(f"{args.conversations:,} conversations, {in_file:,} visitor turns in the file, {turns:,} "
                      f"evaluated, {escalated:,} escalated")
            elif written != first:
                print(f"--jobs {jobs}: the decisions differ from --jobs {args.jobs[0]}'s", file=sys.stderr)
                return 1
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            print(f"simulate --jobs {jobs} end to end: {wall:.2f} s wall, {cpu:.2f} s CPU = {turns / wall:,.0f} "
                  f"turns/wall-s, {turns / cpu:,.0f} turns/CPU-s (median of {args.repeat})")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"usable CPUs {len(os.sched_getaffinity(0))}, load average {load} (wall figures need idle CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
