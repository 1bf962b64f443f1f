"""Exports that hold messages either as whole conversations or one by one (an API's message list,
webhook events), the shape Chatwoot and Sunshine Conversations share.

Why one reader: the two platforms differ only in their field names — which record is a whole
conversation, which one carries single messages and for which conversation, how one message
becomes an event. Reading the records, gathering single messages per conversation (in the order
first seen, at the line of the first), and dropping what is neither is the same for both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from builder.format.conversation import Conversation
from builder.importers.common import Dropped, build, each_record, events_of, outcome

EventReader = Callable[[Any, tzinfo], dict[str, Any] | None]


@dataclass(frozen=True)
class MessageExport:
    """How one platform holds its messages.

    `event(message, zone)`: the message's event (None: nothing to keep; RecordError: skipped);
    `whole(record)`: (conversation id, messages, visitor) of a record holding one conversation, else
    None; `loose(record)`: (conversation id, message) for each single message of any other record,
    or the reason a part of it is neither; `visitor(messages)`: who wrote messages gathered one by one.
    """

    event: EventReader
    whole: Callable[[Any], tuple[Any, list[Any], dict[str, Any]] | None]
    loose: Callable[[Any], Iterator[tuple[Any, Any] | str]]
    visitor: Callable[[list[Any]], dict[str, Any]]

    def read(self, path: Path, zone: tzinfo) -> Iterator[Conversation | Dropped]:
        """The file's conversations: whole ones as they come, the gathered ones at the end."""
        gathered: dict[str, tuple[int, list[Any]]] = {}
        for item in each_record(path):
            if isinstance(item, Dropped):
                yield item
                continue
            line, record = item
            whole = self.whole(record)
            if whole is not None:
                cid, messages, visitor = whole
                yield from outcome(path.name, line, partial(self._conversation, cid, messages, visitor, zone))
                continue
            for found in self.loose(record):
                if isinstance(found, str):
                    yield Dropped(path.name, line, found)
                else:
                    gathered.setdefault(str(found[0]), (line, []))[1].append(found[1])
        for cid, (line, messages) in gathered.items():
            make = partial(self._conversation, cid, messages, self.visitor(messages), zone)
            yield from outcome(path.name, line, make)

    def _conversation(self, cid: Any, messages: list[Any], visitor: dict[str, Any], zone: tzinfo,
                      skipped: list[str]) -> Conversation:
        return build(cid, events_of(cid, messages, self.event, zone, skipped), visitor)
