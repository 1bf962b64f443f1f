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
from typing import Any

from builder.importers.common import RecordError, instant, obj, texts
from builder.importers.message_export import MessageExport

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
            visitor: dict[str, Any] = texts(author, name="displayName")
            user = author.get("userExternalId") or author.get("userId")
            if user:
                visitor["attributes"] = {"contact_id": str(user)}
            return visitor
    return {}


def _whole(record: Any) -> tuple[Any, list[Any], dict[str, Any]] | None:
    """One conversation's messages, the list answer with the conversation it belongs to."""
    if isinstance(record, dict) and isinstance(record.get("messages"), list):
        conversation = obj(record.get("conversation"))
        cid = conversation.get("id", record.get("conversationId"))
        return cid, record["messages"], _visitor(record["messages"])
    return None


def _webhook(event: Any) -> tuple[Any, Any] | None:
    """(conversation id, message) of a `conversation:message` webhook event; None otherwise."""
    if not isinstance(event, dict) or event.get("type") != "conversation:message":
        return None
    payload = obj(event.get("payload"))
    conversation = obj(payload.get("conversation"))
    return conversation.get("id"), payload.get("message")


def _loose(record: Any) -> Iterator[tuple[Any, Any] | str]:
    """The `conversation:message` webhook events of a record (a body `{"events": [ … ]}` or one event)."""
    events = record["events"] if isinstance(record, dict) and isinstance(record.get("events"), list) else [record]
    for event in events:
        found = _webhook(event)
        if found is None or found[0] is None:
            kind = event.get("type") if isinstance(event, dict) else None
            yield f"not a conversation's messages nor a conversation:message event (type {kind!r})"
        else:
            yield found


read = MessageExport(_event, _whole, _loose, _visitor).read
