"""Posting a handoff notification to a webhook, safely, and the sample one the channels editor sends.

Why so careful: the URL comes from the user's environment and the response from a server we do not
control, and the call runs from a desktop app. So only http/https is accepted (no file://, ftp://),
an address carrying a user name or password is refused (it would be shown and logged as is),
redirects are refused rather than followed (a redirect would replay the body, which carries a
visitor's transcript, to an address nobody configured), the response is read up to a size cap and
the whole exchange — connecting, headers and body — is bounded by one deadline (`posting.py`
explains why a client's own per-read timeout is not enough). Failures come back as a `SendResult`
with one plain sentence — never an exception or a traceback — so a window can show it as is.

`send` blocks (at most `timeout`, then returns even if the server is still dripping bytes) and
stops early when its `cancel` event is set; an asyncio service awaits `send_async`, which runs it
in a worker thread (`asyncio.to_thread`) and cancels it when the awaiting task is cancelled.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import HTTPException
from typing import Any
from urllib.parse import urlsplit

from urllib3.exceptions import HTTPError as Urllib3Error

from builder.format.model import Channel, Rule, Ruleset
from builder.handoff.payload import build_payload, notification
from builder.handoff.posting import Cancelled, DeadlinePassed, header, post
from builder.handoff.routing import route
from builder.handoff.templates import render_template, sample_context, sample_conversation, visitor_messages

USER_AGENT = "HandoffBuilder-notify/1"
SHOWN_RESPONSE_CHARS = 200


@dataclass(frozen=True)
class SendResult:
    """What happened: `ok` for a 2xx answer; `status` the HTTP status (None when none came back);
    `message` one sentence for the user; `body` the response, at most `max_response_bytes`."""

    ok: bool
    status: int | None
    message: str
    elapsed_ms: float
    body: bytes = b""
    truncated: bool = False


def check_url(url: str) -> str | None:
    """Why `url` cannot be posted to, in words; None when it is a usable http(s) address."""
    text = url.strip() if isinstance(url, str) else ""
    if not text:
        return "The address is empty."
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        return f"The address is not a valid URL ({exc})."
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "no scheme"
        return f"Only http:// and https:// addresses can be used, not '{shown}'."
    if not parts.hostname:
        return "The address has no host name."
    if "@" in parts.netloc:
        return ("The address contains a user name or password (the part before “@”). Remove it: it would be "
                "sent and logged as plain text. Webhook services put their secret in the path instead.")
    if port == 0:
        return "The address has port 0."
    return None


def _elapsed(start: float) -> float:
    return round((time.monotonic() - start) * 1000.0, 1)


def _shown(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text if len(text) <= SHOWN_RESPONSE_CHARS else text[: SHOWN_RESPONSE_CHARS - 1] + "…"


def _kb(size: int) -> str:
    return f"{size // 1024} KB" if size >= 1024 else f"{size} bytes"


def _cause(error: BaseException) -> BaseException:
    """The most telling error in a chain (urllib3 wraps the socket's own errors)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (socket.gaierror, ConnectionRefusedError, ssl.SSLError, TimeoutError,
                                ConnectionResetError)):
            return current
        current = current.__cause__ or current.__context__
    return error


def _network_error(error: BaseException, host: str, timeout: float) -> str:
    reason = _cause(error)
    name = type(reason).__name__
    if isinstance(reason, (TimeoutError, socket.timeout)) or name in ("ConnectTimeoutError", "ReadTimeoutError"):
        return f"No answer from {host} within {timeout:g} seconds (timed out)."
    if isinstance(reason, ConnectionRefusedError):
        return f"Nothing accepted the connection at {host} (connection refused)."
    if isinstance(reason, socket.gaierror) or name == "NameResolutionError":
        return f"The host name '{host}' could not be found."
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"The certificate of {host} could not be verified ({reason.verify_message})."
    if isinstance(reason, ssl.SSLError):
        return f"The secure connection to {host} failed ({reason.reason or reason})."
    if isinstance(reason, ConnectionResetError):
        return f"{host} closed the connection before answering."
    if isinstance(reason, OSError) and reason.strerror:
        return f"Could not reach {host}: {reason.strerror}."
    return f"Could not reach {host}: {reason}."


