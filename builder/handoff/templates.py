"""Message templates: `{{name}}` and `{{name | fallback}}` filled from a flat, whitelisted context.

Why so restrictive: templates are user text that ends up in chat replies, e-mails, Slack and
webhooks. Rendering is one linear scan (`rules_schema.placeholders`) that looks names up
in a plain dict of strings — no attribute access, no expressions, never `str.format` or
`string.Template` on user text — so a template cannot reach anything but the names of
`catalog.json` "placeholders". Values are inserted once and never re-expanded (a visitor typing
"{{team}}" stays literal). Unknown names render their fallback or nothing; the validator reports
them at edit/import time (`unknown_placeholders`).

Channel-aware: an e-mail template has a subject (one line: line breaks become spaces, so a value
cannot inject headers); Slack values are escaped (&, <, >) as Slack's formatting requires; in a
webhook (JSON) body every value is JSON-encoded: escaped inside a JSON string literal, a quoted
JSON string outside one, so visitor text can never choose a field's JSON type (`{}`, `true`, `NaN`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from builder.format.model import Ruleset, Template
from builder.handoff.routing import route
from rules_schema.catalog import catalog
from rules_schema.placeholders import PLACEHOLDER_RE, Placeholder, find_placeholders, iter_placeholders

ROLES = {"visitor": "Visitor", "bot": "Bot", "agent": "Agent"}
SUMMARY_EARLIER = 2  # earlier visitor messages kept before the deciding one

SAMPLE_VISITOR: dict[str, Any] = {"name": "Ana", "email": "ana@example.com", "score": 85, "returning": True,
                                  "attributes": {"plan": "business"}}
SAMPLE_MESSAGES: tuple[tuple[int, str, str], ...] = (
    (0, "page_view", "/pricing"),
    (20, "visitor", "Hi, I was charged twice for my last order."),
    (25, "bot", "I'm sorry about that. Could you share the order number?"),
    (70, "visitor", "It's 10442. I'd like a refund, can I talk to a human please?"),
)


@cache
def placeholder_names() -> frozenset[str]:
    """The whitelist: the placeholder names the catalog defines."""
    return frozenset(catalog().placeholders)


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body: str


def unknown_placeholders(text: str) -> list[Placeholder]:
    """Placeholders in `text` whose name is not in the catalog (a validation problem)."""
    names = placeholder_names()
    return [p for p in find_placeholders(text) if p.name not in names]


@lru_cache(maxsize=1024)
def template_parts(text: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """`text` cut once into (literal text, placeholder name, fallback) parts, the last part with no
    placeholder: a ruleset's templates are parsed once, not at every escalation."""
    parts: list[tuple[str, str | None, str | None]] = []
    at = 0
    for match in PLACEHOLDER_RE.finditer(text):
        parts.append((text[at:match.start()], match.group(1), match.group(2)))
        at = match.end()
    parts.append((text[at:], None, None))
    return tuple(parts)


def template_names(text: str) -> frozenset[str]:
    """The placeholder names `text` uses (what a render has to look up)."""
    return frozenset(name for _, name, _ in template_parts(text) if name is not None)


def render(text: str, context: Mapping[str, Any], *, escape: Callable[[str], str] | None = None) -> str:
    """Fill the placeholders of `text` from `context`; never raises.

    A name outside the whitelist, or missing/empty in the context, renders its fallback (or
    nothing). `escape` is applied to inserted values and fallbacks, not to the template's own text."""
    if not isinstance(text, str):
        return ""
    names = placeholder_names()

    def fill(name: str, fallback: str | None) -> str:
        value = context.get(name) if name in names else None
        text_value = "" if value is None else str(value)
        if not text_value:
            text_value = fallback or ""
        if escape is None:
            return text_value
        try:
            return escape(text_value)
        except Exception:  # an escaping bug must not break a chat reply
            return ""

    try:
        out = []
        for literal, name, fallback in template_parts(text):
            out.append(literal)
            if name is not None:
                out.append(fill(name, fallback))
        return "".join(out)
    except Exception:
        return text


