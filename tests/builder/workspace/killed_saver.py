"""A writer SIGKILLed in the middle of its saves: the loop behind the kill test and the kill benchmark.

`tests/builder/workspace/test_ws_killed_saves.py` checks every kill's aftermath (pass/fail);
`benchmarks/workspace/kill_loop_bench.py` runs many more kills for the figures. Both fork this one
saver, so what they kill is the same: saves, recovery files and conversations added to a library.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any, NoReturn

from builder.workspace import Workspace
from tests.builder.workspace.ws_helpers import small_ruleset


def document(n: int) -> dict[str, Any]:
    """Save number `n`: a small ruleset that says its number in `metadata.n`."""
    doc = small_ruleset("a", f"r{n % 7}", name=f"save {n}")
    doc["metadata"]["n"] = n
    return doc


def _saver(ws_path: Path, start: int, report: int) -> NoReturn:
    """The child: open, then save (and write recovery, add conversations) until killed.

    Every save is reported on `report` once `Project.save` has returned (acknowledged); conversation
    `n` (every fifth) is added after save `n`, so it is finished before save `n + 1` is reported."""
    ws = Workspace.open(ws_path, author="child")
    project = ws.project("P")
    os.write(report, b"open\n")  # the kill timer starts now: a loaded machine's slow start is not counted
    n = start
    while True:
        n += 1
        project.save(document(n))
        os.write(report, f"{n}\n".encode())
        if n % 3 == 0:
            project.write_recovery(document(n + 1000))
        if n % 5 == 0:
            project.add_conversation("lib", {"id": str(n), "events": []})


def save_until_killed(ws_path: Path, start: int, delay: float) -> list[int]:
    """Fork a saver continuing from save `start`, SIGKILL it after `delay` s; the saves it acknowledged."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
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
