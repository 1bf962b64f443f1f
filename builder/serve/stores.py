"""Where conversations live between two events: the store interface and the memory store.

Why an interface with two stores: the embedded default keeps everything in the worker (one
command, nothing else to run, fastest: the Session objects themselves, never serialised); Redis
(`builder.serve.redis_store`) shares conversations between workers and restarts. The desk uses
only what is declared here.

A request holds its conversation (`hold`) from loading it to saving it, so two requests of one
conversation never apply events at once. The memory store needs no lock for that: a worker is one
event loop, and the desk never awaits anything that suspends while it holds a conversation, so two
requests of one conversation cannot interleave.
"""

from __future__ import annotations

import heapq
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager as AsyncContextManager
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from builder import runtime
from builder.serve.conversation import Conversation, RecordError
from builder.serve.logs import log


class Busy(Exception):
    """The conversation is held by another request for longer than the wait allows (or this one
    held it past its lease, and another took over): nothing was applied; the client may retry."""


class Held(Protocol):
    """A conversation while its request holds it: `conversation` as stored (None: new or expired);
    `save` stores it and lets it go; `drop` forgets it."""

    conversation: Conversation | None

    async def save(self, conversation: Conversation) -> None: ...
    async def drop(self) -> bool: ...


class Store(Protocol):
    def hold(self, conversation_id: str) -> AsyncContextManager[Held]: ...  # Busy when it cannot be had
    async def load(self, conversation_id: str) -> Conversation | None: ...  # read only, not held
    async def claim_due(self, now: float, limit: int) -> list[str]: ...  # each due timer to one caller only
    async def unschedule(self, conversation_id: str) -> None: ...
    async def live(self) -> int: ...
    async def rulesets_in_use(self) -> dict[str, dict[str, Any]]: ...
    async def publish_ruleset(self, rules: runtime.Runtime) -> None: ...
    async def fetch_ruleset(self, content_hash: str) -> dict[str, Any] | None: ...
    async def housekeeping(self) -> None: ...
    async def close(self) -> None: ...


class _MemoryHeld:
    def __init__(self, store: MemoryStore, cid: str, conversation: Conversation | None) -> None:
        self.store, self.cid, self.conversation = store, cid, conversation

    async def save(self, conversation: Conversation) -> None:
        self.store.put(conversation)

    async def drop(self) -> bool:
        return self.store.forget(self.cid)


class MemoryStore:
    """Conversations in this worker's memory; idle ones expire after `ttl_s`.

    `state_file` (optional): at shutdown every open conversation is written there as JSON Lines
    (the Redis store's records) and read back at the next start, so a restart loses nothing."""

    def __init__(self, ttl_s: float, state_file: str | None = None) -> None:
        self.ttl_s = ttl_s
        self.conversations: dict[str, Conversation] = {}
        self.timers: list[tuple[float, str]] = []  # (deadline, conversation id), earliest first
        self.scheduled: dict[str, float] = {}  # the live deadline per conversation; older heap entries are stale
        self.state_file = Path(state_file) if state_file else None

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[Held]:
        yield _MemoryHeld(self, conversation_id, await self.load(conversation_id))

    async def load(self, conversation_id: str) -> Conversation | None:
        found = self.conversations.get(conversation_id)
        if found is not None and found.touched + self.ttl_s < time.time():
            self.forget(conversation_id)
            return None
        return found

    def put(self, conversation: Conversation) -> None:
        cid = conversation.id
        self.conversations[cid] = conversation
        deadline = conversation.deadline
        if deadline is None:
            self.scheduled.pop(cid, None)
        elif self.scheduled.get(cid) != deadline:
            self.scheduled[cid] = deadline
            heapq.heappush(self.timers, (deadline, cid))

    def forget(self, conversation_id: str) -> bool:
        self.scheduled.pop(conversation_id, None)
        return self.conversations.pop(conversation_id, None) is not None

    async def claim_due(self, now: float, limit: int) -> list[str]:
        due: list[str] = []
        while self.timers and self.timers[0][0] <= now and len(due) < limit:
            deadline, cid = heapq.heappop(self.timers)
            if self.scheduled.get(cid) == deadline:
                del self.scheduled[cid]
                due.append(cid)
        return due

    async def unschedule(self, conversation_id: str) -> None:
        self.scheduled.pop(conversation_id, None)

    async def live(self) -> int:
        return len(self.conversations)

    async def rulesets_in_use(self) -> dict[str, dict[str, Any]]:
        counts = Counter(c.rules.content_hash for c in self.conversations.values())
        return {content_hash: {"conversations": n} for content_hash, n in counts.items()}

    async def publish_ruleset(self, rules: runtime.Runtime) -> None:
        return None  # every conversation holds its own Runtime

    async def fetch_ruleset(self, content_hash: str) -> dict[str, Any] | None:
        return None

    async def housekeeping(self) -> None:
        """Drop the conversations idle for longer than the TTL."""
        limit = time.time() - self.ttl_s
        for cid in [cid for cid, c in self.conversations.items() if c.touched < limit]:
            self.forget(cid)

    async def restore_from_file(self, runtime_for: Callable[[str], Awaitable[runtime.Runtime | None]]) -> int:
        """Read back the conversations a previous shutdown wrote; the state file is then removed."""
        if self.state_file is None or not self.state_file.exists():
            return 0
        restored = 0
        with self.state_file.open(encoding="utf-8") as lines:
            for line in lines:
                try:
                    conversation = await Conversation.from_record(line, runtime_for)
                except RecordError as exc:
                    log(logging.WARNING, "a saved conversation cannot continue", error=str(exc))
                    continue
                self.put(conversation)
                restored += 1
        self.state_file.unlink()
        return restored

    async def close(self) -> None:
        """Graceful shutdown: write the open conversations to the state file (when there is one)."""
        if self.state_file is None:
            if self.conversations:
                log(logging.WARNING, "stopping with conversations in memory; they are not kept",
                    conversations=len(self.conversations))
            return
        partial = self.state_file.with_name(self.state_file.name + ".partial")
        with partial.open("w", encoding="utf-8") as out:
            for conversation in self.conversations.values():
                out.write(conversation.to_record() + "\n")
        partial.replace(self.state_file)
        log(logging.INFO, "conversations saved", conversations=len(self.conversations), file=str(self.state_file))
