"""The compiled checker agrees with jsonschema (the reference) on every schema and on broken documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules_schema.fastcheck import Compiler, FastValidator, SchemaError, Unsupported, equal
from rules_schema.formats import format_checker
from rules_schema.schemas import SCHEMA_NAMES, fast_validator, load_schema, validator

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text(encoding="utf-8"))
CONVERSATION = json.loads((ROOT / "resources" / "conversations" / "samples.jsonl").read_text(encoding="utf-8")
                          .splitlines()[0])

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-2, 2, allow_nan=False),
              st.sampled_from(["", "x", "Europe/Berlin", "09:00", "25:00", "mon", "escalate", "reply", "matches",
                               "(?=x)", "2026-01-01", "2026-13-01", "a@b.c", "HOOK_URL", "https://x", "high",
                               "all", "any", "message.text", "contains_any", "sha256:" + "0" * 64])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["all", "any", "not", "fact", "op", "value", "type",
                                                             "id", "name", "x", "team", "template"]), inner,
                                            max_size=3)),
    max_leaves=6)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _signature(errors: Any) -> list[tuple[tuple[Any, ...], str]]:
    return sorted((tuple(e.absolute_path), str(e.validator)) for e in errors)


@st.composite
def broken(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """`base` with one to three nodes replaced, removed or given an extra key."""
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        if not path:
            continue
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "remove", "extra"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "remove" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]][draw(st.sampled_from(["x", "op", "all", "minutes"]))] = draw(json_values)
    return document


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_schema_compiles(name: str) -> None:
    assert isinstance(fast_validator(name), FastValidator)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=broken(PLAYBOOK))
def test_same_errors_as_jsonschema_on_broken_rulesets(document: Any) -> None:
    assert _signature(fast_validator("ruleset").iter_errors(document)) == \
        _signature(validator("ruleset").iter_errors(document))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=broken(CONVERSATION))
def test_same_errors_as_jsonschema_on_broken_conversations(document: Any) -> None:
    assert _signature(fast_validator("conversation").iter_errors(document)) == \
        _signature(validator("conversation").iter_errors(document))


@settings(max_examples=60, deadline=None)
@given(document=json_values)
def test_same_errors_as_jsonschema_on_arbitrary_json(document: Any) -> None:
    for name in SCHEMA_NAMES:
        assert _signature(fast_validator(name).iter_errors(document)) == \
            _signature(validator(name).iter_errors(document))


def test_is_valid_short_circuits_consistently() -> None:
    checker = fast_validator("ruleset")
    assert isinstance(checker, FastValidator) and checker.is_valid(PLAYBOOK)
    assert not checker.is_valid({**PLAYBOOK, "rules": "none"})


def test_an_unsupported_keyword_is_refused_at_compile_time() -> None:
    schema = {"$id": "https://example.test/s.json", "oneOf": [{"type": "string"}]}
    with pytest.raises(Unsupported):
        Compiler([schema], format_checker()).compile(schema, schema["$id"])


def test_errors_carry_what_the_translator_reads() -> None:
    [error] = fast_validator("ruleset").iter_errors({**PLAYBOOK, "schema_version": 2})
    assert isinstance(error, SchemaError)
    assert (error.validator, error.validator_value, error.instance, error.absolute_path) == (
        "const", 1, 2, ["schema_version"])


@pytest.mark.parametrize(("a", "b", "same"), [(1, 1.0, True), (True, 1, False), ([1], [1.0], True),
                                              ({"a": [True]}, {"a": [True]}, True), ("1", 1, False),
                                              (None, False, False)])
def test_json_equality(a: Any, b: Any, same: bool) -> None:
    assert equal(a, b) is same


def test_the_schemas_are_loaded_once() -> None:
    assert load_schema("ruleset") is load_schema("ruleset")
