"""Fault injection: a process saving in a loop is SIGKILLed 200 times at random moments.

After every kill the workspace opens (taking over the dead writer's lock) and the project holds
exactly the last save the writer reported finished, or the one it was in the middle of: never a
broken file, never a revision without its content, never a lost finished save.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from ws_helpers import small_ruleset

from builder.workspace import Workspace, content_hash

KILLS = 200

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")]


def document(n: int) -> dict[str, Any]:
    doc = small_ruleset("a", f"r{n % 7}", name=f"save {n}")
    doc["metadata"]["n"] = n
    return doc


def _saver(ws_path: Path, start: int, report: int) -> None:
    """The child: open, then save (and write recovery, add conversations) until killed."""
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


def _run_child(ws_path: Path, start: int, delay: float) -> int:
    """Fork a saver, kill it after `delay` seconds; the last save it reported finished."""
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
    reported = [int(line) for line in b"".join(chunks).split() if line != b"open"]
    return reported[-1] if reported else start


def _check(ws_path: Path, finished: int, added: set[int]) -> int:
    with Workspace.open(ws_path) as ws:
        project = ws.project("P")
        current = project.current()
        n = current["metadata"]["n"]
        assert n in (finished, finished + 1), (n, finished)
        head = project.head()
        assert head.number == n + 1 == len(project.revisions())
        assert head.content_hash == content_hash(current)
        assert project.revision_document(head.number) == current
        [info] = ws.projects()
        assert (info.name, info.revisions, info.content_hash) == ("P", head.number, head.content_hash)
        ids = [int(c["id"]) for c in project.conversations("lib")]
        assert ids == sorted(set(ids))  # in order, none twice
        assert added <= set(ids), sorted(added - set(ids))  # no finished add is lost
        recovered = project.recovery()
        assert recovered is None or recovered["metadata"]["n"] > 1000
    leftovers = [p.name for p in ws_path.parent.rglob("*.tmp")]
    assert leftovers == []  # reopening swept the dead writers' temp files
    return int(n)


def test_workspace_survives_sigkill_during_saves(ws_path: Path) -> None:
    rng = random.Random(20261128)
    with Workspace.open(ws_path) as ws:
        ws.create_project("P", document(0))
    n = 0
    progressed = 0
    added: set[int] = set()  # conversations whose add returned before the child was killed
    for _ in range(KILLS):
        finished = _run_child(ws_path, n, rng.uniform(0.003, 0.07))
        # add(m) returned before save(m + 1) began, so before `finished` was reported
        added |= {m for m in range(n + 1, finished) if m % 5 == 0}
        new_n = _check(ws_path, finished, added)
        progressed += new_n > n
        n = new_n
    assert progressed > KILLS // 4  # the kills really landed among saves, not before them
    with Workspace.open(ws_path) as ws:
        project = ws.project("P")
        # the whole history decodes and is in order
        for revision in project.revisions()[:: max(1, n // 50)]:
            assert project.revision_document(revision.number)["metadata"]["n"] == revision.number - 1
