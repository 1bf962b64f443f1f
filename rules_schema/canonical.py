"""The canonical bytes of a document and its content hash.

Kept with the format (not in `builder`) so that a chatbot's runtime and the validator can check a
file's `metadata.content_hash` without the builder. Canonical = the document's own key order,
2-space indent, UTF-8 kept as is, one trailing newline: export writes exactly this text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

HASH_PREFIX = "sha256:"
_VOLATILE = ("exported_at", "content_hash")


def canonical_json(doc: Mapping[str, Any]) -> str:
    """The text export writes for `doc` (stable: same document, same bytes)."""
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def hashed_content(doc: Mapping[str, Any]) -> dict[str, Any]:
    """`doc` without the fields that change on every export (when, and the hash itself)."""
    out = dict(doc)
    meta = out.get("metadata")
    if isinstance(meta, Mapping):
        out["metadata"] = {k: v for k, v in meta.items() if k not in _VOLATILE}
    return out


def content_hash(doc: Mapping[str, Any]) -> str:
    """`sha256:<hex>` of the canonical JSON of `doc` without exported_at and content_hash."""
    digest = hashlib.sha256(canonical_json(hashed_content(doc)).encode("utf-8")).hexdigest()
    return HASH_PREFIX + digest