def slack_escape(value: str) -> str:
    """Slack's mrkdwn control characters, escaped as its documentation asks."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SLACK_ENTITY = re.compile(r"&(amp|lt|gt);")
_SLACK_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_SLACK_ANGLE = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def slack_unescape(value: str) -> str:
    """`slack_escape` undone: the characters Slack shows for `&amp;`, `&lt;` and `&gt;`."""
    return _SLACK_ENTITY.sub(lambda m: _SLACK_ENTITIES[m.group(1)], value)


def _slack_angle(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if label:
        return label
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^S0123>
        parts = target[1:].split("^")
        return "@" + (parts[1] if parts[0] == "subteam" and len(parts) > 1 else parts[0])
    return target  # <https://…>, <@U0123>, <#C0123>


def slack_shown_text(mrkdwn: str) -> str:
    """The words Slack shows for a mrkdwn text: a link or mention as its label, entities decoded.

    Why: values travel escaped (`Ana &lt;ana@example.com&gt;`), but a preview must show what the
    person in Slack reads (`Ana <ana@example.com>`); the message sent stays escaped."""
    return slack_unescape(_SLACK_ANGLE.sub(_slack_angle, mrkdwn))


def json_string_escape(value: str) -> str:
    """The inside of a JSON string literal (for placeholders inside webhook JSON bodies)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def one_line(value: str) -> str:
    return " ".join(value.split())


ESCAPES: dict[str, Callable[[str], str] | None] = {"slack": slack_escape, "webhook": json_string_escape}


def _json_string_state(segment: str, inside: bool, escaped: bool) -> tuple[bool, bool]:
    """Whether a JSON text is inside a string literal after `segment` (and after a lone backslash)."""
    for char in segment:
        if escaped:
            escaped = False
        elif char == "\\" and inside:
            escaped = True
        elif char == '"':
            inside = not inside
    return inside, escaped


def render_json_body(text: str, context: Mapping[str, Any]) -> str:
    """A webhook body template filled so that every value is JSON-encoded: string-escaped where the
    placeholder sits inside a JSON string literal, a quoted JSON string everywhere else."""
    if not isinstance(text, str):
        return ""
    names = placeholder_names()
    parts: list[str] = []
    last, inside, escaped = 0, False, False
    for placeholder in iter_placeholders(text):
        segment = text[last:placeholder.start]
        inside, escaped = _json_string_state(segment, inside, escaped)
        value = context.get(placeholder.name) if placeholder.name in names else None
        value_text = "" if value is None else str(value)
        value_text = value_text or placeholder.fallback or ""
        parts.append(segment)
        parts.append(json_string_escape(value_text) if inside else json.dumps(value_text, ensure_ascii=False))
        last = placeholder.end
    parts.append(text[last:])
    return "".join(parts)


def render_template(template: Template, context: Mapping[str, Any], *, channel: str | None = None) -> Rendered:
    """Render a template for its channel (subject only for e-mail).

    `channel` is where the text goes when that is not the template's own kind (a Slack channel
    may announce with a chat template): values are escaped for the destination, so a visitor's
    `<!channel>` never pings a Slack channel and an e-mail never shows `&lt;`."""
    destination = channel or template.channel
    escape = ESCAPES.get(destination)
    if destination == "webhook":
        return Rendered(None, render_json_body(template.body, context))
    body = render(template.body, context, escape=escape)
    subject = None
    if template.channel == "email":
        subject = one_line(render(template.subject or "", context))
    return Rendered(subject, body)


# --- the context -------------------------------------------------------------------------------

def _text(value: Any) -> str:
    return "" if value is None else str(value)


