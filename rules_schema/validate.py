"""`validate(document) -> list[Problem]`: every problem of a ruleset, schema and semantics alike.

The schema pass catches shapes (missing fields, wrong types, RE2 patterns); the semantic pass
checks what the schema cannot (catalog, references, duplicates, schedules). Both always run, so
one call lists everything to fix; problems come back in document order, errors and warnings mixed.

Speed: the schema pass runs on `fastcheck`'s compiled checker (jsonschema itself took about a
millisecond per rule); see benchmarks/validate_bench.py for the figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rules_schema.locations import Part
from rules_schema.problems import ERROR, Problem
from rules_schema.schema_messages import translate_errors
from rules_schema.schemas import fast_validator
from rules_schema.semantics import check_semantics


def validate(document: Any) -> list[Problem]:
    """All problems of `document` (a parsed ruleset); an empty list means it is clean."""
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else type(document).__name__
        return [Problem("$", f"The ruleset must be a JSON object with rules, templates, …, not {kind}", ERROR,
                        "schema.type")]
    problems = translate_errors(document, _schema_errors(document))
    problems.extend(check_semantics(document).problems)
    top = {key: index for index, key in enumerate(document)}
    return sorted(problems, key=lambda p: (top.get(_top_key(p.path), len(top)), _order(p)))


def _schema_errors(document: dict[str, Any]) -> Iterator[tuple[list[Part], Any]]:
    """(path prefix, error) for every schema error; errors have jsonschema's attributes."""
    for error in fast_validator("ruleset").iter_errors(document):
        yield [], error


def _top_key(path: str) -> str:
    """`$.rules[2].when` -> `rules`."""
    head = path[2:] if path.startswith("$.") else ""
    for stop in ".[":
        head = head.split(stop, 1)[0]
    return head


def _order(problem: Problem) -> tuple[Any, ...]:
    """Document order: by path, numbers compared as numbers ($.rules[10] after $.rules[9])."""
    key: list[tuple[int, Any]] = []
    token = ""
    for char in problem.path:
        if char.isdigit():
            token += char
            continue
        if token:
            key.append((0, int(token)))
            token = ""
        key.append((1, char))
    if token:
        key.append((0, int(token)))
    return (tuple(key),)
