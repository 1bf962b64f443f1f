"""Fuzz target: the conversation reader and the engine behind `simulate`/`test` (issue #23,
problem 1). Every line is a Conversation or a LineError; every Conversation is decided, its
Decision written as UTF-8 JSON; nothing else ever comes out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder.engine import compile_ruleset, simulate
from builder.format.conversation import Conversation, LineError, read_conversations
from builder.paths import example_playbook
from builder.runtime import read_ruleset
from tests.fuzz.harness import CASES, guarded
from tests.fuzz.strategies import SAMPLES, damaged_text, dumps, mutated

AT = "2026-11-24T09:00:00Z"
REPRODUCTIONS = [  # issue #23: each crashed `simulate` or `test` and lost the conversations after it
    '{"id": "a", "events": [{"at": "9999-12-31T23:59:00-05:00", "type": "visitor", "text": "human"}]}',
    '{"id": "a", "events": [{"at": "0001-01-01T00:10:00+05:00", "type": "visitor", "text": "human"}]}',
    '{"id": "a", "events": [{"at": "' + AT + '", "type": "visitor", "text": "x"}], "expect": {"escalate": true, '
    '"tags": 5}}',
    '{"id": "\\ud800", "events": [{"at": "' + AT + '", "type": "visitor", "text": "\\udc00"}], "expect": '
    '{"escalate": false, "rule": "\\ud800"}}',
    '{"id": "a", "events": [{"at": "' + AT + '", "type": "bot", "confidence": NaN}]}',
]

LINES = st.one_of(
    st.sampled_from(SAMPLES).flatmap(mutated).map(dumps),
    st.sampled_from(SAMPLES).map(lambda s: json.dumps(s)).flatmap(damaged_text),
    st.text(max_size=200),
    st.sampled_from([f"@reproduction {i}" for i in range(len(REPRODUCTIONS))]),
)
DEEP = "[" * 100_000  # named, not passed: hypothesis would print a 100 kB argument


@pytest.fixture(scope="module")
def compiled() -> Any:
    return compile_ruleset(read_ruleset(example_playbook()))


@settings(max_examples=CASES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(line=LINES)
@example(line="@reproduction 0")
@example(line="@reproduction 1")
@example(line="@reproduction 2")
@example(line="@reproduction 3")
@example(line="@reproduction 4")
@example(line="@deep")
def test_every_line_is_read_or_reported_and_every_conversation_decided(compiled: Any, line: str) -> None:
    if line.startswith("@reproduction "):
        line = REPRODUCTIONS[int(line.split()[1])]
    elif line == "@deep":
        line = DEEP
    with guarded("conversation reader"):
        (item,) = list(read_conversations([line])) or [None]
        if item is None:
            return
        assert isinstance(item, (Conversation, LineError))
        str(item).encode("utf-8")  # what the CLI prints must be printable
        if isinstance(item, Conversation):
            for trace in (False, True):
                decision = simulate(compiled, item, trace=trace).to_dict()
                json.dumps(decision, ensure_ascii=False, allow_nan=False).encode("utf-8")
