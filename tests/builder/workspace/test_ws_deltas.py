"""Revisions stored as deltas against keyframes decode to exactly what was saved."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ws_helpers import small_ruleset

from builder.workspace import Workspace, WorkspaceError, deltas
from builder.workspace.deltas import Keyframe, apply_delta, encode_delta
from builder.workspace.revisions import canonical_json
from tests.conftest import examples


def _records(project_file: Path) -> dict[int, dict[str, Any]]:
    data = json.loads(project_file.read_text())
    return {int(k): v for k, v in data["revisions"].items()}


def test_long_history_uses_keyframes_and_deltas(ws: Workspace) -> None:
    rng = random.Random(3)
    document = small_ruleset(*[f"r{i}" for i in range(30)])
    project = ws.create_project("P", document)
    history = [json.loads(json.dumps(document))]
    for _ in range(2 * deltas.KEYFRAME_EVERY + 5):
        rule = rng.choice(document["rules"])
        rule["enabled"] = not rule["enabled"]
        if rng.random() < 0.3:
            document["rules"].append(document["rules"].pop(0))
        if rng.random() < 0.2:
            document["metadata"]["name"] = f"name {rng.random()}"
        project.save(document)
        history.append(json.loads(json.dumps(document)))
    records = _records(project.path)
    keyframes = [n for n, r in records.items() if "snapshot" in r]
    assert keyframes == [1, 1 + deltas.KEYFRAME_EVERY, 1 + 2 * deltas.KEYFRAME_EVERY]
    assert all(r["base"] == max(k for k in keyframes if k < n)
               for n, r in records.items() if "delta" in r)
    for number, expected in enumerate(history, start=1):
        assert project.revision_document(number) == expected
    # a fresh reader (no cached keyframes) decodes them too
    with Workspace.open(ws.path, read_only=True) as reader:
        assert reader.project("P").revision_document(len(history) - 1) == history[-2]


def test_rewriting_every_rule_stores_a_keyframe(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset("a", "b", "c"))
    project.save(small_ruleset("x", "y", "z"))
    assert "snapshot" in _records(project.path)[2]
    assert project.revision_document(2) == small_ruleset("x", "y", "z")


def test_damaged_delta_is_reported_not_returned(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset(*"abcdefgh"))
    project.save(small_ruleset(*"abcdefgi"))
    assert "delta" in _records(project.path)[2]
    data = json.loads(project.path.read_text())
    data["revisions"]["2"]["hash"] = "sha256:0"
    project.path.write_text(json.dumps(data))
    with pytest.raises(WorkspaceError, match="does not match"):
        project.revision_document(2)


def _encode_any_size(base: Keyframe, document: dict[str, Any]) -> str | None:
    """encode_delta without the size cut-off, so that tiny documents use deltas too."""
    ratio = deltas.DELTA_MAX_RATIO
    deltas.DELTA_MAX_RATIO = 1e9
    try:
        return encode_delta(base, document, canonical_json(document))
    finally:
        deltas.DELTA_MAX_RATIO = ratio


def test_odd_drafts_round_trip() -> None:
    base = Keyframe(1, {"rules": [{"id": "a"}, {"id": "a"}, "x", 3], "k": 1, "gone": True})
    document = {"rules": [3, {"id": "a"}, {"id": "b"}, "x", {"id": "a"}], "k": 2, "new": [1]}
    text = _encode_any_size(base, document)
    assert text is not None
    assert canonical_json(apply_delta(base, json.loads(text))) == canonical_json(document)
    assert encode_delta(base, {"rules": "none"}, canonical_json({"rules": "none"})) is None


def test_values_that_python_calls_equal_but_json_writes_apart_still_get_an_exact_delta() -> None:
    for old, new in (([True, True, True], [True, True, 1]), ([{"id": "a", "n": 1}], [{"id": "a", "n": 1.0}])):
        base = Keyframe(1, {"rules": old, "u": old})
        document = {"rules": new, "u": new}
        text = _encode_any_size(base, document)
        assert text is not None
        assert canonical_json(apply_delta(base, json.loads(text))) == canonical_json(document)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=8,
)
docs = st.fixed_dictionaries(
    {"rules": st.lists(st.sampled_from([{"id": "a"}, {"id": "b", "x": 1}, "s", 0]) | json_values,
                       max_size=6)},
    optional={"t": json_values, "u": json_values},
)


@settings(max_examples=examples(80), deadline=None)
@given(base=docs, document=docs)
def test_a_delta_is_exact_or_not_used(base: dict[str, Any], document: dict[str, Any]) -> None:
    text = _encode_any_size(Keyframe(1, base), document)
    assert text is not None  # rules are a list on both sides: a delta always applies
    rebuilt = apply_delta(Keyframe(1, base), json.loads(text))
    assert canonical_json(rebuilt) == canonical_json(document)


def test_changing_a_returned_document_changes_no_revision(ws: Workspace) -> None:
    project = ws.create_project("P", small_ruleset(*"abcdefgh"))
    project.save(small_ruleset(*"abcdefgi"))
    for number in (1, 2, 2):
        document = project.revision_document(number)
        document["rules"][0]["name"] = "changed by a caller"
        document["metadata"]["name"] = "changed"
    assert project.revision_document(1) == small_ruleset(*"abcdefgh")
    assert project.revision_document(2) == small_ruleset(*"abcdefgi")


def test_lenient_equality_never_leaks_into_a_revision() -> None:
    base = Keyframe(1, {"rules": [{"id": "a", "v": 1}]})
    document = {"rules": [{"id": "a", "v": True}]}  # == in Python, different JSON
    text = _encode_any_size(base, document)
    assert text is None or canonical_json(apply_delta(base, json.loads(text))) == canonical_json(document)
