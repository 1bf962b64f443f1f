"""`Decision.payload` from the runtime: the full handoff payload, exact to the microsecond, and what
a chatbot service sends with it (`notification` per channel, `notify.send_async`)."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from builder import runtime
from builder.engine import Decision
from builder.format.model import Channel
from builder.handoff import notify
from builder.handoff.payload import build_payload, notification
from builder.paths import example_playbook

PAYLOAD_SCHEMA = Draft202012Validator(json.loads(
    (Path(__file__).parent / "handoff" / "fixtures" / "handoff_payload.schema.json").read_text(encoding="utf-8")))
T0 = datetime(2026, 11, 24, 9, 0, 0, 123456, tzinfo=UTC)  # a Tuesday: support is open
VISITOR = {"name": "Ana", "email": "ana@example.com", "score": 40, "attributes": {"plan": "pro"}}


@pytest.fixture(scope="module")
def rules() -> runtime.Runtime:
    return runtime.load(example_playbook())


def stamp(seconds: float) -> str:
    """An instant after T0 as `datetime.now().isoformat()` writes it: microseconds, +00:00."""
    return (T0 + timedelta(seconds=seconds)).isoformat()


EVENTS: list[dict[str, Any]] = [
    {"at": stamp(0), "type": "page_view", "url": "/pricing"},
    {"at": stamp(10.530865), "type": "visitor", "text": "hi"},
    {"at": stamp(11.000001), "type": "bot", "text": "Hello! How can I help?", "confidence": 0.9},
    {"at": stamp(15.2), "type": "page_view", "url": "/contact"},
    {"at": stamp(20.864198), "type": "visitor", "text": "Can I talk to a human please?"},
]


def decide(rules: runtime.Runtime, events: list[dict[str, Any]]) -> Decision:
    session = rules.session("c-1", VISITOR)
    for event in events:
        decision = session.observe(event)
        if decision is not None:
            return decision
    raise AssertionError("no decision")


def test_payload_keeps_the_deciding_message_and_the_current_page_with_microsecond_stamps(
        rules: runtime.Runtime) -> None:
    decision = decide(rules, EVENTS)
    assert decision.at == T0 + timedelta(seconds=20.864198)  # full precision inside...
    assert decision.to_dict()["at"] == "2026-11-24T09:00:20.987Z"  # ...milliseconds in the contract
    payload = decision.payload
    assert payload is not None
    assert [(m["role"], m["text"]) for m in payload["transcript"]] == [
        ("visitor", "hi"), ("bot", "Hello! How can I help?"), ("visitor", "Can I talk to a human please?")]
    assert payload["transcript"][-1]["at"] == stamp(20.864198)
    assert [p["url"] for p in payload["pages"]] == ["/pricing", "/contact"]
    assert [m["text"] for m in payload["summary"]] == ["hi", "Can I talk to a human please?"]
    assert payload["rule"] == {"id": "explicit-human", "name": "Visitor asks for a human"}
    assert payload["trigger"] == {"kind": "explicit_request", "label": "Asks for a human"}
    assert payload["turn"] == 2 and payload["at"] == "2026-11-24T09:00:20.987Z"
    assert payload["visitor"] == {"name": "Ana", "email": "ana@example.com"}
    assert payload["qualification"] == {"score": 40, "attributes": {"plan": "pro"}}
    assert payload["handoff"]["mode"] == decision.handoff == "instant"
    assert payload["handoff"]["promise"] == decision.promise and decision.promise
    assert payload["handoff"]["team_name"] == "Support"
    assert payload["reply"] == decision.reply and "Ana" in payload["reply"]
    assert json.loads(json.dumps(payload)) == payload
    assert [e.message for e in PAYLOAD_SCHEMA.iter_errors(payload)] == []


def test_a_decision_dict_with_milliseconds_still_covers_its_deciding_message(rules: runtime.Runtime) -> None:
    """The README's path: `build_payload(decision.to_dict(), conversation)` on the host's events."""
    decision = decide(rules, EVENTS)
    later = [*EVENTS, {"at": stamp(20.9), "type": "bot", "text": "Connecting you now."}]
    payload = build_payload(decision.to_dict(), {"id": "c-1", "visitor": VISITOR, "events": later})
    assert payload["transcript"][-1]["text"] == "Can I talk to a human please?"
    assert [m["text"] for m in payload["summary"]][-1] == "Can I talk to a human please?"
    assert [p["url"] for p in payload["pages"]] == ["/pricing", "/contact"]


def test_until_is_exact_where_the_dict_can_only_say_its_millisecond() -> None:
    at = T0 + timedelta(seconds=5.000400)  # …05.123856, "…05.123Z" in the contract
    events = [{"at": stamp(5.000400), "type": "visitor", "text": "deciding"},
              {"at": stamp(5.000444), "type": "bot", "text": "same millisecond, after"},  # …05.123900
              {"at": stamp(5.000544), "type": "bot", "text": "next millisecond"}]  # …05.124000
    conversation = {"id": "x", "events": events}
    decision = {"id": "x", "escalated": True, "turn": 1, "at": "2026-11-24T09:00:05.123Z", "rule": "r"}
    assert [m["text"] for m in build_payload(decision, conversation)["transcript"]] == [
        "deciding", "same millisecond, after"]
    assert [m["text"] for m in build_payload(decision, conversation, until=at)["transcript"]] == ["deciding"]
    whole = {**decision, "at": "2026-11-24T09:00:05Z"}  # whole seconds are exact: nothing after them
    assert build_payload(whole, {"id": "x", "events": [{"at": stamp(-0.123455), "type": "visitor", "text": "a"},
                                                        *events]})["transcript"] == [
        {"at": stamp(-0.123455), "role": "visitor", "text": "a"}]


def test_events_given_as_datetimes_come_out_as_iso_text(rules: runtime.Runtime) -> None:
    events = [{**e, "at": datetime.fromisoformat(e["at"])} for e in EVENTS]
    payload = decide(rules, events).payload
    assert payload is not None
    assert payload["transcript"][-1]["at"] == "2026-11-24T09:00:20.987654Z"
    assert payload["pages"][0]["at"] == "2026-11-24T09:00:00.123456Z"
    assert json.loads(json.dumps(payload)) == payload
    assert isinstance(events[0]["at"], datetime)  # the host's events are left as they were


def test_a_timer_decision_carries_the_conversation_up_to_its_deadline(rules: runtime.Runtime) -> None:
    session = rules.session("c-2", {"name": "Bo"})
    session.observe({"at": stamp(0), "type": "page_view", "url": "/help"})
    session.observe({"at": stamp(1), "type": "visitor", "text": "my plug does not connect"})
    decision = session.tick(T0 + timedelta(minutes=7))
    assert decision is not None and decision.timer and decision.rule == "no-resolution"
    assert decision.at == T0 + timedelta(minutes=6)
    payload = decision.payload
    assert payload is not None
    assert [m["text"] for m in payload["transcript"]] == ["my plug does not connect"]
    assert [p["url"] for p in payload["pages"]] == ["/help"]
    assert payload["rule"]["name"] == "No resolution after 6 minutes"


def test_no_payload_without_an_escalation_or_a_session(rules: runtime.Runtime) -> None:
    from builder.engine import simulate

    quiet = simulate(rules.compiled, {"id": "q", "events": [{"at": stamp(0), "type": "visitor", "text": "hi"}]})
    assert quiet.escalated is False and quiet.payload is None
    assert Decision(id="bare", escalated=True, rule="r", at=T0).payload is None


def test_the_payload_is_the_conversation_as_seen_at_the_decision(rules: runtime.Runtime) -> None:
    """Events the session records after deciding stay out, even one stamped earlier (a late event)."""
    session = rules.session("c-3", VISITOR)
    decision = None
    for event in EVENTS:
        decision = session.observe(event)
    assert decision is not None
    session.transcript.append({"at": stamp(20), "type": "visitor", "text": "late, recorded after the decision"})
    payload = decision.payload
    assert payload is not None and payload["transcript"][-1]["text"] == "Can I talk to a human please?"


def test_each_read_is_a_fresh_dict(rules: runtime.Runtime) -> None:
    decision = decide(rules, EVENTS)
    first = decision.payload
    assert first is not None
    first["transcript"].clear()
    again = decision.payload
    assert again is not None and len(again["transcript"]) == 3


def test_notification_bodies_for_every_channel_kind(rules: runtime.Runtime) -> None:
    decision = decide(rules, EVENTS)
    payload = decision.payload
    assert payload is not None and decision.notify == ("slack-support",)
    ruleset = rules.ruleset
    slack_channel = ruleset.channel("slack-support")
    assert slack_channel is not None
    slack = notification(ruleset, slack_channel, payload)
    assert slack["blocks"][0]["type"] == "header" and "Support" in slack["blocks"][0]["text"]["text"]
    assert "Can I talk to a human please?" in json.dumps(slack)
    teams = notification(ruleset, Channel("t", "Teams", "teams", url_env="TEAMS_URL"), payload)
    assert teams["attachments"][0]["content"]["type"] == "AdaptiveCard"
    mail = notification(ruleset, Channel("m", "Mail", "email", address="support@example.com"), payload)
    assert mail["to"] == "support@example.com" and "\n" not in mail["subject"]
    assert "Visitor: Can I talk to a human please?" in mail["body"] and "/contact" in mail["body"]
    hook = notification(ruleset, Channel("w", "Hook", "webhook", url_env="HOOK_URL"), payload)
    assert hook["event"] == "handoff.created" and hook["transcript"] == payload["transcript"]


class _Receiver:
    """A local webhook that answers only once `release` is set (by the test's other coroutine)."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.bodies: list[Any] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                receiver.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                receiver.arrived.set()
                receiver.release.wait(5)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # the stdlib's signature
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def test_send_async_leaves_the_event_loop_free(rules: runtime.Runtime) -> None:
    """The server answers only after another coroutine has run while the send is pending: with a
    blocking send the loop could not run it, the server would wait and the send would time out."""
    payload = decide(rules, EVENTS).payload
    assert payload is not None
    receiver = _Receiver()

    async def release_when_arrived() -> None:
        while not receiver.arrived.is_set():
            await asyncio.sleep(0.005)
        receiver.release.set()

    async def main() -> notify.SendResult:
        result, _ = await asyncio.gather(notify.send_async(receiver.url, payload, timeout=3.0),
                                         release_when_arrived())
        return result

    try:
        result = asyncio.run(main())
    finally:
        receiver.close()
    assert result.ok and result.status == 200, result.message
    assert receiver.bodies == [payload]
