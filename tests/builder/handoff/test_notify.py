"""builder.handoff.notify against a real HTTP server on 127.0.0.1: delivery, timeout, refused redirects,
capped answers, refused schemes and plain-language failures; and the sample notification."""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from builder.format.model import Channel, Escalate, Group, Leaf, Notify, Rule, Ruleset, Tag, Template
from builder.handoff.notify import check_url, sample_notification, sample_payload, send

PLAYBOOK = Path(__file__).resolve().parents[3] / "resources" / "examples" / "playbook.json"


class Server:
    """A local webhook receiver; `routes` maps a path to (status, headers, body) or "hang"."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.routes: dict[str, Any] = {}
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.received.append((self.path, dict(self.headers), self.rfile.read(length)))
                route = server.routes.get(self.path, (200, {}, b"ok"))
                if route == "hang":
                    server.release.wait(10)
                    return
                status, headers, body = route
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading at its cap, as it should

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as running:
        yield running


@pytest.fixture
def ruleset() -> Ruleset:
    """The playbook's real schedules and routing with a rule, template and channel fixed here."""
    playbook = Ruleset.from_dict(json.loads(PLAYBOOK.read_text(encoding="utf-8")))
    asks = Group("all", (Leaf("message.text", "contains_any", ("human",)),))
    rules = (Rule("quiet", "Quiet rule", "keyword", asks, (Escalate("instant", "sales", "low"),)),
             Rule("explicit-human", "Visitor asks for a human", "explicit_request", asks,
                  (Escalate("instant", "support", "high"), Tag(("human",)), Notify("slack-support"))))
    templates = (
        Template("slack-handoff", "Slack alert", "slack", "New {{priority}} handoff for {{team}}: {{promise}}"),
    )
    channels = (Channel("slack-support", "Support Slack", "slack", "HANDOFF_TEST_SLACK_URL", template="slack-handoff"),)
    return replace(playbook, rules=rules, templates=templates, channels=channels)


def test_posts_json_and_reports_delivery(server: Server) -> None:
    server.routes["/hook"] = (200, {"Content-Type": "text/plain"}, b"ok")
    result = send(server.url(), {"text": "New handoff", "n": 1})
    assert result.ok and result.status == 200
    assert result.body == b"ok" and not result.truncated
    assert result.message.startswith("Delivered") and "“ok”" in result.message
    path, headers, body = server.received[0]
    assert path == "/hook"
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == {"text": "New handoff", "n": 1}


def test_timeout_is_a_plain_message(server: Server) -> None:
    server.routes["/slow"] = "hang"
    result = send(server.url("/slow"), {"a": 1}, timeout=0.3)
    assert not result.ok and result.status is None
    assert "timed out" in result.message and "0.3 seconds" in result.message
    assert "Traceback" not in result.message


def test_redirect_is_refused_not_followed(server: Server) -> None:
    server.routes["/moved"] = (302, {"Location": server.url("/elsewhere")}, b"")
    result = send(server.url("/moved"), {"secret": "transcript"})
    assert not result.ok and result.status == 302
    assert "redirect" in result.message and "/elsewhere" in result.message
    assert [path for path, _, _ in server.received] == ["/moved"]  # the body went nowhere else


@pytest.mark.parametrize("status", [301, 307, 308])
def test_every_redirect_kind_is_refused(server: Server, status: int) -> None:
    server.routes["/moved"] = (status, {"Location": server.url("/elsewhere")}, b"")
    result = send(server.url("/moved"), {})
    assert (result.ok, result.status) == (False, status)
    assert len(server.received) == 1


def test_oversize_answer_is_capped(server: Server) -> None:
    server.routes["/big"] = (200, {}, b"x" * 500_000)
    result = send(server.url("/big"), {}, max_response_bytes=1000)
    assert result.ok and result.truncated
    assert result.body == b"x" * 1000
    assert "longer than" in result.message


def test_answer_exactly_at_the_cap_is_whole(server: Server) -> None:
    server.routes["/exact"] = (200, {}, b"y" * 1000)
    result = send(server.url("/exact"), {}, max_response_bytes=1000)
    assert result.body == b"y" * 1000 and not result.truncated


def test_http_error_status_says_what_the_server_said(server: Server) -> None:
    server.routes["/bad"] = (400, {}, b"invalid_payload")
    result = send(server.url("/bad"), {})
    assert not result.ok and result.status == 400
    assert "400" in result.message and "invalid_payload" in result.message


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)", "hooks.slack.com/x"]
)
def test_non_http_urls_are_refused_without_a_request(url: str) -> None:
    result = send(url, {})
    assert not result.ok and result.status is None
    assert "http://" in result.message and "https://" in result.message


