"""Turn jsonschema's errors into Problems with plain sentences and stable codes.

jsonschema says "'name' is a required property"; a support manager needs "Rule 'Refunds': the name
is missing". The schema is written with if/then discriminators (not oneOf) so that each error
already points at the right branch and this translation stays one function per keyword.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jsonschema.exceptions import ValidationError

from rules_schema.formats import re2_error
from rules_schema.locations import Part, describe, field_label, rule_id_at
from rules_schema.problems import ERROR, Problem, json_path

TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number", "boolean": "true or false",
              "array": "a list", "object": "a set of fields ({…})", "null": "empty"}

PATTERN_WORDS = {
    "^[a-z0-9][a-z0-9_-]{0,63}$":
        "is not a valid id: use lower-case letters, digits, - and _ (at most 64, starting with a letter or digit)",
    "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$": "is not a time of day like 09:00 (00:00 to 24:00)",
    "^[A-Z]{2}$": "is not a two-letter country code such as DE or US",
    "^[A-Z_][A-Z0-9_]*$": ("is not the name of an environment variable (capitals, digits and _, e.g. "
                           "SLACK_WEBHOOK_URL); the URL itself is never stored in the file"),
    "^sha256:[0-9a-f]{64}$": "is not a content hash (sha256:…)",
}

FORMAT_WORDS = {"date": "is not a date like 2026-12-24",
                "date-time": "is not a date and time with an offset like 2026-11-27T09:00:00Z",
                "email": "is not an e-mail address"}


PLURAL_FIELDS = frozenset({"minutes", "weekly", "closures", "special_openings", "holidays", "tests", "events",
                           "actions", "rules", "templates", "schedules", "channels", "teams"})


def _quote(value: Any) -> str:
    """A value as the manager typed it: text in quotes, numbers and true/false bare, JSON otherwise."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text if len(text) <= 60 else f"{text[:57]}…"
    return f"'{text}'" if isinstance(value, str) else text


def _suggest(word: Any, options: Any) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Translator:
    """Holds the document so each message can name the rule, template or schedule it is about."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc

    def problem(self, parts: list[Part], predicate: str, code: str, *, subject: bool = True) -> Problem:
        owner, key = describe(self.doc, parts)
        if not subject:
            words = f"{owner}: {predicate}"
        else:
            label = field_label(key, self.doc, parts)
            if parts and isinstance(parts[-1], int) and key is not None:
                label = f"item {parts[-1] + 1} of {label}"
            elif key in PLURAL_FIELDS and predicate.startswith("is "):
                predicate = "are " + predicate[3:]
            words = f"{owner}: {label} {predicate}"
        return Problem(json_path(parts), words, ERROR, code, rule_id_at(self.doc, parts))

    def translate(self, prefix: list[Part], error: ValidationError) -> Iterator[Problem]:
        handler = _HANDLERS.get(str(error.validator), _other)
        yield from handler(self, error, [*prefix, *error.absolute_path])


def _required(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    if not isinstance(e.instance, dict):
        return
    for key in e.validator_value:
        if key not in e.instance:
            yield t.problem([*parts, key], "is missing", "schema.required")


def _additional(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    if not isinstance(e.instance, dict):
        return
    allowed = list(e.schema.get("properties", {}))
    for key in e.instance:
        if key not in allowed:
            owner, _ = describe(t.doc, parts)
            hint = _suggest(key, allowed)
            yield Problem(json_path([*parts, key]), f"{owner}: '{key}' is not a field here{hint}", ERROR,
                          "schema.additional", rule_id_at(t.doc, parts))


def _type(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    wanted = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
    words = " or ".join(TYPE_WORDS.get(str(w), str(w)) for w in wanted)
    if not parts:
        yield Problem("$", f"The ruleset must be {words} (a JSON object), not {type(e.instance).__name__}",
                      ERROR, "schema.type")
        return
    yield t.problem(parts, f"must be {words}", "schema.type")


def _enum(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    options = [o for o in e.validator_value if o is not None]
    listed = ", ".join(str(o) for o in options)
    yield t.problem(parts, f"must be one of {listed}, not {_quote(e.instance)}{_suggest(e.instance, options)}",
                    "schema.enum")


def _const(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    if parts == ["schema_version"]:
        yield Problem("$.schema_version", f"This file is in format version {e.instance}; this version "
                      f"of Handoff Builder reads version {e.validator_value}", ERROR, "schema.version")
        return
    yield t.problem(parts, f"must be {_quote(e.validator_value)}, not {_quote(e.instance)}", "schema.enum")


def _pattern(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    words = PATTERN_WORDS.get(str(e.validator_value), "does not have the expected form")
    yield t.problem(parts, f"{_quote(e.instance)} {words}", "schema.pattern", subject=False)


def _format(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    if e.validator_value == "re2":
        why = re2_error(e.instance) if isinstance(e.instance, str) else None
        yield t.problem(parts, f"the pattern {_quote(e.instance)} cannot be used: {why}", "re2.invalid",
                        subject=False)
        return
    words = FORMAT_WORDS.get(str(e.validator_value), f"is not a valid {e.validator_value}")
    yield t.problem(parts, f"{_quote(e.instance)} {words}", "schema.format", subject=False)


def _range(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    words = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
             "exclusiveMaximum": "less than"}[str(e.validator)]
    yield t.problem(parts, f"must be {words} {e.validator_value}, not {_quote(e.instance)}", "schema.range")


def _length(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    limit = e.validator_value
    if e.validator in ("minLength", "minItems"):
        unit = "entries" if e.validator == "minItems" else "characters"
        words = "is empty" if limit == 1 else f"needs at least {limit} {unit}"
    else:
        words = f"is longer than {limit} {'entries' if e.validator == 'maxItems' else 'characters'}"
    yield t.problem(parts, words, "schema.length")


def _other(t: _Translator, e: ValidationError, parts: list[Part]) -> Iterator[Problem]:
    yield t.problem(parts, e.message, "schema.invalid", subject=False)


_HANDLERS: dict[str, Callable[[_Translator, ValidationError, list[Part]], Iterator[Problem]]] = {
    "required": _required,
    "additionalProperties": _additional,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "format": _format,
    "minimum": _range,
    "maximum": _range,
    "exclusiveMinimum": _range,
    "exclusiveMaximum": _range,
    "minLength": _length,
    "maxLength": _length,
    "minItems": _length,
    "maxItems": _length,
}


def translate_errors(doc: Any, errors: Iterable[tuple[list[Part], Any]]) -> list[Problem]:
    """Problems for every (path prefix, schema error), without duplicates."""
    translator = _Translator(doc)
    out: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for prefix, error in errors:
        for problem in translator.translate(prefix, error):
            key = (problem.path, problem.code, problem.message)
            if key not in seen:
                seen.add(key)
                out.append(problem)
    return out
