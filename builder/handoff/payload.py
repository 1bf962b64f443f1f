"""The handoff payload: everything the human agent receives when the bot hands over.

One generic, JSON-ready dict (`build_payload`) is the single source; the Slack, Teams, e-mail and
webhook shapes (`builder.handoff.payload_formats`, re-exported here) only format it, so every channel tells
the agent the same facts. The transcript stops at the decision's instant — in a replay the
conversation file goes on, but at handoff time nothing later has happened yet. The summary is
extractive: the visitor message that triggered and up to two visitor messages before it.

The instant is exact: a Decision dict's `at` shows milliseconds only (the decision contract), so a
three-digit fraction is read as "within that millisecond" — with `datetime.now()` stamps
(microseconds) the message that caused the handoff, and the page the visitor is on, stay in. Pass
`until=decision.at` for the exact instant; `Decision.payload` does, from the events the session saw.

In a chatbot service (see `builder.runtime`):

    payload = decision.payload                          # the dict below, JSON-ready
    for channel_id in decision.notify:                  # the channels the rules chose
        channel = rules.ruleset.channel(channel_id)
        body = notification(rules.ruleset, channel, payload)
        # slack / teams: the JSON to POST to the incoming webhook (Block Kit; Adaptive Card 1.4)
        # webhook: the payload plus "event": "handoff.created" (or the channel's template, if JSON)
        # email: {"to", "subject", "body"} for your mailer (plain text; the subject is one line)
        if channel.type != "email":
            url = os.environ[channel.url_env]           # secrets stay in the environment
            result = await asyncio.to_thread(notify.send, url, body)   # never raises; see SendResult
            if not result.ok:
                log.warning(result.message)

`builder.handoff.notify.send` blocks for at most its `timeout`; from asyncio run it in a thread as
above, or use `notify.send_async` which does exactly that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from builder.format.model import Ruleset
from builder.handoff.payload_formats import (
    context_from_payload,
    email_message,
    notification,
    slack_message,
    teams_card,
    webhook_body,
)
from builder.handoff.routing import Handoff
from builder.handoff.templates import ROLES, summary_events, trigger_label

PAYLOAD_VERSION = 1
_MILLISECONDS = re.compile(r"\.\d{3}(?![0-9])")
_REST_OF_MILLISECOND = timedelta(microseconds=999)

__all__ = [
    "PAYLOAD_VERSION", "build_payload", "context_from_payload", "email_message", "notification",
    "slack_message", "teams_card", "webhook_body",
]


def parse_instant(text: Any) -> datetime | None:
    """An ISO 8601 instant ("Z" accepted) as aware UTC; None when absent or unreadable."""
    if not isinstance(text, str):
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)


def decision_instant(text: Any) -> datetime | None:
    """The last instant a Decision dict's `at` can stand for: its output keeps milliseconds, so
    "…:05.123Z" covers up to …:05.123999 (a decision made at …:05.123456 saw its event at that time)."""
    at = parse_instant(text)
    if at is not None and _MILLISECONDS.search(text):
        return at + _REST_OF_MILLISECOND
    return at


def events_until(conversation: Mapping[str, Any], at: datetime | None) -> list[Mapping[str, Any]]:
    """The conversation's events that happened at or before `at` (all of them when `at` is None)."""
    events = [e for e in conversation.get("events") or [] if isinstance(e, Mapping)]
    if at is None:
        return events
    kept = []
    for event in events:
        when = parse_instant(event.get("at"))
        if when is not None and when > at:
            break
        kept.append(event)
    return kept


def _visitor_profile(visitor: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in visitor.items() if k not in ("attributes", "score")}


def build_payload(decision: Mapping[str, Any], conversation: Mapping[str, Any], *,
                  ruleset: Ruleset | None = None, handoff: Handoff | None = None,
                  until: datetime | None = None) -> dict[str, Any]:
    """The generic handoff payload for `decision` (the Decision dict) on `conversation`.

    `ruleset` adds the rule's and team's names when the decision dict lacks them; `handoff` (the
    routing result) adds the promise instant, the next opening and the backup contact; `until`
    (the Decision's own `at`, to the microsecond) is where the transcript stops, instead of the
    dict's `at` read to the end of its millisecond."""
    if until is not None:
        at: datetime | None = until if until.tzinfo is not None else until.replace(tzinfo=UTC)
    else:
        at = decision_instant(decision.get("at"))
    events = events_until(conversation, at)
    visitor = conversation.get("visitor") or {}
    if not isinstance(visitor, Mapping):
        visitor = {}
    rule_id = decision.get("rule")
    rule = ruleset.rule(rule_id) if ruleset is not None and isinstance(rule_id, str) else None
    team_id = decision.get("team")
    team = ruleset.routing.team(team_id) if ruleset is not None and isinstance(team_id, str) else None
    given = decision.get("routing")
    routing: Mapping[str, Any] = handoff.to_dict() if handoff is not None else (
        given if isinstance(given, Mapping) else {})
    trigger = decision.get("trigger")
    turn = decision.get("turn")
    summary = summary_events(events, turn if isinstance(turn, int) and turn > 0 else None)
    if turn == 0:
        summary = []
    return {
        "type": "handoff",
        "payload_version": PAYLOAD_VERSION,
        "conversation_id": str(decision.get("id") or conversation.get("id") or ""),
        "at": decision.get("at"),
        "turn": turn,
        "rule": {"id": rule_id, "name": decision.get("rule_name") or (rule.name if rule else rule_id)},
        "trigger": {"kind": trigger, "label": trigger_label(trigger if isinstance(trigger, str) else None)},
        "priority": decision.get("priority"),
        "handoff": {
            "mode": decision.get("handoff"),
            "team": team_id,
            "team_name": routing.get("team_name") or (team.name if team else team_id),
            "promise": decision.get("promise"),
            "promise_at": routing.get("promise_at"),
            "next_open": routing.get("next_open"),
            "backup_contact": routing.get("backup_contact"),
            "callback_offered": bool(routing.get("callback_offered", False)),
        },
        "tags": list(decision.get("tags") or []),
        "reply": decision.get("reply"),
        "visitor": _visitor_profile(visitor),
        "qualification": {"score": visitor.get("score"), "attributes": _attributes(visitor.get("attributes"))},
        "pages": [{"at": e.get("at"), "url": e.get("url")} for e in events
                  if e.get("type") == "page_view" and isinstance(e.get("url"), str)],
        "transcript": [{"at": e.get("at"), "role": e["type"], "text": e["text"]} for e in events
                       if e.get("type") in ROLES and isinstance(e.get("text"), str)],
        "summary": [{"at": e.get("at"), "text": e["text"]} for e in summary],
    }


def _attributes(value: Any) -> dict[str, Any]:
    """The visitor's attributes as a dict (a host that passed a list or a text gets an empty one,
    never an exception from the payload)."""
    return dict(value) if isinstance(value, Mapping) else {}
