"""Atomic storage: a failure at any step of a write leaves the previous file intact."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from ws_helpers import small_ruleset

from builder.workspace import Workspace, WorkspaceError, WorkspaceWriteError
from builder.workspace.disk import storage as storage_module
from builder.workspace.disk.storage import AtomicStorage, atomic_write_bytes


def _fail(*_args: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def test_write_keeps_previous_file_as_backup(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = AtomicStorage(path)
    store.write({"t": {"1": {"v": 1}}})
    store.write({"t": {"1": {"v": 2}}})
    assert json.loads(path.read_text()) == {"t": {"1": {"v": 2}}}
    assert json.loads((tmp_path / "db.json.bak").read_text()) == {"t": {"1": {"v": 1}}}
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("step", ["_write_all", "_fsync", "_replace"])
def test_failure_at_each_step_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              step: str) -> None:
    path = tmp_path / "db.json"
    store = AtomicStorage(path)
    store.write({"t": {"1": {"v": 1}}})
    store.write({"t": {"1": {"v": 2}}})
    before = path.read_bytes()
    monkeypatch.setattr(storage_module, step, _fail)
    with pytest.raises(WorkspaceWriteError, match="previously saved version is intact"):
        store.write({"t": {"1": {"v": 3}}})
    assert path.read_bytes() == before
    assert store.read() == {"t": {"1": {"v": 2}}}
    assert _leftovers(tmp_path) == []


def test_failure_while_serialising_touches_nothing(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = AtomicStorage(path)
    store.write({"t": {"1": {"v": 1}}})
    before = path.read_bytes()
    with pytest.raises(WorkspaceError, match="Nothing was saved"):
        store.write({"t": {"1": {"v": object()}}})
    assert path.read_bytes() == before


def test_failing_fsync_of_folder_is_not_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(storage_module, "_fsync_dir", calls.append)
    atomic_write_bytes(tmp_path / "x", b"data")
    assert calls == [tmp_path]
    assert (tmp_path / "x").read_bytes() == b"data"


def test_backup_without_hard_links_is_copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(b'{"a":{}}')

    def no_links(*_args: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(storage_module.os, "link", no_links)
    atomic_write_bytes(path, b'{"b":{}}', backup=True)
    assert (tmp_path / "db.json.bak").read_bytes() == b'{"a":{}}'
    assert path.read_bytes() == b'{"b":{}}'


@pytest.mark.parametrize("step", ["_write_all", "_fsync", "_replace"])
def test_failed_project_save_keeps_project_and_index(ws_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     step: str) -> None:
    with Workspace.open(ws_path) as ws:
        project = ws.create_project("P", small_ruleset("a"))
        project.save(small_ruleset("a", "b"))
        files = {p: p.read_bytes() for p in ws_path.parent.rglob("*") if p.is_file()}
        with monkeypatch.context() as patch:
            patch.setattr(storage_module, step, _fail)
            with pytest.raises(WorkspaceWriteError):
                project.save(small_ruleset("c"))
        assert {p: p.read_bytes() for p in ws_path.parent.rglob("*") if p.is_file()} == files
        # the failed save left nothing half-done in memory either
        assert project.current() == small_ruleset("a", "b")
        assert [r.number for r in project.revisions()] == [1, 2]
        assert project.save(small_ruleset("c")).number == 3
    with Workspace.open(ws_path) as ws:
        assert ws.project("P").current() == small_ruleset("c")


def test_a_save_is_one_write(ws_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Workspace.open(ws_path) as ws:
        project = ws.create_project("P", small_ruleset("a"))
        written: list[Path] = []
        real = storage_module.atomic_write_bytes

        def spy(path: Path, data: bytes, *, backup: bool = False) -> None:
            written.append(path)
            real(path, data, backup=backup)

        monkeypatch.setattr(storage_module, "atomic_write_bytes", spy)
        project.save(small_ruleset("b"))
        # the project file once (revision + current together), then the index summary
        assert written == [project.path, ws_path]


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = AtomicStorage(path)
    store.write({"t": {"1": {"v": 1}}})
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.write({"t": {"1": {"v": 2}}})
            raise RuntimeError("boom")
    assert store.read() == {"t": {"1": {"v": 1}}}
    assert json.loads(path.read_text()) == {"t": {"1": {"v": 1}}}


def test_read_returns_copies_and_sees_outside_changes(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = AtomicStorage(path)
    store.write({"t": {"1": {"v": 1}}})
    first = store.read()
    assert first is not None
    first["t"]["1"]["v"] = 99
    assert store.read() == {"t": {"1": {"v": 1}}}
    other = AtomicStorage(path)
    other.write({"t": {"1": {"v": 2}, "2": {"v": 3}}})
    assert store.read() == {"t": {"1": {"v": 2}, "2": {"v": 3}}}


def test_missing_file_reads_as_empty(tmp_path: Path) -> None:
    assert AtomicStorage(tmp_path / "none.json").read() is None


def test_failure_replacing_main_file_after_backup_leaves_old(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.json"
    store = AtomicStorage(path)
    store.write({"t": {"1": {"v": 1}}})
    store.write({"t": {"1": {"v": 2}}})
    before = path.read_bytes()
    real = storage_module._replace
    calls: list[Path] = []

    def replace_backup_only(source: Path, target: Path) -> None:
        calls.append(target)
        if target == path:
            _fail()
        real(source, target)

    monkeypatch.setattr(storage_module, "_replace", replace_backup_only)
    with pytest.raises(WorkspaceWriteError):
        store.write({"t": {"1": {"v": 3}}})
    assert calls == [tmp_path / "db.json.bak", path]
    assert path.read_bytes() == before
    assert (tmp_path / "db.json.bak").read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_write_after_crash_between_backup_and_replace_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = AtomicStorage(path)
    store.write({"t": {"1": {"v": 0}}})
    store.write({"t": {"1": {"v": 1}}})
    (tmp_path / "db.json.bak").unlink()
    os.link(path, tmp_path / "db.json.bak")  # backup made, then the process died
    store.write({"t": {"1": {"v": 2}}})
    assert json.loads((tmp_path / "db.json.bak").read_text()) == {"t": {"1": {"v": 1}}}
    assert _leftovers(tmp_path) == []
