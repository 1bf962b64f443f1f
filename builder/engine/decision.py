"""The Decision: what the engine decided for a conversation (the contract of ARCHITECTURE.md).

Handoff mode and promise come from `builder.handoff.routing`, the reply from `builder.handoff.templates`;
both are looked up when the Decision is made (once per escalation, never per turn), by the `Decider`
the engine keeps per compiled ruleset.

Besides the contract (`to_dict`), a Decision made by a session carries what the human agent needs:
`why` (one plain line, made when first read) and `payload` (the full handoff payload of
`builder.handoff.payload`, built when read). `at` keeps the instant to the microsecond; only the
output (`iso`) shows milliseconds. The payload is built on the Decision rather than by the session
because the Decision is what the host holds when it hands over (returned by `observe`/`tick`, given
to `on_decision`), it outlives its session, and it records the conversation as the engine had seen
it at that instant (events applied afterwards are not part of the handoff).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from builder.format.model import Reply, Rule, Ruleset

UTC = UTC


def iso(at: datetime | None) -> str | None:
    """ISO 8601 UTC with Z; milliseconds only when there are fractions of a second."""
    if at is None:
        return None
    at = at.astimezone(UTC)
    return at.isoformat(timespec="milliseconds" if at.microsecond else "seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Seen:
    """The conversation as the engine had seen it when it decided: the first `count` of `messages`
    (the session's own transcript list, which only grows, so nothing is copied per decision)."""

    ruleset: Ruleset
    visitor: Mapping[str, Any]
    messages: Sequence[Mapping[str, Any]]
    count: int

    def events(self) -> list[dict[str, Any]]:
        """The events, `at` as ISO 8601 text to the microsecond (a host may have given datetimes)."""
        out = []
        for event in self.messages[: self.count]:
            at = event.get("at")
            out.append({**event, "at": _full_iso(at)} if isinstance(at, datetime) else dict(event))
        return out


def _full_iso(at: datetime) -> str:
    at = at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return at.isoformat().replace("+00:00", "Z")


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
    routing: Any = None  # builder.handoff.routing.Handoff when routing ran
    trace: tuple[dict[str, Any], ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    # `why`: the line itself, or what makes it on first read (a session's, from its final state)
    explanation: str | Callable[[], str] = field(default="", repr=False, compare=False)
    seen: Seen | None = field(default=None, repr=False, compare=False)  # for `payload`

    @property
    def why(self) -> str:
        """"Visitor asks for a human: the message mentions “agent”" (`builder.engine.explain.why`). Made on
        first read: a host that logs it pays for it, a batch that only writes decisions does not."""
        explanation = self.explanation
        if isinstance(explanation, str):
            return explanation
        line = explanation()
        object.__setattr__(self, "explanation", line)  # frozen: the cache is the only write
        return line

    @property
    def payload(self) -> dict[str, Any] | None:
        """The handoff payload (`builder.handoff.payload.build_payload`): transcript up to and including
        the deciding message, page views, visitor profile and qualification, rule name and trigger,
        summary, promise and routing. Built on each read (a new dict; once per handoff is the use);
        None when nothing escalated or the Decision was not made by a session."""
        if not self.escalated or self.seen is None:
            return None
        from builder.handoff.payload import build_payload  # lazy: start-up; built once per handoff, on read

        seen = self.seen
        decision = self.to_dict(trace=False)
        decision["rule_name"] = self.rule_name
        conversation = {"id": self.id, "visitor": dict(seen.visitor), "events": seen.events()}
        return build_payload(decision, conversation, ruleset=seen.ruleset, handoff=self.routing, until=self.at)

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


def said(transcript: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The messages of a session's transcript as template events; a visitor message without text
    is an empty one, a bot message without text and a page view are left out."""
    out = []
    for event in transcript:
        text = event.get("text")
        if type(text) is str:
            out.append({"type": event["type"], "text": text})
        elif event["type"] == "visitor":
            out.append({"type": "visitor", "text": ""})
    return out


_MESSAGE_NAMES = frozenset({"summary", "transcript", "last_message"})


@dataclass(frozen=True)
class _ReplyPlan:
    """A rule's chat reply before any escalation: its template, the names it shows, how values
    are escaped, the team named when routing does not say."""

    body: str
    names: frozenset[str]
    escape: Callable[[str], str] | None
    team: str | None
    shows_messages: bool


class Decider:
    """Makes the Decisions of one ruleset. What does not change from one escalation to the next
    is worked out once: the router (`builder.handoff.routing.Router`: each team's hours, zone,
    backup contact) and each rule's reply plan (template, placeholder names, escaping). The engine
    keeps one per compiled ruleset; rulesets are immutable, so it never goes stale."""

    def __init__(self, ruleset: Ruleset) -> None:
        # lazy: start-up; runtime.load() compiles without the handoff modules (~19 ms), read on the first escalation
        from builder.handoff import templates
        from builder.handoff.routing import Router

        self.ruleset = ruleset
        self._router = Router(ruleset)
        self._templates = templates
        self._replies: dict[str, _ReplyPlan | None] = {}

    def _reply_plan(self, rule: Rule) -> _ReplyPlan | None:
        if rule.id in self._replies:
            return self._replies[rule.id]
        ruleset, templates = self.ruleset, self._templates
        template_id = next((a.template for a in rule.actions if isinstance(a, Reply)), None)
        template = ruleset.template(template_id) if template_id is not None else None
        plan = None
        if template is not None:
            esc = rule.escalation
            team = ruleset.routing.team(esc.team) if esc is not None else None
            # Only the names the template uses are computed (the transcript is not joined for a
            # reply that does not show it).
            names = templates.template_names(template.body)
            if template.channel == "email":
                names |= templates.template_names(template.subject or "")
            plan = _ReplyPlan(template.body, names, templates.ESCAPES.get(template.channel),
                              team.name if team else (esc.team if esc else None), bool(names & _MESSAGE_NAMES))
        self._replies[rule.id] = plan
        return plan

    def _reply(self, rule: Rule, handoff: Any, priority: str, conversation_id: str,
               visitor: Mapping[str, Any], transcript: Sequence[Mapping[str, Any]], turn: int) -> str | None:
        """The deciding rule's chat reply, rendered by `builder.handoff.templates` (None without a reply)."""
        plan = self._reply_plan(rule)
        if plan is None:
            return None
        templates = self._templates
        context = templates.build_context(
            visitor=visitor, events=said(transcript) if plan.shows_messages else [], turn=turn,
            handoff=handoff, rule=rule.name, trigger=rule.trigger, conversation_id=conversation_id,
            team=None if handoff is not None else plan.team, priority=priority, only=plan.names,
        )
        body: str = templates.render(plan.body, context, escape=plan.escape)
        return body

    def decide(
        self, rule: Rule, *, conversation_id: str, turn: int, at: datetime, priority: str | None,
        tags: tuple[str, ...], notify: tuple[str, ...], visitor: Mapping[str, Any],
        transcript: Sequence[Mapping[str, Any]], timer: bool, trace: tuple[dict[str, Any], ...] | None,
        explanation: str | Callable[[], str] = "", seen: Seen | None = None,
    ) -> Decision:
        """The Decision for `rule` escalating at `at` (routing and reply filled when available).
        `transcript`: the session's events so far (read only when the reply shows messages)."""
        esc = rule.escalation
        if esc is None:  # pragma: no cover - callers only pass escalating rules
            raise ValueError(f"rule {rule.id!r} does not escalate")
        prio = priority or esc.priority
        handoff = self._router.route(team=esc.team, priority=prio, handoff=esc.handoff, at=at)
        reply = self._reply(rule, handoff, prio, conversation_id, visitor, transcript, turn)
        return Decision(
            id=conversation_id, escalated=True, turn=turn, at=at, rule=rule.id, rule_name=rule.name,
            trigger=rule.trigger, handoff=handoff.mode, team=esc.team, priority=prio, reply=reply,
            promise=handoff.promise, tags=tags, notify=notify, timer=timer, routing=handoff, trace=trace,
            explanation=explanation, seen=seen,
        )
