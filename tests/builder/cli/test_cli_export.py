"""`python -m builder export`: from a ruleset file or a workspace, validated, deterministic, recorded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rules_schema import content_hash, validate

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"
FIXTURE = ROOT / "tests" / "rules_schema" / "fixtures" / "ruleset.v1.json"  # stable, unlike the example


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", "export", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def playbook() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    return document


def make_workspace(path: Path, projects: dict[str, dict[str, Any]]) -> None:
    from builder.workspace import Workspace

    workspace = Workspace.open(path)
    try:
        for name, document in projects.items():
            workspace.create_project(name, document)
    finally:
        workspace.close()


def test_re_exporting_a_ruleset_file_is_canonical_and_repeatable(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run(PLAYBOOK, "-o", first).returncode == 0
    assert run(first, "-o", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    written = json.loads(first.read_text(encoding="utf-8"))
    assert written["metadata"]["content_hash"] == content_hash(written)
    assert validate(written) == []


def test_stamp_writes_the_export_time(tmp_path: Path) -> None:
    assert run(PLAYBOOK, "-o", tmp_path / "a.json", "--stamp").returncode == 0
    assert "exported_at" in json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["metadata"]


def test_an_invalid_ruleset_lists_problems_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    document["rules"][0]["actions"][0]["team"] = "nobody"
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    result = run(source, "-o", tmp_path / "out.json")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("$.rules[0].actions[0].team: error: ")
    assert "not exported" in result.stderr
    assert not (tmp_path / "out.json").exists()


def test_exports_the_only_project_and_records_it(tmp_path: Path) -> None:
    from builder.workspace import Workspace

    workspace_file = tmp_path / "ws.json"
    make_workspace(workspace_file, {"Support": playbook()})
    out = tmp_path / "out.json"
    result = run(workspace_file, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "project 'Support' (revision 1)" in result.stdout
    workspace = Workspace.open(workspace_file, read_only=True)
    try:
        [record] = workspace.project("Support").exports()
    finally:
        workspace.close()
    assert record.content_hash == json.loads(out.read_text(encoding="utf-8"))["metadata"]["content_hash"]
    assert record.revision == 1


def test_a_locked_workspace_is_exported_read_only_and_not_recorded(tmp_path: Path) -> None:
    from builder.workspace import Workspace

    workspace_file = tmp_path / "ws.json"
    make_workspace(workspace_file, {"Support": playbook()})
    holder = Workspace.open(workspace_file)  # this process holds the lock, like a running app
    try:
        result = run(workspace_file, "-o", tmp_path / "out.json")
        assert result.returncode == 0, result.stderr
        assert "read-only" in result.stderr and "not recorded" in result.stderr
        assert holder.project("Support").exports() == []
    finally:
        holder.close()


def test_several_projects_need_a_name(tmp_path: Path) -> None:
    workspace_file = tmp_path / "ws.json"
    second = playbook()
    second["metadata"]["name"] = "Sales playbook"
    make_workspace(workspace_file, {"Support": playbook(), "Sales": second})
    ambiguous = run(workspace_file, "-o", tmp_path / "out.json")
    assert ambiguous.returncode == 2 and "--project" in ambiguous.stderr
    unknown = run(workspace_file, "--project", "Nope", "-o", tmp_path / "out.json")
    assert unknown.returncode == 2 and "no project 'Nope'" in unknown.stderr
    chosen = run(workspace_file, "--project", "Sales", "-o", tmp_path / "out.json")
    assert chosen.returncode == 0
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["metadata"]["name"] == "Sales playbook"


@pytest.mark.parametrize("content", ["not json", "[1, 2]"])
def test_unreadable_input_exits_2(tmp_path: Path, content: str) -> None:
    source = tmp_path / "in.json"
    source.write_text(content, encoding="utf-8")
    result = run(source, "-o", tmp_path / "out.json")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_missing_workspace_and_output_folder_exit_2(tmp_path: Path) -> None:
    assert run(tmp_path / "none.json", "-o", tmp_path / "out.json").returncode == 2
    assert not (tmp_path / "none.json").exists()  # never created by export
    result = run(PLAYBOOK, "-o", tmp_path / "missing" / "out.json")
    assert result.returncode == 2 and "does not exist" in result.stderr
