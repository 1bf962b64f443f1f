"""The workspace facade: open it (`workspace_file.py`), list, open (`project_file.py`), create, rename,
restore and delete projects; export history, unsaved edits, settings.

Layout next to `workspace.json` (the index, small: projects, settings, export history; see
`layout.py`): `workspace.json.lock` and `.owner` (the writer's OS lock and who holds it),
`workspace.json.bak` (previous good index), `workspace.projects/<slug>.json` (+ `.bak`) one
TinyDB file per project, `workspace.projects/<slug>.libraries/*.jsonl` its conversation
libraries, and `workspace.recovery.json` (unsaved edits, only while the app runs or after a crash).
Opening reads the index only; a project's file is read when the project is first asked for
(and libraries an older version kept inside it are moved to their own files then).
"""

from __future__ import annotations

import getpass
import secrets
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs
from tinydb import Query, TinyDB

from builder.workspace.disk.corruption import move_aside
from builder.workspace.disk.layout import (
    is_project_file,
    libraries_folder,
    projects_folder,
    relative,
    slug,
)
from builder.workspace.disk.lock import APP, WorkspaceLock
from builder.workspace.disk.storage import AtomicStorage
from builder.workspace.errors import (
    ProjectCorrupt,
    ProjectExists,
    ProjectNotFound,
    WorkspaceError,
    WorkspaceReadOnly,
    WorkspaceWriteError,
)
from builder.workspace.opening import CorruptionNotice
from builder.workspace.project import Project, ProjectInfo, rule_count
from builder.workspace.project_file import open_project_file
from builder.workspace.recovery import RecoveryFile
from builder.workspace.repair.damage import ProjectDamage, RestoreOption, latest_casualty, restore_options
from builder.workspace.repair.rebuild import count
from builder.workspace.repair.restoring import write_restored
from builder.workspace.revisions import ExportRecord, Revision, now_iso
from builder.workspace.settings import Settings
from builder.workspace.workspace_file import OpenedIndex, open_index

APP_NAME = APP


def default_path() -> Path:
    """The workspace a first launch uses, in the user's data directory."""
    return platformdirs.user_data_path(APP_NAME) / "workspace.json"


def _author_fallback() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers and services
        return ""


