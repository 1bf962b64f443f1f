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
from functools import partial
from pathlib import Path
from typing import Any

from builder.format.conversation import Conversation
from builder.importers.common import Dropped, RecordError, build, instant, json_records, obj, outcome

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
    visitor: dict[str, Any] = {}
    if isinstance(sender.get("name"), str) and sender["name"]:
        visitor["name"] = sender["name"]
    if isinstance(sender.get("email"), str) and sender["email"]:
        visitor["email"] = sender["email"]
    attributes = {}
    if sender.get("id") is not None:
        attributes["contact_id"] = str(sender["id"])
    if isinstance(sender.get("phone_number"), str) and sender["phone_number"]:
        attributes["phone"] = sender["phone_number"]
    if attributes:
        visitor["attributes"] = attributes
    return visitor


def _conversation(cid: Any, messages: list[Any], visitor: dict[str, Any], zone: tzinfo,
                  skipped: list[str]) -> Conversation:
    events = []
    for i, message in enumerate(messages, start=1):
        try:
            event = _event(message, zone)
        except RecordError as exc:
            skipped.append(f"conversation {cid}: message {i} {exc}")
            continue
        if event is not None:
            events.append(event)
    return build(cid, events, visitor)


def read(path: Path, zone: tzinfo) -> Iterator[Conversation | Dropped]:
    loose: dict[str, tuple[int, list[Any]]] = {}  # messages given alone, grouped by conversation_id
    for item in json_records(path):
        if isinstance(item, Dropped):
            yield item
            continue
        line, record = item
        records = record if isinstance(record, list) else [record]
        for rec in records:
            if not isinstance(rec, dict):
                yield Dropped(path.name, line, "a record must be a JSON object")
                continue
            if isinstance(rec.get("messages"), list):
                make = partial(_conversation, rec.get("id"), rec["messages"], _visitor(rec), zone)
                yield from outcome(path.name, line, make)
                continue
            messages = rec["payload"] if isinstance(rec.get("payload"), list) else [rec]
            for message in messages:
                cid = message.get("conversation_id") if isinstance(message, dict) else None
                if cid is None:
                    yield Dropped(path.name, line, "neither a conversation (messages) nor a message with a "
                                                   "conversation_id")
                    continue
                loose.setdefault(str(cid), (line, []))[1].append(message)
    for cid, (line, messages) in loose.items():
        yield from outcome(path.name, line, partial(_conversation, cid, messages, {}, zone))
