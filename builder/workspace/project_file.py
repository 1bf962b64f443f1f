"""Opening a project's file: check it, or show its backup read-only, and tell a damaged file (moved
aside) from one a newer version of Handoff Builder wrote (left as it is, opened read-only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from builder.workspace.disk.corruption import move_aside, read_database
from builder.workspace.disk.storage import AtomicStorage, FrozenStorage
from builder.workspace.errors import ProjectCorrupt, WorkspaceError, WorkspaceWriteError
from builder.workspace.opening import CorruptionNotice, load_checked
from builder.workspace.project import PROJECT_VERSION, Project, ProjectHost
from builder.workspace.repair.damage import latest_casualty


def open_project_file(host: ProjectHost, name: str, path: Path, *, use_backup: bool,
                      opened: Callable[[Project], None]) -> Project:
    """The project `name` of `host` from `path`; `opened` brings the index up to date with a
    writable project (a failure there counts as damage too). Raises ProjectCorrupt."""
    frozen: dict[str, Any] | None = None
    try:
        data, notice = load_checked(
            path, f"file of project '{name}'", read_only=host.read_only,
            use_backup=use_backup, check=Project.check,
            corrupt=lambda msg, moved, bak, why: ProjectCorrupt(
                name, path, msg, moved_to=moved, backup=bak, reason=why),
        )
    except ProjectCorrupt as error:
        if not (use_backup and host.read_only and error.backup is not None):
            raise
        frozen = read_database(error.backup)  # read-only: show the copy, repair nothing
        data, notice = frozen, CorruptionNotice(path, None, error.backup, str(error))
    if data is None:
        kept = latest_casualty(path)
        where = (f"; the damaged copy found earlier is kept as {kept}" if kept is not None
                 else " and there is no earlier copy of it")
        raise ProjectCorrupt(name, path, f"The file of project '{name}' ({path}) is missing{where}.",
                             moved_to=kept, backup=None, reason="it is missing")
    version = data.get("meta", {}).get("1", {}).get("version")
    newer = isinstance(version, int) and version > PROJECT_VERSION
    reason = (f"“{name}” was saved by a newer version of Handoff Builder (format {version}; this version "
              f"knows {PROJECT_VERSION}), so it is open read-only: you can view, simulate and export it, "
              "but not save changes to it." if newer else "")
    read_only = host.read_only or newer or frozen is not None
    storage: AtomicStorage = (FrozenStorage(path, frozen) if frozen is not None
                              else AtomicStorage(path, read_only=read_only))
    try:
        project = Project(host, name, path, storage, notice, read_only_reason=reason)
        if not read_only:
            try:
                project.migrate_libraries()
            except WorkspaceWriteError:
                pass  # they stay inline, readable; retried at the next opening or library write
            opened(project)
        else:
            project.head()  # reads what the window will read: a wrong shape is found now
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, WorkspaceError) as error:
        if newer:  # never move a newer version's file aside: that version can still read it
            raise ProjectCorrupt(
                name, path, f"“{name}” was saved by a newer version of Handoff Builder (format {version}) in "
                f"a form this version cannot read; its file {path} was left as it is. Update Handoff Builder "
                "to open it.", moved_to=None, backup=None, reason="it was saved by a newer version") from None
        # a file that parsed and passed the checks but is still not what we wrote: damaged
        moved = None if host.read_only else move_aside(path)
        shown = f"it was moved aside to {moved}" if moved else "it was left in place"
        raise ProjectCorrupt(
            name, path, f"The file of project '{name}' ({path}) could not be read because its contents "
            f"are not in the expected shape ({type(error).__name__}); {shown} and there is no earlier "
            "good copy to open instead.", moved_to=moved, backup=None,
            reason="its contents are not in the expected shape") from None
    return project
