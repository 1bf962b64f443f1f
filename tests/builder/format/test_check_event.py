"""`check_event`'s quick yes-or-no path answers exactly what the whole conversation's checker does."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from builder.format.conversation_checks import check_event, check_event_in_conversation
from builder.paths import sample_conversations

_AT = st.sampled_from(["2026-11-27T02:00:05Z", "2026-11-27t02:00:05z", "2026-11-27T02:00:05+02:00",
                       "9999-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-11-27T02:00:05+15:00",
                       "2026-13-01T00:00:00Z", "yesterday", ""])
_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2, allow_nan=False),
                   st.text(max_size=4), _AT, st.lists(st.integers(0, 2), max_size=2),
                   st.dictionaries(st.sampled_from(["a", "plan", "attributes"]), st.text(max_size=3), max_size=2))
_EVENTS = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["visitor", "bot", "page_view", "cart", "resolved", "profile", "context",
                                  "other", ""]),
         "at": _AT},
        optional={"text": _VALUE, "url": _VALUE, "action": _VALUE, "values": _VALUE, "attributes": _VALUE,
                  "plan": _VALUE, "extra": _VALUE}),
    st.fixed_dictionaries({}, optional={"type": _VALUE, "at": _VALUE, "text": _VALUE}),
    _VALUE)


def _sample_events() -> list[Any]:
    lines = sample_conversations().read_text(encoding="utf-8").splitlines()
    return [event for line in lines if line.strip() for event in json.loads(line)["events"]]


def test_the_shipped_events_are_fine_both_ways() -> None:
    events = _sample_events()
    assert len(events) > 20
    for event in events:
        assert check_event(event) == check_event_in_conversation(event) == []


def test_a_broken_event_gets_the_worded_problems() -> None:
    assert check_event({"type": "visitor", "at": "2026-11-27T02:00:05Z"}, "$.event") == [
        "$.event.text: missing (a visitor event needs a text)"]
    assert check_event({"type": "visitor", "text": "hi", "at": "9999-01-01T00:00:00Z"}, "$.event")[0].startswith(
        "$.event.at: ")


@given(_EVENTS)
def test_the_quick_path_answers_what_the_conversation_checker_answers(event: Any) -> None:
    assert check_event(event, "$.event") == check_event_in_conversation(event, "$.event")
