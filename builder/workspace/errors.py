"""The workspace's exceptions: each carries one plain sentence a user can read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


class WorkspaceError(Exception):
    """Base of every workspace problem; `str(error)` is the sentence to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WorkspaceWriteError(WorkspaceError):
    """A save could not be written; the previous file is untouched."""


class WorkspaceReadOnly(WorkspaceError):
    """A change was attempted on a workspace opened read-only."""


class WorkspaceVersionError(WorkspaceError):
    """The file was written by a newer Handoff Builder."""


class WorkspaceNotWritable(WorkspaceError):
    """The workspace's folder cannot be written (read-only disk, permissions): open it read-only."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"The workspace {path} cannot be written ({why}), so it can only be opened read-only: "
            "you can view, simulate and export your projects to another folder, but not save them here."
        )
        self.path = path
        self.why = why


class ProjectNotFound(WorkspaceError, KeyError):
    """No project of that name in the workspace."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class ProjectExists(WorkspaceError):
    """A project of that name already exists."""


class RevisionNotFound(WorkspaceError, KeyError):
    """No revision with that number in the project."""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class LockOwner:
    """Who holds a workspace lock, as its owner file says (`pid` 0 when it says nothing)."""

    pid: int
    host: str
    since: str
    user: str = ""
    app: str = ""

    def describe(self) -> str:
        if not self.pid:
            return "another program"
        who = f"{self.app} " if self.app else ""
        who += f"process {self.pid} on {self.host}"
        if self.user:
            who += f" (user {self.user})"
        return who + (f" since {self.since}" if self.since else "")


class WorkspaceLocked(WorkspaceError):
    """Another live process writes this workspace; open it read-only or cancel."""

    def __init__(self, path: Path, owner: LockOwner) -> None:
        super().__init__(
            f"The workspace {path} is already open for editing by {owner.describe()}; "
            "you can open it read-only or cancel."
        )
        self.path = path
        self.owner = owner


class WorkspaceCorrupt(WorkspaceError):
    """A file did not parse; it was moved aside (`moved_to`) and `backup` may be opened instead."""

    def __init__(self, path: Path, message: str, *, moved_to: Path | None,
                 backup: Path | None, reason: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.moved_to = moved_to
        self.backup = backup
        self.reason = reason


class ProjectCorrupt(WorkspaceCorrupt):
    """A project's file did not parse; the workspace itself is fine."""

    def __init__(self, project: str, path: Path, message: str, *, moved_to: Path | None,
                 backup: Path | None, reason: str = "") -> None:
        super().__init__(path, message, moved_to=moved_to, backup=backup, reason=reason)
        self.project = project
        self.damage: Any = None
        """The `ProjectDamage` the project list shows (set by the workspace)."""


class LibraryCorrupt(WorkspaceCorrupt):
    """A conversation library's file was damaged: it was moved aside (`moved_to`) and what could
    be read of it kept (`kept` conversations); the project itself is fine."""

    def __init__(self, project: str, library: str, path: Path, message: str, *,
                 moved_to: Path | None, kept: int, reason: str = "") -> None:
        super().__init__(path, message, moved_to=moved_to, backup=None, reason=reason)
        self.project = project
        self.library = library
        self.kept = kept