def send(url: str, body: Mapping[str, Any], *, timeout: float = 5.0,
         max_response_bytes: int = 65536, cancel: threading.Event | None = None) -> SendResult:
    """POST `body` as JSON to `url`; never raises, never follows a redirect.

    Returns within `timeout` seconds however slowly the server connects, answers or drips its
    body (then with a "timed out" result), or soon after `cancel` is set; at most
    `max_response_bytes` of the answer are read."""
    start = time.monotonic()
    problem = check_url(url)
    if problem is not None:
        return SendResult(False, None, problem, 0.0)
    url = url.strip()
    host = urlsplit(url).netloc
    try:
        data = json.dumps(dict(body), ensure_ascii=False, default=str).encode("utf-8")
    except (TypeError, ValueError) as exc:
        return SendResult(False, None, f"The notification could not be written as JSON ({exc}).", 0.0)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, "Accept": "*/*"}
    try:
        answer = post(url, data, headers, timeout=timeout, limit=max_response_bytes, cancel=cancel)
    except DeadlinePassed:
        return SendResult(False, None, f"No complete answer from {host} within {timeout:g} seconds (timed out); "
                          "it was not waited for any longer.", _elapsed(start))
    except Cancelled:
        return SendResult(False, None, f"Cancelled before {host} answered.", _elapsed(start))
    except (OSError, HTTPException, ValueError, Urllib3Error) as exc:
        return SendResult(False, None, _network_error(exc, host, timeout), _elapsed(start))
    elapsed = _elapsed(start)
    status, content, said = answer.status, answer.body, _shown(answer.body)
    if 300 <= status < 400:
        target = header(answer.headers, "Location") or "another address"
        return SendResult(False, status, f"{host} answered with a redirect ({status}) to {target}; "
                          "redirects are not followed — use the final address.", elapsed, content)
    if status >= 400:
        return SendResult(False, status, f"{host} refused the notification: {status} {answer.reason}"
                          + (f" — “{said}”" if said else "") + ".", elapsed, content)
    ok = 200 <= status < 300
    message = (f"Delivered: {host} answered {status}" if ok else f"{host} answered {status}") \
        + (f" — “{said}”" if said else "") + f" in {elapsed:.0f} ms."
    if answer.truncated:
        message += f" The answer was longer than {_kb(max_response_bytes)}; the rest was not read."
    return SendResult(ok, status, message, elapsed, content, answer.truncated)


async def send_async(url: str, body: Mapping[str, Any], *, timeout: float = 5.0,
                     max_response_bytes: int = 65536) -> SendResult:
    """`send` for asyncio code: the same call in a worker thread, so the event loop is never
    blocked; cancelling the awaiting task cancels the send."""
    cancel = threading.Event()
    try:
        return await asyncio.to_thread(send, url, body, timeout=timeout, max_response_bytes=max_response_bytes,
                                       cancel=cancel)
    except asyncio.CancelledError:
        cancel.set()
        raise


# --- the sample notification ---------------------------------------------------------------------

def sample_payload(ruleset: Ruleset, channel: Channel | None = None, *, at: datetime | None = None,
                   visitor: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A realistic handoff payload for a test: the sample conversation, escalated by the rule that
    notifies `channel` (else the first escalating rule), routed at `at` (now when None)."""
    at = at if at is not None else datetime.now(UTC)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    escalating = [r for r in ruleset.rules if r.escalation is not None]
    notifying = [r for r in escalating if channel is not None
                 and any(getattr(a, "channel", None) == channel.id for a in r.actions)]
    rule: Rule | None = next(iter(notifying or [r for r in escalating if r.enabled] or escalating), None)
    escalation = rule.escalation if rule is not None else None
    team = escalation.team if escalation else (ruleset.routing.teams[0].id if ruleset.routing.teams else "support")
    priority = escalation.priority if escalation else "normal"
    handoff = route(ruleset, team=team, priority=priority, handoff=escalation.handoff if escalation else "instant",
                    at=at)
    conversation = sample_conversation(at, visitor)
    context = sample_context(ruleset, at, rule_id=rule.id if rule else None, visitor=visitor)
    actions = rule.actions if rule else ()
    reply_ids = [getattr(a, "template", None) for a in actions if getattr(a, "type", "") == "reply"]
    reply_template = ruleset.template(reply_ids[0]) if reply_ids and reply_ids[0] else None
    stamp = at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    tags = [t for a in (rule.actions if rule else ()) for t in getattr(a, "tags", ())]
    decision = {
        "id": "c-test", "escalated": True, "turn": len(visitor_messages(conversation["events"])), "at": stamp,
        "rule": rule.id if rule else None,
        "rule_name": f"{rule.name if rule else 'Sample rule'} (test notification)",
        "trigger": rule.trigger if rule else "explicit_request", "handoff": handoff.mode, "team": team,
        "priority": priority, "promise": handoff.promise, "tags": ["test", *tags],
        "reply": render_template(reply_template, context).body if reply_template else None,
    }
    return build_payload(decision, conversation, ruleset=ruleset, handoff=handoff)


def sample_notification(ruleset: Ruleset, channel: Channel, *, at: datetime | None = None,
                      visitor: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What `channel` would receive for the sample handoff (Slack/Teams/webhook JSON, or e-mail
    {to, subject, body})."""
    return notification(ruleset, channel, sample_payload(ruleset, channel, at=at, visitor=visitor))

