"""Broken files go down the corruption path: moved aside, never overwritten, backup offered."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ws_helpers import lock_is_free, small_ruleset

from builder.workspace import ProjectCorrupt, Workspace, WorkspaceCorrupt
from builder.workspace.disk.corruption import MAX_FILE_BYTES, move_aside


def _make_workspace(path: Path) -> None:
    """A workspace whose index and project file both have a good `.bak`."""
    with Workspace.open(path) as ws:
        ws.create_project("P", small_ruleset("a"))
        ws.project("P").save(small_ruleset("a", "b"))
        ws.settings["author"] = "Ana"


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _trailing_garbage(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b'{"meta": {}}')


def _non_object(path: Path) -> None:
    path.write_bytes(b'[{"meta": {}}]')


def _scalar(path: Path) -> None:
    path.write_bytes(b"42")


def _huge(path: Path) -> None:
    with open(path, "r+b") as handle:  # sparse: costs no disk space, reads as zeros
        handle.truncate(MAX_FILE_BYTES + 1)


def _deeply_nested(path: Path) -> None:
    path.write_bytes(b"[" * 200_000 + b"]" * 200_000)


def _not_text(path: Path) -> None:
    path.write_bytes(b'{"meta": {"1": {"format": "\xff\xfe"}}}')


def _wrong_shape(path: Path) -> None:
    path.write_bytes(b'{"meta": [1, 2], "projects": {"1": "x"}}')


def _not_a_workspace(path: Path) -> None:
    path.write_bytes(b'{"_default": {"1": {"anything": true}}}')


DAMAGE = {
    "truncated": (_truncated, "cut off"),
    "empty": (_empty, "empty"),
    "trailing garbage": (_trailing_garbage, "unexpected data after the end"),
    "non-object": (_non_object, "does not hold a workspace"),
    "scalar": (_scalar, "does not hold a workspace"),
    "huge": (_huge, "far too large"),
    "deeply nested": (_deeply_nested, "nested too deeply"),
    "not text": (_not_text, "not text"),
    "wrong shape": (_wrong_shape, "not in the expected shape"),
    "not a workspace": (_not_a_workspace, "not a Handoff Builder workspace"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_broken_index_is_moved_aside_and_backup_offered(ws_path: Path, damage: str) -> None:
    _make_workspace(ws_path)
    backup = ws_path.with_name("workspace.json.bak")
    backup_bytes = backup.read_bytes()
    breaker, reason = DAMAGE[damage]
    breaker(ws_path)
    broken = os.stat(ws_path)

    with pytest.raises(WorkspaceCorrupt) as caught:
        Workspace.open(ws_path)
    error = caught.value
    assert reason in str(error)
    assert str(error).count(". ") == 0 and str(error).endswith(".")  # one sentence
    assert error.moved_to is not None and error.moved_to.name.startswith("workspace.json.corrupt-")
    assert error.moved_to.name in str(error)
    moved = os.stat(error.moved_to)
    assert (moved.st_ino, moved.st_size) == (broken.st_ino, broken.st_size)  # the same file, intact
    assert not ws_path.exists()
    assert error.backup == backup and backup.read_bytes() == backup_bytes
    assert lock_is_free(ws_path)

    with pytest.raises(WorkspaceCorrupt, match="missing"):  # nothing silently starts over
        Workspace.open(ws_path)

    with Workspace.open_backup(ws_path) as ws:
        assert ws.recovered_from is not None and ws.recovered_from.backup == backup
        assert [p.name for p in ws.projects()] == ["P"]
        assert ws.project("P").current() == small_ruleset("a", "b")
    assert os.stat(error.moved_to).st_ino == broken.st_ino  # still kept


def test_broken_index_opened_with_backup_in_one_step(ws_path: Path) -> None:
    _make_workspace(ws_path)
    _truncated(ws_path)
    broken = ws_path.read_bytes()
    with Workspace.open(ws_path, use_backup=True) as ws:
        notice = ws.recovered_from
        assert notice is not None and notice.moved_to is not None
        assert "last good copy" in notice.message
        assert notice.moved_to.read_bytes() == broken
        assert ws.settings.get("author") is None or ws.projects()


def test_broken_index_without_backup(tmp_path: Path) -> None:
    path = tmp_path / "workspace.json"
    path.write_bytes(b'{"meta": ')
    with pytest.raises(WorkspaceCorrupt, match="no earlier good copy") as caught:
        Workspace.open(path)
    assert caught.value.backup is None
    assert caught.value.moved_to is not None and caught.value.moved_to.read_bytes() == b'{"meta": '


def test_read_only_leaves_a_broken_file_in_place(ws_path: Path) -> None:
    _make_workspace(ws_path)
    _empty(ws_path)
    with pytest.raises(WorkspaceCorrupt, match="left in place") as caught:
        Workspace.open(ws_path, read_only=True)
    assert caught.value.moved_to is None
    assert ws_path.exists() and ws_path.read_bytes() == b""


@pytest.mark.parametrize("damage", ["truncated", "empty", "trailing garbage", "non-object"])
def test_broken_project_file(ws_path: Path, damage: str) -> None:
    _make_workspace(ws_path)
    [project_file] = ws_path.with_name("workspace.projects").glob("*.json")
    DAMAGE[damage][0](project_file)
    broken = project_file.read_bytes()
    with Workspace.open(ws_path) as ws:  # the index is fine: the workspace opens
        with pytest.raises(ProjectCorrupt) as caught:
            ws.project("P")
        error = caught.value
        assert error.project == "P" and "project 'P'" in str(error)
        assert error.moved_to is not None and error.moved_to.read_bytes() == broken
        assert error.backup is not None
        project = ws.project("P", use_backup=True)
        assert project.recovered_from is not None
        assert project.current() == small_ruleset("a")  # the save before the last one
        assert project.save(small_ruleset("c")).number == 2
    assert error.moved_to.read_bytes() == broken


def test_missing_project_file_without_backup(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        ws.create_project("P", small_ruleset("a"))
    [project_file] = ws_path.with_name("workspace.projects").glob("*.json")
    project_file.unlink()
    with Workspace.open(ws_path) as ws:
        with pytest.raises(ProjectCorrupt, match="missing"):
            ws.project("P")


def test_move_aside_never_replaces_an_earlier_casualty(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    names = set()
    for content in (b"one", b"two", b"three"):
        path.write_bytes(content)
        names.add(move_aside(path))
    assert len(names) == 3
    assert sorted(p.read_bytes() for p in names) == [b"one", b"three", b"two"]


def test_broken_recovery_file_is_kept_aside(ws_path: Path) -> None:
    _make_workspace(ws_path)
    recovery = ws_path.with_name("workspace.recovery.json")
    recovery.write_bytes(b'{"format": "handoff-builder-recovery", "projects": {')
    with Workspace.open(ws_path, read_only=True) as reader:  # a reader never moves files
        assert reader.pending_recovery() == []
    assert recovery.exists()
    with Workspace.open(ws_path) as ws:
        assert ws.pending_recovery() == []
        assert ws._recovery.moved_aside is not None
        assert ws._recovery.moved_aside.read_bytes().endswith(b"{")
    assert json.loads(ws_path.read_text())["meta"]
