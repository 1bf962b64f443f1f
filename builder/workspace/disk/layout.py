"""Where a workspace's files live, and the rule that keeps every stored path inside its folder.

    workspace.json                    the index (projects, settings, export history)
    workspace.json.lock / .owner      the writer's OS lock and who holds it
    workspace.projects/<slug>.json    one TinyDB file per project
    workspace.projects/<slug>.libraries/<library-slug>.jsonl   its conversation libraries
    workspace.recovery.json           unsaved edits

Paths stored in the index or a project file are relative to the workspace's folder; a damaged or
crafted file must never make a write land outside it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath, PureWindowsPath


def projects_folder(workspace_path: Path) -> Path:
    return workspace_path.with_name(workspace_path.stem + ".projects")


def libraries_folder(project_path: Path) -> Path:
    return project_path.with_name(project_path.stem + ".libraries")


def slug(name: str, suffix: str) -> str:
    """A file-name-safe form of a user's name, made unique by `suffix`."""
    text = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "item"
    return f"{text}-{suffix}"


def name_digest(name: str) -> str:
    """A short stable digest of a name: the same library gets the same file every time."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


def is_confined(file: str) -> bool:
    """Whether a stored relative path stays inside the workspace's folder, on any platform."""
    if not file or "\x00" in file or ":" in file:
        return False
    for pure in (PurePosixPath(file), PureWindowsPath(file)):
        if pure.is_absolute() or pure.anchor or ".." in pure.parts or not pure.parts:
            return False
    return True


def is_project_file(file: object, workspace_path: Path) -> bool:
    """Whether an index entry names a file directly inside the projects folder (`<stem>.projects/x.json`):
    never the index itself, a backup, a recovery file or anything outside that folder."""
    if not isinstance(file, str) or not is_confined(file):
        return False
    parts = PurePosixPath(file.replace("\\", "/")).parts
    return (len(parts) == 2 and parts[0] == projects_folder(workspace_path).name
            and parts[1].endswith(".json") and not parts[1].startswith("."))


def relative(folder: Path, path: Path) -> str:
    """`path` as stored: relative to the workspace's folder, with forward slashes."""
    return path.relative_to(folder).as_posix()
