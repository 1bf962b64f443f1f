"""The stores on their own: Redis locks, timer claims, rulesets by hash; memory expiry; settings.

Redis tests run against a real `redis-server` on a free local port (skipped with the reason when
the binary is missing; `.ci/run` installs it).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.cli import main
from builder.serve.conversation import Conversation
from builder.serve.redis_store import RedisStore
from builder.serve.rulesets import Rulesets
from builder.serve.settings import SettingsError, make_settings
from builder.serve.stores import Busy, MemoryStore
from tests.builder.serve.live import free_port, redis_server
from tests.conftest import ROOT

PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"
HELLO = {"at": "2026-11-27T02:00:00Z", "type": "visitor", "text": "hello"}


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


def new_conversation(rulesets: Rulesets, cid: str) -> Conversation:
    rules = rulesets.current
    conversation = Conversation(cid, rules.session(cid, {"name": "Ana"}), rules)
    conversation.session.observe(HELLO)
    conversation.events = 1
    return conversation


def test_a_worker_continues_a_conversation_on_the_ruleset_it_started_with(redis_url: str, tmp_path: Path) -> None:
    changed = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    changed["rules"] = changed["rules"][1:]
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(changed), encoding="utf-8")

    async def scenario() -> tuple[str, str, str, int]:
        old_rules = Rulesets(str(PLAYBOOK))
        first = RedisStore(redis_url, ttl_s=60, lock_timeout_s=1, runtime_for=old_rules.runtime_for)
        await first.publish_ruleset(old_rules.current)
        async with first.hold("kept") as held:
            await held.save(new_conversation(old_rules, "kept"))
        new_rules = Rulesets(str(newer))  # another worker, started after the file changed
        second = RedisStore(redis_url, ttl_s=60, lock_timeout_s=1, runtime_for=new_rules.runtime_for)
        new_rules.fetch = second.fetch_ruleset
        loaded = await second.load("kept")
        in_use = await second.rulesets_in_use()
        await first.close()
        await second.close()
        assert loaded is not None
        return loaded.rules.content_hash, old_rules.current.content_hash, new_rules.current.content_hash, \
            len(in_use)

    loaded, old, new, in_use = asyncio.run(scenario())
    assert loaded == old != new
    assert in_use == 1


def test_a_conversation_is_held_by_one_request_at_a_time(redis_url: str) -> None:
    async def scenario() -> list[str]:
        rulesets = Rulesets(str(PLAYBOOK))
        a = RedisStore(redis_url, ttl_s=60, lock_timeout_s=0.3, runtime_for=rulesets.runtime_for)
        b = RedisStore(redis_url, ttl_s=60, lock_timeout_s=0.3, runtime_for=rulesets.runtime_for)
        order = []
        async with a.hold("busy") as held:
            order.append("a holds")
            with pytest.raises(Busy):
                async with b.hold("busy"):
                    order.append("b entered while a held it")
            await held.save(new_conversation(rulesets, "busy"))
        async with b.hold("busy") as held:
            order.append(f"b holds after a, and reads {held.conversation.events if held.conversation else None}")
        async with a.hold("other"), b.hold("another"):
            order.append("different conversations at once")
        async with a.hold("slow") as slow:  # outlives its lease: another request takes over
            await asyncio.sleep(0.35)
            async with b.hold("slow") as fast:
                await fast.save(new_conversation(rulesets, "slow"))
            with pytest.raises(Busy):
                await slow.save(new_conversation(rulesets, "slow"))  # refused, not overwriting the newer one
            order.append("a late save is refused")
        await a.close()
        await b.close()
        return order

    assert asyncio.run(scenario()) == ["a holds", "b holds after a, and reads 1", "different conversations at once",
                                       "a late save is refused"]


def test_a_due_timer_is_claimed_by_one_worker_only(redis_url: str) -> None:
    async def scenario() -> tuple[list[str], list[str], list[str]]:
        rulesets = Rulesets(str(PLAYBOOK))
        stores = [RedisStore(redis_url, ttl_s=60, lock_timeout_s=1, runtime_for=rulesets.runtime_for)
                  for _ in range(4)]
        await stores[0].client.flushdb()
        now = time.time()
        await stores[0].client.zadd("handoff:timers", {f"t-{n}": now - 1 for n in range(50)})
        await stores[0].client.zadd("handoff:timers", {"later": now + 100})
        claims = await asyncio.gather(*(s.claim_due(now, 1000) for _ in range(5) for s in stores))
        everything = [cid for claim in claims for cid in claim]
        again = await stores[1].claim_due(now + 1, 1000)  # the lease keeps them from the others
        after_lease = await stores[2].claim_due(now + 31, 1000)  # a dead worker's claims come back
        for store in stores:
            await store.close()
        return everything, again, after_lease

    everything, again, after_lease = asyncio.run(scenario())
    assert sorted(everything) == sorted(f"t-{n}" for n in range(50))  # each once, none lost
    assert again == []
    assert sorted(after_lease) == sorted(f"t-{n}" for n in range(50))


def test_memory_conversations_expire_after_the_ttl() -> None:
    async def scenario() -> tuple[bool, bool, int]:
        rulesets = Rulesets(str(PLAYBOOK))
        store = MemoryStore(ttl_s=10)
        fresh, stale = new_conversation(rulesets, "fresh"), new_conversation(rulesets, "stale")
        stale.touched = time.time() - 11
        store.put(fresh)
        store.put(stale)
        gone = await store.load("stale") is None
        kept = await store.load("fresh") is fresh
        store.put(stale)
        await store.housekeeping()
        return gone, kept, await store.live()

    assert asyncio.run(scenario()) == (True, True, 1)


def test_settings_refuse_what_cannot_work(monkeypatch: pytest.MonkeyPatch) -> None:
    base = dict(ruleset="r.json", host="127.0.0.1", port=8700, workers=1, store="memory", ttl_s=60.0,
                token_env=None, max_body_bytes=65536, callback_url=None, channel=None, reload_interval_s=2.0,
                log_level="info")
    with pytest.raises(SettingsError, match="needs --store redis"):
        make_settings(**{**base, "workers": 2})
    assert make_settings(**{**base, "workers": 2, "store": "redis://127.0.0.1:6379/0"}).workers == 2
    monkeypatch.delenv("HB_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="HB_TOKEN is not set"):
        make_settings(**{**base, "token_env": "HB_TOKEN"})
    monkeypatch.setenv("HB_TOKEN", "abc")
    assert make_settings(**{**base, "token_env": "HB_TOKEN"}).token == "abc"
    with pytest.raises(SettingsError, match="--callback-url"):
        make_settings(**{**base, "callback_url": "ftp://example.org/x"})
    with pytest.raises(SettingsError, match="--store"):
        make_settings(**{**base, "store": "postgres://x"})


def test_the_command_refuses_before_listening(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(PLAYBOOK), "--workers", "2"]) == 2
    assert "needs --store redis" in capsys.readouterr().err
    assert main(["serve", str(tmp_path / "missing.json")]) == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": 1, "rules": 3}', encoding="utf-8")
    assert main(["serve", str(broken), "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "invalid ruleset" in err and "Traceback" not in err
    assert main(["serve", str(PLAYBOOK), "--channel", "nope"]) == 2
    assert "no such channel" in capsys.readouterr().err
    nobody = f"redis://127.0.0.1:{free_port()}/0"
    assert main(["serve", str(PLAYBOOK), "--workers", "2", "--store", nobody]) == 2
    assert "cannot reach Redis at" in capsys.readouterr().err
