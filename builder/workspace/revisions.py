"""Revision records and their storage form.

A revision is stored as zlib-compressed canonical JSON in base64: either a full snapshot (a
keyframe) or a delta against one keyframe (see `deltas.py`), so that a project of a hundred
200-rule revisions stays small enough to rewrite on every save.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def canonical_json(document: Any) -> str:
    """Stable text of a document: sorted keys, no whitespace, so equal content is equal text."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(document: Any) -> str:
    """`sha256:<hex>` of the canonical JSON; identifies a revision's content."""
    return text_hash(canonical_json(document))


def text_hash(canonical: str) -> str:
    """`content_hash` of a document whose canonical JSON is already at hand."""
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def now_iso() -> str:
    """The current instant in UTC, ISO 8601 with a Z, to the millisecond."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def encode_snapshot(canonical: str) -> str:
    return base64.b64encode(zlib.compress(canonical.encode("utf-8"), 6)).decode("ascii")


def decode_snapshot(blob: str) -> dict[str, Any]:
    data = json.loads(zlib.decompress(base64.b64decode(blob)).decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("a revision snapshot is not a JSON object")
    return data


def is_keyframe(record: Mapping[str, Any]) -> bool:
    return "snapshot" in record


@dataclass(frozen=True)
class Revision:
    """One saved state of a project: never changed or removed once written."""

    number: int
    time: str
    author: str
    description: str
    content_hash: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Revision:
        return cls(
            number=int(record["number"]),
            time=str(record.get("time", "")),
            author=str(record.get("author", "")),
            description=str(record.get("description", "")),
            content_hash=str(record.get("hash", "")),
        )


def revision_record(number: int, canonical: str, digest: str, *, author: str,
                    description: str, time: str | None = None,
                    delta: tuple[int, str] | None = None) -> dict[str, Any]:
    """The stored form of a revision (one TinyDB document, id = revision number).

    `delta` is (keyframe number, delta text); without it the record is a keyframe.
    """
    record: dict[str, Any] = {
        "number": number,
        "time": time or now_iso(),
        "author": author,
        "description": description,
        "hash": digest,
    }
    if delta is None:
        record["snapshot"] = encode_snapshot(canonical)
    else:
        record["base"], record["delta"] = delta[0], encode_snapshot(delta[1])
    return record


@dataclass(frozen=True)
class ExportRecord:
    """Which revision of which project was exported where, with the exported content's hash."""

    project: str
    path: str
    revision: int
    content_hash: str
    time: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ExportRecord:
        return cls(
            project=str(record.get("project", "")),
            path=str(record.get("path", "")),
            revision=int(record.get("revision", 0)),
            content_hash=str(record.get("content_hash", "")),
            time=str(record.get("time", "")),
        )
