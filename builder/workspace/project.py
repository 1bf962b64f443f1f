"""One project: a ruleset being edited, its revisions, conversation libraries and recovery.

A project lives in its own TinyDB file (`<workspace>.projects/<slug>.json`) so that a save
rewrites that file only. Tables: `meta` (name), `current` (the document as last saved, kept
apart so opening needs no decompression), `revisions` (one record per revision, id = number,
a compressed full snapshot or a delta against one such keyframe) and `libraries` (the list of
the project's conversation libraries, name -> file; the conversations live in their own files,
see `libraries.py`, so a save costs the same however many conversations are stored).
A save is one atomic write of that file: the revision and the current document never disagree.

A project knows its workspace only through `ProjectHost` (what it needs of it), so this module
does not import the workspace that imports it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tinydb import TinyDB
from tinydb.table import Document

from builder.format.diff import RulesetDiff, diff_rulesets
from builder.workspace import deltas
from builder.workspace.deltas import Keyframe, apply_delta, encode_delta
from builder.workspace.disk.storage import AtomicStorage
from builder.workspace.errors import (
    RevisionNotFound,
    WorkspaceError,
    WorkspaceReadOnly,
)
from builder.workspace.libraries import Libraries, check_records
from builder.workspace.recovery import RecoveryEntry, RecoveryFile
from builder.workspace.revisions import (
    ExportRecord,
    Revision,
    canonical_json,
    content_hash,
    decode_snapshot,
    is_keyframe,
    revision_record,
    text_hash,
)

if TYPE_CHECKING:
    from builder.workspace.opening import CorruptionNotice

PROJECT_FORMAT = "handoff-builder-project"
PROJECT_VERSION = 1
"""The project file format this version writes; a newer one opens read-only."""


class ProjectHost(Protocol):
    """What a project uses of its workspace (the `Workspace` is the one implementation)."""

    path: Path
    read_only: bool
    author: str
    _lock: threading.RLock
    _recovery: RecoveryFile

    def _project_saved(self, name: str, revision: Revision, rules: int, count: int) -> None: ...

    def _record_export(self, project: str, path: str, revision: int, digest: str) -> ExportRecord: ...

    def exports(self, project: str | None = None) -> list[ExportRecord]: ...

    def _write_recovery(self, name: str, document: dict[str, Any], base: int) -> None: ...

    def _clear_recovery(self, name: str) -> None: ...


@dataclass(frozen=True)
class ProjectInfo:
    """A project as listed in the workspace index (without opening its file)."""

    name: str
    created: str
    updated: str
    revisions: int
    content_hash: str
    rules: int


def _copy(document: Any) -> Any:
    """A deep copy of JSON data (faster than copy.deepcopy for this shape)."""
    return json.loads(json.dumps(document))


def _as_document(document: Any) -> tuple[dict[str, Any], str]:
    """(an owned copy, canonical text) of a document, or a readable error.

    The copy is parsed back from the canonical text (keys sorted), so that what is stored is
    exactly what is hashed and a caller changing its dict later cannot change a revision.
    """
    if not isinstance(document, dict):
        raise WorkspaceError("A project can only hold a ruleset document (a JSON object).")
    try:
        canonical = canonical_json(document)
    except (TypeError, ValueError) as error:
        raise WorkspaceError(f"The ruleset cannot be saved: {error}.") from None
    return json.loads(canonical), canonical


def rule_count(document: dict[str, Any]) -> int:
    rules = document.get("rules")
    return len(rules) if isinstance(rules, list) else 0


class Project:
    """A project of an open workspace; get one from `Workspace.project(name)`."""

    def __init__(self, workspace: ProjectHost, name: str, path: Path, storage: AtomicStorage,
                 recovered_from: CorruptionNotice | None = None, *, read_only_reason: str = "") -> None:
        self._ws = workspace
        self.read_only_reason = read_only_reason
        """Why this project is read-only though its workspace is not (a newer format), or ""."""
        self._frozen = read_only_reason != "" or storage.read_only
        self._name = name
        self.path = path
        self._storage = storage
        self._db = TinyDB(storage=lambda: storage)
        self._meta = self._db.table("meta", cache_size=0)
        self._current = self._db.table("current", cache_size=0)
        self._revisions = self._db.table("revisions", cache_size=0)
        self._libraries = Libraries(
            self._db.table("libraries", cache_size=0), storage, root=workspace.path.parent,
            project_path=path, lock=workspace._lock, read_only=workspace.read_only or self._frozen,
            writable=self._writable, project_name=lambda: self._name)
        self.recovered_from = recovered_from
        self._keyframes: dict[int, Keyframe] = {}
        """Set when this project's file was broken and its last good copy was opened instead."""

    # -- creation and checks (used by Workspace) ---------------------------------------------
    @staticmethod
    def initialise(storage: AtomicStorage, name: str, document: dict[str, Any], *, author: str,
                   description: str) -> Revision:
        """Write a new project file holding revision 1."""
        owned, canonical = _as_document(document)
        digest = text_hash(canonical)
        record = revision_record(1, canonical, digest, author=author, description=description)
        storage.write({
            "meta": {"1": {"format": PROJECT_FORMAT, "version": 1, "name": name,
                           "created": record["time"]}},
            "current": {"1": {"revision": 1, "hash": digest, "document": owned, "keyframe": 1}},
            "revisions": {"1": record},
            "libraries": {},
        })
        return Revision.from_record(record)

    @staticmethod
    def check(data: dict[str, dict[str, Any]]) -> str | None:
        """Why parsed file data is not a project file, or None when it is one."""
        meta = data.get("meta", {}).get("1")
        current = data.get("current", {}).get("1")
        if not meta or meta.get("format") != PROJECT_FORMAT:
            return "it is not a Handoff Builder project file"
        version = meta.get("version")
        if isinstance(version, int) and version > PROJECT_VERSION:
            return None  # a newer layout is not damage: it opens read-only, or is refused untouched
        if not isinstance(meta.get("name"), str):
            return "its contents are not in the expected shape"
        if not current or not isinstance(current.get("document"), dict):
            return "its current ruleset is missing"
        revisions = data.get("revisions", {})
        number = current.get("revision")
        if not isinstance(number, int) or isinstance(number, bool) or str(number) not in revisions:
            return "its revision history is incomplete"
        head = revisions[str(number)]
        if head.get("number") != number or not isinstance(current.get("hash"), str):
            return "its contents are not in the expected shape"
        return check_records(data.get("libraries", {}))

    # -- reading ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def read_only(self) -> bool:
        return self._ws.read_only or self._frozen

    def _head_record(self) -> dict[str, Any]:
        record = self._current.get(doc_id=1)
        if not isinstance(record, dict):
            raise WorkspaceError(f"The project '{self._name}' has no current ruleset.")
        return record

    def current(self) -> dict[str, Any]:
        """The document as last saved (a copy the caller may change)."""
        return _copy(self._head_record()["document"])

    def current_revision(self) -> tuple[Revision, dict[str, Any]]:
        """The head revision and its document, read together (consistent even while another
        process saves: what an export records)."""
        record = self._head_record()
        return self.revision(int(record["revision"])), _copy(record["document"])

    def head(self) -> Revision:
        """The latest revision (the one `current()` holds)."""
        return self.revision(int(self._head_record()["revision"]))

    def revisions(self) -> list[Revision]:
        """Every revision, oldest first."""
        records = sorted(self._revisions.all(), key=lambda r: r.doc_id)
        return [Revision.from_record(r) for r in records]

    def revision(self, number: int) -> Revision:
        return Revision.from_record(self._revision_record(number))

    def _revision_record(self, number: int) -> dict[str, Any]:
        record = self._revisions.get(doc_id=int(number)) if int(number) > 0 else None
        if not isinstance(record, dict):
            raise RevisionNotFound(f"The project '{self._name}' has no revision {number}.")
        return record

    def revision_document(self, number: int) -> dict[str, Any]:
        """The document as it was at revision `number`."""
        record = self._revision_record(number)
        try:
            if is_keyframe(record):
                return decode_snapshot(record["snapshot"])
            base = self._keyframe(int(record["base"]))
            text = canonical_json(apply_delta(base, decode_snapshot(record["delta"])))
        except (ValueError, KeyError, TypeError, IndexError) as error:
            raise WorkspaceError(
                f"Revision {number} of '{self._name}' cannot be read ({error})."
            ) from None
        if text_hash(text) != record.get("hash"):
            raise WorkspaceError(f"Revision {number} of '{self._name}' does not match its hash.")
        result: dict[str, Any] = json.loads(text)  # a fresh copy: the keyframe stays untouched
        return result

    def _keyframe(self, number: int) -> Keyframe:
        """A keyframe revision's document, decoded once and kept (revisions never change)."""
        cached = self._keyframes.get(number)
        if cached is None:
            record = self._revision_record(number)
            if not is_keyframe(record):
                raise ValueError(f"revision {number} is not a full snapshot")
            cached = Keyframe(number, decode_snapshot(record["snapshot"]))
            while len(self._keyframes) >= 4:
                self._keyframes.pop(next(iter(self._keyframes)))
            self._keyframes[number] = cached
        return cached

    def _delta_for(self, head: dict[str, Any], number: int, document: dict[str, Any],
                   canonical: str) -> tuple[int, str] | None:
        """(keyframe, delta text) to store revision `number` as a delta, or None for a keyframe."""
        base = head.get("keyframe")
        if not isinstance(base, int) or number - base >= deltas.KEYFRAME_EVERY:
            return None
        try:
            keyframe = self._keyframe(base)
        except (ValueError, KeyError, TypeError, WorkspaceError):
            return None
        text = encode_delta(keyframe, document, canonical)
        return None if text is None else (base, text)

    def diff(self, a: int, b: int) -> RulesetDiff:
        """What changed from revision `a` to revision `b`."""
        return diff_rulesets(self.revision_document(a), self.revision_document(b))

    # -- saving ----------------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only_reason:
            raise WorkspaceReadOnly(f"{self.read_only_reason} '{self._name}' was not changed.")
        if self.read_only:
            raise WorkspaceReadOnly(
                f"The workspace {self._ws.path} is open read-only; '{self._name}' was not changed."
            )

    def save(self, document: dict[str, Any], description: str = "",
             author: str | None = None) -> Revision:
        """Store `document` as a new revision (or return the head if nothing changed).

        The description defaults to a summary of what changed (`RulesetDiff.summary`).
        """
        self._writable()
        owned, canonical = _as_document(document)
        digest = text_hash(canonical)
        with self._ws._lock:
            head = self._head_record()
            if head.get("hash") == digest:
                self._drop_saved_recovery(digest)
                return self.revision(int(head["revision"]))
            if not description:
                description = diff_rulesets(head["document"], owned).summary()
            number = int(head["revision"]) + 1
            delta = self._delta_for(head, number, owned, canonical)
            record = revision_record(number, canonical, digest,
                                     author=self._ws.author if author is None else author,
                                     description=description, delta=delta)
            keyframe = number if delta is None else delta[0]
            with self._storage.transaction():
                self._revisions.insert(Document(record, doc_id=number))
                self._current.update({"revision": number, "hash": digest, "document": owned,
                                      "keyframe": keyframe}, doc_ids=[1])
            revision = Revision.from_record(record)
            self._ws._project_saved(self._name, revision, rule_count(owned), number)
            self._drop_saved_recovery(digest)
            return revision

    def _drop_saved_recovery(self, digest: str) -> None:
        """Unsaved edits identical to what is now saved are not unsaved any more."""
        entry = self._ws._recovery.get(self._name)
        if entry is not None and content_hash(entry.document) == digest:
            self._ws._clear_recovery(self._name)

    def restore(self, number: int, description: str = "") -> Revision:
        """Make revision `number` current again, as a new revision (history is kept)."""
        document = self.revision_document(number)
        return self.save(document, description or f"Restored revision {number}")

    # -- export history ------------------------------------------------------------------------
    def record_export(self, path: str | Path, revision: int, content_hash: str) -> ExportRecord:
        """Remember that `revision` was exported to `path` with this content hash."""
        self._writable()
        return self._ws._record_export(self._name, str(path), int(revision), content_hash)

    def exports(self) -> list[ExportRecord]:
        """This project's exports, oldest first."""
        return self._ws.exports(self._name)

    # -- conversation libraries ----------------------------------------------------------------
    def libraries(self) -> list[str]:
        return self._libraries.names()

    def library_path(self, library: str) -> Path | None:
        """The library's JSON Lines file (usable as is by `handoff-builder test`), or None."""
        return self._libraries.path(library)

    def conversations(self, library: str) -> list[dict[str, Any]]:
        """The library's conversations (each may carry an `expect`); empty if it does not exist.

        Raises LibraryCorrupt once when its file was damaged: the file was moved aside and the
        readable conversations kept, which later calls return."""
        return self._libraries.conversations(library)

    def add_conversation(self, library: str, conversation: dict[str, Any]) -> None:
        """Append a conversation to a library (created on first use); the project file is only
        written when the library is new."""
        self._libraries.add(library, conversation)

    def set_conversations(self, library: str, conversations: list[dict[str, Any]]) -> None:
        """Replace a library's conversations (created if new)."""
        self._libraries.replace(library, conversations)

    def remove_library(self, library: str) -> None:
        """Unlist a library; its file is kept, renamed `<file>.deleted-<time>`."""
        self._libraries.remove(library)

    def migrate_libraries(self) -> int:
        """Move libraries an older version kept inside the project file into their own files."""
        return self._libraries.migrate_inline()

    # -- recovery ------------------------------------------------------------------------------
    def write_recovery(self, document: dict[str, Any]) -> None:
        """Keep unsaved edits next to the workspace (call every few seconds of idle)."""
        self._writable()
        owned, _ = _as_document(document)
        with self._ws._lock:
            base = int(self._head_record()["revision"])
            self._ws._write_recovery(self._name, owned, base)

    def recovery(self) -> dict[str, Any] | None:
        """Unsaved edits left by a previous session (or this one), or None."""
        entry = self._ws._recovery.get(self._name)
        return None if entry is None else entry.document

    def recovery_entry(self) -> RecoveryEntry | None:
        """Like `recovery()`, with when it was written and the revision the edits started from."""
        return self._ws._recovery.get(self._name)

    def clear_recovery(self) -> None:
        if self.read_only:
            return
        with self._ws._lock:
            self._ws._clear_recovery(self._name)

    def close(self) -> None:
        self._db.close()

    def __repr__(self) -> str:
        return f"<Project {self._name!r} at {self.path}>"
