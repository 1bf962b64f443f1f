"""Timers on the service's clock, memory store: the service fires them itself and delivers the
Decision to the callback URL and to a Slack channel of the ruleset, once; a conversation closed
before its deadline never fires."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from builder.serve.app import create_app
from builder.serve.settings import Settings
from tests.builder.serve.live import Receiver
from tests.conftest import ROOT

PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"


def test_the_service_fires_due_timers_and_delivers_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    for rule in document["rules"]:
        if rule["id"] == "silence":
            rule["when"] = {"all": [{"fact": "time.silence_seconds", "op": "gte", "value": 1}]}
            rule["actions"].append({"type": "notify", "channel": "slack-support"})
    ruleset = tmp_path / "timers.json"
    ruleset.write_text(json.dumps(document), encoding="utf-8")
    with Receiver() as callback, Receiver() as slack:
        monkeypatch.setenv("HANDOFF_SLACK_WEBHOOK_URL", slack.url)
        app = create_app(Settings(ruleset=str(ruleset), reload_interval_s=0, callback_url=callback.url,
                                  channel="slack-support", timer_poll_s=0.05))
        with TestClient(app) as client:
            started = time.monotonic()
            quiet = client.post("/v1/conversations/quiet/events",
                                json={"event": {"type": "visitor", "text": "hello?"}}).json()
            client.post("/v1/conversations/gone/events", json={"event": {"type": "visitor", "text": "hi"}})
            assert client.delete("/v1/conversations/gone").status_code == 204
            while len(callback.received) < 1 and time.monotonic() - started < 10:
                time.sleep(0.02)
            time.sleep(0.5)
            summary = client.get("/v1/conversations/quiet").json()
            metrics = client.get("/metrics").text
    assert [body["conversation"] for body in callback.received] == ["quiet"]
    body = callback.received[0]
    assert body["event"] == "handoff.decided" and body["decision"]["rule"] == "silence"
    assert body["decision"]["at"] == quiet["next_deadline"]  # fired at its own deadline
    assert body["payload"]["transcript"][0]["text"] == "hello?"
    assert len(slack.received) == 1 and "blocks" in slack.received[0]  # the channel's own format
    assert summary["handed_over"] and summary["decision"] == body["decision"]
    assert 'handoff_timers_fired_total{outcome="handed_over"} 1.0' in metrics
    assert 'handoff_callbacks_total{outcome="delivered"} 2.0' in metrics
