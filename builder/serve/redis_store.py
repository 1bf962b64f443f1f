"""Conversations in Redis, shared by every worker and surviving restarts.

Keys (all under `handoff:`):
- `c:{id}` the conversation's record (`Conversation.to_record`), expiring after the idle TTL;
- `lock:{id}` its lock: a random token set with NX and a lease, so two workers never apply events
  of one conversation at once, and a worker killed while holding it blocks the conversation for at
  most the lease. Why not redis-py's `Lock`: taking the lock and reading the record are one script
  here, and saving is one script that writes only while the token is still ours (a request that
  outlived its lease is refused, not allowed to overwrite the one that took over) and then lets
  go: two round trips an event instead of four, which is most of a Redis event's cost;
- `timers` a sorted set, conversation → next deadline (epoch seconds), for service-clock
  conversations. A worker claims due timers with one script that moves each to `now + lease`:
  only one worker gets a timer, and if that worker dies before saving, another claims it again
  when the lease runs out. The firing itself re-reads the conversation under its lock and checks
  that the deadline is still due, so a timer fires exactly once;
- `live` (conversation → expiry) for the live-sessions gauge, `rulesets` (content hash → last
  use) and `ruleset:{hash}` (the ruleset document), so a worker that started after a reload can
  continue a conversation on the rules it started with.

Everything a request writes goes in that one script after the engine ran; the answer is sent only
after Redis acknowledged it, so an acknowledged event is never lost to a dead worker. One Redis
(or a primary with replicas), not a Redis Cluster: the scripts touch several keys.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis

from builder import runtime
from builder.serve.conversation import Conversation
from builder.serve.rulesets import document, identity
from builder.serve.stores import Busy, Held

PREFIX = "handoff:"
TIMER_LEASE_S = 30.0
MAX_CONNECTIONS = 64  # per worker
LOCK_POLL_S = 0.002  # how often a request waiting for a held conversation tries again
_TAKE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local record = redis.call('GET', KEYS[2])
  if record then return {1, record} end
  return {1}
end
return {0}
"""
_SAVE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[7], ARGV[6])
if ARGV[8] == '' then redis.call('ZREM', KEYS[5], ARGV[4]) else redis.call('ZADD', KEYS[5], ARGV[8], ARGV[4]) end
redis.call('DEL', KEYS[1])
return 1
"""
_DROP = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local deleted = redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('DEL', KEYS[1])
return deleted
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], member) end
return due
"""


class RedisStore:
    def __init__(self, url: str, *, ttl_s: float, lock_timeout_s: float,
                 runtime_for: Callable[[str], Awaitable[runtime.Runtime | None]]) -> None:
        # A bounded pool that waits for a free connection: 1,000 conversations at once share these
        # instead of opening 1,000 connections (redis-py refuses past its default limit).
        pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=MAX_CONNECTIONS, timeout=lock_timeout_s,
                                                        health_check_interval=30)
        self.client = aioredis.Redis.from_pool(pool)  # owns the pool: `aclose` closes its connections
        self.ttl_ms = int(ttl_s * 1000)
        self.ttl_s = ttl_s
        self.lock_timeout_s = lock_timeout_s
        self.runtime_for = runtime_for
        self.lease_ms = int(lock_timeout_s * 1000)
        self._take = self.client.register_script(_TAKE)
        self._save = self.client.register_script(_SAVE)
        self._drop = self.client.register_script(_DROP)
        self._release = self.client.register_script(_RELEASE)
        self._claim = self.client.register_script(_CLAIM)

    async def ping(self) -> None:
        await self.client.ping()

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[Held]:
        lock = f"{PREFIX}lock:{conversation_id}"
        token = os.urandom(9).hex()
        waited_until = time.monotonic() + self.lock_timeout_s / 2  # half a lease: then "busy, retry"
        while True:
            taken = await self._take(keys=[lock, f"{PREFIX}c:{conversation_id}"], args=[token, self.lease_ms])
            if taken[0] == 1:
                break
            if time.monotonic() > waited_until:
                raise Busy(conversation_id)
            await asyncio.sleep(LOCK_POLL_S)
        held = _RedisHeld(self, conversation_id, token)
        try:
            if len(taken) > 1:
                held.conversation = await Conversation.from_record(taken[1], self.runtime_for)
            yield held
        finally:
            if not held.finished:
                await self._release(keys=[lock], args=[token])

    async def load(self, conversation_id: str) -> Conversation | None:
        text = await self.client.get(f"{PREFIX}c:{conversation_id}")
        if text is None:
            return None
        return await Conversation.from_record(text, self.runtime_for)

    async def save_held(self, token: str, conversation: Conversation) -> None:
        cid = conversation.id
        now = time.time()
        deadline = conversation.deadline
        saved = await self._save(
            keys=[f"{PREFIX}lock:{cid}", f"{PREFIX}c:{cid}", f"{PREFIX}live", f"{PREFIX}rulesets", f"{PREFIX}timers"],
            args=[token, conversation.to_record(), self.ttl_ms, cid, repr(now + self.ttl_s),
                  conversation.rules.content_hash, repr(now), "" if deadline is None else repr(deadline)])
        if saved != 1:
            raise Busy(cid)  # held past the lease and taken over: not saved, so not acknowledged

    async def drop_held(self, token: str, conversation_id: str) -> bool:
        dropped = await self._drop(keys=[f"{PREFIX}lock:{conversation_id}", f"{PREFIX}c:{conversation_id}",
                                         f"{PREFIX}timers", f"{PREFIX}live"], args=[token, conversation_id])
        if dropped == -1:
            raise Busy(conversation_id)
        return bool(dropped)

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


class _RedisHeld:
    def __init__(self, store: RedisStore, cid: str, token: str) -> None:
        self.store, self.cid, self.token = store, cid, token
        self.conversation: Conversation | None = None
        self.finished = False

    async def save(self, conversation: Conversation) -> None:
        await self.store.save_held(self.token, conversation)
        self.finished = True

    async def drop(self) -> bool:
        dropped = await self.store.drop_held(self.token, self.cid)
        self.finished = True
        return dropped


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
