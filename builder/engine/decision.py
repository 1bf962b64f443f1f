"""The Decision: what the engine decided for a conversation (the contract of ARCHITECTURE.md).

Handoff mode and promise come from `builder.routing.route`, the reply from `builder.templates`;
both are looked up when the Decision is made (once per escalation, never per turn).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from builder.model import Escalate, Reply, Rule, Ruleset

UTC = timezone.utc


def iso(at: datetime | None) -> str | None:
    """ISO 8601 UTC with Z; milliseconds only when there are fractions of a second."""
    if at is None:
        return None
    at = at.astimezone(UTC)
    return at.isoformat(timespec="milliseconds" if at.microsecond else "seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Decision:
    """An escalation (or, with `escalated` False, the outcome that nothing escalated)."""

    id: str
    escalated: bool
    turn: int | None = None
    at: datetime | None = None
    rule: str | None = None
    rule_name: str | None = None
    trigger: str | None = None
    handoff: str | None = None
    team: str | None = None
    priority: str | None = None
    reply: str | None = None
    promise: str | None = None
    tags: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    timer: bool = False
    routing: Any = None  # builder.routing.Handoff when routing ran
    trace: tuple[dict[str, Any], ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self, *, trace: bool | None = None) -> dict[str, Any]:
        """The decision contract; `trace` is included when recorded (or forced off with False)."""
        out: dict[str, Any] = {
            "id": self.id,
            "escalated": self.escalated,
            "turn": self.turn if self.escalated else None,
            "at": iso(self.at) if self.escalated else None,
            "rule": self.rule if self.escalated else None,
            "trigger": self.trigger,
            "handoff": self.handoff,
            "team": self.team,
            "priority": self.priority,
            "reply": self.reply,
            "promise": self.promise,
            "tags": list(self.tags),
        }
        if self.notify:
            out["notify"] = list(self.notify)
        if self.timer:
            out["timer"] = True
        if self.trace is not None and trace is not False:
            out["trace"] = list(self.trace)
        return out


def _route(ruleset: Ruleset, esc: Escalate, priority: str, at: datetime) -> Any:
    try:
        from builder.routing import route
    except ImportError:  # the seam: routing not installed yet
        return None
    return route(ruleset, team=esc.team, priority=priority, handoff=esc.handoff, at=at)


def _reply(ruleset: Ruleset, rule: Rule, handoff: Any, priority: str, conversation_id: str,
           visitor: Mapping[str, Any], transcript: list[tuple[str, str]], at: datetime) -> str | None:
    template_id = next((a.template for a in rule.actions if isinstance(a, Reply)), None)
    if template_id is None:
        return None
    template = ruleset.template(template_id)
    if template is None:
        return None
    try:
        from builder import templates
    except ImportError:  # the seam: templates not written yet
        return None
    context = _context(templates, ruleset, rule, handoff, priority, conversation_id, visitor, transcript, at)
    rendered = templates.render_template(template, context)
    body: str = rendered.body
    return body


def _context(templates: Any, ruleset: Ruleset, rule: Rule, handoff: Any, priority: str, conversation_id: str,
             visitor: Mapping[str, Any], transcript: list[tuple[str, str]], at: datetime) -> Mapping[str, str]:
    """The placeholder values, through `templates.build_context` when it takes our arguments."""
    esc = rule.escalation
    team_id = esc.team if esc is not None else ""
    decision = {
        "id": conversation_id, "rule": rule.id, "rule_name": rule.name, "trigger": rule.trigger,
        "team": team_id, "priority": priority, "handoff": getattr(handoff, "mode", None),
        "promise": getattr(handoff, "promise", None), "at": iso(at),
    }
    conversation = {
        "id": conversation_id, "visitor": dict(visitor),
        "events": [{"type": who, "text": text} for who, text in transcript],
    }
    build = getattr(templates, "build_context", None)
    if build is not None:
        for call in (
            lambda: build(ruleset=ruleset, decision=decision, conversation=conversation, handoff=handoff, at=at),
            lambda: build(ruleset, decision, conversation),
        ):
            try:
                ctx: Mapping[str, str] = call()
                return ctx
            except TypeError:
                continue
    last = next((text for who, text in reversed(transcript) if who == "visitor"), "")
    team = ruleset.routing.team(team_id)
    return {
        "visitor.name": str(visitor.get("name") or ""),
        "visitor.email": str(visitor.get("email") or ""),
        "team": getattr(handoff, "team_name", None) or (team.name if team else team_id),
        "priority": priority,
        "promise": getattr(handoff, "promise", None) or "",
        "next_open": getattr(handoff, "next_open_text", None) or "",
        "handoff": getattr(handoff, "mode", None) or (esc.handoff if esc else ""),
        "rule": rule.name,
        "trigger": rule.trigger,
        "summary": f"Visitor: {last}" if last else "",
        "transcript": "\n".join(f"{'Visitor' if w == 'visitor' else 'Bot'}: {t}" for w, t in transcript),
        "last_message": last,
        "conversation_id": conversation_id,
        "backup_contact": getattr(handoff, "backup_contact", None) or "",
    }


def make_decision(
    ruleset: Ruleset, rule: Rule, *, conversation_id: str, turn: int, at: datetime, priority: str | None,
    tags: tuple[str, ...], notify: tuple[str, ...], visitor: Mapping[str, Any],
    transcript: list[tuple[str, str]], timer: bool, trace: tuple[dict[str, Any], ...] | None,
) -> Decision:
    """The Decision for `rule` escalating at `at` (routing and reply filled when available)."""
    esc = rule.escalation
    if esc is None:  # pragma: no cover - callers only pass escalating rules
        raise ValueError(f"rule {rule.id!r} does not escalate")
    prio = priority or esc.priority
    handoff = _route(ruleset, esc, prio, at)
    reply = _reply(ruleset, rule, handoff, prio, conversation_id, visitor, transcript, at)
    return Decision(
        id=conversation_id, escalated=True, turn=turn, at=at, rule=rule.id, rule_name=rule.name,
        trigger=rule.trigger, handoff=handoff.mode if handoff is not None else esc.handoff, team=esc.team,
        priority=prio, reply=reply, promise=handoff.promise if handoff is not None else None, tags=tags,
        notify=notify, timer=timer, routing=handoff, trace=trace,
    )
