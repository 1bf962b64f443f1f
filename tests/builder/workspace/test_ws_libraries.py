"""Conversation libraries in their own JSON Lines files: appends, damage, confinement, migration."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from ws_helpers import small_ruleset

from builder.format.conversation import read_conversations
from builder.workspace import (
    LibraryCorrupt,
    ProjectCorrupt,
    Workspace,
    WorkspaceError,
    WorkspaceReadOnly,
    WorkspaceWriteError,
)
from builder.workspace import libraries as libraries_module


def conversation(n: int) -> dict[str, Any]:
    return {"id": f"c-{n}", "events": [{"at": "2026-11-27T02:00:05Z", "type": "visitor",
                                        "text": f"line one\nline two {n} — ünïcode"}],
            "expect": {"escalate": n % 2 == 0}}


def _library_file(ws: Workspace, library: str = "lib") -> Path:
    path = ws.project("P").library_path(library)
    assert path is not None
    return path


@pytest.fixture
def project_ws(ws_path: Path) -> Workspace:
    ws = Workspace.open(ws_path, author="Ana")
    ws.create_project("P", small_ruleset("a"))
    return ws


def test_library_is_a_jsonl_file_beside_the_project(project_ws: Workspace, ws_path: Path) -> None:
    project = project_ws.project("P")
    for n in range(3):
        project.add_conversation("Billing & refunds", conversation(n))
    path = project.library_path("Billing & refunds")
    assert path is not None and path.suffix == ".jsonl"
    assert path.parent == project.path.with_name(project.path.stem + ".libraries")
    assert path.name.startswith("billing-refunds-")
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and [json.loads(line) for line in lines[:-1]] == [conversation(n) for n in range(3)]
    # the conversation format the CLI reads
    with open(path, encoding="utf-8") as handle:
        assert [c.id for c in read_conversations(handle)] == ["c-0", "c-1", "c-2"]  # type: ignore[union-attr]
    assert "conversations" not in project.path.read_text("utf-8")
    project_ws.close()


def test_adding_a_conversation_does_not_rewrite_the_project(project_ws: Workspace) -> None:
    project = project_ws.project("P")
    project.add_conversation("lib", conversation(0))  # creating the library lists it: one write
    before = os.stat(project.path)
    index_before = os.stat(project_ws.path)
    for n in range(1, 50):
        project.add_conversation("lib", conversation(n))
    after = os.stat(project.path)
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)
    assert os.stat(project_ws.path).st_mtime_ns == index_before.st_mtime_ns
    assert [c["id"] for c in project.conversations("lib")] == [f"c-{n}" for n in range(50)]
    project_ws.close()


def test_a_rule_save_neither_touches_nor_grows_with_libraries(project_ws: Workspace) -> None:
    project = project_ws.project("P")
    project.save(small_ruleset("a", "b"))
    small = project.path.stat().st_size
    project.set_conversations("big", [conversation(n) for n in range(2000)])
    library = _library_file(project_ws, "big")
    stamp = os.stat(library).st_mtime_ns
    project.save(small_ruleset("a", "c"))
    assert os.stat(library).st_mtime_ns == stamp
    assert project.path.stat().st_size < small + 2000  # a revision and the listing, not 2,000 conversations
    project_ws.close()


def test_append_cut_off_by_a_kill_is_ignored_then_cut(project_ws: Workspace) -> None:
    project = project_ws.project("P")
    project.add_conversation("lib", conversation(1))
    path = _library_file(project_ws)
    with open(path, "ab") as handle:
        handle.write(b'{"id": "c-2", "events": [{"at"')  # the line a killed append left
    assert project.conversations("lib") == [conversation(1)]
    project.add_conversation("lib", conversation(3))
    assert project.conversations("lib") == [conversation(1), conversation(3)]
    assert path.read_bytes().count(b"\n") == 2 and path.read_bytes().endswith(b"\n")
    project_ws.close()


def test_complete_last_line_without_newline_is_kept(project_ws: Workspace) -> None:
    project = project_ws.project("P")
    project.add_conversation("lib", conversation(1))
    path = _library_file(project_ws)
    with open(path, "ab") as handle:
        handle.write(json.dumps(conversation(2)).encode())  # edited by hand, no final newline
    assert project.conversations("lib") == [conversation(1), conversation(2)]
    project.add_conversation("lib", conversation(3))
    assert project.conversations("lib") == [conversation(n) for n in (1, 2, 3)]
    project_ws.close()


def test_failed_append_leaves_the_file_as_it_was(project_ws: Workspace,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_ws.project("P")
    project.add_conversation("lib", conversation(1))
    path = _library_file(project_ws)
    before = path.read_bytes()
    real_write = os.write

    def half_then_full(fd: int, data: Any) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(libraries_module.os, "write", half_then_full)
    with pytest.raises(WorkspaceWriteError, match="No space left"):
        project.add_conversation("lib", conversation(2))
    monkeypatch.undo()
    assert path.read_bytes() == before
    project_ws.close()


def test_damaged_line_moves_the_file_aside_and_keeps_the_rest(project_ws: Workspace) -> None:
    project = project_ws.project("P")
    project.set_conversations("lib", [conversation(n) for n in range(4)])
    path = _library_file(project_ws)
    lines = path.read_bytes().split(b"\n")
    lines[1] = b'{"id": "c-1", "ev\xff'  # bit rot in the middle
    path.write_bytes(b"\n".join(lines))
    broken = path.read_bytes()
    with pytest.raises(LibraryCorrupt) as caught:
        project.conversations("lib")
    error = caught.value
    assert "line 2 " in str(error) and str(error).count(". ") == 0 and str(error).endswith(".")
    assert error.moved_to is not None and error.moved_to.name.startswith(path.name + ".corrupt-")
    assert error.moved_to.name in str(error) and error.moved_to.read_bytes() == broken
    assert (error.kept, error.library, error.project) == (3, "lib", "P")
    assert project.conversations("lib") == [conversation(n) for n in (0, 2, 3)]  # from now on
    project_ws.close()


def test_missing_library_file_is_restored_from_its_backup(project_ws: Workspace) -> None:
    project = project_ws.project("P")
    project.set_conversations("lib", [conversation(1)])
    project.set_conversations("lib", [conversation(1), conversation(2)])  # .bak holds [1]
    path = _library_file(project_ws)
    path.unlink()
    with pytest.raises(LibraryCorrupt, match="missing") as caught:
        project.add_conversation("lib", conversation(3))
    assert caught.value.kept == 1 and caught.value.moved_to is None
    assert project.conversations("lib") == [conversation(1)]
    project_ws.close()


def test_read_only_reports_a_damaged_library_and_leaves_it(project_ws: Workspace, ws_path: Path) -> None:
    project_ws.project("P").add_conversation("lib", conversation(1))
    path = _library_file(project_ws)
    project_ws.close()
    path.write_bytes(b"not json\n" + path.read_bytes())
    before = sorted(p.name for p in path.parent.iterdir())
    with Workspace.open(ws_path, read_only=True) as ro:
        with pytest.raises(LibraryCorrupt, match="left in place"):
            ro.project("P").conversations("lib")
        with pytest.raises(WorkspaceReadOnly):
            ro.project("P").add_conversation("lib", conversation(2))
    assert sorted(p.name for p in path.parent.iterdir()) == before


def test_remove_library_keeps_its_file(project_ws: Workspace) -> None:
    project = project_ws.project("P")
    project.add_conversation("lib", conversation(1))
    path = _library_file(project_ws)
    project.remove_library("lib")
    assert project.libraries() == [] and project.conversations("lib") == [] and not path.exists()
    [kept] = path.parent.glob(path.name + ".deleted-*")
    assert json.loads(kept.read_text("utf-8")) == conversation(1)
    project.add_conversation("lib", conversation(2))  # the name is free again, the file fresh
    assert project.conversations("lib") == [conversation(2)]
    project_ws.close()


def test_deleting_a_project_keeps_its_libraries(project_ws: Workspace) -> None:
    project = project_ws.project("P")
    project.add_conversation("lib", conversation(1))
    folder = _library_file(project_ws).parent
    project_ws.delete_project("P")
    assert not folder.exists()
    [kept] = folder.parent.glob(folder.name + ".deleted-*")
    assert [p.suffix for p in kept.iterdir()] == [".jsonl"]
    project_ws.close()


def _point_library_at(ws_path: Path, file: str) -> Path:
    """Edit the project file by hand so that library 'lib' names `file`."""
    [project_file] = ws_path.with_name("workspace.projects").glob("*.json")
    data = json.loads(project_file.read_text("utf-8"))
    data["libraries"] = {"1": {"name": "lib", "file": file}}
    project_file.write_text(json.dumps(data), "utf-8")
    return project_file


@pytest.mark.parametrize("file", ["../outside.jsonl", "/tmp/outside.jsonl", "C:/x/outside.jsonl",
                                  "workspace.projects/..\\..\\outside.jsonl", "workspace.json"])
def test_library_path_outside_the_workspace_is_refused(project_ws: Workspace, ws_path: Path,
                                                       file: str) -> None:
    project_ws.close()
    _point_library_at(ws_path, file)
    with Workspace.open(ws_path) as ws:
        with pytest.raises(ProjectCorrupt, match="list of conversation libraries is damaged"):
            ws.project("P")


def test_library_path_outside_its_project_folder_is_never_written(project_ws: Workspace,
                                                                  ws_path: Path) -> None:
    project_ws.close()
    _point_library_at(ws_path, "elsewhere.jsonl")  # inside the workspace folder, but not its place
    with Workspace.open(ws_path) as ws:
        project = ws.project("P")
        with pytest.raises(WorkspaceError, match="outside its folder"):
            project.add_conversation("lib", conversation(1))
        with pytest.raises(WorkspaceError, match="outside its folder"):
            project.conversations("lib")
    assert not ws_path.with_name("elsewhere.jsonl").exists()


# -- workspaces written before libraries had their own files ----------------------------------------
def _write_old_workspace(ws_path: Path, libraries: dict[str, list[Any]]) -> Path:
    """A workspace as the previous version wrote it: libraries inline in the project file."""
    with Workspace.open(ws_path, author="Ana") as ws:
        ws.create_project("P", small_ruleset("a"))
    [project_file] = ws_path.with_name("workspace.projects").glob("*.json")
    data = json.loads(project_file.read_text("utf-8"))
    data["libraries"] = {str(i): {"name": name, "conversations": items}
                         for i, (name, items) in enumerate(libraries.items(), 1)}
    project_file.write_text(json.dumps(data), "utf-8")
    shutil.rmtree(project_file.with_name(project_file.stem + ".libraries"), ignore_errors=True)
    return project_file


def test_old_workspace_is_migrated_on_open(ws_path: Path) -> None:
    old = {"smoke": [conversation(1), conversation(2)], "billing": [conversation(3)], "empty": []}
    project_file = _write_old_workspace(ws_path, old)
    with Workspace.open(ws_path) as ws:
        project = ws.project("P")
        assert project.libraries() == ["billing", "empty", "smoke"]
        for name, items in old.items():
            assert project.conversations(name) == items
            path = project.library_path(name)
            assert path is not None and path.exists()
        stored = json.loads(project_file.read_text("utf-8"))["libraries"]
        assert all(set(r) == {"name", "file"} for r in stored.values())
        assert project.current() == small_ruleset("a") and len(project.revisions()) == 1
        project.add_conversation("smoke", conversation(4))
    with Workspace.open(ws_path) as ws:  # migrated once; what was added since stays
        assert ws.project("P").conversations("smoke") == [conversation(n) for n in (1, 2, 4)]


def test_interrupted_migration_keeps_files_already_written(ws_path: Path) -> None:
    project_file = _write_old_workspace(ws_path, {"smoke": [conversation(1)]})
    with Workspace.open(ws_path) as ws:
        ws.project("P").add_conversation("smoke", conversation(2))
    data = json.loads(project_file.read_text("utf-8"))  # as if the listing's write never happened
    data["libraries"] = {"1": {"name": "smoke", "conversations": [conversation(1)]}}
    project_file.write_text(json.dumps(data), "utf-8")
    with Workspace.open(ws_path) as ws:
        assert ws.project("P").conversations("smoke") == [conversation(1), conversation(2)]


def test_old_workspace_opened_read_only_is_read_as_it_is(ws_path: Path) -> None:
    _write_old_workspace(ws_path, {"smoke": [conversation(1)]})
    before = {p: p.read_bytes() for p in ws_path.parent.rglob("*") if p.is_file()}
    with Workspace.open(ws_path, read_only=True) as ro:
        assert ro.project("P").conversations("smoke") == [conversation(1)]
        assert ro.project("P").library_path("smoke") is None
    assert {p: p.read_bytes() for p in ws_path.parent.rglob("*") if p.is_file()} == before


def test_migration_keeps_items_that_are_not_conversations(ws_path: Path) -> None:
    _write_old_workspace(ws_path, {"odd": [conversation(1), "a string", conversation(2)]})
    with Workspace.open(ws_path) as ws:
        project = ws.project("P")
        with pytest.raises(LibraryCorrupt, match="line 2 ") as caught:
            project.conversations("odd")
        assert caught.value.moved_to is not None and b'"a string"' in caught.value.moved_to.read_bytes()
        assert project.conversations("odd") == [conversation(1), conversation(2)]


def test_migration_that_cannot_write_leaves_the_project_usable(ws_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _write_old_workspace(ws_path, {"smoke": [conversation(1)]})
    real = libraries_module.atomic_write_bytes

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(libraries_module, "atomic_write_bytes", disk_full)
    with Workspace.open(ws_path) as ws:
        project = ws.project("P")  # opens all the same
        assert project.conversations("smoke") == [conversation(1)]
        assert project.library_path("smoke") is None  # still inline
        project.save(small_ruleset("a", "b"))
        monkeypatch.setattr(libraries_module, "atomic_write_bytes", real)
        project.add_conversation("smoke", conversation(2))  # the space is back: moved out, then added
        assert project.library_path("smoke") is not None
        assert project.conversations("smoke") == [conversation(1), conversation(2)]
