"""Archive replay benchmark: N generated conversations on disk as JSON Lines shards, replayed
through the shipped playbook on a Dask LocalCluster, against one process on the same input in
the same run.

Generates (seeded) N conversations with the replay benchmark's generator
(`benchmarks/workloads/playbook_library.py`: 3-15 visitor turns of 5-40 words; 15% of turns carry
a planted phrase, a third of them from the example playbook)
into shards of `--shard-size` conversations, then:

1. single process: every shard through `Replay(processes=1)`, metrics accumulated, decisions
   written as JSON Lines (what `simulate` does), in a fresh subprocess so its peak RSS is its own;
2. the cluster: `replay_archive` on a LocalCluster of `--workers` processes (one thread each),
   decisions written as JSON Lines by the client (what `handoff-builder replay -o` does).

Prints wall time, conversations/s, the cluster's start-up, peak RSS of each worker and of the
client, the speed-up over the single process, and checks that both runs' metrics are equal.

    .venv/bin/python benchmarks/replay/archive_replay_bench.py                        # N = 1,000,000
    .venv/bin/python benchmarks/replay/archive_replay_bench.py --conversations 100000 --workers 2
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def generate(folder: Path, n: int, shard_size: int, seed: int) -> tuple[list[Path], float]:
    from benchmarks.workloads.playbook_library import library

    started = time.perf_counter()
    paths: list[Path] = []
    out = None
    for i, conversation in enumerate(library(n, seed)):
        if i % shard_size == 0:
            if out is not None:
                out.close()
            paths.append(folder / f"shard-{len(paths):05d}.jsonl")
            out = open(paths[-1], "w", encoding="utf-8")
        assert out is not None
        out.write(json.dumps(conversation) + "\n")
    if out is not None:
        out.close()
    return paths, time.perf_counter() - started


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_seconds() -> float:
    """CPU time this process used so far (user + system): on a shared machine the wall time
    depends on the others' load, the CPU time does not."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def single(folder: Path, out: Path) -> dict[str, Any]:
    """One process, shard after shard, as `simulate` would: decisions to a file, metrics kept."""
    from builder.engine import compile_ruleset
    from builder.paths import example_playbook
    from builder.replay.batch import Replay
    from builder.replay.metrics import MetricsBuilder
    from builder.runtime import read_ruleset

    ruleset = read_ruleset(example_playbook())
    compiled = compile_ruleset(ruleset)
    builder = MetricsBuilder(ruleset)
    started, cpu = time.perf_counter(), cpu_seconds()
    with open(out, "w", encoding="utf-8") as handle:
        for path in sorted(folder.glob("shard-*.jsonl")):
            for result in Replay(compiled, path, processes=1):
                builder.add(result)
                handle.write(json.dumps(result.decision, ensure_ascii=False) + "\n")
    wall = time.perf_counter() - started
    return {"wall_s": wall, "cpu_s": cpu_seconds() - cpu, "conversations": builder.partial.total,
            "peak_rss_mb": peak_mb(), "metrics": builder.metrics().to_dict()}


def on_cluster(folder: Path, out: Path, workers: int) -> dict[str, Any]:
    from builder.paths import example_playbook
    from builder.replay.archive import write_decision_lines
    from builder.replay.cluster import ClusterSession, replay_archive
    from builder.runtime import read_ruleset

    ruleset = read_ruleset(example_playbook())
    started = time.perf_counter()
    with ClusterSession(workers=workers) as session:
        start_up = time.perf_counter() - started
        shown = [0.0]

        def progress(state: Any) -> None:
            if state.fraction - shown[0] >= 0.1 or state.partitions_done == state.partitions:
                shown[0] = state.fraction
                print(f"  cluster: {state.conversations:,} conversations, {state.fraction:.0%} of partitions, "
                      f"{time.perf_counter() - began:.0f} s", flush=True)

        began, cpu_before = time.perf_counter(), session.client.run(cpu_seconds)
        client_cpu = cpu_seconds()
        with open(out, "w", encoding="utf-8") as handle:
            outcome = replay_archive(ruleset, [folder], session=session, progress=progress,
                                     on_results=lambda results: write_decision_lines((r.decision for r in results),
                                                                                      handle) and None)
        wall = time.perf_counter() - began
        client_cpu = cpu_seconds() - client_cpu
        per_worker = session.client.run(peak_mb)
        worker_cpu = {k: v - cpu_before.get(k, 0.0) for k, v in session.client.run(cpu_seconds).items()}
    return {"wall_s": wall, "start_up_s": start_up, "conversations": outcome.conversations,
            "worker_cpu_s": sorted(worker_cpu.values()), "client_cpu_s": client_cpu,
            "workers": outcome.workers, "worker_peak_rss_mb": sorted(per_worker.values()),
            "client_peak_rss_mb": peak_mb(), "metrics": outcome.metrics.to_dict()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--shard-size", type=int, default=25_000, help="conversations per shard file")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", help="keep the shards in this folder (default: a temporary one)")
    parser.add_argument("--single", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(single(Path(args.single), Path(args.single) / "single-decisions.out")))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.dir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        shards, seconds = generate(folder, args.conversations, args.shard_size, args.seed)
        size = sum(p.stat().st_size for p in shards) / 1e6
        print(f"generated {args.conversations:,} conversations in {len(shards)} shards ({size:,.0f} MB) "
              f"in {seconds:.0f} s", flush=True)
        done = subprocess.run([sys.executable, __file__, "--single", str(folder)], capture_output=True, text=True,
                              check=True)
        one = json.loads(done.stdout.strip().splitlines()[-1])
        rate_one = one["conversations"] / one["wall_s"]
        print(f"single process: {one['conversations']:,} conversations in {one['wall_s']:.1f} s = {rate_one:,.0f}/s, "
              f"peak RSS {one['peak_rss_mb']} MB", flush=True)
        many = on_cluster(folder, folder / "cluster-decisions.out", args.workers)
        rate = many["conversations"] / many["wall_s"]
        print(f"LocalCluster ({many['workers']} worker processes): {many['conversations']:,} conversations in "
              f"{many['wall_s']:.1f} s = {rate:,.0f}/s (+ {many['start_up_s']:.1f} s to start the cluster); "
              f"speed-up {one['wall_s'] / many['wall_s']:.2f}x over one process "
              f"({one['wall_s'] / (many['wall_s'] + many['start_up_s']):.2f}x counting start-up)", flush=True)
        print(f"peak RSS per worker: {', '.join(f'{mb} MB' for mb in many['worker_peak_rss_mb'])}; "
              f"client {many['client_peak_rss_mb']} MB", flush=True)
        print(f"CPU time: single process {one['cpu_s']:.1f} s; workers "
              f"{' + '.join(f'{s:.1f} s' for s in many['worker_cpu_s'])}, client (scheduler, writing) "
              f"{many['client_cpu_s']:.1f} s (the wall-time ratio depends on the machine's other load)", flush=True)
        same = one["metrics"] == many["metrics"]
        print(f"metrics equal to the single process: {same}", flush=True)
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
