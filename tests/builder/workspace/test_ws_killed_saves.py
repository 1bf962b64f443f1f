"""Fault injection: a process saving in a loop is SIGKILLed 200 times at random moments.

After every kill the workspace opens (taking over the dead writer's lock) and the project holds
exactly the last save the writer reported finished, or the one it was in the middle of: never a
broken file, never a revision without its content, never a lost finished save.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from builder.workspace import Workspace, content_hash
from tests.builder.workspace.killed_saver import document, save_until_killed

KILLS = 200

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")]


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
        acknowledged = save_until_killed(ws_path, n, rng.uniform(0.003, 0.07))
        finished = acknowledged[-1] if acknowledged else n
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
