"""Unsaved edits: written next to the workspace, offered after a crash, removed on clean close."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ws_helpers import small_ruleset

from builder.workspace import Workspace, WorkspaceWriteError
from builder.workspace.disk import storage as storage_module


def test_recovery_is_written_next_to_the_workspace(ws: Workspace, ws_path: Path) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    assert project.recovery() is None
    project.write_recovery(small_ruleset("a", "draft"))
    recovery_file = ws_path.with_name("workspace.recovery.json")
    assert json.loads(recovery_file.read_text())["projects"]["P"]["document"] == small_ruleset("a", "draft")
    assert project.recovery() == small_ruleset("a", "draft")
    entry = project.recovery_entry()
    assert entry is not None and entry.base_revision == 1 and entry.time.endswith("Z")


def test_recovery_is_offered_after_a_crash(ws_path: Path) -> None:
    ws = Workspace.open(ws_path)
    ws.create_project("P", small_ruleset("a"))
    ws.create_project("Q", small_ruleset("q"))
    ws.project("P").write_recovery(small_ruleset("a", "unsaved"))
    # the process dies: no close; the OS drops its lock, its owner file stays behind
    assert ws._file_lock is not None and ws._file_lock._os_lock is not None
    ws._file_lock._os_lock.release(force=True)
    ws._file_lock = None
    del ws
    owner = ws_path.with_name("workspace.json.owner")
    info = json.loads(owner.read_text())
    owner.write_text(json.dumps(dict(info, pid=999_999_999)))  # its owner is gone

    with Workspace.open(ws_path) as again:
        assert again.pending_recovery() == ["P"]
        assert again.project("P").recovery() == small_ruleset("a", "unsaved")
        assert again.project("Q").recovery() is None
        assert again.project("P").current() == small_ruleset("a")  # never applied silently


def test_clean_close_removes_recovery(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        ws.create_project("P", small_ruleset("a")).write_recovery(small_ruleset("b"))
    assert not ws_path.with_name("workspace.recovery.json").exists()
    with Workspace.open(ws_path) as ws:
        assert ws.pending_recovery() == []


def test_exception_in_with_block_keeps_recovery(ws_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with Workspace.open(ws_path) as ws:
            ws.create_project("P", small_ruleset("a")).write_recovery(small_ruleset("b"))
            raise RuntimeError("the app failed")
    with Workspace.open(ws_path) as ws:
        assert ws.pending_recovery() == ["P"]


def test_clear_recovery_of_one_project(ws: Workspace, ws_path: Path) -> None:
    p = ws.create_project("P", small_ruleset("a"))
    q = ws.create_project("Q", small_ruleset("q"))
    p.write_recovery(small_ruleset("b"))
    q.write_recovery(small_ruleset("r"))
    p.clear_recovery()
    assert ws.pending_recovery() == ["Q"]
    q.clear_recovery()
    assert ws.pending_recovery() == []
    assert not ws_path.with_name("workspace.recovery.json").exists()


def test_saving_the_recovered_document_clears_it(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    project.write_recovery(small_ruleset("b"))
    project.save(small_ruleset("c"))  # not what the recovery holds: kept
    assert project.recovery() == small_ruleset("b")
    project.save(small_ruleset("b"))
    assert project.recovery() is None


def test_rename_moves_recovery(ws: Workspace) -> None:
    ws.create_project("P", small_ruleset("a")).write_recovery(small_ruleset("b"))
    ws.rename_project("P", "New")
    assert ws.pending_recovery() == ["New"]
    assert ws.project("New").recovery() == small_ruleset("b")


def test_failed_recovery_write_keeps_previous_one(ws: Workspace, ws_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    project.write_recovery(small_ruleset("b"))
    before = ws_path.with_name("workspace.recovery.json").read_bytes()

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_module, "_fsync", full)
    with pytest.raises(WorkspaceWriteError, match="recovery file"):
        project.write_recovery(small_ruleset("c"))
    assert ws_path.with_name("workspace.recovery.json").read_bytes() == before
    assert project.recovery() == small_ruleset("b")


def test_close_keeps_edits_of_an_earlier_crash_nobody_handled(ws_path: Path) -> None:
    ws = Workspace.open(ws_path)
    ws.create_project("P", small_ruleset("a")).write_recovery(small_ruleset("crashed"))
    ws._file_lock.release()  # type: ignore[union-attr]  # the process dies without closing
    with Workspace.open(ws_path) as quick_look:  # e.g. a tool that only lists projects
        assert quick_look.pending_recovery() == ["P"]
    with Workspace.open(ws_path) as ws:
        assert ws.project("P").recovery() == small_ruleset("crashed")
        ws.project("P").clear_recovery()  # the user discarded them
    with Workspace.open(ws_path) as ws:
        assert ws.pending_recovery() == []
