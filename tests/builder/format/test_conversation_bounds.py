"""Issue #23, problems 1 and 6 at the reader: one conversation checker (the schema, compiled, plus
the clock's bounds), lone surrogates replaced, NaN refused, over-long lines skipped in pieces."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder.format.conversation import Conversation, LineError, bounded_lines, check_conversation, read_conversations
from builder.format.conversation_checks import parse_instant, without_lone_surrogates
from rules_schema.schemas import validator
from tests.conftest import examples
from tests.rules_schema.strategies import broken

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = [json.loads(x) for x in (ROOT / "resources" / "conversations" / "samples.jsonl")
           .read_text(encoding="utf-8").splitlines() if x]


def one(at: str, **event: Any) -> dict[str, Any]:
    return {"id": "c", "events": [{"at": at, "type": "visitor", "text": "hi there", **event}]}


@pytest.mark.parametrize(("at", "ok"), [
    ("1970-01-01T00:00:00Z", True), ("2200-12-31T23:59:59Z", True), ("2026-11-24t09:00:00z", True),
    ("2026-11-24T09:00:00+14:00", True), ("2026-11-24T09:00:00-14:00", True),
    ("2026-11-24T09:00:00+14:01", False), ("2026-11-24T09:00:00-23:59", False),
    ("1969-12-31T23:59:59Z", False), ("2201-01-01T00:00:00Z", False),
    ("9999-12-31T23:59:00-05:00", False), ("0001-01-01T00:10:00+05:00", False),
])
def test_instants_within_the_clock_bounds(at: str, ok: bool) -> None:
    assert (check_conversation(one(at)) == []) == ok
    if ok:
        assert parse_instant(at).tzinfo is not None


def test_lowercase_t_and_z_are_rfc_3339_and_the_engine_takes_them() -> None:
    from builder.engine import compile_ruleset, simulate
    from builder.paths import example_playbook
    from builder.runtime import read_ruleset

    conversation = Conversation.from_dict(one("2026-11-24t09:00:00z", text="I want to talk to a human"))
    decision = simulate(compile_ruleset(read_ruleset(example_playbook())), conversation)
    assert decision.escalated and decision.to_dict()["at"] == "2026-11-24T09:00:00Z"


def test_the_old_hand_checks_disagreements_with_the_schema_are_gone() -> None:
    """Shapes the hand checks let through (the schema refuses them) and one they refused."""
    refused = [
        {"id": "c", "events": [{"at": "2026-11-24T09:00:00Z", "type": "bot", "intent": 5}]},
        {"id": "c", "events": [{"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "x"}],
         "expect": {"escalate": True, "tags": 5}},
        {"id": "c", "events": [{"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "x"}],
         "expect": {"escalate": True, "priority": "asap"}},
        {"id": "c", "events": [{"at": "2026-11-24 09:00:00+00:00", "type": "visitor", "text": "x"}]},
        {"id": "c", "events": [{"at": "2026-11-24T09:00Z", "type": "visitor", "text": "x"}]},
        {"id": "c", "events": [{"at": "2026-11-24T09:00:00Z", "type": ""}]},
    ]
    for document in refused:
        assert check_conversation(document), document
        assert list(validator("conversation").iter_errors(document)), document
    accepted = one("2026-11-24T09:00:00z")
    assert check_conversation(accepted) == [] and not list(validator("conversation").iter_errors(accepted))


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.sampled_from(SAMPLES).flatmap(broken))
@example(document={"id": "c", "events": [], "expect": {"escalate": True, "turn": 1.0}})
def test_one_checker_agrees_with_jsonschema(document: Any) -> None:
    """The built-in check refuses exactly what jsonschema refuses (the samples' instants are all
    within the clock's bounds, so those add nothing here)."""
    assert bool(check_conversation(document)) == bool(list(validator("conversation").iter_errors(document)))


def test_nan_and_infinity_are_not_json() -> None:
    lines = ['{"id": "a", "events": [{"at": "2026-11-24T09:00:00Z", "type": "bot", "confidence": NaN}]}',
             '{"id": "b", "events": [], "visitor": {"score": -Infinity}}']
    items = list(read_conversations(lines))
    assert [type(i) for i in items] == [LineError, LineError]
    assert "NaN is not a JSON number" in str(items[0]) and "-Infinity is not a JSON number" in str(items[1])


def test_lone_surrogates_are_replaced_everywhere() -> None:
    raw = ('{"id": "c\\ud800", "visitor": {"name": "\\udfff", "attributes": {"k\\ud800": "v"}}, "events": '
           '[{"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "a \\ud83d\\ude00 b \\udc00"}]}')
    (conversation,) = read_conversations([raw])
    assert isinstance(conversation, Conversation)
    assert conversation.id == "c\ufffd" and conversation.visitor["name"] == "\ufffd"
    assert conversation.events[0]["text"] == "a \U0001F600 b \ufffd"  # a real pair stays one character
    assert conversation.visitor["attributes"] == {"k\ufffd": "v"}
    json.dumps(conversation.to_dict(), ensure_ascii=False).encode("utf-8")  # printable and writable


def test_an_object_without_surrogates_is_returned_as_is() -> None:
    document = one("2026-11-24T09:00:00Z")
    assert without_lone_surrogates(document) == document


def test_bounded_lines_skip_an_overlong_line_in_pieces() -> None:
    data = b"short\n" + b"x" * 100 + b"\n" + b"y" * 10 + b"\n" + b"z" * 50
    read: list[int] = []
    assert list(bounded_lines(io.BytesIO(data), limit=20, on_read=read.append)) == \
        ["short\n", None, "y" * 10 + "\n", None]
    assert sum(read) == len(data)
    assert list(bounded_lines(io.BytesIO(b"x" * 20 + b"\n"), limit=20)) == ["x" * 20 + "\n"]


def test_an_overlong_line_is_a_line_error_and_reading_goes_on(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    import builder.format.conversation as conversation

    monkeypatch.setattr(conversation, "MAX_LINE_BYTES", 100)
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(one("2026-11-24T09:00:00Z", text="x" * 500)) + "\n"
                    + json.dumps({**one("2026-11-24T09:00:00Z"), "id": "ok"}) + "\n", encoding="utf-8")
    items = list(read_conversations(path))
    assert isinstance(items[0], LineError) and "longer than" in items[0].message
    assert isinstance(items[1], Conversation) and items[1].id == "ok"
