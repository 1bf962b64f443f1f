"""Issue #23, problem 6: the compiled checker rejected NaN where jsonschema (the reference) accepts
it. Limits are now written as jsonschema writes them; NaN and ±Infinity go through every schema."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from strategies import broken  # this folder's helper module

from rules_schema.schemas import SCHEMA_NAMES, fast_validator, validator
from rules_schema.validation import validate
from tests.conftest import examples

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text(encoding="utf-8"))
CONVERSATION = json.loads((ROOT / "resources" / "conversations" / "samples.jsonl").read_text(encoding="utf-8")
                          .splitlines()[0])
ODD_NUMBERS = st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324, 2**63, -1])


def _signature(errors: Any) -> list[tuple[tuple[Any, ...], str]]:
    return sorted((tuple(e.absolute_path), str(e.validator)) for e in errors)


def _with_number(document: Any, number: float, data: st.DataObject) -> Any:
    """`document` with one number (or any leaf) replaced by `number`."""
    leaves: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, (dict, list)):
                walk(value)
            else:
                leaves.append((node, key))

    walk(document)
    if leaves:
        parent, key = data.draw(st.sampled_from(leaves))
        parent[key] = number
    return document


@pytest.mark.parametrize("name", ["conversation", "ruleset"])
def test_nan_where_a_bounded_number_goes(name: str) -> None:
    doc = json.loads(json.dumps(CONVERSATION if name == "conversation" else PLAYBOOK))
    if name == "conversation":
        doc["events"][1]["confidence"] = math.nan  # "minimum": 0, "maximum": 1
    else:
        doc["settings"]["similarity_threshold"] = math.nan
    assert _signature(fast_validator(name).iter_errors(doc)) == _signature(validator(name).iter_errors(doc))


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), number=ODD_NUMBERS, base=st.sampled_from(["conversation", "ruleset"]))
def test_same_errors_as_jsonschema_with_odd_numbers(data: st.DataObject, number: float, base: str) -> None:
    document = _with_number(data.draw(broken(CONVERSATION if base == "conversation" else PLAYBOOK)), number, data)
    for name in SCHEMA_NAMES:
        assert _signature(fast_validator(name).iter_errors(document)) == \
            _signature(validator(name).iter_errors(document))


@example(number=math.nan)
@given(number=ODD_NUMBERS)
def test_a_ruleset_with_nan_or_infinity_is_an_error_not_a_crash(number: float) -> None:
    doc = json.loads(json.dumps(PLAYBOOK))
    doc["settings"]["similarity_threshold"] = number
    problems = validate(doc)
    refused = [p for p in problems if p.code == "value.not_finite"]
    assert bool(refused) == (not math.isfinite(number))
    assert all(p.path == "$.settings.similarity_threshold" for p in refused)