@pytest.mark.parametrize("url, words", [("", "empty"), ("http://", "no host"), ("http://[::1", "not a valid URL")])
def test_malformed_urls_are_explained(url: str, words: str) -> None:
    problem = check_url(url)
    assert problem is not None and words in problem
    assert send(url, {}).message == problem


def test_connection_refused_is_a_plain_message() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there any more
    result = send(f"http://127.0.0.1:{port}/hook", {})
    assert not result.ok and result.status is None
    assert result.message == f"Nothing accepted the connection at 127.0.0.1:{port} (connection refused)."


def test_unknown_host_is_a_plain_message() -> None:
    result = send("http://no-such-host.invalid/hook", {})
    assert not result.ok and "could not be found" in result.message


# --- the sample notification --------------------------------------------------------------------


def test_sample_payload_is_a_real_handoff_at_the_moment(ruleset: Ruleset) -> None:
    evening = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # Wednesday 22:00 in Berlin: closed
    payload = sample_payload(ruleset, ruleset.channel("slack-support"), at=evening)
    assert payload["rule"]["id"] == "explicit-human"  # the rule that notifies this channel
    assert payload["rule"]["name"].endswith("(test notification)")
    assert payload["handoff"]["promise"] == "by tomorrow 09:00"
    assert payload["transcript"][-1]["text"].startswith("It's 10442")
    assert payload["tags"] == ["test", "human"]


def test_sample_notification_uses_the_channel_format_and_template(ruleset: Ruleset) -> None:
    evening = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)
    slack = sample_notification(ruleset, ruleset.channel("slack-support"), at=evening)  # type: ignore[arg-type]
    assert slack["blocks"][0]["type"] == "header"
    assert slack["text"] == "New high handoff for Support: by tomorrow 09:00"  # the channel's template
    email = sample_notification(ruleset, Channel("mail", "Mail", "email", address="team@example.com"))
    assert email["to"] == "team@example.com" and "Transcript" in email["body"]
    hook = sample_notification(ruleset, Channel("hook", "Hook", "webhook", url_env="HOOK_URL"))
    assert hook["event"] == "handoff.created" and hook["type"] == "handoff"


def test_sample_notification_without_rules_still_builds(ruleset: Ruleset) -> None:
    bare = replace(ruleset, rules=())
    message = sample_notification(bare, Channel("hook", "Hook", "webhook", url_env="HOOK_URL"))
    assert message["handoff"]["team"] == "support"
    assert message["rule"]["name"] == "Sample rule (test notification)"


# --- a total deadline, cancelling, credentials --------------------------------------------------

@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_server_dripping_a_byte_a_second_times_out_within_the_deadline(where: Any) -> None:
    import time

    from tests.drip_server import DripServer

    with DripServer(where) as drip:
        started = time.monotonic()
        result = send(drip.url, {"a": 1}, timeout=2.0)
        took = time.monotonic() - started
        assert drip.connections == 1  # it really was talking to the dripping server
    assert not result.ok and result.status is None
    assert "timed out" in result.message and "2 seconds" in result.message
    assert took < 2.0 + 1.0


def test_a_send_stops_when_cancelled() -> None:
    import time

    from tests.drip_server import DripServer

    cancel = threading.Event()
    with DripServer("headers") as drip:
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        result = send(drip.url, {}, timeout=30.0, cancel=cancel)
        assert time.monotonic() - started < 5.0
    assert not result.ok and result.message.startswith("Cancelled before 127.0.0.1")


def test_cancelling_an_awaited_send_cancels_it() -> None:
    import asyncio

    from builder.handoff.notify import send_async
    from tests.drip_server import DripServer

    async def main(url: str) -> None:
        task = asyncio.create_task(send_async(url, {}, timeout=30.0))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    import time

    with DripServer("body") as drip:
        started = time.monotonic()
        asyncio.run(main(drip.url))  # waits for the loop's worker thread: released by the cancel
        assert time.monotonic() - started < 10.0  # not the 30 s deadline


@pytest.mark.parametrize("url", ["https://user:secret@hooks.example.com/x", "http://token@127.0.0.1:9/hook",
                                 "http://:pw@127.0.0.1/hook"])
def test_credentials_in_the_address_are_refused_without_a_request(url: str, server: Server) -> None:
    result = send(url, {})
    assert not result.ok and "user name or password" in result.message
    assert "could not be found" not in result.message and server.received == []


def test_an_http_proxy_from_the_environment_is_used(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("no_proxy", "NO_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://proxy%20user:p%40ss@127.0.0.1:{server.httpd.server_address[1]}")
    result = send("http://hooks.example.invalid/services/x?y=1", {"a": 1})
    assert result.ok  # the proxy (our server) answered; the made-up host was never looked up
    path, headers, _ = server.received[0]
    assert path == "http://hooks.example.invalid/services/x?y=1"
    assert headers["Proxy-Authorization"] == "Basic " + base64.b64encode(b"proxy user:p@ss").decode()
