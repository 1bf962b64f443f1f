"""Say where a problem is the way a support manager thinks of it: "Rule 'Refund requests', condition
on 'Latest visitor message'" rather than `$.rules[2].when.any[0]`.

The JSON path stays on the Problem for programs (the editor selects the field from it); this module
only writes the words in front of the message and finds the rule the problem belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rules_schema.catalog import catalog

Part = str | int

DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
             "sat": "Saturday", "sun": "Sunday"}

FIELD_LABELS = {
    "$schema": "the schema address", "schema_version": "the format version", "metadata": "the ruleset details",
    "settings": "the settings", "rules": "the rule list", "templates": "the template list",
    "schedules": "the schedule list", "routing": "the routing", "channels": "the channel list",
    "tests": "the test conversations", "id": "the id", "name": "the name", "description": "the description",
    "version": "the version label", "author": "the author", "exported_at": "the export time",
    "content_hash": "the content hash", "evaluation_mode": "the evaluation mode",
    "default_schedule": "the default schedule", "similarity_threshold": "the similarity threshold",
    "caps_min_letters": "the minimum letters for CAPITALS", "locale": "the language",
    "enabled": "the on/off switch", "trigger": "the trigger kind", "when": "the condition",
    "actions": "the action list", "stop": "the stop-processing switch", "cooldown": "the re-fire policy",
    "all": "the 'all of' group", "any": "the 'any of' group", "not": "the 'not' condition",
    "fact": "the fact", "op": "the operator", "param": "the parameter", "value": "the value",
    "type": "the type", "handoff": "the handoff mode", "team": "the team", "priority": "the priority",
    "template": "the template", "tags": "the tag list", "channel": "the channel", "policy": "the re-fire policy",
    "minutes": "the minutes", "subject": "the subject", "body": "the text", "timezone": "the time zone",
    "weekly": "the weekly hours", "day": "the day", "start": "the opening time", "end": "the closing time",
    "holidays": "the public holidays", "country": "the country", "subdivision": "the region",
    "ignore": "the list of holidays worked anyway", "closures": "the closures", "date": "the date",
    "special_openings": "the special openings", "teams": "the team list", "offline_mode": "the offline mode",
    "callback_enabled": "the callback option", "sla": "the response-time promises",
    "backup_contact": "the backup contact", "clock": "the clock", "url_env": "the environment variable name",
    "address": "the e-mail address", "events": "the events", "visitor": "the visitor profile",
    "expect": "the expectation", "at": "the time", "text": "the text", "escalate": "the expected escalation",
    "turn": "the turn", "word_groups": "the word groups", "words": "the words", "includes": "the included groups",
    "groups": "the word groups", "near": "the words it must be near", "within": "the distance in words",
    "typo": "the typo tolerance", "ignore_negated": "the negation option",
}

VALUE_LABELS = {"phrases": "the phrase list", "pattern": "the pattern", "range": "the range",
                "choices": "the list of choices"}


def _get(node: Any, part: Part) -> Any:
    if isinstance(part, int):
        return node[part] if isinstance(node, list) and 0 <= part < len(node) else None
    return node.get(part) if isinstance(node, dict) else None


def _title(kind: str, item: Any, index: int) -> str:
    """"Rule 'Refunds'"; a nameless one by its place ("Rule 4"), never by its internal id."""
    if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
        return f"{kind} '{item['name']}'"
    return f"{kind} {index + 1}"


def rule_id_at(doc: Any, parts: Sequence[Part]) -> str | None:
    """The id of the rule a path lies in, if any (so the editor can select that rule)."""
    if len(parts) >= 2 and parts[0] == "rules" and isinstance(parts[1], int):
        rid = _get(_get(doc, "rules"), parts[1])
        rid = rid.get("id") if isinstance(rid, dict) else None
        return rid if isinstance(rid, str) else None
    return None


def _condition_words(node: Any, parts: Sequence[Part]) -> tuple[str, int]:
    """Describe the deepest leaf on the path inside a condition tree; returns (words, parts used)."""
    used, leaf_at = 0, -1
    leaf: Any = node if isinstance(node, dict) and "fact" in node else None
    for i, part in enumerate(parts):
        node = _get(node, part)
        if node is None:
            break
        if isinstance(node, dict) and "fact" in node:
            leaf, leaf_at = node, i
    if leaf is None:
        return "", 0
    used = leaf_at + 1
    fact = leaf.get("fact")
    known = catalog().fact(fact) if isinstance(fact, str) else None
    label = known.label if known else (fact if isinstance(fact, str) else "?")
    return f", condition on '{label}'", used


def describe(doc: Any, parts: Sequence[Part]) -> tuple[str, str | None]:
    """(owner words, field key) for a path: ("Rule 'Refunds', action 2", "template")."""
    parts = list(parts)
    if not parts:
        return "The ruleset", None
    head = parts[0]
    field = next((p for p in reversed(parts) if isinstance(p, str)), None)
    if head == "rules" and len(parts) >= 2 and isinstance(parts[1], int):
        rule = _get(_get(doc, "rules"), parts[1])
        words = _title("Rule", rule, parts[1])
        rest = parts[2:]
        if rest[:1] == ["when"]:
            extra, used = _condition_words(_get(rule, "when"), rest[1:])
            words += extra
            if extra and used == len(rest) - 1:
                field = None
        elif rest[:1] == ["actions"] and len(rest) >= 2 and isinstance(rest[1], int):
            action = _get(_get(rule, "actions"), rest[1])
            kind = action.get("type") if isinstance(action, dict) else None
            label = catalog().actions.get(kind, {}).get("label") if isinstance(kind, str) else None
            words += f", action {rest[1] + 1}" + (f" ('{label}')" if label else "")
            if len(rest) == 2:
                field = None
        elif len(rest) <= 1 and field in ("rules",):
            field = None
        return words, field
    if head == "word_groups" and len(parts) >= 2 and isinstance(parts[1], int):
        return _title("Word group", _get(_get(doc, head), parts[1]), parts[1]), (field if len(parts) > 2 else None)
    if head in ("templates", "schedules", "channels", "tests") and len(parts) >= 2 and isinstance(parts[1], int):
        kind = {"templates": "Template", "schedules": "Schedule", "channels": "Channel",
                "tests": "Test conversation"}[head]
        item = _get(_get(doc, head), parts[1])
        words = _title(kind, item, parts[1])
        if head == "tests" and isinstance(item, dict) and isinstance(item.get("id"), str):
            words = f"Test conversation '{item['id']}'"
        rest = parts[2:]
        if head == "schedules" and len(rest) >= 2 and isinstance(rest[1], int):
            sub = _get(_get(item, rest[0]), rest[1])
            words += ", " + _schedule_entry(rest[0], sub, rest[1])
            if len(rest) == 2:
                field = None
        elif head == "tests" and rest[:1] == ["events"] and len(rest) >= 2 and isinstance(rest[1], int):
            words += f", event {rest[1] + 1}"
        if len(parts) == 2:
            field = None
        return words, field
    if head == "routing":
        if len(parts) >= 3 and parts[1] == "teams" and isinstance(parts[2], int):
            team = _get(_get(_get(doc, "routing"), "teams"), parts[2])
            return _title("Team", team, parts[2]), (field if len(parts) > 3 else None)
        if len(parts) >= 3 and parts[1] == "sla" and isinstance(parts[2], str):
            return f"Routing, the {parts[2]}-priority promise", (field if len(parts) > 3 else None)
        return "Routing", (field if len(parts) > 1 else None)
    if head == "settings":
        return "Settings", (field if len(parts) > 1 else None)
    if head == "metadata":
        return "Ruleset details", (field if len(parts) > 1 else None)
    return "The ruleset", field


def _schedule_entry(kind: Part, entry: Any, index: int) -> str:
    if kind == "weekly" and isinstance(entry, dict):
        day = DAY_NAMES.get(str(entry.get("day")), "")
        return f"{day or 'interval ' + str(index + 1)} {interval_text(entry)}".strip()
    if kind == "closures":
        return f"closure {index + 1}"
    if kind == "special_openings":
        date = entry.get("date") if isinstance(entry, dict) else None
        return f"special opening on {date}" if isinstance(date, str) else f"special opening {index + 1}"
    if kind == "ignore":
        return f"ignored holiday {index + 1}"
    return f"entry {index + 1}"


def interval_text(entry: dict[str, Any]) -> str:
    start, end = entry.get("start"), entry.get("end")
    return f"{start}–{end}" if isinstance(start, str) and isinstance(end, str) else ""


def field_label(key: str | None, doc: Any = None, parts: Sequence[Part] = ()) -> str:
    """Words for a field: "the phrase list" for a contains_any value, "the name" for name."""
    if key == "value" and parts:
        leaf = doc
        for part in list(parts)[:-1]:
            leaf = _get(leaf, part)
        op = leaf.get("op") if isinstance(leaf, dict) else None
        operator = catalog().operators.get(op) if isinstance(op, str) else None
        if operator is not None:
            return VALUE_LABELS.get(operator.value, "the value")
    if key is None:
        return "it"
    return FIELD_LABELS.get(key, f"'{key}'")
