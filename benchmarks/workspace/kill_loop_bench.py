"""Kill loop: a process saving in a loop is SIGKILLed at random moments; count what survives.

Prints kills, acknowledged saves (a save whose `Project.save` returned before the kill), and
losses (an acknowledged save missing after reopening, or a workspace that would not open).
The pass/fail version with fewer kills is `tests/builder/workspace/test_ws_killed_saves.py`;
this one is for the figures quoted in notes. Both kill the same saver (saves, recovery files,
conversations added to a library): `tests/builder/workspace/killed_saver.py`.

Run: `.venv/bin/python benchmarks/workspace/kill_loop_bench.py [--kills 300] [--seed 20261207]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from builder.workspace import Workspace, WorkspaceError  # noqa: E402
from tests.builder.workspace.killed_saver import document, save_until_killed  # noqa: E402


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
            acked = save_until_killed(ws_path, n, rng.uniform(0.003, options.max_delay))
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
