"""Chatwoot: conversations and messages in the shape of its application API.

A conversation object (`GET …/conversations/{id}`) has `id`, `status`, `meta.sender` (the
contact: id, name, email, phone_number) and `messages`; the messages endpoint answers
`{"meta": …, "payload": [messages]}`. A message has `content`, `created_at` (Unix seconds),
`message_type` (0 or "incoming": the contact; 1 or "outgoing": an agent or a bot; 2 or
"activity": a status line; 3 or "template": a bot's template), `sender_type` ("Contact", "User"
for an agent, "AgentBot") and `private` (an agent's internal note, left out). An activity that
says the conversation was resolved becomes a `resolved` event; an agent's reply becomes an
`agent` event (kept, ignored by the engine: the visitor already has a person).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from typing import Any

from builder.importers.common import RecordError, instant, obj, texts
from builder.importers.message_export import MessageExport

MESSAGE_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}
BOT_SENDERS = {"agentbot", "agent_bot", "captain", "captain_assistant"}


def _event(message: Any, zone: tzinfo) -> dict[str, Any] | None:
    """Our event for one message; None for what carries nothing (private notes, other activity)."""
    if not isinstance(message, dict):
        raise RecordError("a message must be a JSON object")
    kind = message.get("message_type")
    kind = MESSAGE_TYPES.get(kind, kind) if isinstance(kind, int) else kind
    if kind not in ("incoming", "outgoing", "activity", "template"):
        raise RecordError(f"unknown message_type {message.get('message_type')!r}")
    if message.get("private"):
        return None
    at = instant(message.get("created_at"), zone)
    content = message.get("content")
    if kind == "activity":
        return {"at": at, "type": "resolved"} if isinstance(content, str) and "resolved" in content.lower() else None
    if not isinstance(content, str) or not content.strip():
        return None  # an attachment without words
    if kind == "incoming":
        return {"at": at, "type": "visitor", "text": content}
    sender = obj(message.get("sender"))
    sender_type = str(message.get("sender_type") or sender.get("type") or "").lower()
    if kind == "template" or sender_type in BOT_SENDERS:
        return {"at": at, "type": "bot", "text": content}
    return {"at": at, "type": "agent", "text": content}


def _visitor(conversation: dict[str, Any]) -> dict[str, Any]:
    meta = obj(conversation.get("meta"))
    sender = obj(meta.get("sender"))
    visitor: dict[str, Any] = texts(sender, name="name", email="email")
    attributes = {"contact_id": str(sender["id"])} if sender.get("id") is not None else {}
    attributes.update(texts(sender, phone="phone_number"))
    if attributes:
        visitor["attributes"] = attributes
    return visitor


def _whole(record: Any) -> tuple[Any, list[Any], dict[str, Any]] | None:
    """A conversation object with its messages."""
    if isinstance(record, dict) and isinstance(record.get("messages"), list):
        return record.get("id"), record["messages"], _visitor(record)
    return None


def _loose(record: Any) -> Iterator[tuple[Any, Any] | str]:
    """The messages endpoint's page (`payload`), or one message, each naming its conversation."""
    if not isinstance(record, dict):
        yield "a record must be a JSON object"
        return
    for message in record["payload"] if isinstance(record.get("payload"), list) else [record]:
        cid = message.get("conversation_id") if isinstance(message, dict) else None
        if cid is None:
            yield "neither a conversation (messages) nor a message with a conversation_id"
        else:
            yield cid, message


read = MessageExport(_event, _whole, _loose, visitor=lambda _messages: {}).read
