"""The block decider (issue #21) writes what `json.dumps(decision.to_dict(), ensure_ascii=False)`
wrote, byte for byte, and names an engine failure without losing the block's other decisions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import builder.cli._common as common
from builder.cli._blocks import BlockDecider, to_json
from builder.cli._common import load_compiled
from builder.engine import simulate
from builder.format.conversation import LineBlock, read_conversations
from builder.paths import example_playbook, sample_conversations
from tests.conftest import examples

KEYS = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(),
                    st.sampled_from(["\ud800", "\x00\x1f\x7f", "é€😀", '"\\/', "\u2028"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.tuples(inner, inner),
                                                       st.dictionaries(KEYS, inner, max_size=4)), max_leaves=20)


@settings(max_examples=examples(1000), deadline=None)
@given(value=VALUES)
def test_the_encoder_writes_what_json_dumps_writes(value: Any) -> None:
    assert to_json(value) == json.dumps(value, ensure_ascii=False)


def test_a_block_decides_as_the_engine_and_writes_as_json_dumps() -> None:
    compiled = load_compiled(str(example_playbook()))
    data = sample_conversations().read_bytes()
    expected = "".join(json.dumps(simulate(compiled, c, trace=True).to_dict(), ensure_ascii=False) + "\n"
                       for c in read_conversations(sample_conversations()))
    decided = BlockDecider(compiled, trace=True)(LineBlock(1, data))
    assert decided.text == expected and decided.problems == ()
    assert decided.count == len(expected.splitlines()) > 10


def test_an_engine_failure_is_named_and_the_rest_of_the_block_decided(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = load_compiled(str(example_playbook()))
    lines = sample_conversations().read_text(encoding="utf-8").splitlines()
    real = common.simulate

    def flaky(compiled: Any, conversation: Any, **options: Any) -> Any:
        if conversation.line == 13:
            raise ZeroDivisionError("a bug")
        return real(compiled, conversation, **options)

    monkeypatch.setattr(common, "simulate", flaky)
    block = LineBlock(11, ("\n".join(lines[:4] + ["{oops"]) + "\n").encode("utf-8"))
    decided = BlockDecider(compiled)(block)
    assert decided.count == 3 and len(decided.text.splitlines()) == 3
    assert [str(p).split(":")[0] for p in decided.problems] == ["line 13", "line 15"]
    assert decided.problems[0].internal and "internal error (ZeroDivisionError: a bug)" in str(decided.problems[0])
    assert not decided.problems[1].internal and "not valid JSON" in str(decided.problems[1])
