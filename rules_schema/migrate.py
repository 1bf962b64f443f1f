"""`migrate(doc) -> doc`: bring a ruleset of any earlier format version up to the latest.

A chain of single steps, `MIGRATIONS[n]` turning version n into n + 1, applied in order, so adding
format version 3 means writing one step, never touching the old ones. Version 0 is the pre-release
"draft" shape (rules with `title`/`active`/`kind`/`conditions`, leaves with `operator`, schedules
with `tz`/`hours`, teams at the top level); `tests/rules_schema/fixtures/` holds one file of each.

`migrate` never raises on a parsed document and never mutates its input: whatever it cannot make
sense of is left in place for `validate` to report in plain words.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

LATEST_VERSION = 2  # the format version this package writes; schemas.py loads its schema

SCHEMA_URL = "https://handoff-builder.example/schemas/ruleset.v2.schema.json"
V1_SCHEMA_URL = "https://handoff-builder.example/schemas/ruleset.v1.schema.json"

Doc = dict[str, Any]


def document_version(doc: Any) -> int | None:
    """The format version a document says it is in; a draft without one counts as 0."""
    if not isinstance(doc, dict):
        return None
    version = doc.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool):
        return version
    if version is None and doc.get("format") == "handoff-builder/draft":
        return 0
    return None


def migrate(doc: Any) -> Any:
    """A copy of `doc` in the latest format version (unchanged when already latest or unknown)."""
    version = document_version(doc)
    out = copy.deepcopy(doc)
    while version is not None and version < LATEST_VERSION and version in MIGRATIONS:
        out = MIGRATIONS[version](out)
        version += 1
    return out


# --- version 0 (draft) -> version 1 -------------------------------------------------------------

_V0_OPS = {"contains": "contains_any", "not_contains": "contains_none", "regex": "matches",
           "equals": "eq", "not_equals": "ne"}
_V0_ACTIONS = {"handoff": "escalate"}


def _rename(src: Doc, mapping: dict[str, str]) -> Doc:
    """`src` with keys renamed (old -> new), keeping order; unknown keys kept as they are."""
    return {mapping.get(key, key): value for key, value in src.items()}


def _each(value: Any, step: Callable[[Any], Any]) -> Any:
    """`step` applied to each entry of a list; anything else is left for `validate` to report."""
    return [step(entry) for entry in value] if isinstance(value, list) else value


def _v0_condition(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    for group in ("all", "any"):
        if group in node and isinstance(node[group], list):
            return {group: [_v0_condition(child) for child in node[group]]}
    if "not" in node:
        return {"not": _v0_condition(node["not"])}
    leaf = _rename(node, {"operator": "op"})
    if isinstance(leaf.get("op"), str):
        leaf["op"] = _V0_OPS.get(leaf["op"], leaf["op"])
    ordered: Doc = {key: leaf[key] for key in ("fact", "param", "op", "value") if key in leaf}
    ordered.update({k: v for k, v in leaf.items() if k not in ordered})
    return ordered


def _v0_action(action: Any) -> Any:
    if not isinstance(action, dict):
        return action
    out = _rename(action, {"mode": "handoff"})
    if isinstance(out.get("type"), str):
        out["type"] = _V0_ACTIONS.get(out["type"], out["type"])
    if out.get("type") == "tag" and "tag" in out:
        out["tags"] = [out.pop("tag")]
    return out


def _v0_rule(rule: Any) -> Any:
    if not isinstance(rule, dict):
        return rule
    out = _rename(rule, {"title": "name", "active": "enabled", "kind": "trigger", "conditions": "when",
                         "stop_processing": "stop"})
    if "when" in out:
        out["when"] = _v0_condition(out["when"])
    if isinstance(out.get("actions"), list):
        out["actions"] = [_v0_action(a) for a in out["actions"]]
    return out


def _v0_schedule(schedule: Any) -> Any:
    if not isinstance(schedule, dict):
        return schedule
    out = _rename(schedule, {"tz": "timezone", "hours": "weekly"})
    if isinstance(out.get("weekly"), list):
        out["weekly"] = [_rename(i, {"open": "start", "close": "end"}) if isinstance(i, dict) else i
                         for i in out["weekly"]]
    return out


def _v0_to_v1(doc: Doc) -> Doc:
    metadata = {key: doc[key] for key in ("name", "description", "version", "author") if key in doc}
    settings: Doc = {}
    if "evaluation" in doc:
        settings["evaluation_mode"] = doc["evaluation"]
    if "default_schedule" in doc:
        settings["default_schedule"] = doc["default_schedule"]
    sla_minutes = doc["sla_minutes"] if isinstance(doc.get("sla_minutes"), dict) else {}
    routing: Doc = {
        "teams": doc.get("teams", []),
        "offline_mode": doc.get("offline_mode", "email"),
        "callback_enabled": False,
        "sla": {p: {"minutes": m, "clock": "business"} for p, m in sla_minutes.items()},
    }
    templates = _each(doc.get("templates", []), lambda t: _rename(t, {"text": "body"}) if isinstance(t, dict) else t)
    out: Doc = {
        "$schema": V1_SCHEMA_URL,
        "schema_version": 1,
        "metadata": metadata,
        "settings": settings,
        "rules": _each(doc.get("rules", []), _v0_rule),
        "templates": templates,
        "schedules": _each(doc.get("schedules", []), _v0_schedule),
        "routing": routing,
        "channels": doc.get("channels", []),
    }
    if "tests" in doc:
        out["tests"] = doc["tests"]
    return out


# --- version 1 -> version 2 -------------------------------------------------------------------------
# Version 2 adds word groups, the "near" operator and per-condition options (typo tolerance, on
# unless said otherwise, and ignoring negated matches). A version 1 phrase condition matched
# exactly, so it says `"typo": false`: an old file decides as it did.

_PHRASE_OPS = ("contains_any", "contains_none")


def _v1_condition(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    for group in ("all", "any"):
        if group in node and isinstance(node[group], list):
            return {**node, group: [_v1_condition(child) for child in node[group]]}
    if "not" in node:
        return {**node, "not": _v1_condition(node["not"])}
    if node.get("op") in _PHRASE_OPS and "typo" not in node:
        return {**node, "typo": False}
    return node


def _v1_to_v2(doc: Doc) -> Doc:
    out: Doc = {}
    for key, value in doc.items():
        if key == "$schema":
            value = SCHEMA_URL
        elif key == "schema_version":
            value = 2
        elif key == "rules":
            value = _each(value, lambda r: {**r, "when": _v1_condition(r["when"])}
                          if isinstance(r, dict) and "when" in r else r)
        out[key] = value
    return out


MIGRATIONS: dict[int, Callable[[Doc], Doc]] = {0: _v0_to_v1, 1: _v1_to_v2}