def message_events(events: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The chat messages of a conversation (visitor, bot and agent), in order."""
    return [e for e in events if e.get("type") in ROLES and isinstance(e.get("text"), str)]


def visitor_messages(events: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [e for e in events if e.get("type") == "visitor" and isinstance(e.get("text"), str)]


def summary_events(events: Sequence[Mapping[str, Any]], turn: int | None = None) -> list[Mapping[str, Any]]:
    """The messages that triggered: visitor message number `turn` (from 1; the last one when None
    or out of range) and up to two visitor messages before it."""
    said = visitor_messages(events)
    if not said:
        return []
    index = turn - 1 if turn is not None and 1 <= turn <= len(said) else len(said) - 1
    return said[max(0, index - SUMMARY_EARLIER): index + 1]


def transcript_text(events: Sequence[Mapping[str, Any]]) -> str:
    """"Visitor: …" / "Bot: …" lines, one a message."""
    return "\n".join(f"{ROLES[e['type']]}: {e['text']}" for e in message_events(events))


def summary_text(events: Sequence[Mapping[str, Any]], turn: int | None = None) -> str:
    return "\n".join(f"Visitor: {e['text']}" for e in summary_events(events, turn))


def trigger_label(kind: str | None) -> str:
    if not kind:
        return ""
    return str(catalog().trigger_kinds.get(kind, {}).get("label", kind))


def build_context(
    *,
    conversation: Mapping[str, Any] | None = None,
    visitor: Mapping[str, Any] | None = None,
    events: Sequence[Mapping[str, Any]] | None = None,
    turn: int | None = None,
    handoff: Any = None,
    rule: str = "",
    trigger: str = "",
    conversation_id: str | None = None,
    team: str | None = None,
    priority: str | None = None,
    mode: str | None = None,
    promise: str | None = None,
    next_open: str | None = None,
    backup_contact: str | None = None,
    only: frozenset[str] | None = None,
) -> dict[str, str]:
    """The flat context templates see: every catalog placeholder name, each a string ("" = unknown).

    `conversation` (the conversation-format dict) supplies visitor, events and id unless given
    separately; pass only the events up to the decision. `handoff` is a `routing.Handoff`; the
    explicit keywords override what it says. `rule` is the rule's name, `trigger` its kind id.
    `only` computes just those names (the ones a template uses: the transcript is not joined for
    a reply that does not show it); the others are then absent."""
    conversation = conversation or {}
    visitor = visitor if visitor is not None else (conversation.get("visitor") or {})
    events = events if events is not None else (conversation.get("events") or [])
    values: dict[str, Callable[[], str]] = {
        "visitor.name": lambda: _text(visitor.get("name")),
        "visitor.email": lambda: _text(visitor.get("email")),
        "team": lambda: _text(team if team is not None else getattr(handoff, "team_name", None)),
        "priority": lambda: _text(priority if priority is not None else getattr(handoff, "priority", None)),
        "promise": lambda: _text(promise if promise is not None else getattr(handoff, "promise", None)),
        "next_open": lambda: _text(next_open if next_open is not None else getattr(handoff, "next_open_text", None)),
        "handoff": lambda: _text(mode if mode is not None else getattr(handoff, "mode", None)),
        "rule": lambda: rule,
        "trigger": lambda: trigger_label(trigger),
        "summary": lambda: summary_text(events, turn),
        "transcript": lambda: transcript_text(events),
        "last_message": lambda: _last_message(events, turn),
        "conversation_id": lambda: _text(conversation_id if conversation_id is not None else conversation.get("id")),
        "backup_contact": lambda: _text(backup_contact if backup_contact is not None
                                        else getattr(handoff, "backup_contact", None)),
    }
    if only is not None:
        return {name: values[name]() if name in values else "" for name in _sorted_names() if name in only}
    return {name: values[name]() if name in values else "" for name in _sorted_names()}


def _last_message(events: Sequence[Mapping[str, Any]], turn: int | None) -> str:
    summary = summary_events(events, turn)
    return _text(summary[-1]["text"]) if summary else ""


@cache
def _sorted_names() -> tuple[str, ...]:
    return tuple(sorted(placeholder_names()))


def sample_conversation(at: datetime, visitor: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A short sample conversation ending at `at` (for previews and test notifications)."""
    first = at - timedelta(seconds=SAMPLE_MESSAGES[-1][0])
    events: list[dict[str, Any]] = []
    for offset, kind, text in SAMPLE_MESSAGES:
        stamp = (first + timedelta(seconds=offset)).astimezone(UTC).isoformat().replace("+00:00", "Z")
        events.append({"at": stamp, "type": kind, "url": text} if kind == "page_view"
                      else {"at": stamp, "type": kind, "text": text})
    return {"id": "c-sample", "visitor": dict(visitor if visitor is not None else SAMPLE_VISITOR), "events": events}


def sample_context(ruleset: Ruleset, at: datetime | None = None, *, rule_id: str | None = None,
                   visitor: Mapping[str, Any] | None = None) -> dict[str, str]:
    """A context for live previews: the sample visitor "Ana" and a real promise computed by
    `route` at `at` (now when None) for the chosen rule's escalation (else the first escalating rule)."""
    at = at if at is not None else datetime.now(UTC)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    rules = [r for r in ruleset.rules if r.escalation is not None]
    rule = ruleset.rule(rule_id) if rule_id else None
    if rule is None:
        rule = next((r for r in rules if r.enabled), rules[0] if rules else None)
    escalation = rule.escalation if rule is not None else None
    if escalation is not None:
        team, priority, mode = escalation.team, escalation.priority, escalation.handoff
    else:
        team = ruleset.routing.teams[0].id if ruleset.routing.teams else "support"
        priority, mode = "normal", "instant"
    handoff = route(ruleset, team=team, priority=priority, handoff=mode, at=at)
    conversation = sample_conversation(at, visitor)
    return build_context(conversation=conversation, handoff=handoff,
                         rule=rule.name if rule is not None else "Sample rule",
                         trigger=rule.trigger if rule is not None else "explicit_request")
