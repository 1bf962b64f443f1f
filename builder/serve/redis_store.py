"""Conversations in Redis, shared by every worker and surviving restarts.

Keys (all under `handoff:`):
- `c:{id}` the conversation's record (`Conversation.to_record`), expiring after the idle TTL;
- `lock:{id}` its lock: redis-py's `Lock` (a token set with NX and a lease, released by a script
  that checks the token), so two workers never apply events of one conversation at once, and a
  worker killed while holding it blocks the conversation for at most the lease;
- `timers` a sorted set, conversation → next deadline (epoch seconds), for service-clock
  conversations. A worker claims due timers with one script that moves each to `now + lease`:
  only one worker gets a timer, and if that worker dies before saving, another claims it again
  when the lease runs out. The firing itself re-reads the conversation under its lock and checks
  that the deadline is still due, so a timer fires exactly once;
- `live` (conversation → expiry) for the live-sessions gauge, `rulesets` (content hash → last
  use) and `ruleset:{hash}` (the ruleset document), so a worker that started after a reload can
  continue a conversation on the rules it started with.

Everything a request writes goes in one pipelined round trip after the engine ran; the answer is
sent only after Redis acknowledged it, so an acknowledged event is never lost to a dead worker.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import LockError

from builder import runtime
from builder.serve.conversation import Conversation
from builder.serve.rulesets import document, identity
from builder.serve.stores import Busy

PREFIX = "handoff:"
TIMER_LEASE_S = 30.0
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end
return due
"""


class RedisStore:
    def __init__(self, url: str, *, ttl_s: float, lock_timeout_s: float,
                 runtime_for: Callable[[str], Awaitable[runtime.Runtime | None]]) -> None:
        self.client = aioredis.from_url(url, decode_responses=False, health_check_interval=30)
        self.ttl_ms = int(ttl_s * 1000)
        self.ttl_s = ttl_s
        self.lock_timeout_s = lock_timeout_s
        self.runtime_for = runtime_for
        self._claim = self.client.register_script(_CLAIM)

    async def ping(self) -> None:
        await self.client.ping()

    @asynccontextmanager
    async def lock(self, conversation_id: str) -> AsyncIterator[None]:
        lock = self.client.lock(f"{PREFIX}lock:{conversation_id}", timeout=self.lock_timeout_s, sleep=0.002,
                                blocking_timeout=self.lock_timeout_s, thread_local=False)
        if not await lock.acquire():
            raise Busy(conversation_id)
        try:
            yield
        finally:
            try:
                await lock.release()
            except LockError:
                pass  # the lease ran out and another worker took over; it re-read the saved state

    async def load(self, conversation_id: str) -> Conversation | None:
        text = await self.client.get(f"{PREFIX}c:{conversation_id}")
        if text is None:
            return None
        return await Conversation.from_record(text, self.runtime_for)

    async def save(self, conversation: Conversation) -> None:
        cid = conversation.id
        now = time.time()
        pipe = self.client.pipeline(transaction=False)
        pipe.set(f"{PREFIX}c:{cid}", conversation.to_record(), px=self.ttl_ms)
        pipe.zadd(f"{PREFIX}live", {cid: now + self.ttl_s})
        pipe.zadd(f"{PREFIX}rulesets", {conversation.rules.content_hash: now})
        deadline = conversation.deadline
        if deadline is None:
            pipe.zrem(f"{PREFIX}timers", cid)
        else:
            pipe.zadd(f"{PREFIX}timers", {cid: deadline})
        await pipe.execute()

    async def drop(self, conversation_id: str) -> bool:
        pipe = self.client.pipeline(transaction=False)
        pipe.delete(f"{PREFIX}c:{conversation_id}")
        pipe.zrem(f"{PREFIX}timers", conversation_id)
        pipe.zrem(f"{PREFIX}live", conversation_id)
        deleted, _, _ = await pipe.execute()
        return bool(deleted)

    async def claim_due(self, now: float, limit: int) -> list[str]:
        claimed = await self._claim(keys=[f"{PREFIX}timers"], args=[now, now + TIMER_LEASE_S, limit])
        return [_text(m) for m in claimed]

    async def unschedule(self, conversation_id: str) -> None:
        await self.client.zrem(f"{PREFIX}timers", conversation_id)

    async def live(self) -> int:
        await self.client.zremrangebyscore(f"{PREFIX}live", "-inf", time.time())
        count: int = await self.client.zcard(f"{PREFIX}live")
        return count

    async def rulesets_in_use(self) -> dict[str, dict[str, Any]]:
        now = time.time()
        used: list[Any] = await self.client.zrangebyscore(f"{PREFIX}rulesets", now - self.ttl_s, "+inf",
                                                          withscores=True)
        return {_text(member): {"last_used": _iso(float(score))} for member, score in used}

    async def publish_ruleset(self, rules: runtime.Runtime) -> None:
        """Keep the ruleset's document for other workers (for as long as conversations may use it)."""
        body = {**document(rules), **{"identity": identity(rules)}}
        await self.client.set(f"{PREFIX}ruleset:{rules.content_hash}", json.dumps(body), ex=self._doc_ttl())

    async def fetch_ruleset(self, content_hash: str) -> dict[str, Any] | None:
        text = await self.client.get(f"{PREFIX}ruleset:{content_hash}")
        return None if text is None else dict(json.loads(text))

    async def housekeeping(self) -> None:
        """Keep the documents of rulesets in use; forget the ones no conversation used for a TTL."""
        now = time.time()
        await self.client.zremrangebyscore(f"{PREFIX}rulesets", "-inf", now - self.ttl_s)
        for content_hash in await self.rulesets_in_use():
            await self.client.expire(f"{PREFIX}ruleset:{content_hash}", self._doc_ttl())
        await self.client.zremrangebyscore(f"{PREFIX}live", "-inf", now)

    def _doc_ttl(self) -> int:
        return int(self.ttl_s * 2) + 3600

    async def close(self) -> None:
        """Graceful shutdown: every acknowledged event is already in Redis; close the connections."""
        await self.client.aclose()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
