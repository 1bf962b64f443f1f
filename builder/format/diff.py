"""What changed between two rulesets, rule by rule, in plain words.

Used for revision descriptions ("Changed 'Frustration': conditions changed") and the revision
history's compare view. Works on plain documents (dicts) so that drafts which do not validate
yet can be compared too: missing or odd fields never raise.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SECTIONS: tuple[str, ...] = ("templates", "schedules", "routing", "channels", "settings")
IGNORED_METADATA = frozenset({"exported_at", "content_hash"})
"""Set by export, not by the person editing: never reported as a change."""

_FIELD_ORDER = {key: i for i, key in enumerate(
    ("name", "enabled", "trigger", "when", "actions", "stop", "cooldown"))}
_FIELD_WORDS: dict[str, str] = {
    "when": "conditions changed",
    "actions": "actions changed",
    "trigger": "trigger changed",
    "cooldown": "cooldown changed",
    "description": "description changed",
    "schedule": "schedule changed",
}


@dataclass(frozen=True)
class RuleRef:
    """A rule by id, with its name and position (0-based) in the ruleset it belongs to."""

    id: str
    name: str
    index: int


@dataclass(frozen=True)
class RuleChange:
    """A rule present on both sides whose content or position changed."""

    id: str
    name: str
    old_index: int
    new_index: int
    changes: tuple[str, ...]
    fields: tuple[str, ...] = ()
    moved: bool = False


@dataclass(frozen=True)
class SectionChange:
    """A top-level part other than rules (templates, schedules, …) that changed."""

    section: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"{verb} {', '.join(ids)}" for verb, ids in
                 (("added", self.added), ("removed", self.removed), ("changed", self.changed)) if ids]
        return f"{self.section} changed" + (f" ({'; '.join(parts)})" if parts else "")


@dataclass(frozen=True)
class RulesetDiff:
    """Rule-level differences from `a` to `b`; empty when the rulesets are equivalent."""

    added: tuple[RuleRef, ...] = ()
    removed: tuple[RuleRef, ...] = ()
    changed: tuple[RuleChange, ...] = ()
    sections: tuple[SectionChange, ...] = field(default=())
    metadata_changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.sections
                    or self.metadata_changed)

    @property
    def empty(self) -> bool:
        return not self

    def lines(self) -> list[str]:
        """One line per difference, for a list view or the CLI."""
        out = [f"added rule '{r.name}'" for r in self.added]
        out += [f"removed rule '{r.name}'" for r in self.removed]
        out += [f"changed rule '{c.name}': {', '.join(c.changes)}" for c in self.changed]
        out += [s.describe() for s in self.sections]
        out += [f"{key} changed" for key in self.metadata_changed]
        return out

    def summary(self) -> str:
        """A short sentence for a revision description, e.g. "Added 'Refunds'; reordered rules"."""
        parts: list[str] = []
        if len(self.added) == 1:
            parts.append(f"added '{self.added[0].name}'")
        elif self.added:
            parts.append(f"added {len(self.added)} rules")
        if len(self.removed) == 1:
            parts.append(f"removed '{self.removed[0].name}'")
        elif self.removed:
            parts.append(f"removed {len(self.removed)} rules")
        edited = [c for c in self.changed if c.fields]
        moved = [c for c in self.changed if c.moved and not c.fields]
        if len(edited) == 1:
            only = edited[0]
            parts.append(f"changed '{only.name}' ({', '.join(only.changes)})")
        elif edited:
            parts.append(f"changed {len(edited)} rules")
        if len(moved) == 1:
            parts.append(f"moved '{moved[0].name}'")
        elif moved:
            parts.append("reordered rules")
        parts += [f"{s.section} changed" for s in self.sections]
        if self.metadata_changed:
            parts.append("details changed")
        if not parts:
            return "No changes"
        text = "; ".join(parts)
        return text[0].upper() + text[1:]


def _rules(document: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(key, rule) pairs; a rule without a usable id is keyed by its position, duplicates made unique."""
    raw = document.get("rules") if isinstance(document, Mapping) else None
    out: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for index, rule in enumerate(raw if isinstance(raw, list) else []):
        rule = rule if isinstance(rule, dict) else {"value": rule}
        key = rule.get("id") if isinstance(rule.get("id"), str) and rule.get("id") else f"#{index + 1}"
        base, n = str(key), 2
        while key in seen:
            key, n = f"{base}~{n}", n + 1
        seen.add(str(key))
        out.append((str(key), rule))
    return out


def _name(key: str, rule: Mapping[str, Any]) -> str:
    name = rule.get("name")
    return name if isinstance(name, str) and name else key


