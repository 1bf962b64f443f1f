"""Intercom: conversations with their parts, as its REST API returns them.

A conversation (`GET /conversations/{id}`) has `id`, `created_at` (Unix seconds), `source` (the
opening message: `body` in HTML, `author` with `type` user, lead, contact, admin or bot, `name`,
`email`) and `conversation_parts.conversation_parts`, each with `part_type` (comment, note,
close, assignment, open, …), `body` (HTML), `created_at` and `author`. A contact's words are the
visitor's; a bot's (or an admin part `from_ai_agent`) the bot's; an admin's an `agent` event; a
`close` part is `resolved`; notes are internal and left out. Records: one conversation, a list,
one a line, or a `{"conversations": [ … ]}` page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import Any

from builder.format.conversation import Conversation
from builder.importers.common import (
    Dropped,
    RecordError,
    build,
    conversation_per_record,
    events_of,
    instant,
    obj,
    texts,
)
from builder.importers.html_text import html_to_text

VISITORS = {"user", "lead", "contact"}
SPEAKING_PARTS = {"comment", "open", "assignment", "conversation_rating_changed", "away_mode_assignment"}


def _event(part: Any, zone: tzinfo, *, opening: bool = False) -> dict[str, Any] | None:
    if not isinstance(part, dict):
        raise RecordError("a part must be a JSON object")
    kind = "comment" if opening else part.get("part_type")
    if kind == "note":
        return None
    at = instant(part.get("created_at"), zone)
    if kind == "close":
        return {"at": at, "type": "resolved"}
    body = part.get("body")
    if kind not in SPEAKING_PARTS or not isinstance(body, str) or not body.strip():
        return None
    author = part.get("author")
    if not isinstance(author, dict) or not author.get("type"):
        raise RecordError("has no author")
    text = html_to_text(body)
    if author["type"] in VISITORS:
        return {"at": at, "type": "visitor", "text": text}
    if author["type"] == "bot" or author.get("from_ai_agent") or author.get("is_ai_answer"):
        return {"at": at, "type": "bot", "text": text}
    return {"at": at, "type": "agent", "text": text}


def _visitor(conversation: dict[str, Any]) -> dict[str, Any]:
    source = obj(conversation.get("source"))
    author = obj(source.get("author"))
    visitor: dict[str, Any] = {}
    if author.get("type") in VISITORS:
        visitor.update(texts(author, name="name", email="email"))
        if author.get("id"):
            visitor["attributes"] = {"contact_id": str(author["id"])}
    return visitor


def _conversation(record: Any, zone: tzinfo, skipped: list[str]) -> Conversation:
    if not isinstance(record, dict):
        raise RecordError("a conversation must be a JSON object")
    cid = record.get("id")
    events = []
    source = record.get("source")
    if isinstance(source, dict):
        opening = dict(source, created_at=source.get("created_at", record.get("created_at")))
        try:
            event = _event(opening, zone, opening=True)
        except RecordError as exc:
            skipped.append(f"conversation {cid}: the opening message {exc}")
        else:
            if event is not None:
                events.append(event)
    holder = record.get("conversation_parts")
    parts = holder.get("conversation_parts") if isinstance(holder, dict) else holder
    events += events_of(cid, parts if isinstance(parts, list) else [], _event, zone, skipped, "part")
    return build(cid, events, _visitor(record))


def read(path: Path, zone: tzinfo) -> Iterator[Conversation | Dropped]:
    return conversation_per_record(path, lambda record, skipped: _conversation(record, zone, skipped), "conversations")
