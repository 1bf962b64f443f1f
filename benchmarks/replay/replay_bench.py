"""Replay benchmark: conversations per second through the CLI path (file -> Replay -> metrics),
with 1 and 2 processes, and peak memory.

Generates (seeded) N conversations into a temporary JSON Lines file (made by
`benchmarks/workloads/playbook_library.py`: 3-15 visitor turns of 5-40 words; 15% of turns get a
planted phrase, one in three of them from the example playbook, and 5% are written in capitals),
then replays the file with the example playbook, accumulating metrics as the dashboard does and
keeping no results. Each configuration runs in a fresh subprocess, so its peak RSS is its own
(the pool's workers come from a fork server and are not counted).

    .venv/bin/python benchmarks/replay/replay_bench.py                    # N = 100,000
    .venv/bin/python benchmarks/replay/replay_bench.py --conversations 20000 --processes 1 2 --simulate
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.workloads.playbook_library import write_library  # noqa: E402


def run_one(path: Path, processes: int, chunk: int) -> dict[str, Any]:
    from builder.paths import example_playbook
    from builder.replay.batch import Replay
    from builder.replay.metrics import MetricsBuilder
    from builder.runtime import read_ruleset

    ruleset = read_ruleset(example_playbook())
    builder = MetricsBuilder(ruleset)
    started = time.perf_counter()
    run = Replay(ruleset, path, processes=processes, chunk_size=chunk)
    for result in run:
        builder.add(result)
    wall = time.perf_counter() - started
    m = builder.metrics()
    return {"processes": processes, "conversations": m.total, "escalated": m.escalated, "wall_s": round(wall, 2),
            "per_second": round(m.total / wall), "errors": len(run.errors),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--simulate", action="store_true",
                        help="also time `handoff-builder simulate` on the same file, for reference")
    parser.add_argument("--one", nargs=2, metavar=("FILE", "PROCESSES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(Path(args.one[0]), int(args.one[1]), args.chunk)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "library.jsonl"
        seconds = write_library(path, args.conversations, args.seed)
        size = path.stat().st_size / 1e6
        print(f"generated {args.conversations:,} conversations ({size:,.0f} MB) in {seconds:.1f} s", flush=True)
        baseline = None
        if args.simulate:
            started = time.perf_counter()
            from builder.paths import example_playbook

            subprocess.run([sys.executable, "-m", "builder", "simulate", str(example_playbook()), str(path),
                            "-o", os.devnull], cwd=ROOT, check=True)
            wall = time.perf_counter() - started
            print(f"handoff-builder simulate (reference, 1 process, incl. start-up): {args.conversations:,} "
                  f"conversations in {wall:.1f} s = {args.conversations / wall:,.0f}/s", flush=True)
        for processes in args.processes:
            out = subprocess.run([sys.executable, __file__, "--one", str(path), str(processes),
                                  "--chunk", str(args.chunk)], capture_output=True, text=True, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            baseline = baseline or row["per_second"]
            print(f"processes={row['processes']}: {row['conversations']:,} conversations in {row['wall_s']} s = "
                  f"{row['per_second']:,}/s ({row['per_second'] / baseline:.2f}x), {row['escalated']:,} escalated, "
                  f"peak RSS of the reading process {row['peak_rss_mb']} MB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