class Workspace:
    """An open workspace. Use `Workspace.open(...)`; close it (or use `with`) to release the lock.

    Attributes: `path`, `read_only`, `author`, `settings`, `recovered_from` (a CorruptionNotice
    when the index was broken and its backup was opened).
    """

    def __init__(self, path: Path, *, read_only: bool, author: str, lock: WorkspaceLock | None,
                 storage: AtomicStorage, recovered_from: CorruptionNotice | None,
                 notices: list[str] | None = None) -> None:
        self.path = path
        self.read_only = read_only
        self._lock = threading.RLock()
        self._file_lock = lock
        self._storage = storage
        self._db = TinyDB(storage=lambda: storage)
        self._meta = self._db.table("meta", cache_size=0)
        self._projects = self._db.table("projects", cache_size=0)
        self._settings = self._db.table("settings", cache_size=0)
        self._exports = self._db.table("exports", cache_size=0)
        self._open_projects: dict[str, Project] = {}
        self._damaged: dict[str, ProjectDamage] = {}
        self.recovered_from = recovered_from
        self.settings = Settings(self._settings, self._lock, self._writable)
        self._recovery = RecoveryFile(path, read_only=read_only)
        self.author = author or str(self.settings.get("author", "") or "") or _author_fallback()
        self.closed = False
        self.notices: list[str] = list(notices or [])
        """What the user must be told about this opening (something moved aside, rebuilt, read-only)."""
        if self._recovery.problem:
            self.notices.append(self._recovery.problem)

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False, author: str = "",
             use_backup: bool = False) -> Workspace:
        """Open (or create) a workspace.

        Raises WorkspaceLocked when another live process writes it (retry with read_only=True),
        WorkspaceNotWritable when its folder cannot be written (retry with read_only=True),
        WorkspaceCorrupt when its file is broken (it has been moved aside; retry with
        use_backup=True to open the last good copy or, without one, a list of projects rebuilt
        from the project files; reported in `recovered_from` and `notices`). A workspace saved
        by a newer version opens read-only, with a notice.
        """
        path = Path(path) if path is not None else default_path()

        def build(opened: OpenedIndex) -> Workspace:
            return cls(opened.path, read_only=opened.read_only, author=author, lock=opened.lock,
                       storage=opened.storage, recovered_from=opened.recovered_from, notices=opened.notices)

        return open_index(path.expanduser().absolute(), read_only=read_only, use_backup=use_backup, build=build)

    @classmethod
    def open_backup(cls, path: Path | str | None = None, *, author: str = "") -> Workspace:
        """Open the last good copy of a broken (or missing) workspace."""
        return cls.open(path, author=author, use_backup=True)

    @staticmethod
    def default_path() -> Path:
        return default_path()

    # -- projects --------------------------------------------------------------------------
    def projects(self) -> list[ProjectInfo]:
        """The projects, by name, from the index alone (no project file is read)."""
        out = [
            ProjectInfo(
                name=str(r["name"]), created=str(r.get("created", "")),
                updated=str(r.get("updated", "")), revisions=count(r.get("revisions")),
                content_hash=str(r.get("hash", "")), rules=count(r.get("rules")),
            )
            for r in self._projects.all()
        ]
        return sorted(out, key=lambda info: info.name.casefold())

    def _project_record(self, name: str) -> dict[str, Any]:
        record = self._projects.get(Query().name == name)
        if not isinstance(record, dict):
            raise ProjectNotFound(f"The workspace has no project named '{name}'.")
        return record

    def _project_path(self, record: dict[str, Any]) -> Path:
        return self.path.parent / str(record["file"])

    def project(self, name: str, *, use_backup: bool = False) -> Project:
        """Open a project. Raises ProjectNotFound, or ProjectCorrupt (retry with use_backup when
        it names a backup); a damaged project is then listed by `damage(name)` until restored
        or removed. A project saved by a newer version opens read-only (`Project.read_only_reason`)."""
        with self._lock:
            self._check_open()
            if name in self._open_projects:
                return self._open_projects[name]
            record = self._project_record(name)
            path = self._project_path(record)
            try:
                if not is_project_file(record.get("file"), self.path):  # checked again: see check_index
                    raise ProjectCorrupt(name, path, f"The project '{name}' is listed with a file outside the "
                                         f"projects folder ({record.get('file')}); it was not opened.",
                                         moved_to=None, backup=None, reason="its file is not in the projects folder")
                project = self._open_project(name, path, use_backup)
            except ProjectCorrupt as error:
                self._damaged[name] = self._describe_damage(name, path, error)
                error.damage = self._damaged[name]
                raise
            self._damaged.pop(name, None)
            return project

    def _open_project(self, name: str, path: Path, use_backup: bool) -> Project:
        project = open_project_file(self, name, path, use_backup=use_backup, opened=self._refresh_summary)
        self._open_projects[name] = project
        return project

    def _describe_damage(self, name: str, path: Path, error: ProjectCorrupt) -> ProjectDamage:
        kept = error.moved_to or (path if path.exists() else latest_casualty(path))
        entry = self._recovery.get(name)
        return ProjectDamage(name, path, kept, error.reason, str(error), restore_options(kept, entry),
                             backup=error.backup)

    def check_missing_files(self) -> list[ProjectDamage]:
        """Find the projects whose file is gone (moved aside as damaged in an earlier session,
        or deleted by hand) without reading any other file, so the project list can mark them."""
        with self._lock:
            for record in self._projects.all():
                name = str(record["name"])
                if name in self._open_projects or name in self._damaged:
                    continue
                if not self._project_path(record).exists():
                    try:
                        self.project(name)  # records the damage; a good backup would open instead
                    except ProjectCorrupt:
                        pass
            return self.damaged_projects()

    def damage(self, name: str) -> ProjectDamage | None:
        """Why `name` could not be opened (found when it was last opened), or None."""
        return self._damaged.get(name)

    def damaged_projects(self) -> list[ProjectDamage]:
        """The projects found damaged so far (each found when it was opened), by name."""
        return [self._damaged[n] for n in sorted(self._damaged, key=str.casefold)]

    def restore_project(self, name: str, option: RestoreOption) -> Project:
        """Bring a damaged project back from `option` (one of `damage(name).options`) as a new
        project file at its usual place; the damaged file stays where it was kept."""
        self._writable()
        with self._lock:
            damage = self._damaged.get(name)
            if damage is None or option not in damage.options:
                raise WorkspaceError(f"“{name}” cannot be restored that way.")
            if damage.path.exists():
                raise WorkspaceError(f"“{name}” cannot be restored: {damage.path} is in the way.")
            entry = self._recovery.get(name) if option.kind == "recovery" else None
            revision = write_restored(damage.path, name, damage.kept, option, entry, author=self.author)
            self._damaged.pop(name, None)
            project = self.project(name)
            self._project_saved(name, revision, rule_count(project.current()), revision.number)
            return project

    def _refresh_summary(self, project: Project) -> None:
        """Bring the index's summary up to date if a crash fell between a save's two writes."""
        if self.read_only:
            return
        head = project.head()
        record = self._project_record(project.name)
        if record.get("revisions") != head.number or record.get("hash") != head.content_hash:
            self._project_saved(project.name, head, rule_count(project.current()), head.number)

    def create_project(self, name: str, document: dict[str, Any],
                       description: str = "Created the project") -> Project:
        """Add a project holding `document` as revision 1."""
        self._writable()
        name = name.strip() if isinstance(name, str) else ""
        if not name or len(name) > 200:
            raise WorkspaceError("A project needs a name of 1 to 200 characters.")
        with self._lock:
            if self._projects.contains(Query().name == name):
                raise ProjectExists(f"The workspace already has a project named '{name}'.")
            folder = projects_folder(self.path)
            folder.mkdir(exist_ok=True)
            path = folder / (slug(name, secrets.token_hex(4)) + ".json")
            storage = AtomicStorage(path)
            revision = Project.initialise(storage, name, document, author=self.author,
                                          description=description)
            self._projects.insert({
                "name": name, "file": relative(self.path.parent, path),
                "created": revision.time, "updated": revision.time, "revisions": 1,
                "hash": revision.content_hash, "rules": rule_count(document),
            })
            project = Project(self, name, path, storage)
            self._open_projects[name] = project
            return project

    def rename_project(self, old: str, new: str) -> None:
        """Rename a project (its file keeps its name; only the index and recovery change)."""
        self._writable()
        new = new.strip()
        if not new or len(new) > 200:
            raise WorkspaceError("A project needs a name of 1 to 200 characters.")
        with self._lock:
            self._project_record(old)
            if old != new and self._projects.contains(Query().name == new):
                raise ProjectExists(f"The workspace already has a project named '{new}'.")
            project = self.project(old)
            with project._storage.transaction():
                project._meta.update({"name": new}, doc_ids=[1])
            with self._storage.transaction():
                self._projects.update({"name": new}, Query().name == old)
                self._exports.update({"project": new}, Query().project == old)
            project._name = new
            self._open_projects[new] = self._open_projects.pop(old)
            self._recovery.rename(old, new)

    def delete_project(self, name: str) -> Path:
        """Remove a project from the workspace. Its file is kept, renamed to
        `<file>.deleted-<timestamp>` (returned), and so is its folder of conversation libraries,
        so a mistaken delete can be undone by hand."""
        self._writable()
        with self._lock:
            record = self._project_record(name)
            path = self._project_path(record)
            project = self._open_projects.pop(name, None)
            if project is not None:
                project.close()
            with self._storage.transaction():
                self._projects.remove(Query().name == name)
            self._clear_recovery(name)
            damage = self._damaged.pop(name, None)
            casualty = damage.kept if damage is not None and damage.kept is not None else path
            kept = move_aside(path, "deleted") if path.exists() else casualty
            if libraries_folder(path).is_dir():
                move_aside(libraries_folder(path), "deleted")
            return kept

    def _project_saved(self, name: str, revision: Revision, rules: int, count: int) -> None:
        """Refresh the index's summary of a project after a save.

        The project file is the authority: if this small write fails the save still stands and
        the summary is refreshed at the next save, so the failure is not reported as a lost save.
        """
        try:
            self._projects.update({"updated": revision.time, "revisions": count,
                                   "hash": revision.content_hash, "rules": rules},
                                  Query().name == name)
        except WorkspaceWriteError:
            pass

    # -- export history ------------------------------------------------------------------------
    def _record_export(self, project: str, path: str, revision: int, digest: str) -> ExportRecord:
        record = {"project": project, "path": path, "revision": revision,
                  "content_hash": digest, "time": now_iso()}
        with self._lock:
            self._exports.insert(record)
        return ExportRecord.from_record(record)

    def exports(self, project: str | None = None) -> list[ExportRecord]:
        """Export history, oldest first; only `project`'s when given."""
        records = sorted(self._exports.all(), key=lambda r: r.doc_id)
        return [ExportRecord.from_record(r) for r in records
                if project is None or r.get("project") == project]

    # -- recovery ------------------------------------------------------------------------------
    def pending_recovery(self) -> list[str]:
        """Projects with unsaved edits left by a previous session (offer them at start)."""
        return self._recovery.projects()

    def _write_recovery(self, name: str, document: dict[str, Any], base: int) -> None:
        try:
            self._recovery.write(name, document, base)
        except OSError as error:
            raise WorkspaceWriteError(
                f"Could not write the recovery file {self._recovery.path} "
                f"({error.strerror or error})."
            ) from error

    def _clear_recovery(self, name: str) -> None:
        try:
            self._recovery.clear(name)
        except OSError as error:
            raise WorkspaceWriteError(
                f"Could not update the recovery file {self._recovery.path} "
                f"({error.strerror or error})."
            ) from error

    # -- lifecycle -------------------------------------------------------------------------
    def _writable(self) -> None:
        self._check_open()
        if self.read_only:
            raise WorkspaceReadOnly(f"The workspace {self.path} is open read-only; nothing was changed.")

    def _check_open(self) -> None:
        if self.closed:
            raise WorkspaceError(f"The workspace {self.path} has been closed.")

    def close(self, *, keep_recovery: bool = False) -> None:
        """Release the lock. A clean close removes the unsaved edits this session wrote (the
        recovery file goes when nothing else is in it); `keep_recovery` keeps them (a failure)."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            for project in self._open_projects.values():
                project.close()
            self._open_projects.clear()
            if not self.read_only and not keep_recovery:
                try:
                    self._recovery.end_session()
                except OSError:
                    pass
            self._db.close()
            if self._file_lock is not None:
                self._file_lock.release()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        # after an exception the session did not end cleanly: keep unsaved edits recoverable
        self.close(keep_recovery=kind is not None)

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<Workspace {self.path} {mode}>"
