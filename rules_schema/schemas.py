"""The three JSON Schemas (ruleset, conversation, decision) and their compiled validators.

Validators are built once per process: building one costs far more than validating a ruleset.
The ruleset schema refers to the conversation schema (its `tests`), so all three sit in one
`referencing` registry keyed by their `$id`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import Any, Literal, Protocol

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from rules_schema.fastcheck import Compiler, FastValidator, Unsupported
from rules_schema.formats import format_checker
from rules_schema.migrate import LATEST_VERSION
from rules_schema.problems import json_path

SchemaName = Literal["ruleset", "conversation", "decision"]
SCHEMA_NAMES: tuple[SchemaName, ...] = ("ruleset", "conversation", "decision")


@cache
def load_schema(name: SchemaName = "ruleset", version: int | None = None) -> dict[str, Any]:
    """The schema document (read-only by convention: callers must not mutate it). The ruleset's
    latest version unless told; the conversation and decision formats are at version 1."""
    if name not in SCHEMA_NAMES:
        raise ValueError(f"unknown schema {name!r}; expected one of {', '.join(SCHEMA_NAMES)}")
    if version is None:
        version = LATEST_VERSION if name == "ruleset" else 1
    text = resources.files(__package__).joinpath(f"{name}.v{version}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _registry() -> Registry:
    resources_ = [Resource.from_contents(load_schema(n), default_specification=DRAFT202012) for n in SCHEMA_NAMES]
    return Registry().with_resources((r.id() or "", r) for r in resources_)


@cache
def validator(name: SchemaName = "ruleset") -> Draft202012Validator:
    """A compiled Draft 2020-12 validator with format checking (re2, date, date-time, email)."""
    return Draft202012Validator(load_schema(name), registry=_registry(), format_checker=format_checker())


_COMPILE_LOCK = threading.Lock()


@cache
def _compiler() -> Compiler:
    return Compiler([load_schema(n) for n in SCHEMA_NAMES], format_checker())


class _Checker(Protocol):
    def iter_errors(self, instance: Any) -> Iterable[Any]: ...


@cache
def fast_validator(name: SchemaName = "ruleset") -> _Checker:
    """The compiled checker for a schema (`fastcheck`), or jsonschema's if it uses other keywords.

    Both yield errors with jsonschema's attributes (validator, validator_value, instance, schema,
    absolute_path), so callers need not know which one they got.
    """
    schema = load_schema(name)
    try:
        with _COMPILE_LOCK:  # the whole graph is compiled here, once, before any thread checks with it
            return FastValidator(_compiler().compile(schema, schema["$id"]))
    except Unsupported:
        return validator(name)


@cache
def fast_part_check(name: SchemaName, definition: str) -> Callable[[Any], bool] | None:
    """Is an instance valid against one `$defs` entry of a schema (compiled, no errors built)?
    None when that part needs jsonschema. For hot paths that only need yes or no first (the
    decision service checks each posted event; the worded errors come from the whole schema)."""
    schema = load_schema(name)
    try:
        with _COMPILE_LOCK:
            check = _compiler().compile(schema["$defs"][definition], schema["$id"])
    except Unsupported:
        return None
    return lambda instance: check(instance, (), None)


def schema_errors(instance: Any, name: SchemaName = "conversation") -> list[str]:
    """Plain jsonschema messages for a conversation or decision (the ruleset has `validate`)."""
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{json_path(list(e.absolute_path))}: {e.message}" for e in errors]
