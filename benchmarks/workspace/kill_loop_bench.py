"""Kill loop: a process saving in a loop is SIGKILLed at random moments; count what survives.

Prints kills, acknowledged saves (a save whose `Project.save` returned before the kill), and
losses (an acknowledged save missing after reopening, or a workspace that would not open).
The pass/fail version with fewer kills is `tests/builder/workspace/test_ws_killed_saves.py`;
this one is for the figures quoted in notes.

Run: `.venv/bin/python benchmarks/kill_loop_bench.py [--kills 300] [--seed 20261207]`.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from builder.workspace import Workspace, WorkspaceError  # noqa: E402


def document(n: int) -> dict[str, Any]:
    return {"schema_version": 1, "metadata": {"name": f"save {n}", "n": n},
            "rules": [{"id": f"r{n % 7}", "name": "Rule", "enabled": True, "trigger": "keyword",
                       "when": {"all": [{"fact": "message.text", "op": "contains_any", "value": [str(n)]}]},
                       "actions": [{"type": "escalate", "handoff": "instant", "team": "support",
                                    "priority": "normal"}]}],
            "templates": [], "schedules": [], "routing": {"teams": []}, "channels": []}


def _saver(ws_path: Path, start: int, report: int) -> None:
    ws = Workspace.open(ws_path, author="child")
    project = ws.project("P")
    os.write(report, b"open\n")  # the kill timer starts now, so a loaded machine's slow start is not counted
    n = start
    while True:
        n += 1
        project.save(document(n))
        os.write(report, f"{n}\n".encode())
        if n % 3 == 0:
            project.write_recovery(document(n + 1000))


def _run_child(ws_path: Path, start: int, delay: float) -> list[int]:
    """Fork a saver, SIGKILL it after `delay` s; the saves it acknowledged."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            os.close(read_end)
            _saver(ws_path, start, write_end)
        finally:
            os._exit(1)
    os.close(write_end)
    chunks = [os.read(read_end, 5)]  # "open\n", or b"" if the child died before opening
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    return [int(line) for line in b"".join(chunks).split() if line != b"open"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--max-delay", type=float, default=0.25, help="longest time before a kill, s")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    acknowledged = losses = unopenable = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        ws_path = Path(folder) / "workspace.json"
        with Workspace.open(ws_path) as ws:
            ws.create_project("P", document(0))
        n = 0
        for _ in range(options.kills):
            acked = _run_child(ws_path, n, rng.uniform(0.003, options.max_delay))
            acknowledged += len(acked)
            last = acked[-1] if acked else n
            try:
                with Workspace.open(ws_path) as ws:
                    current = ws.project("P").current()["metadata"]["n"]
            except WorkspaceError:
                unopenable += 1
                losses += 1
                break
            if current < last:  # an acknowledged save is gone
                losses += last - current
            n = max(current, last)
    print(f"kills: {options.kills}")
    print(f"acknowledged saves: {acknowledged}")
    print(f"losses (acknowledged saves missing after reopening): {losses}")
    print(f"workspaces that would not open: {unopenable}")
    print(f"time: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
