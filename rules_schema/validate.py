"""`validate(document) -> list[Problem]`: every problem of a ruleset, schema and semantics alike.

The schema pass catches shapes (missing fields, wrong types, RE2 patterns); the semantic pass
checks what the schema cannot (catalog, references, duplicates, schedules). Both always run, so
one call lists everything to fix; problems come back in document order, errors and warnings mixed.

Speed: jsonschema costs about a millisecond per rule, so rules are checked one by one and the
result is remembered per rule text. The editor re-validates after every edit; only the rule that
changed is checked again, which keeps a 500-rule ruleset interactive.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError

from rules_schema.locations import Part
from rules_schema.problems import ERROR, Problem
from rules_schema.schema_messages import translate_errors
from rules_schema.schemas import rule_validator, validator
from rules_schema.semantics import check_semantics

_CACHE_SIZE = 4096
_rule_cache: OrderedDict[str, tuple[ValidationError, ...]] = OrderedDict()


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


def _schema_errors(document: dict[str, Any]) -> Iterator[tuple[list[Part], ValidationError]]:
    """(path prefix, error) for the document without its rules, then for each rule (cached)."""
    rules = document.get("rules")
    shallow = dict(document, rules=[]) if isinstance(rules, list) else document
    for error in validator("ruleset").iter_errors(shallow):
        yield [], error
    if isinstance(rules, list):
        for index, rule in enumerate(rules):
            for error in _rule_errors(rule):
                yield ["rules", index], error


def _rule_errors(rule: Any) -> tuple[ValidationError, ...]:
    try:
        key = json.dumps(rule, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):  # not JSON data at all: no caching
        return tuple(rule_validator().iter_errors(rule))
    cached = _rule_cache.get(key)
    if cached is not None:
        _rule_cache.move_to_end(key)
        return cached
    errors = tuple(rule_validator().iter_errors(rule))
    _rule_cache[key] = errors
    if len(_rule_cache) > _CACHE_SIZE:
        _rule_cache.popitem(last=False)
    return errors


def clear_cache() -> None:
    """Forget remembered rule results (benchmarks measure the cold case with it)."""
    _rule_cache.clear()


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
