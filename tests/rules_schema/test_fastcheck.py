"""The compiled checker agrees with jsonschema (the reference) on every schema and on broken documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import broken, json_values  # this folder's helper module

from rules_schema.fastcheck import Compiler, FastValidator, SchemaError, Unsupported, equal
from rules_schema.formats import format_checker
from rules_schema.schemas import SCHEMA_NAMES, fast_validator, load_schema, validator
from tests.conftest import examples

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text(encoding="utf-8"))
CONVERSATION = json.loads((ROOT / "resources" / "conversations" / "samples.jsonl").read_text(encoding="utf-8")
                          .splitlines()[0])


def _signature(errors: Any) -> list[tuple[tuple[Any, ...], str]]:
    return sorted((tuple(e.absolute_path), str(e.validator)) for e in errors)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_schema_compiles(name: str) -> None:
    assert isinstance(fast_validator(name), FastValidator)


@pytest.mark.slow
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=broken(PLAYBOOK))
def test_same_errors_as_jsonschema_on_broken_rulesets(document: Any) -> None:
    assert _signature(fast_validator("ruleset").iter_errors(document)) == \
        _signature(validator("ruleset").iter_errors(document))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=broken(CONVERSATION))
def test_same_errors_as_jsonschema_on_broken_conversations(document: Any) -> None:
    assert _signature(fast_validator("conversation").iter_errors(document)) == \
        _signature(validator("conversation").iter_errors(document))


@settings(max_examples=examples(60), deadline=None)
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
    [error] = fast_validator("ruleset").iter_errors({**PLAYBOOK, "schema_version": 3})
    assert isinstance(error, SchemaError)
    assert (error.validator, error.validator_value, error.instance, error.absolute_path) == (
        "const", 2, 3, ["schema_version"])


@pytest.mark.parametrize(("a", "b", "same"), [(1, 1.0, True), (True, 1, False), ([1], [1.0], True),
                                              ({"a": [True]}, {"a": [True]}, True), ("1", 1, False),
                                              (None, False, False)])
def test_json_equality(a: Any, b: Any, same: bool) -> None:
    assert equal(a, b) is same


def test_the_schemas_are_loaded_once() -> None:
    assert load_schema("ruleset") is load_schema("ruleset")


def test_a_remembered_format_verdict_is_the_same_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    import rules_schema.fastcheck as fastcheck

    monkeypatch.setattr(fastcheck, "_FORMAT_MEMORY", 3)  # the memory fills and starts over
    check = FastValidator(Compiler([], format_checker()).compile({"type": "string", "format": "date-time"}, ""))
    texts = ["2026-11-27T02:00:05Z", "yesterday", "2026-13-01T00:00:00Z", "2026-11-27T02:00:05+02:00", "x"]
    for _ in range(3):
        verdicts = [check.is_valid(text) for text in texts]
        assert verdicts == [True, False, False, True, False]
        assert [len(check.iter_errors(text)) for text in texts] == [0, 1, 1, 0, 1]
