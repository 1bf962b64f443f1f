"""`validate(document) -> list[Problem]`: every problem of a ruleset, schema and semantics alike.

The schema pass catches shapes (missing fields, wrong types, RE2 patterns); the semantic pass
checks what the schema cannot (catalog, references, duplicates, schedules). Both always run, so
one call lists everything to fix; problems come back in document order, errors and warnings mixed.

Speed: the schema pass runs on `fastcheck`'s compiled checker (jsonschema itself took about a
millisecond per rule); see benchmarks/engine/validate_bench.py for the figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

from rules_schema.checks.semantics import check_semantics
from rules_schema.fastcheck import FastValidator
from rules_schema.locations import Part
from rules_schema.migrate import document_version, migrate
from rules_schema.problems import ERROR, WARNING, Problem
from rules_schema.schema_messages import translate_errors
from rules_schema.schemas import fast_validator


def validate(document: Any) -> list[Problem]:
    """All problems of `document` (a parsed ruleset, in the latest format version or version 1);
    an empty list means it is clean."""
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else type(document).__name__
        return [Problem("$", f"The ruleset must be a JSON object with rules, templates, …, not {kind}", ERROR,
                        "schema.type")]
    if document_version(document) == 1:  # 1 -> 2 adds keys and moves none: the paths stay the file's
        document = migrate(document)
    problems = translate_errors(document, _schema_errors(document))
    problems.extend(check_semantics(document).problems)
    problems.extend(_non_finite(document, "$"))
    problems.sort(key=lambda p: _position(document, p.path))
    if len(problems) > MAX_PROBLEMS:
        errors_left = any(p.is_error for p in problems[MAX_PROBLEMS:])
        problems = problems[:MAX_PROBLEMS]
        problems.append(Problem("$", f"More problems are not listed: only the first {MAX_PROBLEMS} are shown; "
                                "fix these first", ERROR if errors_left else WARNING, "validation.more_problems"))
    return problems


def _non_finite(node: Any, path: str) -> Iterator[Problem]:
    """NaN and Infinity: Python's JSON reader takes them, JSON cannot hold them (the canonical form,
    the content hash and every JSON consumer refuse them), and the schema's number type lets them by."""
    if isinstance(node, float) and not math.isfinite(node):
        word = "NaN" if math.isnan(node) else "Infinity"
        yield Problem(path, f"{word} is not a number a JSON file can hold; write a plain number", ERROR,
                      "value.not_finite")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _non_finite(value, f"{path}.{key}" if str(key).isidentifier() else f"{path}['{key}']")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _non_finite(value, f"{path}[{index}]")


MAX_PROBLEMS = 1000
"""The most problems `validate` lists (then one line says how many more): nobody reads further,
and describing 100,000 broken rules took minutes and gigabytes."""


def _schema_errors(document: dict[str, Any]) -> Iterator[tuple[list[Part], Any]]:
    """(path prefix, error) for the schema errors, at most a few more than `MAX_PROBLEMS`; errors
    have jsonschema's attributes."""
    checker = fast_validator("ruleset")
    errors = (checker.iter_errors(document, limit=MAX_PROBLEMS + 1) if isinstance(checker, FastValidator)
              else islice(checker.iter_errors(document), MAX_PROBLEMS + 1))
    for error in errors:
        yield [], error


_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")


def _position(document: Any, path: str) -> tuple[int, ...]:
    """Where a path lies in the document, as it reads: keys by their place in their object, list
    items by index; a missing key sorts after the keys present."""
    out: list[int] = []
    node = document
    for match in _STEP.finditer(path, 1):
        name, index, quoted = match.groups()
        if index is not None:
            out.append(int(index))
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
            continue
        key = name if name is not None else re.sub(r"\\(.)", r"\1", quoted)
        if isinstance(node, dict):
            keys = list(node)
            out.append(keys.index(key) if key in node else len(keys))
            node = node.get(key)
        else:
            out.append(0)
            node = None
    return tuple(out)
