"""Fuzz target: the ruleset reader, the validator and the runtime's load (issue #23, problems 3
and 4). Any text either loads, or is refused with the documented error (`RulesetLoadError`, its
subclass `RulesetUnreadable` for text that is not a ruleset file at all); a document
`handoff-builder validate` finds no error in always loads ("valid" means "loads")."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder import runtime
from builder.cli.validate import load_problems
from builder.format.io import RulesetFileError, check_document, parse_ruleset_text
from tests.fuzz.harness import CASES, guarded
from tests.fuzz.strategies import damaged_text, dumps, mutated
from tests.rules_schema.conftest import MINIMAL

MINIMAL_TEXT = json.dumps(MINIMAL)


def _with(**changes: Any) -> str:
    document = json.loads(MINIMAL_TEXT)
    for key, value in changes.items():
        document[key] = value
    return dumps(document)


def _template_body(body: str) -> str:
    document = json.loads(MINIMAL_TEXT)
    document["templates"][0]["body"] = body
    return dumps(document)


def _patterns(count: int) -> str:
    document = json.loads(MINIMAL_TEXT)
    document["rules"][0]["when"] = {"any": [{"fact": "message.text", "op": "matches", "value": f"order {i}[a-z]+"}
                                            for i in range(count)]}
    return dumps(document)


REPRODUCTIONS = [  # issue #23: each froze `validate`, ran out of memory, or loaded with the wrong error
    _template_body("{{visitor.name |" + " " * 3000),
    _with(rules=[{}] * 5000),
    _patterns(268),
    _with(settings={"evaluation_mode": "first_match", "default_schedule": "office", "similarity_threshold": "NaN"})
    .replace('"NaN"', "NaN"),
    "[" * 50_000,
]

TEXTS = st.one_of(
    st.builds(dumps, mutated(MINIMAL)),
    damaged_text(MINIMAL_TEXT),
    st.text(max_size=100),
    st.sampled_from([f"@reproduction {i}" for i in range(len(REPRODUCTIONS))]),  # by name: they are large
)


@settings(max_examples=CASES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=TEXTS)
@example(text="@reproduction 0")
@example(text="@reproduction 1")
@example(text="@reproduction 2")
@example(text="@reproduction 3")
@example(text="@reproduction 4")
def test_any_text_loads_or_is_refused_with_the_documented_error(text: str) -> None:
    if text.startswith("@reproduction "):
        text = REPRODUCTIONS[int(text.split()[1])]
    with guarded("ruleset reader"):
        try:
            document = parse_ruleset_text(text)
        except RulesetFileError:
            return
        migrated, problems = check_document(document)
        problems = problems + load_problems(migrated, problems)  # what `handoff-builder validate` says
        for problem in problems:
            f"{problem.path}: {problem.message}".encode("utf-8", "surrogatepass")
        try:
            loaded = runtime.from_document(document)
        except runtime.RulesetLoadError:
            assert any(p.is_error for p in problems), "valid, yet it does not load"
            return
        assert not any(p.is_error for p in problems)
        assert loaded.content_hash.startswith("sha256:")
