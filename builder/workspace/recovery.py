"""Unsaved edits kept next to the workspace, so a crash loses at most a few seconds of work.

The app writes the document being edited to `<workspace>.recovery.json` every few seconds of
idle (atomically, like every other file here; next to the workspace, never in a temp folder that
a reboot may empty). The next start finds it and offers the edits; a clean close removes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.workspace.disk.corruption import move_aside
from builder.workspace.disk.storage import atomic_write_bytes, serialise
from builder.workspace.revisions import now_iso

FORMAT = "handoff-builder-recovery"


@dataclass(frozen=True)
class RecoveryEntry:
    """Unsaved edits of one project: the document, when written, the revision they started from."""

    project: str
    document: dict[str, Any]
    time: str
    base_revision: int | None


class RecoveryFile:
    """All projects' unsaved edits of one workspace, in one small JSON file."""

    def __init__(self, workspace_path: Path, *, read_only: bool = False) -> None:
        self.path = workspace_path.with_name(workspace_path.stem + ".recovery.json")
        self.read_only = read_only
        self._entries: dict[str, dict[str, Any]] = {}
        self._written: set[str] = set()
        self.moved_aside: Path | None = None
        self.problem = ""
        """What to tell the user when the file could not be read (their unsaved edits are lost)."""
        self._load()

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        try:
            data = json.loads(raw.decode("utf-8"))
            projects = data["projects"]
            if data.get("format") != FORMAT or not isinstance(projects, dict):
                raise ValueError("not a recovery file")
            self._entries = {
                str(name): entry for name, entry in projects.items()
                if isinstance(entry, dict) and isinstance(entry.get("document"), dict)
            }
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
            lost = (f"The file of unsaved changes {self.path} could not be read, so changes that were not "
                    "saved before Handoff Builder last closed cannot be restored")
            if self.read_only:
                self.problem = lost + "; it was left in place (the workspace is open read-only)."
                return
            try:  # unreadable: keep it for a human, start clean
                self.moved_aside = move_aside(self.path)
            except OSError as error:
                self.problem = lost + f"; it could not be moved aside ({error.strerror or error})."
                return
            self.problem = lost + f"; it was kept as {self.moved_aside}. Your saved revisions are not affected."

    def projects(self) -> list[str]:
        return sorted(self._entries)

    def get(self, project: str) -> RecoveryEntry | None:
        entry = self._entries.get(project)
        if entry is None:
            return None
        base = entry.get("base_revision")
        return RecoveryEntry(
            project=project,
            document=json.loads(json.dumps(entry["document"])),
            time=str(entry.get("time", "")),
            base_revision=base if isinstance(base, int) else None,
        )

    def write(self, project: str, document: dict[str, Any], base_revision: int | None) -> None:
        entries = dict(self._entries)
        entries[project] = {"document": document, "time": now_iso(), "base_revision": base_revision}
        self._store(entries)
        self._written.add(project)

    def clear(self, project: str) -> None:
        if project not in self._entries:
            return
        entries = {name: e for name, e in self._entries.items() if name != project}
        self._store(entries)

    def rename(self, old: str, new: str) -> None:
        if old in self._entries:
            entries = {(new if name == old else name): e for name, e in self._entries.items()}
            self._store(entries)
            if old in self._written:
                self._written = (self._written - {old}) | {new}

    def end_session(self) -> None:
        """A clean close: drop what this session wrote; edits left by an earlier crashed session
        that nobody has restored or discarded yet stay on offer."""
        if self._written:
            self._store({n: e for n, e in self._entries.items() if n not in self._written})
            self._written = set()

    def remove(self) -> None:
        """Forget every entry."""
        self._entries = {}
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def _store(self, entries: dict[str, dict[str, Any]]) -> None:
        if not entries:
            self.remove()
            return
        data = {"format": FORMAT, "version": 1, "projects": entries}
        atomic_write_bytes(self.path, serialise(data))
        self._entries = entries
