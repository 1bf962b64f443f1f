"""Workspace bounds: 20 projects x 100 revisions x 200 rules opens in < 1 s, a save < 300 ms.

Run: `.venv/bin/python benchmarks/workspace_bench.py [--projects 20 --revisions 100 --rules 200]`.
Builds the workspace through the public API in a temporary folder, then prints the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from builder.workspace import Workspace  # noqa: E402

WORDS = ("refund invoice cancel upgrade pricing enterprise manager angry broken login password "
         "delivery order shipping contract discount trial demo outage bug api export").split()


def make_ruleset(rules: int, rng: random.Random) -> dict[str, Any]:
    base = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text("utf-8"))
    templates = base["rules"]
    out = []
    for i in range(rules):
        rule = json.loads(json.dumps(templates[i % len(templates)]))
        rule["id"] = f"rule-{i:04d}"
        rule["name"] = f"{' '.join(rng.sample(WORDS, 3)).capitalize()} {i}"
        rule["when"] = {"any": [{"fact": "message.text", "op": "contains_any",
                                 "value": [" ".join(rng.sample(WORDS, 2)) for _ in range(6)]},
                                {"fact": "visitor.score", "op": "gte", "value": rng.randint(0, 100)}]}
        out.append(rule)
    base["rules"] = out
    return base


def edit(document: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A typical save: one or two rules changed."""
    for _ in range(rng.randint(1, 2)):
        rule = rng.choice(document["rules"])
        rule["when"]["any"][1]["value"] = rng.randint(0, 100)
        rule["enabled"] = rng.random() > 0.1
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--revisions", type=int, default=100)
    parser.add_argument("--rules", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "workspace.json"
        started = time.perf_counter()
        ws = Workspace.open(path, author="bench")
        save_times: list[float] = []
        for p in range(args.projects):
            document = make_ruleset(args.rules, rng)
            project = ws.create_project(f"Project {p}", document)
            for _ in range(args.revisions - 1):
                document = edit(document, rng)
                t0 = time.perf_counter()
                project.save(document)
                save_times.append(time.perf_counter() - t0)
        ws.close()
        build = time.perf_counter() - started
        files = list(Path(folder).rglob("*.json"))
        total_mb = sum(f.stat().st_size for f in files) / 1e6
        one_project = max(f.stat().st_size for f in files) / 1e6

        t0 = time.perf_counter()
        ws = Workspace.open(path)
        infos = ws.projects()
        open_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        project = ws.project(infos[len(infos) // 2].name)
        document = project.current()
        history = project.revisions()
        project_s = time.perf_counter() - t0

        full_saves: list[float] = []
        for _ in range(20):
            document = edit(document, rng)
            t0 = time.perf_counter()
            project.save(document)
            full_saves.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        diff = project.diff(1, len(history))
        diff_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        project.restore(len(history) // 2)
        restore_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        project.write_recovery(document)
        recovery_s = time.perf_counter() - t0
        ws.close()

    ms = 1000.0
    print(f"workspace: {args.projects} projects x {args.revisions} revisions x {args.rules} rules, "
          f"{total_mb:.1f} MB on disk ({one_project:.2f} MB largest project file), "
          f"built in {build:.1f} s")
    print(f"open workspace + list projects: {open_s * ms:8.1f} ms   (bound 1000 ms)")
    print(f"open one project + current + history: {project_s * ms:8.1f} ms")
    print(f"save at {args.revisions} revisions: median {statistics.median(full_saves) * ms:.1f} ms, "
          f"max {max(full_saves) * ms:.1f} ms   (bound 300 ms)")
    p95 = statistics.quantiles(save_times, n=20)[-1]
    slow = sum(t > 0.3 for t in save_times)
    print(f"save while building: median {statistics.median(save_times) * ms:.1f} ms, "
          f"p95 {p95 * ms:.1f} ms, max {max(save_times) * ms:.1f} ms, "
          f"{slow} of {len(save_times)} over 300 ms")
    print(f"diff first..last ({len(diff.lines())} differences): {diff_s * ms:.1f} ms")
    print(f"restore: {restore_s * ms:.1f} ms, recovery write: {recovery_s * ms:.1f} ms")


if __name__ == "__main__":
    main()
