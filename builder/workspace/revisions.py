"""Revision records and their storage form.

Each revision keeps a full snapshot of the document as zlib-compressed canonical JSON in base64:
a revision decodes on its own (no chain of deltas to break), and a 200-rule ruleset shrinks to a
few kilobytes, so a project of a hundred revisions stays small enough to rewrite on every save.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Mapping


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
                    description: str, time: str | None = None) -> dict[str, Any]:
    """The stored form of a revision (one TinyDB document, id = revision number)."""
    return {
        "number": number,
        "time": time or now_iso(),
        "author": author,
        "description": description,
        "hash": digest,
        "snapshot": encode_snapshot(canonical),
    }


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
