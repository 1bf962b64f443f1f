"""CPU of the first visit of the Templates page in a fresh process, and where the first validation ran.

The first check of the ruleset after start-up (schema, rule order, promises; it loads jsonschema and
the holiday calendars) should run once the window has painted, while the manager reads it, and never
inside the first page they open. Each run starts the app on the example playbook (offscreen), waits
for the first paint, lets the event loop run for `--pause` seconds (the manager's first look; 0 means
a click at once, as soon as the loop is idle), then opens the Templates page and times it. Prints
medians; asserts nothing (timings are not unit tests).

    .venv/bin/python benchmarks/gui/first_page_visit_bench.py [--repeat 5] [--pause 0 0.5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUN = r"""
import os, sys, tempfile, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, {root!r})
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from widgets.shell import problems_panel
from widgets.shell.main_window import MainWindow
from widgets.shell.startup import create_application, open_start_project, open_workspace

PAUSE_MS = {pause_ms}
checks = []  # (cpu, wall) of each full validation, when it ended
full = problems_panel.ValidationCache.full


def timed_full(self, ruleset):
    cpu, wall = time.thread_time(), time.perf_counter()
    try:
        return full(self, ruleset)
    finally:
        checks.append((time.thread_time() - cpu, wall, time.perf_counter()))


problems_panel.ValidationCache.full = timed_full


def visit():
    title = "Templates"
    before = len(checks)
    wall, cpu = time.perf_counter(), time.process_time()
    window.pages.setCurrentIndex(next(i for i in range(window.pages.count()) if window.pages.tabText(i) == title))
    window.ensure_page(title)
    QApplication.processEvents()
    window.repaint()
    print(f"visit\t{{time.process_time() - cpu:.4f}}\t{{time.perf_counter() - wall:.4f}}", flush=True)
    during = [c for c in checks[before:] if c[2] > wall]
    print(f"during\t{{len(during)}}", flush=True)
    os._exit(0)


def click():
    for cpu, start, end in checks:
        print(f"check\t{{cpu:.4f}}\t{{start - painted_at:.4f}}\t{{end - painted_at:.4f}}", flush=True)
    visit()


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            global painted_at
            painted_at = time.perf_counter()
            print(f"paint\t{{time.process_time():.4f}}", flush=True)
            # the click: `PAUSE_MS` later, once the loop has run what the paint queued (nothing can come earlier)
            QTimer.singleShot(PAUSE_MS, lambda: QTimer.singleShot(0, click))
        return False


app = create_application()
workspace = open_workspace(None, Path(tempfile.mkdtemp()) / "ws.json")
window = MainWindow(workspace)
open_start_project(window)
spy = FirstPaint()  # kept: a filter whose Python object is collected stops filtering
window.installEventFilter(spy)
window.show()
app.exec()
"""


def run(pause: float, repeat: int, env: dict[str, str]) -> None:
    visits, walls, paints, inside, checks, starts = [], [], [], 0, [], []
    for _ in range(repeat):
        code = RUN.format(root=str(ROOT), pause_ms=int(pause * 1000))
        out = subprocess.run([sys.executable, "-c", code], timeout=120, capture_output=True, text=True, check=False,
                             env=env)
        for line in out.stdout.splitlines():
            kind, *fields = line.split("\t")
            if kind == "visit":
                visits.append(float(fields[0]))
                walls.append(float(fields[1]))
            elif kind == "paint":
                paints.append(float(fields[0]))
            elif kind == "during":
                inside += int(fields[0]) > 0
            elif kind == "check":
                checks.append(float(fields[0]))
                starts.append(float(fields[1]))
        if not any(line.startswith("visit") for line in out.stdout.splitlines()):
            print("run failed:", out.stderr[-800:])
    if not visits:
        return
    print(f"click {pause:.1f} s after the first paint ({len(visits)} runs):")
    print(f"  first paint: median {statistics.median(paints):.3f} s CPU")
    if checks:
        print(f"  first validation, before the click: median {statistics.median(checks) * 1000:.0f} ms CPU, "
              f"started {statistics.median(starts) * 1000:.0f} ms after the paint")
    print(f"  first visit of Templates: median {statistics.median(visits) * 1000:.0f} ms CPU, "
          f"{statistics.median(walls) * 1000:.0f} ms wall; the validation ran inside the visit in "
          f"{inside} of {len(visits)} runs (each run: {', '.join(f'{v * 1000:.0f}' for v in visits)} ms CPU)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pause", type=float, nargs="+", default=[0.0, 0.5])
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "gui_bench_pyc"))
    subprocess.run([sys.executable, "-c", RUN.format(root=str(ROOT), pause_ms=0)], capture_output=True,
                   check=False, env=env)  # writes the bytecode cache; not measured
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    for pause in args.pause:
        run(pause, args.repeat, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
