"""The decision service end to end: real `handoff-builder serve` processes on random local ports.

The shipped sample conversations, posted event by event on the host's clock, get exactly the
decisions `handoff-builder simulate` prints: on one worker in memory; on two servers sharing Redis
with each conversation's events alternating between them; and when one of them is killed with
SIGKILL halfway (nothing it acknowledged is lost). With two workers a timer fires exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.builder.serve.live import Receiver, Server, expected, outcome, redis_server, samples, serve, simulated
from tests.conftest import ROOT

PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"


@pytest.fixture(scope="module")
def simulate_output() -> dict[str, dict[str, Any]]:
    return simulated(PLAYBOOK)


@pytest.fixture
def redis_url() -> Any:
    with redis_server() as url:
        yield url


def timeline() -> list[tuple[dict[str, Any], int, dict[str, Any]]]:
    """Every sample event as (conversation, index, event), interleaved by time as a service gets them."""
    out = []
    for conversation in samples():
        for index, event in enumerate(conversation["events"]):
            out.append((conversation, index, event))
    out.sort(key=lambda item: (item[2]["at"], item[0]["id"], item[1]))
    return out


def post(server: Server, conversation: dict[str, Any], index: int, event: dict[str, Any]) -> dict[str, Any]:
    envelope: dict[str, Any] = {"clock": "host"}
    if index == 0:
        envelope["visitor"] = conversation.get("visitor") or {}
    return server.post_event(conversation["id"], event, **envelope)


def test_samples_posted_event_by_event_decide_as_simulate(simulate_output: dict[str, dict[str, Any]]) -> None:
    with serve(PLAYBOOK) as server:
        answered = {}
        for conversation, index, event in timeline():
            answer = post(server, conversation, index, event)
            if answer["decision"] is not None:
                answered[conversation["id"]] = answer["decision"]
        got = {cid: outcome(server, cid) for cid in simulate_output}
    assert got == {cid: expected(d) for cid, d in simulate_output.items()}
    assert answered == {cid: d for cid, d in simulate_output.items() if d["escalated"]}  # answered inline too
    assert any(not d["escalated"] for d in simulate_output.values())  # both outcomes are compared


def test_two_servers_on_redis_alternate_and_survive_sigkill(
        simulate_output: dict[str, dict[str, Any]], redis_url: str) -> None:
    events = timeline()
    with serve(PLAYBOOK, "--store", redis_url) as first, serve(PLAYBOOK, "--store", redis_url) as second:
        servers = [first, second]
        seen_by: dict[str, set[int]] = {}  # before the kill
        after_kill: set[str] = set()
        acknowledged: dict[str, int] = {}
        killed_at = len(events) // 2
        for number, (conversation, index, event) in enumerate(events):
            if number == killed_at:
                first.stop(signal.SIGKILL)  # mid-conversation for several of them
                servers = [second]
            server = servers[index % len(servers)]  # event 0 on the first, 1 on the second, …
            answer = post(server, conversation, index, event)
            acknowledged[conversation["id"]] = acknowledged.get(conversation["id"], 0) + (
                0 if answer["handed_over"] and answer["decision"] is None else 1)
            if number < killed_at:
                seen_by.setdefault(conversation["id"], set()).add(server.port)
            else:
                after_kill.add(conversation["id"])
        got = {cid: outcome(second, cid) for cid in simulate_output}
        counted = {cid: second.request("GET", f"/v1/conversations/{cid}")[1]["events"] for cid in acknowledged}
    assert got == {cid: expected(d) for cid, d in simulate_output.items()}
    assert counted == acknowledged  # every acknowledged event is in the saved state, after the SIGKILL too
    alternated = {cid for cid, ports in seen_by.items() if len(ports) == 2}
    assert len(alternated) >= 3 and alternated & after_kill  # alternated, and killed mid-conversation


def timer_ruleset(folder: Path, seconds: int = 1) -> Path:
    """The playbook with its silence rule at `seconds` and no other condition: a timer that fires soon."""
    document = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    for rule in document["rules"]:
        if rule["id"] == "silence":
            rule["when"] = {"all": [{"fact": "time.silence_seconds", "op": "gte", "value": seconds}]}
    path = folder / "timers.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_timer_fires_once_with_two_workers_and_a_killed_worker_is_replaced(tmp_path: Path, redis_url: str) -> None:
    ruleset = timer_ruleset(tmp_path)
    cids = [f"quiet-{n}" for n in range(4)]
    with Receiver() as receiver, serve(ruleset, "--store", redis_url, "--workers", "2", "--callback-url",
                                       receiver.url, ready_workers=2) as server:
        for cid in cids:
            answer = server.post_event(cid, {"type": "visitor", "text": "hello, is anyone there?"})
            assert answer["decision"] is None and answer["next_deadline"] is not None
        deadline = time.monotonic() + 15
        while len(receiver.received) < len(cids) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.6)  # time enough for a second firing, if there were one (workers poll every 0.25 s)
        _, metrics, headers = server.request("GET", "/metrics")
        os.kill(int(headers["x-handoff-worker"]), signal.SIGKILL)
        summaries = [server.request("GET", f"/v1/conversations/{cid}")[1] for cid in cids]  # the other worker
        deadline = time.monotonic() + 20
        while not any(line["event"] == "worker died; starting another" for line in server.log_lines()):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    fired = sorted(body["conversation"] for body in receiver.received)
    assert fired == cids  # each exactly once
    assert all(body["decision"]["rule"] == "silence" and body["decision"]["timer"] for body in receiver.received)
    assert all(body["payload"]["transcript"] for body in receiver.received)
    assert all(s["handed_over"] and s["decision"]["rule"] == "silence" for s in summaries)
    text = metrics.decode()
    assert 'handoff_decisions_total{rule="silence",trigger="time_based"} 4.0' in text  # summed over workers


def test_reload_on_sighup_keeps_old_rules_for_open_conversations_and_refuses_a_bad_file(tmp_path: Path) -> None:
    ruleset = tmp_path / "rules.json"
    document = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    ruleset.write_text(json.dumps(document), encoding="utf-8")
    with serve(ruleset, "--reload-interval", "0") as server:
        server.post_event("before", {"type": "visitor", "text": "hi"})
        old = server.request("GET", "/v1/ruleset")[1]["current"]["content_hash"]
        document["metadata"]["version"] = "2.0.1"
        document["rules"] = [r for r in document["rules"] if r["id"] != "explicit-human"]
        ruleset.write_text(json.dumps(document), encoding="utf-8")
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while server.request("GET", "/v1/ruleset")[1]["current"]["content_hash"] == old:
            assert time.monotonic() < deadline, server.log.read_text()
            time.sleep(0.05)
        shown = server.request("GET", "/v1/ruleset")[1]
        before = server.post_event("before", {"type": "visitor", "text": "I want to talk to a human"})
        after = server.post_event("after", {"type": "visitor", "text": "I want to talk to a human"})
        ruleset.write_text("{ not json", encoding="utf-8")
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while server.request("GET", "/healthz")[1]["status"] == "ok":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        health = server.request("GET", "/healthz")[1]
        still = server.post_event("later", {"type": "visitor", "text": "hello"})
    assert shown["current"]["version"] == "2.0.1"
    assert [r["content_hash"] for r in shown["in_use"]] == [old]  # both shown while both are in use
    assert before["decision"]["rule"] == "explicit-human" and before["ruleset"] == old
    assert after["decision"] is None or after["decision"]["rule"] != "explicit-human"
    assert health["status"] == "degraded" and "rules.json" in health["last_reload"]["error"]
    assert still["ruleset"] == shown["current"]["content_hash"]  # the bad file left the new rules in place


def test_graceful_shutdown_saves_memory_conversations_for_the_next_start(tmp_path: Path) -> None:
    state = tmp_path / "sessions.jsonl"
    with serve(PLAYBOOK, "--state-file", str(state)) as server:
        server.post_event("c-1", {"at": "2026-11-27T02:00:00Z", "type": "visitor", "text": "hello"}, clock="host")
        server.post_event("c-1", {"at": "2026-11-27T02:00:05Z", "type": "bot", "text": "Hi! How can I help?"})
        assert server.stop(signal.SIGTERM) == 0
    assert state.exists()
    with serve(PLAYBOOK, "--state-file", str(state)) as server:
        answer = server.post_event("c-1", {"at": "2026-11-27T02:00:09Z", "type": "visitor",
                                           "text": "can I speak to a real person"})
        summary = server.request("GET", "/v1/conversations/c-1")[1]
    assert answer["turn"] == 2 and answer["decision"]["rule"] == "explicit-human"
    assert summary["events"] == 3 and summary["clock"] == "host"
    assert [e["role"] for e in summary["payload"]["transcript"]] == ["visitor", "bot", "visitor"]
