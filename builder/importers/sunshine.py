"""Zendesk Sunshine Conversations: messages as its API lists them.

A message (`GET /v2/apps/{app}/conversations/{id}/messages` answers `{"messages": [ … ]}`) has
`received` (ISO 8601), `author` (`type` "user" for the end user or "business"; `subtypes`,
`userId`, `displayName`), `content` (`type` "text" with `text`; other types may carry a text too)
and `source` (`type`: the channel; "zd:agentWorkspace" when an agent of Zendesk wrote). Records
are either `{"conversation": {"id": …}, "messages": [ … ]}` (one conversation's messages, the
list answer with the conversation it belongs to) or webhook events
`{"type": "conversation:message", "payload": {"conversation": {"id"}, "message": { … }}}`
(grouped by conversation); a webhook body `{"events": [ … ]}` holds several.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from builder.format.conversation import Conversation
from builder.importers.common import Dropped, RecordError, build, instant, json_records, obj, outcome

AGENT_SOURCES = {"zd:agentWorkspace"}  # an agent of Zendesk replied in the Agent Workspace


def _event(message: Any, zone: tzinfo) -> dict[str, Any] | None:
    if not isinstance(message, dict):
        raise RecordError("a message must be a JSON object")
    author = message.get("author")
    if not isinstance(author, dict) or author.get("type") not in ("user", "business"):
        raise RecordError("has no author of type user or business")
    at = instant(message.get("received"), zone)
    content = obj(message.get("content"))
    text = content.get("text")
    if not isinstance(text, str) or not text.strip():
        return None  # an image, a file or a carousel without words
    if author["type"] == "user":
        return {"at": at, "type": "visitor", "text": text}
    source = obj(message.get("source"))
    if str(source.get("type") or "") in AGENT_SOURCES:
        return {"at": at, "type": "agent", "text": text}
    return {"at": at, "type": "bot", "text": text}


def _visitor(messages: list[Any]) -> dict[str, Any]:
    for message in messages:
        author = message.get("author") if isinstance(message, dict) else None
        if isinstance(author, dict) and author.get("type") == "user":
            visitor: dict[str, Any] = {}
            if isinstance(author.get("displayName"), str) and author["displayName"]:
                visitor["name"] = author["displayName"]
            user = author.get("userExternalId") or author.get("userId")
            if user:
                visitor["attributes"] = {"contact_id": str(user)}
            return visitor
    return {}


def _conversation(cid: Any, messages: list[Any], zone: tzinfo, skipped: list[str]) -> Conversation:
    events = []
    for i, message in enumerate(messages, start=1):
        try:
            event = _event(message, zone)
        except RecordError as exc:
            skipped.append(f"conversation {cid}: message {i} {exc}")
            continue
        if event is not None:
            events.append(event)
    return build(cid, events, _visitor(messages))


def _webhook(event: Any) -> tuple[Any, Any] | None:
    """(conversation id, message) of a `conversation:message` webhook event; None otherwise."""
    if not isinstance(event, dict) or event.get("type") != "conversation:message":
        return None
    payload = obj(event.get("payload"))
    conversation = obj(payload.get("conversation"))
    return conversation.get("id"), payload.get("message")


def read(path: Path, zone: tzinfo) -> Iterator[Conversation | Dropped]:
    grouped: dict[str, tuple[int, list[Any]]] = {}
    for item in json_records(path):
        if isinstance(item, Dropped):
            yield item
            continue
        line, record = item
        records = record if isinstance(record, list) else [record]
        for rec in records:
            if isinstance(rec, dict) and isinstance(rec.get("messages"), list):
                conversation = obj(rec.get("conversation"))
                cid = conversation.get("id", rec.get("conversationId"))
                yield from outcome(path.name, line, partial(_conversation, cid, rec["messages"], zone))
                continue
            events = rec["events"] if isinstance(rec, dict) and isinstance(rec.get("events"), list) else [rec]
            for event in events:
                found = _webhook(event)
                if found is None or found[0] is None:
                    kind = event.get("type") if isinstance(event, dict) else None
                    yield Dropped(path.name, line, f"not a conversation's messages nor a conversation:message "
                                                   f"event (type {kind!r})")
                    continue
                grouped.setdefault(str(found[0]), (line, []))[1].append(found[1])
    for cid, (line, messages) in grouped.items():
        yield from outcome(path.name, line, partial(_conversation, cid, messages, zone))
