"""Shared state of one semantic check: the document, its id indexes and the problems found.

Semantic checks run even when the schema found errors (the manager wants every problem at once),
so every accessor here tolerates a malformed document: a missing list is empty, a non-object
entry is skipped, never an exception.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from typing import Any

from rules_schema.catalog import Catalog, catalog
from rules_schema.locations import Part, describe, rule_id_at
from rules_schema.problems import ERROR, Problem, Severity, json_path


def items(node: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, entry) for each object in the list `node[key]`; nothing when it is not a list."""
    seq = node.get(key) if isinstance(node, dict) else None
    if isinstance(seq, list):
        for index, entry in enumerate(seq):
            if isinstance(entry, dict):
                yield index, entry


def text(node: Any, key: str) -> str | None:
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, str) else None


def suggest(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def name_of(entry: dict[str, Any]) -> str:
    return text(entry, "name") or text(entry, "id") or "?"


class Context:
    """The document being checked, with the ids it defines, collecting Problems."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.catalog: Catalog = catalog()
        self.problems: list[Problem] = []
        routing = doc.get("routing") if isinstance(doc.get("routing"), dict) else {}
        self.routing: dict[str, Any] = routing if isinstance(routing, dict) else {}
        self.templates = self._index(doc, "templates")
        self.schedules = self._index(doc, "schedules")
        self.channels = self._index(doc, "channels")
        self.teams = self._index(self.routing, "teams")
        self.rules = self._index(doc, "rules")
        self.word_groups = self._index(doc, "word_groups")
        settings = doc.get("settings")
        self.default_schedule = text(settings, "default_schedule")

    @staticmethod
    def _index(node: Any, key: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for _, entry in items(node, key):
            ident = text(entry, "id")
            if ident is not None and ident not in out:
                out[ident] = entry
        return out

    def owner(self, parts: Sequence[Part]) -> str:
        return describe(self.doc, parts)[0]

    def add(self, parts: Sequence[Part], words: str, code: str, severity: Severity = ERROR) -> None:
        """Record a problem; `words` follow the owner ("Rule 'X', action 2: <words>")."""
        message = f"{self.owner(parts)}: {words}"
        self.problems.append(Problem(json_path(list(parts)), message, severity, code, rule_id_at(self.doc, parts)))

    def ref(self, parts: Sequence[Part], value: Any, known: dict[str, dict[str, Any]], kind: str,
            code: str) -> dict[str, Any] | None:
        """The `kind` entry `value` names; reported (and None) when there is none."""
        if not isinstance(value, str):
            return None
        if value in known:
            return known[value]
        if known:
            hint = suggest(value, list(known)) or f"; known {kind}s: {', '.join(sorted(known)[:8])}"
        else:
            hint = f"; this ruleset has no {kind}s yet"
        self.add(parts, f"there is no {kind} with the id '{value}'{hint}", code)
        return None
