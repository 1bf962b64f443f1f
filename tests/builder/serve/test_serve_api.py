"""The service's API in-process (Starlette's TestClient, memory store): answers, refusals, safety.

Each refusal must say what is wrong (a `location: message` line) and never show a traceback.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from starlette.testclient import TestClient

from builder import runtime
from builder.serve import openapi
from builder.serve.app import create_app
from builder.serve.requests import Problem, event_request
from builder.serve.settings import Settings
from tests.conftest import ROOT

PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"
ASK = {"at": "2026-11-27T02:00:05Z", "type": "visitor", "text": "Can I talk to a real person please"}


def client_for(**options: Any) -> Iterator[TestClient]:
    options.setdefault("reload_interval_s", 0)
    app = create_app(Settings(ruleset=str(options.pop("ruleset", PLAYBOOK)), **options))
    with TestClient(app, raise_server_exceptions=False) as client:
        client.service = app.service  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield from client_for()


def test_an_event_is_answered_with_the_runtimes_decision(client: TestClient) -> None:
    session = runtime.load(PLAYBOOK).session("c-1", {"name": "Ana"})
    expected = session.observe(ASK)
    response = client.post("/v1/conversations/c-1/events", json={"event": ASK, "visitor": {"name": "Ana"}})
    assert response.status_code == 200
    body = response.json()
    assert expected is not None and body["decision"] == expected.to_dict(trace=False)
    assert body["decision"]["reply"] and body["decision"]["team"] and body["decision"]["promise"]
    assert body["handed_over"] is True and body["turn"] == 1
    summary = client.get("/v1/conversations/c-1").json()
    assert summary["payload"] == json.loads(json.dumps(expected.payload))
    assert summary["payload"]["visitor"]["name"] == "Ana"
    later = client.post("/v1/conversations/c-1/events", json={"event": {**ASK, "text": "hello?"}}).json()
    assert later["decision"] is None and later["handed_over"] is True  # decided once


def refusal(response: Any, status: int) -> list[str]:
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    body = response.json()
    assert body["problems"] and isinstance(body["error"], str)
    return list(body["problems"])


def test_bad_events_are_refused_with_what_is_wrong(client: TestClient) -> None:
    post = lambda body: client.post("/v1/conversations/c-2/events", content=body)  # noqa: E731
    assert refusal(post(b"{not json"), 400)[0].startswith("$: the body is not JSON")
    assert refusal(post(b""), 400) == ["$: the body is empty; send a JSON object"]
    assert "must be a JSON object" in refusal(post(b"[1]"), 422)[0]
    problems = refusal(post(json.dumps({"event": {"type": "visitor", "at": "2026-11-27T02:00:00"},
                                        "visiter": {}, "clock": "mine"}).encode()), 422)
    assert "$.visiter: unknown field (expected event, visitor, clock)" in problems
    assert "$.event.text: missing (a visitor event needs a text)" in problems
    assert any(p.startswith("$.event.at:") and "time zone offset" in p for p in problems)
    assert any(p.startswith("$.clock:") for p in problems)
    assert refusal(post(json.dumps({"visitor": {"score": "high"}}).encode()), 422) == [
        "$.event: missing", "$.visitor.score: must be a number"]
    assert client.get("/v1/conversations/c-2").status_code == 404  # nothing refused was applied


def test_the_host_clock_needs_times_and_ticks_timers(client: TestClient) -> None:
    start = {"at": "2026-11-27T02:00:00Z", "type": "visitor", "text": "hello"}
    stuck = {"at": "2026-11-27T02:00:01Z", "type": "bot", "text": "Sorry?", "fallback": True}
    assert client.post("/v1/conversations/h/events", json={"event": start, "clock": "host"}).json()["clock"] == "host"
    no_time = client.post("/v1/conversations/h/events", json={"event": {"type": "visitor", "text": "x"}})
    assert refusal(no_time, 422) == ["$.event.at: missing; on the host's clock every event needs its time"]
    assert refusal(client.post("/v1/conversations/h/events", json={"event": stuck, "clock": "service"}), 409)
    deadline = client.post("/v1/conversations/h/events", json={"event": stuck}).json()["next_deadline"]
    assert deadline is not None
    assert refusal(client.post("/v1/conversations/h/tick", json={}), 422)
    early = client.post("/v1/conversations/h/tick", json={"at": "2026-11-27T02:01:00Z"}).json()
    assert early["decision"] is None
    fired = client.post("/v1/conversations/h/tick", json={"at": "2026-11-27T02:30:00Z"}).json()
    assert fired["decision"]["rule"] == "silence" and fired["decision"]["timer"] is True
    assert fired["decision"]["at"] == deadline  # at its own deadline, not at the tick
    assert refusal(client.post("/v1/conversations/nobody/tick", json={}), 404)


def test_closing_a_conversation_forgets_it(client: TestClient) -> None:
    client.post("/v1/conversations/bye/events", json={"event": {"type": "visitor", "text": "hello"}})
    assert client.delete("/v1/conversations/bye").status_code == 204
    assert refusal(client.get("/v1/conversations/bye"), 404)
    assert refusal(client.delete("/v1/conversations/bye"), 404)


def test_bearer_token_size_limit_and_unknown_paths() -> None:
    for client in client_for(token="s3cret", max_body_bytes=2048):
        event = {"event": {"type": "visitor", "text": "hello"}}
        assert refusal(client.post("/v1/conversations/t/events", json=event), 401)
        wrong = client.post("/v1/conversations/t/events", json=event, headers={"Authorization": "Bearer s3cre"})
        assert refusal(wrong, 401)
        assert client.get("/metrics").status_code == 401
        assert client.get("/healthz").status_code == 200  # for load balancers
        auth = {"Authorization": "Bearer s3cret"}
        assert client.post("/v1/conversations/t/events", json=event, headers=auth).status_code == 200
        big = {"event": {"type": "visitor", "text": "x" * 2100}}
        assert refusal(client.post("/v1/conversations/t/events", json=big, headers=auth), 413) == [
            "the body is larger than 2048 bytes"]
        assert "no such path" in refusal(client.get("/v2/anything", headers=auth), 404)[0]
        assert refusal(client.get("/v1/conversations/t/events", headers=auth), 405)


def test_an_unexpected_error_shows_no_traceback(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any) -> None:
        raise RuntimeError("the secret internals")

    monkeypatch.setattr(client.service.desk, "event", broken)  # type: ignore[attr-defined]
    response = client.post("/v1/conversations/x/events", json={"event": {"type": "visitor", "text": "hi"}})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error", "problems": ["internal error"]}
    assert "secret" not in response.text


def test_metrics_count_requests_decisions_latency_and_live_sessions(client: TestClient) -> None:
    client.post("/v1/conversations/m-1/events", json={"event": ASK})
    client.post("/v1/conversations/m-2/events", json={"event": {"type": "visitor", "text": "hello"}})
    client.post("/v1/conversations/m-3/events", content=b"{")
    response = client.get("/metrics")
    text = response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert 'handoff_decisions_total{rule="explicit-human",trigger="explicit_request"} 1.0' in text
    assert 'handoff_requests_total{method="POST",route="/v1/conversations/{id}/events",status="200"} 2.0' in text
    assert 'handoff_requests_total{method="POST",route="/v1/conversations/{id}/events",status="400"} 1.0' in text
    assert 'handoff_request_seconds_count{route="/v1/conversations/{id}/events"} 3.0' in text
    assert "handoff_live_sessions 2\n" in text
    assert 'handoff_events_total{type="visitor"} 2.0' in text


def test_the_ruleset_and_health_say_which_rules_run(client: TestClient) -> None:
    rules = runtime.load(PLAYBOOK)
    shown = client.get("/v1/ruleset").json()
    assert shown["current"]["content_hash"] == rules.content_hash
    assert shown["current"]["version"] == rules.version and shown["in_use"] == []
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["ruleset"]["content_hash"] == rules.content_hash


def test_the_openapi_document_describes_exactly_the_served_routes(client: TestClient) -> None:
    document = client.get("/v1/openapi.json").json()
    served = {(route.path, method.lower()) for route in client.service.routes()  # type: ignore[attr-defined]
              for method in route.methods or () if method != "HEAD"}
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == documented
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


BODIES = [
    {"event": {"type": "visitor", "text": "hi"}},
    {"event": {"type": "visitor", "text": "hi", "at": "2026-11-27T02:00:00+01:00"}, "clock": "host"},
    {"event": {"type": "bot", "text": "hi", "confidence": 0.3, "fallback": True}, "visitor": {"score": 3}},
    {"event": {"type": "page_view", "url": "/pricing"}},
    {"event": {"type": "visitor_left"}},
    {"event": {"type": "visitor"}},
    {"event": {"type": "bot", "confidence": 2}},
    {"event": {"type": "page_view"}},
    {"event": {"type": "cart"}},
    {"event": {"type": "visitor", "text": "hi"}, "clock": "mine"},
    {"event": {"type": "visitor", "text": "hi"}, "extra": 1},
    {"visitor": {}},
    {"event": {"type": ""}},
    {"event": {"type": "profile", "score": "high"}},
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_the_checks_agree_with_the_documented_schema(body: dict[str, Any]) -> None:
    """The hand-written checks and the OpenAPI schema (via jsonschema) accept the same bodies."""
    document = openapi.document()
    registry = Registry().with_resource("urn:api", Resource.from_contents(
        {**document, "$schema": "https://json-schema.org/draft/2020-12/schema"}))
    schema = {"$ref": "urn:api#/components/schemas/EventRequest"}
    by_schema = not list(Draft202012Validator(schema, registry=registry).iter_errors(body))
    try:
        event_request(body)
        by_checks = True
    except Problem:
        by_checks = False
    assert by_checks == by_schema


def test_a_conversation_started_before_a_reload_keeps_its_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    document = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    path.write_text(json.dumps(document), encoding="utf-8")
    for client in client_for(ruleset=path):
        service = client.service  # type: ignore[attr-defined]
        client.post("/v1/conversations/old/events", json={"event": {"type": "visitor", "text": "hi"}})
        document["rules"] = [r for r in document["rules"] if r["id"] != "explicit-human"]
        path.write_text(json.dumps(document), encoding="utf-8")
        client.portal.call(partial(service.reload, only_if_modified=False))  # type: ignore[union-attr]
        old = client.post("/v1/conversations/old/events", json={"event": ASK | {"at": _now()}}).json()
        new = client.post("/v1/conversations/new/events", json={"event": ASK | {"at": _now()}}).json()
        shown = client.get("/v1/ruleset").json()
        path.write_text('{"schema_version": 1}', encoding="utf-8")
        client.portal.call(partial(service.reload, only_if_modified=False))  # type: ignore[union-attr]
        health = client.get("/healthz").json()
        kept = client.get("/v1/ruleset").json()["current"]["content_hash"]
        metrics = client.get("/metrics").text
    assert old["decision"]["rule"] == "explicit-human"
    assert new["decision"] is None or new["decision"]["rule"] != "explicit-human"
    assert old["ruleset"] != new["ruleset"]
    assert shown["current"]["content_hash"] == new["ruleset"] and shown["current"]["conversations"] == 1
    assert [(r["content_hash"], r["conversations"]) for r in shown["in_use"]] == [(old["ruleset"], 1)]
    assert health["status"] == "degraded" and "invalid ruleset" in health["last_reload"]["error"]
    assert kept == new["ruleset"]
    assert 'handoff_reloads_total{outcome="ok"} 1.0' in metrics
    assert 'handoff_reloads_total{outcome="refused"} 1.0' in metrics


def _now() -> str:
    return datetime.now().astimezone().isoformat()


def test_the_readme_curl_examples_work_as_shown(client: TestClient) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run as a service", 1)[1].split("\n## ", 1)[0]
    bodies = [json.loads(body) for body in re.findall(r"-d '(\{.*?\})'", section)]
    assert len(bodies) == 2
    first = client.post("/v1/conversations/c-17/events", json=bodies[0]).json()
    shown = re.search(r'"rule":"([^"]+)".*?"team":"([^"]+)","priority":"([^"]+)","reply":"([^,]+),', section, re.S)
    assert shown is not None
    decision = first["decision"]
    assert (decision["rule"], decision["team"], decision["priority"]) == shown.groups()[:3]
    assert decision["reply"].startswith(shown.group(4))
    assert client.get("/v1/conversations/c-17").json()["payload"]["visitor"]["name"] == "Ana"
    assert client.post("/v1/conversations/other/events", json=bodies[1]).status_code == 200


def test_a_changed_file_is_picked_up_without_a_signal(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    document = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    path.write_text(json.dumps(document), encoding="utf-8")
    for client in client_for(ruleset=path, reload_interval_s=0.05):
        before = client.get("/v1/ruleset").json()["current"]
        document["metadata"]["version"] = "9.9.9"
        path.write_text(json.dumps(document), encoding="utf-8")
        deadline = time.monotonic() + 10
        while client.get("/v1/ruleset").json()["current"]["version"] != "9.9.9":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        after = client.get("/v1/ruleset").json()["current"]
    assert before["version"] == "2.0.0" and after["content_hash"] != before["content_hash"]


def test_a_worker_settles_between_requests_and_a_host_process_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.serve.settings import make_settings

    calls: list[float] = []
    monkeypatch.setattr(runtime, "settle", lambda: calls.append(time.monotonic()))
    for _client in client_for():  # the default: whoever embeds the app decides about the collector
        time.sleep(0.3)
    assert calls == []
    for client in client_for(settle_s=0.05):
        deadline = time.monotonic() + 5
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.get("/healthz").status_code == 200
    assert len(calls) >= 2
    worker = make_settings(ruleset=str(PLAYBOOK), host="127.0.0.1", port=0, workers=1, store="memory", ttl_s=60,
                           token_env=None, max_body_bytes=65536, callback_url=None, channel=None,
                           reload_interval_s=0, log_level="info")
    assert worker.settle_s == 1.0
