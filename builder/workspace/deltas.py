"""Revisions stored as a delta against a keyframe, so a save rewrites a small project file.

A keyframe revision holds a full compressed snapshot. The revisions after it (up to
`KEYFRAME_EVERY`) hold only what differs from that keyframe: the rule list as references to the
keyframe's rules (by position) or new rule objects, plus the top-level keys that differ. Every
delta depends on one keyframe, never on a chain of deltas, and `encode_delta` proves it decodes
to exactly the saved text before it is used; otherwise the revision is stored as a keyframe.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from typing import Any

from builder.workspace.revisions import canonical_json

KEYFRAME_EVERY = 20
"""A full snapshot at least this often (revision count since the last keyframe)."""
DELTA_MAX_RATIO = 0.5
"""A delta larger than this share of the full text is not worth it: store a keyframe."""


class Keyframe:
    """A keyframe's document with its rules' positions by id (computed once)."""

    def __init__(self, number: int, document: dict[str, Any]) -> None:
        self.number = number
        self.document = document
        rules = document.get("rules")
        self.rules: list[Any] | None = rules if isinstance(rules, list) else None
        self.by_id: dict[str, int] = {}
        for i, rule in enumerate(self.rules or []):
            if isinstance(rule, dict) and isinstance(rule.get("id"), str):
                self.by_id.setdefault(rule["id"], i)

    def find(self, rule: Any, position: int, equal: Callable[[Any, Any], bool] = operator.eq) -> int | None:
        """The keyframe position of a rule equal to `rule` (same id, else same place), or None.

        Python's == is fast but lenient (1 == True); `encode_delta` checks the result and, when
        that leniency made it wrong, asks again with `exactly_equal`.
        """
        rules = self.rules or []
        candidates = []
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            candidates.append(self.by_id.get(rule["id"]))
        candidates.append(position)
        for i in candidates:
            if i is not None and i < len(rules) and equal(rules[i], rule):
                return i
        return None


def exactly_equal(a: Any, b: Any) -> bool:
    """== that tells 1 from True and 1 from 1.0, as JSON does."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(exactly_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(map(exactly_equal, a, b))
    return bool(a == b)


def make_delta(base: Keyframe, document: dict[str, Any],
               equal: Callable[[Any, Any], bool] = operator.eq) -> dict[str, Any] | None:
    """What turns the keyframe into `document`, or None when a delta does not apply."""
    rules = document.get("rules")
    if base.rules is None or not isinstance(rules, list):
        return None
    refs: list[Any] = []
    for position, rule in enumerate(rules):
        found = base.find(rule, position, equal)
        refs.append(found if found is not None else {"rule": rule})
    old = base.document
    changed = {k: v for k, v in document.items() if k != "rules" and (k not in old or not equal(old[k], v))}
    dropped = sorted(k for k in old if k not in document)
    return {"rules": refs, "set": changed, "drop": dropped}


def apply_delta(base: Keyframe, delta: dict[str, Any]) -> dict[str, Any]:
    """The document a delta describes. It shares objects with the keyframe: serialise it (or
    copy it) before handing it to anyone who might change it."""
    source = base.rules if base.rules is not None else []
    rules = [source[ref] if isinstance(ref, int) else ref["rule"] for ref in delta["rules"]]
    drop = set(delta.get("drop", ()))
    document = {k: v for k, v in base.document.items() if k not in drop}
    document.update(delta.get("set", {}))
    document["rules"] = rules
    return document


def encode_delta(base: Keyframe, document: dict[str, Any], canonical: str) -> str | None:
    """The delta's canonical text if it is worth storing and verifiably exact, else None."""
    for equal in (operator.eq, exactly_equal):  # the exact comparison only when == was too lenient
        delta = make_delta(base, document, equal)
        if delta is None:
            return None
        text = canonical_json(delta)
        if len(text) > DELTA_MAX_RATIO * len(canonical):
            return None
        try:
            rebuilt = apply_delta(base, json.loads(text))
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        if canonical_json(rebuilt) == canonical:
            return text
    return None
