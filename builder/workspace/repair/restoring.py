"""Writing a damaged project back: a fresh project file from what survived of the damaged one.

The intact revisions (each checked against its hash, see `damage.py`) are written again as full
snapshots, so the new file does not depend on a keyframe that was lost; restoring the unsaved
changes of the recovery file adds them as one more revision. The damaged file is never touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from builder.workspace.disk.corruption import StorageCorrupt, read_database
from builder.workspace.disk.storage import AtomicStorage
from builder.workspace.errors import WorkspaceError
from builder.workspace.libraries import check_records
from builder.workspace.project import PROJECT_FORMAT, PROJECT_VERSION
from builder.workspace.recovery import RecoveryEntry
from builder.workspace.repair.damage import RestoreOption, restored_history
from builder.workspace.revisions import (
    Revision,
    canonical_json,
    decode_snapshot,
    now_iso,
    revision_record,
    text_hash,
)


def _libraries(kept: Path | None) -> dict[str, Any]:
    """The damaged file's list of conversation libraries, when it is still intact (their own
    files were never damaged with it)."""
    if kept is None:
        return {}
    try:
        data = read_database(kept) or {}
    except (StorageCorrupt, OSError):
        return {}
    libraries = data.get("libraries", {})
    return libraries if check_records(libraries) is None else {}


def write_restored(path: Path, name: str, kept: Path | None, option: RestoreOption,
                   entry: RecoveryEntry | None, *, author: str) -> Revision:
    """Write the restored project to `path` (where its file belongs); its head revision."""
    up_to = option.revision if option.kind == "revision" else None
    history = restored_history(kept, up_to)
    revisions: dict[str, Any] = {}
    for number, record, text in history:
        revisions[str(number)] = revision_record(
            number, text, text_hash(text), author=str(record.get("author", "")),
            description=str(record.get("description", "")), time=str(record.get("time", "")) or None)
    if option.kind == "recovery":
        if entry is None:
            raise WorkspaceError(f"The unsaved changes of “{name}” are no longer in the recovery file.")
        text = canonical_json(entry.document)
        number = (max(n for n, _, _ in history) + 1) if history else 1
        revisions[str(number)] = revision_record(
            number, text, text_hash(text), author=author,
            description="Restored the unsaved changes after the project file was damaged")
    if not revisions:
        raise WorkspaceError(f"Nothing of “{name}” could be restored.")
    head = revisions[max(revisions, key=int)]
    document = decode_snapshot(head["snapshot"])
    storage = AtomicStorage(path)
    storage.write({
        "meta": {"1": {"format": PROJECT_FORMAT, "version": PROJECT_VERSION, "name": name,
                       "created": revisions[min(revisions, key=int)]["time"], "restored": now_iso()}},
        "current": {"1": {"revision": head["number"], "hash": head["hash"], "document": document,
                          "keyframe": head["number"]}},
        "revisions": revisions,
        "libraries": _libraries(kept),
    })
    return Revision.from_record(head)

