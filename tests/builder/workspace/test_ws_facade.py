"""The workspace facade: projects, revisions, restore, libraries, exports, settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ws_helpers import lock_is_free, small_ruleset

from builder.workspace import (
    ProjectExists,
    ProjectNotFound,
    RevisionNotFound,
    Workspace,
    WorkspaceError,
    WorkspaceReadOnly,
    content_hash,
    default_path,
)


def test_create_project_holds_revision_one(ws: Workspace, playbook: dict[str, Any]) -> None:
    project = ws.create_project("Support", playbook)
    assert project.current() == playbook
    [revision] = project.revisions()
    assert (revision.number, revision.author, revision.description) == (1, "Ana", "Created the project")
    assert revision.content_hash == content_hash(playbook)
    assert revision.time.endswith("Z")
    [info] = ws.projects()
    assert (info.name, info.revisions, info.rules) == ("Support", 1, len(playbook["rules"]))


def test_save_creates_revision_with_diff_summary(ws: Workspace, playbook: dict[str, Any]) -> None:
    project = ws.create_project("Support", playbook)
    edited = json.loads(json.dumps(playbook))
    edited["rules"][1]["enabled"] = False
    revision = project.save(edited)
    assert revision.number == 2
    assert revision.description == f"Changed '{playbook['rules'][1]['name']}' (enabled → disabled)"
    assert project.current() == edited
    assert project.revision_document(1) == playbook
    assert project.revision_document(2) == edited
    assert ws.projects()[0].revisions == 2
    assert ws.projects()[0].content_hash == content_hash(edited)


def test_explicit_description_and_author(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    revision = project.save(small_ruleset("a", "b"), "Added b for the launch", author="Bo")
    assert (revision.description, revision.author) == ("Added b for the launch", "Bo")


def test_saving_unchanged_document_makes_no_revision(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    head = project.save(small_ruleset("a"))
    assert head.number == 1
    assert len(project.revisions()) == 1


def test_caller_changing_its_dict_does_not_change_a_revision(ws: Workspace) -> None:
    document = small_ruleset("a")
    project = ws.create_project("P", document)
    document["rules"][0]["name"] = "changed afterwards"
    assert project.current()["rules"][0]["name"] == "Rule a"
    project.current()["rules"].clear()
    assert len(project.revision_document(1)["rules"]) == 1


def test_restore_is_a_new_revision_and_keeps_history(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    project.save(small_ruleset("a", "b"))
    project.save(small_ruleset("c"))
    restored = project.restore(1)
    assert restored.number == 4
    assert restored.description == "Restored revision 1"
    assert project.current() == small_ruleset("a")
    assert [r.number for r in project.revisions()] == [1, 2, 3, 4]
    assert project.revision_document(3) == small_ruleset("c")


def test_diff_between_revisions(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a", "b"))
    project.save(small_ruleset("b", "c"))
    diff = project.diff(1, 2)
    assert [r.id for r in diff.added] == ["c"]
    assert [r.id for r in diff.removed] == ["a"]
    assert project.diff(2, 2).empty


def test_unknown_revision_and_project(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    with pytest.raises(RevisionNotFound, match="no revision 7"):
        project.revision_document(7)
    with pytest.raises(RevisionNotFound):
        project.restore(0)
    with pytest.raises(ProjectNotFound, match="no project named 'Q'"):
        ws.project("Q")


def test_duplicate_and_bad_names(ws: Workspace) -> None:
    ws.create_project("P", small_ruleset("a"))
    with pytest.raises(ProjectExists):
        ws.create_project("P", small_ruleset("b"))
    with pytest.raises(WorkspaceError, match="name"):
        ws.create_project("   ", small_ruleset("b"))


def test_non_object_and_unserialisable_documents_are_refused(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    with pytest.raises(WorkspaceError, match="JSON object"):
        project.save([1, 2])  # type: ignore[arg-type]
    with pytest.raises(WorkspaceError, match="cannot be saved"):
        project.save({"rules": [object()]})
    assert len(project.revisions()) == 1


def test_everything_survives_reopening(ws_path: Path, playbook: dict[str, Any]) -> None:
    with Workspace.open(ws_path, author="Ana") as ws:
        project = ws.create_project("Support", playbook)
        project.save(small_ruleset("x"))
        project.add_conversation("regressions", {"id": "c-1", "events": [],
                                                 "expect": {"escalate": False}})
        project.record_export("/tmp/out.json", 2, "sha256:feed")
        ws.settings["author"] = "Bo"
        ws.rename_project("Support", "Support desk")
    with Workspace.open(ws_path) as ws:
        assert ws.author == "Bo"
        project = ws.project("Support desk")
        assert project.current() == small_ruleset("x")
        assert [r.number for r in project.revisions()] == [1, 2]
        assert project.conversations("regressions")[0]["expect"] == {"escalate": False}
        [export] = project.exports()
        assert (export.path, export.revision, export.content_hash) == ("/tmp/out.json", 2, "sha256:feed")
        assert [p.name for p in ws.projects()] == ["Support desk"]


def test_conversation_libraries(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    assert project.libraries() == [] and project.conversations("none") == []
    project.add_conversation("smoke", {"id": "1", "events": []})
    project.add_conversation("smoke", {"id": "2", "events": []})
    project.add_conversation("billing", {"id": "3", "events": []})
    assert project.libraries() == ["billing", "smoke"]
    assert [c["id"] for c in project.conversations("smoke")] == ["1", "2"]
    project.set_conversations("smoke", [{"id": "9"}])
    assert project.conversations("smoke") == [{"id": "9"}]
    project.remove_library("billing")
    assert project.libraries() == ["smoke"]
    with pytest.raises(WorkspaceError):
        project.add_conversation("smoke", "not a dict")  # type: ignore[arg-type]


def test_exports_listed_per_project(ws: Workspace) -> None:
    a = ws.create_project("A", small_ruleset("a"))
    b = ws.create_project("B", small_ruleset("b"))
    a.record_export(Path("/x/a.json"), 1, "sha256:1")
    b.record_export("/x/b.json", 1, "sha256:2")
    assert [e.path for e in a.exports()] == ["/x/a.json"]
    assert [e.project for e in ws.exports()] == ["A", "B"]


def test_settings(ws: Workspace) -> None:
    assert ws.settings.get("theme", "light") == "light"
    ws.settings.set("theme", "dark")
    ws.settings["last_project"] = "P"
    assert ws.settings["theme"] == "dark"
    assert "last_project" in ws.settings
    assert ws.settings.as_dict() == {"theme": "dark", "last_project": "P"}
    with pytest.raises(KeyError):
        ws.settings["missing"]


def test_read_only_refuses_every_change(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        ws.create_project("P", small_ruleset("a"))
    before = {p: p.read_bytes() for p in ws_path.parent.rglob("*") if p.is_file()}
    with Workspace.open(ws_path, read_only=True) as ro:
        project = ro.project("P")
        assert project.current() == small_ruleset("a")
        for change in (lambda: project.save(small_ruleset("b")), lambda: project.restore(1),
                       lambda: project.add_conversation("l", {}), lambda: ro.settings.set("a", 1),
                       lambda: project.record_export("x", 1, "h"),
                       lambda: project.write_recovery(small_ruleset("b")),
                       lambda: ro.create_project("Q", small_ruleset("q"))):
            with pytest.raises(WorkspaceReadOnly):
                change()
    after = {p: p.read_bytes() for p in ws_path.parent.rglob("*") if p.is_file()}
    assert after == before


def test_read_only_sees_writers_later_saves(ws_path: Path) -> None:
    with Workspace.open(ws_path) as writer:
        project = writer.create_project("P", small_ruleset("a"))
        reader = Workspace.open(ws_path, read_only=True)
        seen = reader.project("P")
        assert seen.current() == small_ruleset("a")
        project.save(small_ruleset("b"))
        assert seen.current() == small_ruleset("b")
        assert len(seen.revisions()) == 2
        reader.close()


def test_read_only_missing_workspace_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace"):
        Workspace.open(tmp_path / "none.json", read_only=True)
    assert not (tmp_path / "none.json").exists()


def test_closed_workspace_refuses_use(ws_path: Path) -> None:
    ws = Workspace.open(ws_path)
    ws.close()
    ws.close()  # closing twice is harmless
    with pytest.raises(WorkspaceError, match="closed"):
        ws.project("P")


def test_files_live_next_to_the_workspace(ws: Workspace, ws_path: Path) -> None:
    ws.create_project("Billing & refunds", small_ruleset("a"))
    [project_file] = (ws_path.parent / "workspace.projects").glob("*.json")
    assert project_file.name.startswith("billing-refunds-")
    assert (ws_path.parent / "workspace.json.lock").exists()


def test_default_path_is_in_user_data_dir() -> None:
    path = default_path()
    assert path.name == "workspace.json"
    assert path.parent.name.lower() in {"handoff-builder", "data"} or "handoff-builder" in str(path)


def test_newer_format_opens_read_only_untouched(ws_path: Path) -> None:
    data = {"meta": {"1": {"format": "handoff-builder-workspace", "version": 99}}}
    ws_path.write_text(json.dumps(data))
    with Workspace.open(ws_path) as ws:
        assert ws.read_only
        assert any("newer version" in n and "format 99" in n and "read-only" in n for n in ws.notices)
        assert lock_is_free(ws_path)  # a reader holds no writer's lock
        with pytest.raises(WorkspaceReadOnly):
            ws.create_project("P", small_ruleset("a"))
    assert json.loads(ws_path.read_text()) == data


def test_project_file_outside_workspace_is_refused(ws_path: Path, tmp_path: Path) -> None:
    data = {"meta": {"1": {"format": "handoff-builder-workspace", "version": 1}},
            "projects": {"1": {"name": "P", "file": "../../etc/passwd"}}}
    ws_path.write_text(json.dumps(data))
    with pytest.raises(WorkspaceError, match="list of projects is damaged"):
        Workspace.open(ws_path)


def test_delete_project_keeps_its_file(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    project.write_recovery(small_ruleset("b"))
    file = project.path
    kept = ws.delete_project("P")
    assert not file.exists() and kept.name.startswith(file.name + ".deleted-")
    assert json.loads(kept.read_text())["current"]["1"]["document"] == small_ruleset("a")
    assert ws.projects() == [] and ws.pending_recovery() == []
    with pytest.raises(ProjectNotFound):
        ws.project("P")
    ws.create_project("P", small_ruleset("c"))  # the name is free again
    assert ws.project("P").current() == small_ruleset("c")


def test_unusable_location_is_a_readable_error(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    with pytest.raises(WorkspaceError, match="cannot be opened"):
        Workspace.open(folder)
    assert lock_is_free(folder)


def test_settings_value_that_cannot_be_stored(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="Nothing was saved"):
        ws.settings.set("bad", object())
    assert "bad" not in ws.settings


def test_stale_index_summary_is_refreshed_when_the_project_opens(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        project = ws.create_project("P", small_ruleset("a"))
        before = ws_path.read_bytes()
        project.save(small_ruleset("b"))
    ws_path.write_bytes(before)  # as if killed after the project file was written, before the index
    with Workspace.open(ws_path) as ws:
        assert ws.projects()[0].revisions == 1
        head = ws.project("P").head()
        assert ws.projects()[0].revisions == head.number == 2
        assert ws.projects()[0].content_hash == head.content_hash


def test_open_without_path_uses_the_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builder.workspace.workspace as workspace_module

    monkeypatch.setattr(workspace_module.platformdirs, "user_data_path",
                        lambda app: tmp_path / "data" / app)
    with Workspace.open() as ws:
        ws.create_project("P", small_ruleset("a"))
    assert ws.path == tmp_path / "data" / "handoff-builder" / "workspace.json"
    assert ws.path.exists()


def test_current_revision_pairs_number_and_document(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a"))
    project.save(small_ruleset("b"))
    revision, document = project.current_revision()
    assert revision.number == 2 and document == small_ruleset("b")
    assert revision == project.head()
