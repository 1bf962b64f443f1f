"""The `profile` and `context` event types: the schema (and the fast path that checks rulesets'
tests) and the conversation reader's hand checks accept and refuse the same events."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from rules_schema import schema_errors, validate, validator

AT = "2026-11-27T02:00:05Z"
PROFILE = {"at": AT, "type": "profile", "name": "Ana", "email": "ana@example.com", "score": 91, "returning": True,
           "previous_chat_failed": False, "attributes": {"plan": "enterprise", "seats": 40, "trial": None}}
CONTEXT = {"at": AT, "type": "context", "values": {"locale": "de", "order_open": True, "cart_value": 120.5}}


def conversation(*events: dict[str, Any]) -> dict[str, Any]:
    return {"id": "c-1", "events": [{"at": AT, "type": "visitor", "text": "hi"}, *events]}


BAD: list[tuple[dict[str, Any], str]] = [
    ({**PROFILE, "score": "high"}, "$.events[1].score"),
    ({**PROFILE, "returning": "yes"}, "$.events[1].returning"),
    ({**PROFILE, "name": 7}, "$.events[1].name"),
    ({**PROFILE, "attributes": ["plan"]}, "$.events[1].attributes"),
    ({**PROFILE, "attributes": {"plan": {"tier": 1}}}, "$.events[1].attributes.plan"),
    ({"at": AT, "type": "context"}, "$.events[1].values"),
    ({"at": AT, "type": "context", "values": "de"}, "$.events[1].values"),
    ({"at": AT, "type": "context", "values": {"locale": ["de"]}}, "$.events[1].values.locale"),
]


def test_good_profile_and_context_events_are_valid() -> None:
    from builder.format.conversation import check_conversation

    document = conversation(PROFILE, CONTEXT, {"at": AT, "type": "profile", "score": 10})
    assert schema_errors(document, "conversation") == []
    assert check_conversation(document) == []


@pytest.mark.parametrize(("event", "where"), BAD)
def test_a_wrong_field_type_is_a_clear_conversation_error(event: dict[str, Any], where: str) -> None:
    from builder.format.conversation import Conversation, ConversationError, check_conversation

    document = conversation(event)
    assert schema_errors(document, "conversation")
    problems = check_conversation(document)
    assert len(problems) == 1 and problems[0].startswith(where + ":"), problems
    with pytest.raises(ConversationError, match=re.escape(where + ":")):
        Conversation.from_dict(document)


@pytest.mark.parametrize(("event", "where"), BAD)
def test_a_rulesets_tests_are_checked_with_the_new_event_types(minimal: dict[str, Any], event: dict[str, Any],
                                                                where: str) -> None:
    ruleset = copy.deepcopy(minimal)
    ruleset["tests"] = [conversation(PROFILE, CONTEXT)]
    assert not [p for p in validate(ruleset) if p.is_error]
    ruleset["tests"] = [conversation(event)]
    assert [list(e.absolute_path)[:4] for e in validator("ruleset").iter_errors(ruleset)] == [
        ["tests", 0, "events", 1]]
    assert [p for p in validate(ruleset) if p.is_error]
