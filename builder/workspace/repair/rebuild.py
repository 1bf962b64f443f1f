"""The workspace index: checking it, and rebuilding a lost or damaged one from the project files.

The index (`workspace.json`) only lists projects; each project's file holds its own name, history
and current ruleset. So when the index is unreadable and has no good backup, every project file in
the projects folder is listed again (with its summary read from the file) instead of starting an
empty workspace that would hide them. A project file that cannot be read is listed too, under its
file name, so the project list shows it as damaged rather than forgetting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.workspace.disk.corruption import StorageCorrupt, read_database
from builder.workspace.disk.layout import is_project_file, projects_folder, relative
from builder.workspace.errors import WorkspaceCorrupt
from builder.workspace.opening import CorruptionNotice
from builder.workspace.project import PROJECT_FORMAT, rule_count
from builder.workspace.revisions import now_iso

_CASUALTY = re.compile(r"^(?P<main>[^.].*\.json)(?:\.bak|\.corrupt-\d{8}T\d{6}Z(?:-\d+)?)$")


@dataclass(frozen=True)
class RebuiltIndex:
    """The index tables written from the project files, and what the user should be told."""

    tables: dict[str, dict[str, Any]]
    names: list[str]
    unreadable: list[str]

    def message(self, workspace_path: Path) -> str:
        folder = projects_folder(workspace_path)
        if not self.names:
            return f"No project files were found in {folder}, so the workspace starts empty."
        listed = ", ".join(f"“{name}”" for name in self.names)
        text = (f"The list of projects was rebuilt from the {len(self.names)} project "
                f"file{'s' if len(self.names) != 1 else ''} found in {folder}: {listed}.")
        if self.unreadable:
            damaged = ", ".join(f"“{name}”" for name in self.unreadable)
            text += f" These could not be read and are listed as damaged: {damaged}."
        return text


def project_files(workspace_path: Path) -> list[Path]:
    """Every project file the folder holds or held: `x.json`, and `x.json` when only its backup
    or a damaged copy moved aside is left (deleted projects, `.deleted-…`, stay deleted)."""
    folder = projects_folder(workspace_path)
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
    except OSError:
        return []
    found: set[str] = set()
    for name in names:
        if name.startswith("."):
            continue
        if name.endswith(".json"):
            found.add(name)
            continue
        match = _CASUALTY.match(name)
        if match:
            found.add(match.group("main"))
    return [folder / name for name in sorted(found)]


def _summary(path: Path) -> dict[str, Any] | None:
    """The index record's summary read from a project file; None when the file cannot be read."""
    try:
        data = read_database(path)
    except (StorageCorrupt, OSError):
        return None
    if data is None:
        return None
    meta = data.get("meta", {}).get("1", {})
    current = data.get("current", {}).get("1", {})
    if meta.get("format") != PROJECT_FORMAT or not isinstance(meta.get("name"), str) or not meta["name"].strip():
        return None
    document = current.get("document")
    revisions = current.get("revision")
    return {
        "name": meta["name"].strip()[:200],
        "created": str(meta.get("created", "")),
        "updated": "",
        "revisions": revisions if isinstance(revisions, int) and not isinstance(revisions, bool) else 0,
        "hash": str(current.get("hash", "")),
        "rules": rule_count(document) if isinstance(document, dict) else 0,
    }


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def rebuild_index(workspace_path: Path, *, version: int, format_name: str) -> RebuiltIndex:
    """A fresh index listing every project file found (see `project_files`)."""
    projects: dict[str, Any] = {}
    names: list[str] = []
    unreadable: list[str] = []
    taken: set[str] = set()
    for number, path in enumerate(project_files(workspace_path), start=1):
        summary = _summary(path)
        if summary is None:
            summary = {"name": f"Damaged project ({path.stem})", "created": "", "updated": "",
                       "revisions": 0, "hash": "", "rules": 0}
            unreadable.append(summary["name"])
        summary["name"] = _unique(summary["name"], taken)
        taken.add(summary["name"])
        names.append(summary["name"])
        projects[str(number)] = {**summary, "file": relative(workspace_path.parent, path)}
    tables: dict[str, dict[str, Any]] = {
        "meta": {"1": {"format": format_name, "version": version, "created": now_iso(), "rebuilt": now_iso()}},
        "projects": projects,
    }
    if unreadable:  # the unique name may have changed it
        unreadable = [n for n in names if n.startswith("Damaged project (")]
    return RebuiltIndex(tables, names, unreadable)


def count(value: Any) -> int:
    """A stored count, 0 when it is not a plain non-negative integer."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def instead_of_damaged(path: Path, damaged: WorkspaceCorrupt, format_name: str,
                       version: int) -> tuple[dict[str, Any], CorruptionNotice]:
    """What to open when the index is damaged and no good copy could be restored: the copy
    itself in memory (read-only), else an index rebuilt from the project files."""
    if damaged.backup is not None:  # only reached read-only, where nothing may be repaired
        try:
            data = read_database(damaged.backup)
        except (StorageCorrupt, OSError):
            data = None
        if data is not None:
            return data, CorruptionNotice(
                path, None, damaged.backup,
                f"The workspace file {path} could not be read because {damaged.reason}; it was left in place "
                f"(the workspace is open read-only) and its last good copy ({damaged.backup}) is shown instead.")
    rebuilt = rebuild_index(path, version=version, format_name=format_name)
    where = (f"the damaged file is kept as {damaged.moved_to}" if damaged.moved_to is not None
             else "the damaged file was left in place (the workspace is open read-only)")
    message = (f"The workspace file {path} could not be read because {damaged.reason} and has no good "
               f"backup; {where}. " + rebuilt.message(path))
    return rebuilt.tables, CorruptionNotice(path, damaged.moved_to, None, message)


def check_index(data: dict[str, dict[str, Any]], workspace_path: Path, format_name: str, known: int) -> str | None:
    """Why parsed data is not a workspace index we can use, or None."""
    meta = data.get("meta", {}).get("1")
    if meta is None or meta.get("format") != format_name:
        return "it is not a Handoff Builder workspace"
    version = meta.get("version")
    if isinstance(version, int) and version > known:
        return None  # opened read-only, never repaired: a newer layout is not damage to move aside
    names: set[str] = set()
    for record in data.get("projects", {}).values():
        file, name = record.get("file"), record.get("name")
        # a project file must sit in the projects folder: a damaged or crafted index must never
        # make a save replace the index, a backup or some other file
        if not isinstance(name, str) or name in names or not is_project_file(file, workspace_path):
            return "its list of projects is damaged"
        names.add(name)
    return None
