"""Workspace bounds: 20 projects x 100 revisions x 200 rules opens in < 1 s, a save < 300 ms;
a rule save costs the same (< 60 ms) with 0, 10,000 or 100,000 stored conversations.

Run: `.venv/bin/python benchmarks/workspace/workspace_bench.py [--projects 20 --revisions 100 --rules 200]
[--libraries 0,10000,100000] [--only-libraries]`.
Builds the workspaces through the public API in a temporary folder, then prints the figures.
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

ROOT = Path(__file__).resolve().parents[2]
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


def make_conversation(n: int, rng: random.Random) -> dict[str, Any]:
    """A stored test case of the usual size (a few messages, an expectation): about 700 bytes."""
    events: list[dict[str, Any]] = [{"at": "2026-11-27T02:00:00Z", "type": "page_view", "url": "/pricing"}]
    for turn in range(3):
        events.append({"at": f"2026-11-27T02:0{turn}:05Z", "type": "visitor",
                       "text": " ".join(rng.sample(WORDS, 6)).capitalize() + "?"})
        events.append({"at": f"2026-11-27T02:0{turn}:06Z", "type": "bot", "text": "Let me check that for you.",
                       "confidence": round(rng.random(), 2), "fallback": rng.random() < 0.2})
    return {"id": f"c-{n}", "visitor": {"name": "Ana", "score": rng.randint(0, 100), "returning": True},
            "events": events, "expect": {"escalate": rng.random() < 0.15}}


def library_figures(
    folder: Path, stored: int, rules: int, rng: random.Random
) -> tuple[list[float], list[float], float]:
    """(rule save times, add-one-conversation times, project file MB) with `stored` conversations."""
    path = folder / f"lib-{stored}" / "workspace.json"
    ws = Workspace.open(path, author="bench")
    document = make_ruleset(rules, rng)
    project = ws.create_project("P", document)
    for _ in range(19):  # a project with some history, as in use
        project.save(edit(document, rng))
    if stored:
        project.set_conversations("regressions", [make_conversation(n, rng) for n in range(stored)])
    saves: list[float] = []
    for _ in range(10):
        document = edit(document, rng)
        t0 = time.perf_counter()
        project.save(document)
        saves.append(time.perf_counter() - t0)
    adds: list[float] = []
    for n in range(5):
        conversation = make_conversation(stored + n, rng)
        t0 = time.perf_counter()
        project.add_conversation("regressions", conversation)
        adds.append(time.perf_counter() - t0)
    size = project.path.stat().st_size / 1e6
    ws.close()
    return saves, adds, size


def print_library_table(sizes: list[int], rules: int) -> None:
    rng = random.Random(11)
    ms = 1000.0
    print(f"conversation libraries ({rules} rules, 20 revisions; 10 saves, 5 adds each):")
    print(
        f"{'stored':>9} | {'rule save median':>16} | {'max':>8} | {'add one median':>14} | "
        f"{'max':>8} | {'project file':>12}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for stored in sizes:
            saves, adds, size = library_figures(Path(folder), stored, rules, rng)
            print(
                f"{stored:>9,} | {statistics.median(saves) * ms:>13.1f} ms | {max(saves) * ms:>5.1f} ms | "
                f"{statistics.median(adds) * ms:>11.1f} ms | {max(adds) * ms:>5.1f} ms | {size:>9.2f} MB"
            )
    print("bound: a rule save < 60 ms whatever the number of stored conversations")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--revisions", type=int, default=100)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument(
        "--libraries", default="0,10000,100000", help="numbers of stored conversations to time a rule save with"
    )
    parser.add_argument("--only-libraries", action="store_true", help="skip the history figures")
    args = parser.parse_args()
    print_library_table([int(n) for n in args.libraries.split(",") if n.strip()], args.rules)
    if args.only_libraries:
        return
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
    print(
        f"workspace: {args.projects} projects x {args.revisions} revisions x {args.rules} rules, "
        f"{total_mb:.1f} MB on disk ({one_project:.2f} MB largest project file), "
        f"built in {build:.1f} s"
    )
    print(f"open workspace + list projects: {open_s * ms:8.1f} ms   (bound 1000 ms)")
    print(f"open one project + current + history: {project_s * ms:8.1f} ms")
    print(
        f"save at {args.revisions} revisions: median {statistics.median(full_saves) * ms:.1f} ms, "
        f"max {max(full_saves) * ms:.1f} ms   (bound 300 ms)"
    )
    p95 = statistics.quantiles(save_times, n=20)[-1]
    slow = sum(t > 0.3 for t in save_times)
    print(
        f"save while building: median {statistics.median(save_times) * ms:.1f} ms, "
        f"p95 {p95 * ms:.1f} ms, max {max(save_times) * ms:.1f} ms, "
        f"{slow} of {len(save_times)} over 300 ms"
    )
    print(f"diff first..last ({len(diff.lines())} differences): {diff_s * ms:.1f} ms")
    print(f"restore: {restore_s * ms:.1f} ms, recovery write: {recovery_s * ms:.1f} ms")


if __name__ == "__main__":
    main()
