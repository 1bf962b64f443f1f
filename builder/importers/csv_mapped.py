"""A generic CSV export, one message a row, with a column mapping the user chooses.

Any help desk can export a table; what differs is the column names and the words for who spoke.
`CsvMapping` names the four needed columns (conversation id, time, author role, text) and the
role words that mean visitor, bot or agent. A row with an unknown role, no time or no id is
dropped with its line; rows are grouped by conversation id wherever they are in the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from builder.format.conversation import Conversation
from builder.importers.common import Dropped, RecordError, build, instant, outcome

VISITOR_ROLES = ("visitor", "user", "customer", "contact", "end-user", "end user", "client", "incoming", "lead")
BOT_ROLES = ("bot", "chatbot", "assistant", "agentbot", "virtual agent", "automation")
AGENT_ROLES = ("agent", "admin", "operator", "human", "staff", "support", "outgoing")


@dataclass(frozen=True)
class CsvMapping:
    """Which column holds what, and which role words mean visitor, bot or agent (any case)."""

    conversation: str = "conversation_id"
    at: str = "timestamp"
    role: str = "role"
    text: str = "text"
    visitor_roles: tuple[str, ...] = VISITOR_ROLES
    bot_roles: tuple[str, ...] = BOT_ROLES
    agent_roles: tuple[str, ...] = AGENT_ROLES

    def columns(self) -> tuple[str, str, str, str]:
        return self.conversation, self.at, self.role, self.text

    def kind(self, role: str) -> str | None:
        word = role.strip().lower()
        for kind, words in (("visitor", self.visitor_roles), ("bot", self.bot_roles), ("agent", self.agent_roles)):
            if word in (w.lower() for w in words):
                return kind
        return None


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file (what the mapping dialog offers)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def guess_mapping(header: list[str]) -> CsvMapping:
    """A first guess from common column names, for the dialog to start from."""
    lowered = {h.lower(): h for h in header}

    def pick(*names: str, default: str) -> str:
        return next((lowered[n] for n in names if n in lowered), default)

    return CsvMapping(
        conversation=pick("conversation_id", "conversation", "ticket_id", "chat_id", "thread_id", "session_id",
                          "ticket", "id", default=header[0] if header else "conversation_id"),
        at=pick("timestamp", "at", "time", "created_at", "date", "sent_at", "sent", default="timestamp"),
        role=pick("role", "author_role", "author", "sender_type", "sender", "from", "who", "type", default="role"),
        text=pick("text", "message", "body", "content", default="text"),
    )


def _conversation(cid: str, events: list[dict[str, Any]], skipped: list[str]) -> Conversation:
    return build(cid, events)


def read(path: Path, zone: tzinfo, mapping: CsvMapping | None = None) -> Iterator[Conversation | Dropped]:
    mapping = mapping or CsvMapping()
    grouped: dict[str, tuple[int, list[dict[str, Any]]]] = {}
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in mapping.columns() if c not in header]
        if missing:
            yield Dropped(path.name, 1, f"the file has no column {', '.join(map(repr, missing))} "
                                        f"(columns: {', '.join(header) or 'none'}); nothing was read")
            return
        reader.fieldnames = header
        for row in reader:
            line = reader.line_num
            cid = (row.get(mapping.conversation) or "").strip()
            role = row.get(mapping.role) or ""
            kind = mapping.kind(role)
            if not cid:
                yield Dropped(path.name, line, "the row has no conversation id")
                continue
            if kind is None:
                yield Dropped(path.name, line, f"unknown author role {role!r}")
                continue
            try:
                at = instant(row.get(mapping.at), zone)
            except RecordError as exc:
                yield Dropped(path.name, line, f"the row {exc}")
                continue
            grouped.setdefault(cid, (line, []))[1].append({"at": at, "type": kind, "text": row.get(mapping.text) or ""})
    for cid, (line, events) in grouped.items():
        yield from outcome(path.name, line, partial(_conversation, cid, events))
