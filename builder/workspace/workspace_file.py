"""Opening the workspace file (`workspace.json`, the index): take the writer's lock, sweep what a
crashed save left behind, read and check the index, and fall back to its backup or to a list of
projects rebuilt from their files when it is broken. A newer format, or a folder that cannot be
written, opens read-only."""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from builder.workspace.disk.layout import projects_folder
from builder.workspace.disk.lock import WorkspaceLock, pid_alive
from builder.workspace.disk.storage import AtomicStorage, FrozenStorage, sweep_temp_files
from builder.workspace.errors import WorkspaceCorrupt, WorkspaceError, WorkspaceNotWritable, WorkspaceWriteError
from builder.workspace.opening import CorruptionNotice, load_checked
from builder.workspace.repair.damage import latest_casualty
from builder.workspace.repair.rebuild import check_index, instead_of_damaged, rebuild_index
from builder.workspace.revisions import now_iso

WORKSPACE_FORMAT = "handoff-builder-workspace"
_UNWRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}
"""Why a folder cannot be written: a read-only disk or missing permissions (open it read-only)."""
WORKSPACE_VERSION = 1

Opened = TypeVar("Opened")


@dataclass(frozen=True)
class OpenedIndex:
    """The index as opened: how (read-only or not, under which lock) and what the user must be told."""

    path: Path
    read_only: bool
    lock: WorkspaceLock | None
    storage: AtomicStorage
    recovered_from: CorruptionNotice | None
    notices: list[str]


def open_index(path: Path, *, read_only: bool, use_backup: bool, build: Callable[[OpenedIndex], Opened]) -> Opened:
    """Open the index at `path` and hand it to `build` (the workspace); see `Workspace.open` for what
    is raised. The lock is released whatever fails, `build` included."""
    lock = None
    notices: list[str] = []
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = WorkspaceLock(path)
            lock.acquire()
            sweep_temp_files(path.parent, pid_alive, prefix=path.stem)
            projects = projects_folder(path)
            sweep_temp_files(projects, pid_alive)
            for folder in projects.glob("*.libraries"):
                sweep_temp_files(folder, pid_alive)
        frozen = False
        try:
            data, notice = load_checked(
                path, "workspace", read_only=read_only, use_backup=use_backup,
                check=lambda data: check_index(data, path, WORKSPACE_FORMAT, WORKSPACE_VERSION),
                corrupt=lambda msg, moved, bak, why: WorkspaceCorrupt(
                    path, msg, moved_to=moved, backup=bak, reason=why),
            )
        except WorkspaceCorrupt as damaged:
            if not use_backup:
                raise
            data, notice = instead_of_damaged(path, damaged, WORKSPACE_FORMAT, WORKSPACE_VERSION)
            frozen = read_only
        rebuilt_missing = False
        if data is None:  # no index (any more): list the project files that are still there
            rebuilt = rebuild_index(path, version=WORKSPACE_VERSION, format_name=WORKSPACE_FORMAT)
            kept = latest_casualty(path)  # moved aside by a first attempt to open it
            if rebuilt.names or kept is not None:
                data, frozen, rebuilt_missing = rebuilt.tables, read_only, True
                what = (f"could not be read; the damaged file is kept as {kept}" if kept is not None
                        else "was missing")
                notice = CorruptionNotice(path, kept, None, f"The workspace file {path} {what}. "
                                          + rebuilt.message(path))
        if data is None and read_only:
            raise WorkspaceError(f"There is no workspace at {path}.")
        version = (data or {}).get("meta", {}).get("1", {}).get("version")
        if isinstance(version, int) and version > WORKSPACE_VERSION:
            notices.append(f"This workspace was saved by a newer version of Handoff Builder (format {version}; "
                           f"this version knows {WORKSPACE_VERSION}), so it is open read-only: you can view, "
                           "simulate and export your projects, but not save changes. Update Handoff Builder "
                           "to edit it.")
            if lock is not None:
                lock.release()
                lock = None
            read_only = True
        storage = FrozenStorage(path, data or {}) if frozen else AtomicStorage(path, read_only=read_only)
        if data is None:
            storage.write({"meta": {"1": {"format": WORKSPACE_FORMAT,
                                          "version": WORKSPACE_VERSION,
                                          "created": now_iso()}}})
        elif not read_only and (rebuilt_missing or (notice is not None and notice.backup is None)):
            storage.write(data)  # the rebuilt index replaces the damaged one (kept aside)
        return build(OpenedIndex(path, read_only, lock, storage, notice, notices))
    except (OSError, WorkspaceWriteError) as error:
        if lock is not None:
            lock.release()
        cause = error if isinstance(error, OSError) else error.__cause__
        if not read_only and isinstance(cause, OSError) and cause.errno in _UNWRITABLE:
            raise WorkspaceNotWritable(path, cause.strerror or str(cause)) from error
        if isinstance(error, WorkspaceWriteError):
            raise
        raise WorkspaceError(
            f"The workspace {path} cannot be opened ({error.strerror or error})."
        ) from error
    except BaseException:
        if lock is not None:
            lock.release()
        raise

