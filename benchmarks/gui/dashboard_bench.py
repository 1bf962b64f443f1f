"""Dashboard benchmark: a large library replayed in the app (offscreen) against the CLI path.

Generates N conversations (replay's seeded library, `benchmarks/workloads/playbook_library.py`) into a
temporary JSON Lines file, then, each in a fresh subprocess:
- the CLI path: `Replay` + `MetricsBuilder` with the same process count the app picks (both cores
  for files over ~2 MB), keeping nothing (`benchmarks/replay/replay_bench.py --one`), before and
  after the app run (averaged, since the load of a shared machine drifts);
- the app: a `ReplayDashboard` on the example playbook, Run pressed, until the final numbers are
  drawn; a 10 ms QTimer heartbeat measures the longest UI event-loop stall;
- cancel: Run again, Cancel after a few seconds; latency from Cancel to the worker having stopped
  and to the page showing "cancelled".

    .venv/bin/python benchmarks/gui/dashboard_bench.py                  # N = 100,000
    .venv/bin/python benchmarks/gui/dashboard_bench.py --conversations 20000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


class Heartbeat:
    """A 10 ms timer; the longest gap between two ticks is the worst UI stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0
        self.timer.start()


def app_run(path: Path, cancel_after: float) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from widgets.shell.startup import create_application

    app = create_application([])
    from builder.editing.document import Document
    from builder.paths import example_playbook
    from builder.runtime import read_ruleset
    from widgets.replay.dashboard import ReplayDashboard

    page = ReplayDashboard(Document(read_ruleset(example_playbook())))
    page.resize(1280, 800)
    page.show()
    page.set_library_file(path)
    app.processEvents()
    beat = Heartbeat()
    progress_updates = 0

    def count(*_: Any) -> None:
        nonlocal progress_updates
        progress_updates += 1

    page.worker.progress.connect(count)
    beat.start()
    started = time.perf_counter()
    page.run()
    while page.worker.running:
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    wall = time.perf_counter() - started
    stall = beat.worst
    total = page.metrics.total if page.metrics is not None else 0
    out: dict[str, Any] = {"conversations": total, "wall_s": round(wall, 2), "per_second": round(total / wall),
                           "replay_s": round(page.outcome.seconds, 2) if page.outcome else None,
                           "max_stall_ms": round(stall * 1000, 1), "progress_updates": progress_updates,
                           "updates_per_s": round(progress_updates / wall, 1)}
    page.outcome = None
    beat.start()
    page.run()
    until = time.perf_counter() + cancel_after
    while time.perf_counter() < until:
        app.processEvents()
        time.sleep(0.001)
    asked = time.perf_counter()
    page.cancel()
    asked_mono = page.worker.cancel_requested_at or time.monotonic()
    while page.worker.running:
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    shown = time.perf_counter() - asked
    stopped = (page.worker.stopped_at or time.monotonic()) - asked_mono
    out.update({"cancel_stopped_s": round(stopped, 3), "cancel_shown_s": round(shown, 3),
                "cancelled_at": len(page.outcome.results) if page.outcome else None,
                "cancel_status": page.status.text(), "cancel_run_max_stall_ms": round(beat.worst * 1000, 1)})
    page.close()
    import resource

    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def cli_run(path: Path) -> dict[str, Any]:
    from builder.replay.batch import Replay

    processes = Replay._auto_processes(path)
    replay_bench = ROOT / "benchmarks" / "replay" / "replay_bench.py"
    out = subprocess.run([sys.executable, str(replay_bench), "--one", str(path), str(processes)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cancel-after", type=float, default=3.0, help="seconds into the second run")
    parser.add_argument("--app", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app:
        print(json.dumps(app_run(Path(args.app), args.cancel_after)))
        return 0
    from benchmarks.workloads.playbook_library import write_library

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "library.jsonl"
        seconds = write_library(path, args.conversations, args.seed)
        print(f"generated {args.conversations:,} conversations ({path.stat().st_size / 1e6:,.0f} MB) "
              f"in {seconds:.1f} s", flush=True)
        cli = cli_run(path)
        print(f"CLI path (Replay + metrics, {cli['processes']} processes): {cli['conversations']:,} in "
              f"{cli['wall_s']} s = {cli['per_second']:,}/s", flush=True)
        out = subprocess.run([sys.executable, __file__, "--app", str(path), "--cancel-after", str(args.cancel_after)],
                             check=False, capture_output=True, text=True, cwd=ROOT)
        if out.returncode:
            print(out.stderr[-3000:])
            return 1
        app = json.loads(out.stdout.strip().splitlines()[-1])
        again = cli_run(path)  # the machine's load drifts: the CLI before and after the app, averaged
        print(f"CLI path again after the app: {again['per_second']:,}/s", flush=True)
        cli["per_second"] = round((cli["per_second"] + again["per_second"]) / 2)
        share = app["per_second"] / cli["per_second"]
        print(f"app (dashboard, offscreen): {app['conversations']:,} in {app['wall_s']} s = {app['per_second']:,}/s "
              f"= {share:.0%} of the CLI path's mean {cli['per_second']:,}/s (target >= 80%); "
              f"replay thread {app['replay_s']} s", flush=True)
        print(
            f"UI: longest event-loop stall {app['max_stall_ms']} ms (10 ms heartbeat); "
            f"{app['progress_updates']} progress updates = {app['updates_per_s']}/s (limit 20/s)"
        )
        print(
            f"cancel after {args.cancel_after:g} s of a second run: "
            f"worker stopped {app['cancel_stopped_s'] * 1000:.0f} ms "
            f"after Cancel, page showed it after {app['cancel_shown_s'] * 1000:.0f} ms (target <= 500 ms); "
            f"stopped at {app['cancelled_at']:,} conversations; longest stall {app['cancel_run_max_stall_ms']} ms"
        )
        print(f"status: {app['cancel_status']}")
        print(
            f"peak RSS of the app process (keeps every result for the conversation lists): "
            f"{app.get('peak_rss_mb')} MB; the CLI path keeping nothing: {cli['peak_rss_mb']} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
