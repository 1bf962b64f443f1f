"""Damaged workspaces never lock a manager out: the index is rebuilt from the project files,
damaged projects are listed (with what they can be restored from) while the others open, odd ids
and wrong shapes are damage (not exceptions), newer formats and unwritable disks open read-only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ws_helpers import small_ruleset

from builder.workspace import (
    ProjectCorrupt,
    Workspace,
    WorkspaceCorrupt,
    WorkspaceNotWritable,
    WorkspaceReadOnly,
    WorkspaceWriteError,
)
from builder.workspace.disk.storage import AtomicStorage
from tests.read_only_disk import make_read_only


def _two_projects(ws_path: Path, revisions: int = 1) -> dict[str, Path]:
    with Workspace.open(ws_path) as ws:
        for name in ("Sales", "Support"):
            project = ws.create_project(name, small_ruleset("a", name=name))
            for n in range(2, revisions + 1):
                project.save(small_ruleset("a", f"r{n}", name=name))
        return {name: ws.project(name).path for name in ("Sales", "Support")}


def _no_backup(path: Path) -> None:
    path.with_name(path.name + ".bak").unlink(missing_ok=True)


def _truncate(path: Path) -> bytes:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path.read_bytes()


def test_truncated_index_without_backup_is_rebuilt_from_the_project_files(ws_path: Path) -> None:
    files = _two_projects(ws_path, revisions=3)
    _no_backup(ws_path)
    broken = _truncate(ws_path)
    with pytest.raises(WorkspaceCorrupt, match="no earlier good copy") as caught:
        Workspace.open(ws_path)
    kept = caught.value.moved_to
    assert kept is not None and kept.read_bytes() == broken
    with Workspace.open(ws_path, use_backup=True) as ws:
        assert [p.name for p in ws.projects()] == ["Sales", "Support"]
        assert [p.revisions for p in ws.projects()] == [3, 3]
        notice = ws.recovered_from
        assert notice is not None and notice.backup is None
        assert str(kept) in notice.message and "“Sales”, “Support”" in notice.message
        assert ws.project("Support").current() == small_ruleset("a", "r3", name="Support")
        assert ws.project("Sales").path == files["Sales"]
    with Workspace.open(ws_path) as ws:  # the rebuilt index was written: a normal opening now
        assert ws.recovered_from is None and len(ws.projects()) == 2


def test_a_missing_index_is_rebuilt_too(ws_path: Path) -> None:
    _two_projects(ws_path)
    ws_path.unlink()
    _no_backup(ws_path)
    with Workspace.open(ws_path) as ws:
        assert [p.name for p in ws.projects()] == ["Sales", "Support"]
        assert ws.recovered_from is not None and "was missing" in ws.recovered_from.message


def test_an_unreadable_project_file_is_listed_as_damaged_after_a_rebuild(ws_path: Path) -> None:
    files = _two_projects(ws_path)
    files["Sales"].write_bytes(b"\x00\x01")
    _no_backup(files["Sales"])
    ws_path.unlink()
    _no_backup(ws_path)
    with Workspace.open(ws_path) as ws:
        names = [p.name for p in ws.projects()]
        assert "Support" in names and any(n.startswith("Damaged project (sales-") for n in names)
        assert "could not be read and are listed as damaged" in ws.recovered_from.message  # type: ignore[union-attr]


@pytest.mark.parametrize("odd", ["²", "١", "-1", "x"])
def test_an_odd_document_id_in_the_index_is_damage_not_an_exception(ws_path: Path, odd: str) -> None:
    _two_projects(ws_path)
    data = json.loads(ws_path.read_text())
    data["projects"] = {odd if key == "1" else key: value for key, value in data["projects"].items()}
    ws_path.write_text(json.dumps(data))
    _no_backup(ws_path)
    with pytest.raises(WorkspaceCorrupt, match="not in the expected shape"):
        Workspace.open(ws_path)
    with Workspace.open(ws_path, use_backup=True) as ws:
        assert [p.name for p in ws.projects()] == ["Sales", "Support"]


def test_an_odd_document_id_in_a_project_file_is_damage(ws_path: Path) -> None:
    files = _two_projects(ws_path)
    data = json.loads(files["Sales"].read_text())
    data["revisions"] = {"²": data["revisions"]["1"]}
    files["Sales"].write_text(json.dumps(data))
    _no_backup(files["Sales"])
    with Workspace.open(ws_path) as ws:
        with pytest.raises(ProjectCorrupt):
            ws.project("Sales")
        assert ws.project("Support").current()["metadata"]["name"] == "Support"


@pytest.mark.parametrize("file", ["workspace.json", "workspace.json.bak", "workspace.recovery.json",
                                  "workspace.projects/../workspace.json", "other/x.json", "workspace.projects/a/b.json",
                                  "workspace.projects/x.json.bak"])
def test_an_index_entry_can_only_name_a_file_in_the_projects_folder(ws_path: Path, file: str) -> None:
    _two_projects(ws_path)
    data = json.loads(ws_path.read_text())
    data["projects"]["1"]["file"] = file
    ws_path.write_text(json.dumps(data))
    _no_backup(ws_path)
    with pytest.raises(WorkspaceCorrupt, match="list of projects is damaged"):
        Workspace.open(ws_path)
    with Workspace.open(ws_path, use_backup=True) as ws:  # rebuilt: the index itself is intact
        assert [p.name for p in ws.projects()] == ["Sales", "Support"]
        for info in ws.projects():
            assert ws.project(info.name).path.parent.name == "workspace.projects"
    assert json.loads(ws_path.read_text())["meta"]["1"]["format"] == "handoff-builder-workspace"


def test_a_newer_index_is_never_repaired_and_its_entries_stay_confined(ws_path: Path) -> None:
    _two_projects(ws_path)
    data = json.loads(ws_path.read_text())
    data["meta"]["1"]["version"] = 2
    data["projects"]["1"]["file"] = "../elsewhere/x.json"  # a layout this version does not know
    ws_path.write_text(json.dumps(data))
    before = ws_path.read_bytes()
    with Workspace.open(ws_path) as ws:
        assert ws.read_only and ws.recovered_from is None
        outside = next(p.name for p in ws.projects() if p.name in ("Sales", "Support")
                       and ws._project_record(p.name)["file"].startswith(".."))
        with pytest.raises(ProjectCorrupt, match="outside the projects folder"):
            ws.project(outside)
    assert ws_path.read_bytes() == before


def test_a_truncated_single_revision_project_is_listed_as_damaged_and_the_others_open(ws_path: Path) -> None:
    files = _two_projects(ws_path)
    _no_backup(files["Sales"])
    broken = _truncate(files["Sales"])
    with Workspace.open(ws_path) as ws:
        with pytest.raises(ProjectCorrupt) as caught:
            ws.project("Sales")
        assert "no earlier good copy" in str(caught.value)
        damage = ws.damage("Sales")
        assert damage is not None and damage.kept is not None and damage.kept.read_bytes() == broken
        assert damage.options == ()  # nothing intact to restore from
        assert [d.name for d in ws.damaged_projects()] == ["Sales"]
        assert ws.project("Support").current()["metadata"]["name"] == "Support"
    with Workspace.open(ws_path) as ws:  # the next session still knows where the damaged file is
        with pytest.raises(ProjectCorrupt, match="damaged copy found earlier is kept as"):
            ws.project("Sales")
        damage = ws.damage("Sales")
        assert damage is not None and damage.kept is not None and damage.kept.read_bytes() == broken
        kept = ws.delete_project("Sales")  # "Remove from list"
        assert kept == damage.kept and kept.read_bytes() == broken
        assert [p.name for p in ws.projects()] == ["Support"] and ws.damage("Sales") is None


def test_a_cut_off_project_restores_the_revisions_before_the_cut(ws_path: Path) -> None:
    files = _two_projects(ws_path, revisions=4)
    text = files["Sales"].read_text()
    files["Sales"].write_text(text[: text.rindex('"4":{') + 40])  # cut inside revision 4
    _no_backup(files["Sales"])
    with Workspace.open(ws_path) as ws:
        with pytest.raises(ProjectCorrupt, match="cut off"):
            ws.project("Sales")
        damage = ws.damage("Sales")
        assert damage is not None and [o.label for o in damage.options] == ["Restore from revision 3"]
        project = ws.restore_project("Sales", damage.options[0])
        assert project.current() == small_ruleset("a", "r3", name="Sales")
        assert [r.number for r in project.revisions()] == [1, 2, 3]


def _drop_number(record: dict[str, Any]) -> None:
    record.pop("number")


def test_a_wrong_shape_project_is_damage_and_restores_from_its_last_intact_revision(ws_path: Path) -> None:
    files = _two_projects(ws_path, revisions=4)
    data = json.loads(files["Sales"].read_text())
    _drop_number(data["revisions"]["4"])  # the head revision lost a field: was a KeyError 'number'
    data["revisions"]["3"]["hash"] = "sha256:0"  # and revision 3 no longer matches its hash
    files["Sales"].write_text(json.dumps(data))
    _no_backup(files["Sales"])
    with Workspace.open(ws_path) as ws:
        with pytest.raises(ProjectCorrupt, match="not in the expected shape"):
            ws.project("Sales")
        damage = ws.damage("Sales")
        assert damage is not None
        assert [o.label for o in damage.options] == ["Restore from revision 4"]
        project = ws.restore_project("Sales", damage.options[0])
        assert project.current() == small_ruleset("a", "r4", name="Sales")
        assert [r.number for r in project.revisions()] == [1, 2, 4]  # revision 3 was not intact
        assert project.revision_document(2) == small_ruleset("a", "r2", name="Sales")
        assert project.save(small_ruleset("b", name="Sales")).number == 5
        assert ws.damage("Sales") is None
        assert [p.revisions for p in ws.projects() if p.name == "Sales"] == [5]


def test_a_damaged_project_restores_from_its_unsaved_changes(ws_path: Path) -> None:
    files = _two_projects(ws_path)
    with Workspace.open(ws_path) as ws:
        ws.project("Sales").write_recovery(small_ruleset("z", name="Sales"))
        ws.close(keep_recovery=True)
    _no_backup(files["Sales"])
    _truncate(files["Sales"])
    with Workspace.open(ws_path) as ws:
        with pytest.raises(ProjectCorrupt):
            ws.project("Sales")
        damage = ws.damage("Sales")
        assert damage is not None and [o.kind for o in damage.options] == ["recovery"]
        assert "based on revision 1" in damage.options[0].label
        project = ws.restore_project("Sales", damage.options[0])
        assert project.current() == small_ruleset("z", name="Sales")
        assert project.head().number == 1


def test_a_project_of_a_newer_format_opens_read_only(ws_path: Path) -> None:
    files = _two_projects(ws_path)
    data = json.loads(files["Sales"].read_text())
    data["meta"]["1"]["version"] = 99
    files["Sales"].write_text(json.dumps(data))
    before = files["Sales"].read_bytes()
    with Workspace.open(ws_path) as ws:
        project = ws.project("Sales")
        assert project.read_only and "newer version" in project.read_only_reason
        assert project.current()["metadata"]["name"] == "Sales"
        with pytest.raises(WorkspaceReadOnly, match="newer version"):
            project.save(small_ruleset("b"))
        with pytest.raises(WorkspaceReadOnly):
            project.add_conversation("lib", {"id": "1", "events": []})
        assert not ws.project("Support").read_only
    assert files["Sales"].read_bytes() == before


def test_a_newer_project_file_this_version_cannot_read_is_left_as_it_is(ws_path: Path) -> None:
    files = _two_projects(ws_path)
    newer = {"meta": {"1": {"format": "handoff-builder-project", "version": 7, "name": "Sales"}},
             "rulesets": {"1": {"draft": {}}}}
    files["Sales"].write_text(json.dumps(newer))
    with Workspace.open(ws_path) as ws:
        with pytest.raises(ProjectCorrupt, match="newer version of Handoff Builder .format 7. in a form"):
            ws.project("Sales")
        assert ws.project("Support").current()["metadata"]["name"] == "Support"
    assert json.loads(files["Sales"].read_text()) == newer


def test_a_corrupt_recovery_file_is_reported_with_where_it_was_kept(ws_path: Path) -> None:
    _two_projects(ws_path)
    recovery = ws_path.with_name("workspace.recovery.json")
    recovery.write_bytes(b'{"format": "handoff-builder-recovery", "projects": {')
    with Workspace.open(ws_path, read_only=True) as reader:
        assert any("could not be read" in n and "left in place" in n for n in reader.notices)
    with Workspace.open(ws_path) as ws:
        kept = ws._recovery.moved_aside
        assert kept is not None
        [notice] = ws.notices
        assert str(kept) in notice and "cannot be restored" in notice
    with Workspace.open(ws_path) as ws:
        assert ws.notices == []  # told once


def test_a_read_only_disk_opens_read_only_not_an_error(ws_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_projects(ws_path)
    make_read_only(ws_path.parent, monkeypatch)
    with pytest.raises(WorkspaceNotWritable, match="opened read-only") as caught:
        Workspace.open(ws_path)
    assert "Read-only file system" in str(caught.value)
    with Workspace.open(ws_path, read_only=True) as ws:
        assert ws.project("Sales").current()["metadata"]["name"] == "Sales"


def test_a_damaged_index_on_a_read_only_disk_is_rebuilt_in_memory(ws_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _two_projects(ws_path)
    _no_backup(ws_path)
    broken = _truncate(ws_path)
    make_read_only(ws_path.parent, monkeypatch)
    with Workspace.open(ws_path, read_only=True, use_backup=True) as ws:
        assert [p.name for p in ws.projects()] == ["Sales", "Support"]
        assert "left in place" in ws.recovered_from.message  # type: ignore[union-attr]
        assert ws.project("Support").current()["metadata"]["name"] == "Support"
    assert ws_path.read_bytes() == broken


def test_a_failed_new_file_does_not_claim_an_earlier_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_read_only(tmp_path, monkeypatch)
    with pytest.raises(WorkspaceWriteError, match="nothing was created") as caught:
        AtomicStorage(tmp_path / "new.json").write({"meta": {}})
    assert "previously saved" not in str(caught.value)