def _stable_positions(old_indices: list[int]) -> set[int]:
    """Positions (in the new order) forming a longest increasing run of old indices: not moved."""
    tails: list[int] = []
    tail_pos: list[int] = []
    parent = [-1] * len(old_indices)
    for pos, value in enumerate(old_indices):
        i = bisect_left(tails, value)
        if i == len(tails):
            tails.append(value)
            tail_pos.append(pos)
        else:
            tails[i] = value
            tail_pos[i] = pos
        parent[pos] = tail_pos[i - 1] if i else -1
    keep: set[int] = set()
    pos = tail_pos[-1] if tail_pos else -1
    while pos >= 0:
        keep.add(pos)
        pos = parent[pos]
    return keep


def _rule_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    words: list[str] = []
    fields: list[str] = []
    for key in sorted(set(old) | set(new), key=lambda k: (_FIELD_ORDER.get(k, len(_FIELD_ORDER)), k)):
        if key == "id" or old.get(key) == new.get(key):
            continue
        fields.append(key)
        if key == "name":
            words.append(f"renamed from '{old.get('name', '')}'")
        elif key == "enabled":
            state = {True: "enabled", False: "disabled"}
            before = state.get(bool(old.get("enabled", True)))
            after = state.get(bool(new.get("enabled", True)))
            words.append(f"{before} → {after}")
        elif key == "stop":
            words.append("now stops further rules" if new.get("stop") else
                         "no longer stops further rules")
        elif key == "trigger" and isinstance(old.get(key), str) and isinstance(new.get(key), str):
            words.append(f"trigger {old[key]} → {new[key]}")
        else:
            words.append(_FIELD_WORDS.get(key, f"{key} changed"))
    return words, fields


def _keyed(value: Any) -> dict[str, Any] | None:
    """A list of objects with ids as a dict by id, or None when it is not such a list."""
    if not isinstance(value, list):
        return None
    out: dict[str, Any] = {}
    for index, item in enumerate(value):
        key = item.get("id") if isinstance(item, dict) else None
        key = key if isinstance(key, str) and key not in out else f"#{index + 1}"
        out[key] = item
    return out


def _section_change(section: str, old: Any, new: Any) -> SectionChange | None:
    if old == new:
        return None
    old_items, new_items = _keyed(old), _keyed(new)
    if old_items is None or new_items is None:
        if isinstance(old, dict) and isinstance(new, dict):
            keys = tuple(k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k))
            return SectionChange(section, changed=keys)
        return SectionChange(section)
    return SectionChange(
        section,
        added=tuple(k for k in new_items if k not in old_items),
        removed=tuple(k for k in old_items if k not in new_items),
        changed=tuple(k for k in new_items if k in old_items and old_items[k] != new_items[k]),
    )


def diff_rulesets(a: Mapping[str, Any], b: Mapping[str, Any]) -> RulesetDiff:
    """The differences from ruleset document `a` (older) to `b` (newer)."""
    old_rules, new_rules = _rules(a), _rules(b)
    old_index = {key: i for i, (key, _) in enumerate(old_rules)}
    old_by_key = dict(old_rules)
    new_keys = {key for key, _ in new_rules}

    added = tuple(RuleRef(key, _name(key, rule), i) for i, (key, rule) in enumerate(new_rules)
                  if key not in old_index)
    removed = tuple(RuleRef(key, _name(key, rule), i) for i, (key, rule) in enumerate(old_rules)
                    if key not in new_keys)

    common = [(i, key, rule) for i, (key, rule) in enumerate(new_rules) if key in old_index]
    stable = _stable_positions([old_index[key] for _, key, _ in common])
    changed: list[RuleChange] = []
    for pos, (new_i, key, rule) in enumerate(common):
        old_rule = old_by_key[key]
        words, fields = ([], []) if old_rule == rule else _rule_changes(old_rule, rule)
        moved = pos not in stable
        if moved:
            words.append(f"moved from position {old_index[key] + 1} to {new_i + 1}")
        if words:
            changed.append(RuleChange(key, _name(key, rule), old_index[key], new_i, tuple(words),
                                      tuple(fields), moved))

    sections = tuple(
        change for section in SECTIONS
        if (change := _section_change(section, _get(a, section), _get(b, section))) is not None
    )
    meta_a, meta_b = _get(a, "metadata"), _get(b, "metadata")
    meta_a = meta_a if isinstance(meta_a, dict) else {}
    meta_b = meta_b if isinstance(meta_b, dict) else {}
    top_keys = (set(a) | set(b)) - {"rules", "metadata", *SECTIONS} if isinstance(a, Mapping) and \
        isinstance(b, Mapping) else set()
    metadata_changed = tuple(
        [f"metadata.{k}" for k in sorted(set(meta_a) | set(meta_b))
         if k not in IGNORED_METADATA and meta_a.get(k) != meta_b.get(k)]
        + [k for k in sorted(top_keys) if a.get(k) != b.get(k)]
    )
    return RulesetDiff(added, removed, tuple(changed), sections, metadata_changed)


def _get(document: Mapping[str, Any], key: str) -> Any:
    return document.get(key) if isinstance(document, Mapping) else None
