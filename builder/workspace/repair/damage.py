"""A damaged project: what the project list shows and what can be restored from.

When a project's file cannot be used it was moved aside (`<file>.corrupt-<time>`, kept for a
human) and the project stays listed as damaged, so the user can show the kept file, restore it
from the last revision the damaged file still holds intact (each revision is checked against its
hash), from the unsaved changes in the recovery file, or remove it from the list. Every other
project opens normally.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.workspace.deltas import Keyframe, apply_delta
from builder.workspace.disk.corruption import StorageCorrupt, read_database
from builder.workspace.recovery import RecoveryEntry
from builder.workspace.revisions import canonical_json, decode_snapshot, is_keyframe, text_hash

_STAMP = re.compile(r"\.corrupt-(\d{8}T\d{6}Z)(?:-(\d+))?$")


@dataclass(frozen=True)
class RestoreOption:
    """One way to bring a damaged project back: `kind` "revision" (from the damaged file's intact
    history, up to `revision`) or "recovery" (the unsaved changes kept in the recovery file)."""

    kind: str
    label: str
    revision: int | None = None


@dataclass(frozen=True)
class ProjectDamage:
    """Why a project cannot be opened: `path` is where its file belongs, `kept` the damaged file
    as kept (moved aside, or in place on a read-only opening), `options` what it can be restored from."""

    name: str
    path: Path
    kept: Path | None
    reason: str
    message: str
    options: tuple[RestoreOption, ...] = ()
    backup: Path | None = None
    """A good backup copy (`<file>.bak`) that opening with `use_backup` would use, if any."""


def latest_casualty(path: Path) -> Path | None:
    """The newest `<file>.corrupt-<time>` left next to `path` (a damage found in an earlier session)."""
    best: tuple[str, int, Path] | None = None
    try:
        siblings = list(path.parent.glob(path.name + ".corrupt-*"))
    except OSError:
        return None
    for sibling in siblings:
        match = _STAMP.search(sibling.name)
        if match:
            key = (match.group(1), int(match.group(2) or 0), sibling)
            if best is None or key[:2] > best[:2]:
                best = key
    return None if best is None else best[2]


def _decoded(records: dict[str, Any]) -> dict[int, tuple[dict[str, Any], str]]:
    """Revision number -> (record, canonical text) for every revision that decodes and matches its hash."""
    out: dict[int, tuple[dict[str, Any], str]] = {}
    keyframes: dict[int, Keyframe] = {}
    numbered = sorted((int(key), record) for key, record in records.items()
                      if isinstance(key, str) and key.isascii() and key.isdigit() and isinstance(record, dict))
    for number, record in numbered:
        try:
            if is_keyframe(record):
                document = decode_snapshot(record["snapshot"])
                keyframes[number] = Keyframe(number, document)
            else:
                base = keyframes[int(record["base"])]
                document = apply_delta(base, decode_snapshot(record["delta"]))
            text = canonical_json(document)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
            continue
        if text_hash(text) == record.get("hash"):
            out[number] = (record, text)
    return out


def intact_revisions(kept: Path | None) -> dict[int, tuple[dict[str, Any], str]]:
    """The revisions of a damaged project file that can still be read exactly as saved."""
    if kept is None:
        return {}
    try:
        data = read_database(kept)
    except StorageCorrupt:
        return _decoded(_partial_revisions(kept))
    except OSError:
        return {}
    if data is None:
        return {}
    return _decoded(data.get("revisions", {}))


def _partial_revisions(path: Path) -> dict[str, Any]:
    """The revision records before the point where a cut-off (or otherwise broken) file stops
    making sense. The file is compact JSON with the revisions table after the current ruleset, so
    its last `"revisions":{` opens that table (inside strings a quote is always escaped)."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return {}
    start = text.rfind('"revisions":{')
    if start < 0:
        return {}
    decoder = json.JSONDecoder()
    position = start + len('"revisions":{')
    records: dict[str, Any] = {}
    while True:
        try:
            key, position = decoder.raw_decode(text, position)
            if text[position] != ":":
                break
            record, position = decoder.raw_decode(text, position + 1)
        except (ValueError, IndexError, RecursionError):
            break
        if isinstance(key, str) and isinstance(record, dict):
            records[key] = record
        if position >= len(text) or text[position] != ",":
            break
        position += 1
    return records


def restore_options(kept: Path | None, recovery: RecoveryEntry | None) -> tuple[RestoreOption, ...]:
    options: list[RestoreOption] = []
    revisions = intact_revisions(kept)
    if revisions:
        last = max(revisions)
        options.append(RestoreOption("revision", f"Restore from revision {last}", last))
    if recovery is not None:
        when = recovery.time[:16].replace("T", " ") if recovery.time else "the last session"
        based = f", based on revision {recovery.base_revision}" if recovery.base_revision else ""
        options.append(RestoreOption("recovery", f"Restore the unsaved changes ({when}{based})"))
    return tuple(options)


def restored_history(kept: Path | None, up_to: int | None) -> list[tuple[int, dict[str, Any], str]]:
    """(number, record, canonical text) of the intact revisions up to `up_to`, oldest first."""
    revisions = intact_revisions(kept)
    return [(n, record, text) for n, (record, text) in sorted(revisions.items()) if up_to is None or n <= up_to]


def document_of(text: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(text)
    return result
