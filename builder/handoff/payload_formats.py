"""The handoff payload formatted for each channel: Slack, Microsoft Teams, e-mail, generic webhook.

Shapes follow the receivers' documentation (tests validate them against JSON Schemas of those
shapes): a Slack incoming-webhook message is `text` (the notification fallback) plus Block Kit
`blocks` (header, section fields, context) within Slack's limits; a Teams incoming-webhook message
carries one Adaptive Card 1.4 attachment built from TextBlock and FactSet; e-mail is a one-line
subject and a plain-text body. Values are escaped for each format (Slack mrkdwn: &, <, >) and cut
to the limits with an ellipsis, so a long transcript never makes the receiver reject the message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from builder.format.model import Channel, Ruleset
from builder.handoff.templates import build_context, render_template, slack_escape
from rules_schema.catalog import catalog

SLACK_MAX_BLOCKS = 50
SLACK_MAX_TEXT = 3000
SLACK_MAX_HEADER = 150
SLACK_MAX_FIELDS = 10
SLACK_MAX_FIELD_TEXT = 2000
SLACK_MAX_CONTEXT_ELEMENTS = 10
TEAMS_MAX_TEXT = 28000
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
ADAPTIVE_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _mode_label(mode: Any) -> str:
    return _s(catalog().handoff_modes.get(_s(mode), {}).get("label", mode))


def _visitor_line(payload: Mapping[str, Any]) -> str:
    visitor = payload.get("visitor") or {}
    name, email = _s(visitor.get("name")) or "Anonymous visitor", _s(visitor.get("email"))
    return f"{name} <{email}>" if email else name


def title(payload: Mapping[str, Any]) -> str:
    handoff = payload.get("handoff") or {}
    team = _s(handoff.get("team_name") or handoff.get("team")) or "the team"
    rule = _s((payload.get("rule") or {}).get("name"))
    priority = _s(payload.get("priority")) or "normal"
    return f"New {priority} handoff for {team}" + (f": {rule}" if rule else "")


def facts(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The headline facts every channel shows, as (label, value) with empty values left out."""
    handoff = payload.get("handoff") or {}
    qualification = payload.get("qualification") or {}
    score = qualification.get("score")
    rows = [
        ("Priority", _s(payload.get("priority"))),
        ("Team", _s(handoff.get("team_name") or handoff.get("team"))),
        ("Handoff", _mode_label(handoff.get("mode")) if handoff.get("mode") else ""),
        ("Promise", _s(handoff.get("promise"))),
        ("Trigger", _s((payload.get("trigger") or {}).get("label"))),
        ("Rule", _s((payload.get("rule") or {}).get("name"))),
        ("Visitor", _visitor_line(payload)),
        ("Lead score", "" if score is None else _s(score)),
        ("Backup contact", _s(handoff.get("backup_contact"))),
        ("Conversation", _s(payload.get("conversation_id"))),
    ]
    return [(label, value) for label, value in rows if value]


def summary_lines(payload: Mapping[str, Any]) -> list[str]:
    return [_s(m.get("text")) for m in payload.get("summary") or []]


def context_from_payload(payload: Mapping[str, Any]) -> dict[str, str]:
    """The template context for a payload (for notification templates)."""
    handoff = payload.get("handoff") or {}
    events = [{"type": m.get("role"), "text": m.get("text"), "at": m.get("at")}
              for m in payload.get("transcript") or []]
    turn = payload.get("turn")
    return build_context(
        visitor=payload.get("visitor") or {}, events=events, turn=turn if isinstance(turn, int) and turn > 0 else None,
        rule=_s((payload.get("rule") or {}).get("name")), trigger=_s((payload.get("trigger") or {}).get("kind")),
        conversation_id=_s(payload.get("conversation_id")), team=_s(handoff.get("team_name") or handoff.get("team")),
        priority=_s(payload.get("priority")), mode=_s(handoff.get("mode")), promise=_s(handoff.get("promise")),
        backup_contact=_s(handoff.get("backup_contact")),
    )


# --- Slack -------------------------------------------------------------------------------------

