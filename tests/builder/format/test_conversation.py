"""Reading conversations: streaming, validation, bad lines reported with their number."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator

from builder.format.conversation import Conversation, ConversationError, LineError, read_conversations
from builder.paths import sample_conversations
from rules_schema.schemas import schema_errors

GOOD = {"id": "c-1", "visitor": {"name": "Ana", "score": 85},
        "events": [{"at": "2026-11-27T02:00:05Z", "type": "visitor", "text": "hi"},
                   {"at": "2026-11-27T02:00:06+01:00", "type": "typing"}],
        "expect": {"escalate": False}}


def test_good_lines_become_conversations_and_bad_lines_are_reported() -> None:
    lines = [
        json.dumps(GOOD),
        "{not json",
        "",
        json.dumps({"id": "c-2", "events": [{"type": "visitor", "text": "no time"}]}),
        json.dumps({"id": "c-3", "events": [{"at": "2026-11-27T02:00:05", "type": "visitor", "text": "naive"}]}),
        json.dumps({"id": "c-4", "events": [{"at": "2026-11-27T02:00:05Z", "type": "visitor"}]}),
        json.dumps({"id": "c-5", "events": [{"at": "2026-11-27T02:00:05Z", "type": "bot", "confidence": 3}]}),
        json.dumps([1, 2]),
        json.dumps({**GOOD, "id": "c-6", "extra": 1}),
        json.dumps({**GOOD, "id": "c-7"}),
    ]
    items = list(read_conversations(io.StringIO("\n".join(lines) + "\n")))
    ok = [i for i in items if isinstance(i, Conversation)]
    bad = [i for i in items if isinstance(i, LineError)]
    assert [c.id for c in ok] == ["c-1", "c-7"] and [c.line for c in ok] == [1, 10]
    assert [e.line for e in bad] == [2, 4, 5, 6, 7, 8, 9]
    messages = {e.line: str(e) for e in bad}
    assert "not valid JSON" in messages[2]
    assert "$.events[0].at: missing" in messages[4]
    assert "time zone" in messages[5]
    assert "needs a text" in messages[6]
    assert "from 0 to 1" in messages[7]
    assert "unknown field" in messages[9]


def test_unknown_event_types_are_kept() -> None:
    (conversation,) = read_conversations([json.dumps(GOOD)])
    assert isinstance(conversation, Conversation)
    assert conversation.events[1]["type"] == "typing"
    assert conversation.to_dict() == GOOD


def test_hand_checks_agree_with_the_schema_on_the_samples() -> None:
    for item in read_conversations(sample_conversations(), schema=True):
        assert isinstance(item, Conversation), item
        assert schema_errors(item.to_dict(), "conversation") == []


def test_from_dict_raises_a_readable_error() -> None:
    try:
        Conversation.from_dict({"id": "", "events": {}})
    except ConversationError as exc:
        assert "$.id" in str(exc) and "$.events" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected ConversationError")


def test_reading_is_a_stream_with_flat_memory() -> None:
    def lines(n: int) -> Iterator[str]:
        for i in range(n):
            yield json.dumps({**GOOD, "id": f"c-{i}"}) + "\n"

    def peak(n: int) -> int:
        tracemalloc.start()
        count = sum(1 for _ in read_conversations(lines(n)))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == n
        return top

    small, large = peak(100), peak(2000)
    assert large < small * 3  # 20x the input, not 20x the memory


MALFORMED: list[object] = [
    [], "x", {"events": []}, {"id": "", "events": []}, {"id": "c", "events": {}}, {"id": "c"},
    {"id": "c", "events": [{"type": "visitor", "text": "hi"}]},
    {"id": "c", "events": [{"at": "yesterday", "type": "visitor", "text": "hi"}]},
    {"id": "c", "events": [{"at": "2026-11-27T02:00:05Z", "type": "visitor"}]},
    {"id": "c", "events": [{"at": "2026-11-27T02:00:05Z", "type": "visitor", "text": 5}]},
    {"id": "c", "events": [{"at": "2026-11-27T02:00:05Z", "type": "bot", "confidence": 1.5}]},
    {"id": "c", "events": [{"at": "2026-11-27T02:00:05Z", "type": "bot", "fallback": "yes"}]},
    {"id": "c", "events": [{"at": "2026-11-27T02:00:05Z", "type": "page_view"}]},
    {"id": "c", "events": [{"at": "2026-11-27T02:00:05Z", "type": "cart"}]},
    {"id": "c", "events": [{"at": "2026-11-27T02:00:05Z", "type": ""}]},
    {"id": "c", "events": [], "visitor": {"score": "high"}},
    {"id": "c", "events": [], "expect": {"rule": "x"}},
    {"id": "c", "events": [], "expect": {"escalate": True, "turn": 0}},
    {"id": "c", "events": [], "more": 1},
]


def test_hand_checks_reject_what_the_schema_rejects() -> None:
    from builder.format.conversation import check_conversation

    for document in MALFORMED:
        assert schema_errors(document, "conversation"), document
        assert check_conversation(document), document