def slack_message(payload: Mapping[str, Any], text: str | None = None) -> dict[str, Any]:
    """An incoming-webhook message: `text` fallback plus header, section fields, summary, context.

    `text` is an already rendered (Slack-escaped) notification template; it becomes the fallback
    and the first section."""
    headline = title(payload)
    fallback = text if text else slack_escape(headline)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(headline, SLACK_MAX_HEADER), "emoji": True}},
    ]
    if text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SLACK_MAX_TEXT)}})
    fields = [{"type": "mrkdwn", "text": clip(f"*{label}*\n{slack_escape(value)}", SLACK_MAX_FIELD_TEXT)}
              for label, value in facts(payload)]
    if fields:
        blocks.append({"type": "section", "fields": fields[:SLACK_MAX_FIELDS]})
    said = summary_lines(payload)
    if said:
        quoted = "\n".join("> " + slack_escape(" ".join(line.split())) for line in said)
        summary = clip("*Summary*\n" + quoted, SLACK_MAX_TEXT)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": summary}})
    context: list[dict[str, Any]] = []
    pages = [_s(p.get("url")) for p in payload.get("pages") or []]
    if pages:
        context.append({"type": "mrkdwn", "text": clip("Pages: " + slack_escape(", ".join(pages)), SLACK_MAX_TEXT)})
    tags = [_s(t) for t in payload.get("tags") or []]
    if tags:
        context.append({"type": "mrkdwn", "text": clip("Tags: " + slack_escape(", ".join(tags)), SLACK_MAX_TEXT)})
    conversation = slack_escape(_s(payload.get("conversation_id")))
    messages = len(payload.get("transcript") or [])
    line = f"Conversation {conversation} · {messages} messages"
    context.append({"type": "mrkdwn", "text": clip(line, SLACK_MAX_TEXT)})
    blocks.append({"type": "context", "elements": context[:SLACK_MAX_CONTEXT_ELEMENTS]})
    return {"text": clip(fallback, SLACK_MAX_TEXT), "blocks": blocks[:SLACK_MAX_BLOCKS]}


# --- Teams -------------------------------------------------------------------------------------

def _text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": clip(text, TEAMS_MAX_TEXT), "wrap": True, **style}


def teams_card(payload: Mapping[str, Any], text: str | None = None) -> dict[str, Any]:
    """A Teams incoming-webhook message carrying one Adaptive Card 1.4."""
    body: list[dict[str, Any]] = [_text_block(title(payload), size="Medium", weight="Bolder")]
    if text:
        body.append(_text_block(text))
    body.append({"type": "FactSet", "facts": [{"title": label, "value": clip(value, TEAMS_MAX_TEXT)}
                                              for label, value in facts(payload)]})
    said = summary_lines(payload)
    if said:
        body.append(_text_block("Summary", weight="Bolder", spacing="Medium"))
        body.append(_text_block("\n\n".join(said), isSubtle=False))
    pages = [_s(p.get("url")) for p in payload.get("pages") or []]
    if pages:
        body.append(_text_block("Pages: " + ", ".join(pages), isSubtle=True, size="Small"))
    card = {"$schema": ADAPTIVE_SCHEMA, "type": "AdaptiveCard", "version": "1.4", "body": body}
    return {"type": "message", "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}]}


# --- e-mail and webhook ------------------------------------------------------------------------

def email_message(payload: Mapping[str, Any], text: str | None = None) -> tuple[str, str]:
    """(subject, plain-text body); the subject is one line so no value can add a header."""
    visitor = _s((payload.get("visitor") or {}).get("name"))
    subject = " ".join((title(payload) + (f" ({visitor})" if visitor else "")).split())
    parts = [text.strip()] if text else []
    parts.append("\n".join(f"{label}: {value}" for label, value in facts(payload)))
    said = summary_lines(payload)
    if said:
        parts.append("Summary\n" + "\n".join(f"> {line}" for line in said))
    pages = payload.get("pages") or []
    if pages:
        parts.append("Pages visited\n" + "\n".join(f"- {_s(p.get('url'))} ({_s(p.get('at'))})" for p in pages))
    transcript = payload.get("transcript") or []
    if transcript:
        parts.append("Transcript\n" + "\n".join(
            f"[{_s(m.get('at'))}] {_s(m.get('role')).capitalize()}: {_s(m.get('text'))}" for m in transcript))
    return subject, "\n\n".join(parts) + "\n"


def webhook_body(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The generic JSON body for a helpdesk/CRM webhook: the payload itself, JSON-clean."""
    body: dict[str, Any] = json.loads(json.dumps(dict(payload), ensure_ascii=False, default=str))
    body["event"] = "handoff.created"
    return body


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def notification(ruleset: Ruleset, channel: Channel, payload: Mapping[str, Any]) -> dict[str, Any]:
    """What to send to `channel` for `payload`, its template (if any) rendered in.

    Slack, Teams and webhook channels give the JSON body to post; e-mail gives
    {"to", "subject", "body"}. The secret URL stays in the channel's environment variable."""
    template = ruleset.template(channel.template) if channel.template else None
    text = None
    rendered = None
    if template is not None:  # escaped for this channel, whatever kind of template it is
        rendered = render_template(template, context_from_payload(payload), channel=channel.type)
        text = rendered.body
    if channel.type == "slack":
        return slack_message(payload, text)
    if channel.type == "teams":
        return teams_card(payload, text)
    if channel.type == "email":
        subject, body = email_message(payload, text)
        if rendered is not None and rendered.subject:  # an e-mail template's own subject
            subject = rendered.subject
        return {"to": channel.address, "subject": subject, "body": body}
    if text is not None and template is not None and template.channel == "webhook":
        try:
            loaded = json.loads(text, parse_constant=_not_json)
        except (ValueError, RecursionError):
            loaded = None
        if isinstance(loaded, dict):
            return loaded
    return webhook_body(payload)
