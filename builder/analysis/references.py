"""What rules point at: who uses each template, and the findings about references (offline
branches, unused templates and channels, rules that fire too often in a replay)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from builder.analysis.describe import rule_title, value_text
from builder.analysis.finding import Finding
from builder.format.model import Escalate, Notify, Reply, Ruleset
from builder.handoff.routing import team_hours


def offline_branches(ruleset: Ruleset) -> list[Finding]:
    """Escalations that have nowhere to go when nobody is there to take them.

    Routing (builder.handoff.routing) lends an unknown team or a dangling schedule the default schedule,
    and treats a team without any usable schedule as always open: such a team never gets the
    offline e-mail or callback, so after-hours visitors are transferred to nobody.
    """
    out: list[Finding] = []
    routing = ruleset.routing
    without_hours: dict[str, list[str]] = {}
    for i, rule in enumerate(ruleset.rules):
        if not rule.enabled:
            continue
        for k, action in enumerate(rule.actions):
            if not isinstance(action, Escalate):
                continue
            if routing.team(action.team) is None:
                borrowed = team_hours(ruleset, action.team) is not None
                tail = ("it borrows the default opening hours and has no backup contact of its own."
                        if borrowed else "with no opening hours at all it counts as always open, so "
                        "after-hours visitors get no offline e-mail or callback.")
                out.append(Finding(
                    "escalation_unknown_team", "warning",
                    f"{rule_title(rule)} hands over to the team {value_text(action.team)}, which is "
                    f"not set up in routing: {tail}", (rule.id,), f"$.rules[{i}].actions[{k}]"))
            elif team_hours(ruleset, action.team) is None:
                without_hours.setdefault(action.team, []).append(rule.id)
    for t, team in enumerate(routing.teams):
        users = without_hours.get(team.id)
        if users:
            out.append(Finding(
                "team_without_schedule", "warning",
                f"The team {value_text(team.name)} has no usable opening hours (the schedule "
                f"{value_text(team.schedule)} is missing or invalid and there is no default), so it "
                f"counts as always open and visitors who arrive after hours get no offline e-mail "
                f"or callback.", tuple(users), f"$.routing.teams[{t}].schedule"))
    escalating = [r.id for r in ruleset.rules if r.enabled and r.escalation is not None]
    if escalating and routing.offline_mode == "callback" and not routing.callback_enabled:
        out.append(Finding(
            "offline_callback_disabled", "warning",
            "When a team is closed the offline mode is a callback, but callbacks are switched off "
            "in routing: switch callbacks on or choose e-mail capture as the offline mode.",
            tuple(escalating), "$.routing.offline_mode"))
    return out


def offline_mode_missing(document: Mapping[str, Any]) -> list[Finding]:
    """A document whose routing does not say what happens while a team is closed."""
    routing = document.get("routing")
    if isinstance(routing, Mapping) and "offline_mode" in routing:
        return []
    return [Finding("offline_mode_missing", "warning",
                    "Routing does not say what happens when a team is closed (e-mail capture or "
                    "callback), so after-hours escalations have no offline path.", (), "$.routing")]


@dataclass(frozen=True)
class TemplateUser:
    """A rule or a channel that sends a template, and how (the template page's "Used by").

    `uses` are plain words: "chat reply", "notification", "notification via Support Slack" for a
    rule; "message text" for a channel."""

    kind: Literal["rule", "channel"]
    id: str
    name: str
    uses: tuple[str, ...]


def template_users(ruleset: Ruleset) -> dict[str, list[TemplateUser]]:
    """Who uses each template, by template id, in document order (rules, then channels).

    A rule uses a template when it replies with it, notifies with it, or notifies a channel
    without naming a template, so the channel's own template is sent. One pass over the rules;
    a template nobody uses has no key (that is what `unused` reports)."""
    channels = {c.id: c for c in ruleset.channels}
    found: dict[str, list[TemplateUser]] = {}
    for rule in ruleset.rules:
        uses: dict[str, dict[str, None]] = {}
        for action in rule.actions:
            if isinstance(action, Reply):
                uses.setdefault(action.template, {})["chat reply"] = None
            elif isinstance(action, Notify) and action.template:
                uses.setdefault(action.template, {})["notification"] = None
            elif isinstance(action, Notify) and action.channel in channels:
                channel = channels[action.channel]
                if channel.template:
                    uses.setdefault(channel.template, {})[f"notification via {channel.name}"] = None
        for template_id, words in uses.items():
            found.setdefault(template_id, []).append(TemplateUser("rule", rule.id, rule.name, tuple(words)))
    for channel in ruleset.channels:
        if channel.template:
            found.setdefault(channel.template, []).append(
                TemplateUser("channel", channel.id, channel.name, ("message text",)))
    return found


def _offline_email_possible(ruleset: Ruleset) -> bool:
    escalations = [a for r in ruleset.rules for a in r.actions if isinstance(a, Escalate)]
    return bool(escalations) and (
        ruleset.routing.offline_mode == "email" or any(a.handoff == "email" for a in escalations))


def unused(ruleset: Ruleset) -> list[Finding]:
    """Templates and channels nothing refers to (clutter, or a forgotten action)."""
    out: list[Finding] = []
    used = template_users(ruleset)
    email_used = _offline_email_possible(ruleset)
    for k, template in enumerate(ruleset.templates):
        if template.id in used or (template.channel == "email" and email_used):
            continue  # e-mail templates serve the offline e-mail confirmation
        out.append(Finding("unused_template", "warning",
                           f"The template {value_text(template.name)} is not used by any rule or "
                           f"channel.", (), f"$.templates[{k}]"))
    notified = {a.channel for r in ruleset.rules for a in r.actions if isinstance(a, Notify)}
    for k, channel in enumerate(ruleset.channels):
        if channel.id not in notified:
            out.append(Finding("unused_channel", "warning",
                               f"The channel {value_text(channel.name)} is never notified by any "
                               f"rule.", (), f"$.channels[{k}]"))
    return out


def fires_often(ruleset: Ruleset, fired: Mapping[str, int], total: int,
                threshold: float = 0.30) -> list[Finding]:
    """Rules deciding more than `threshold` of a replayed library are probably too broad."""
    out: list[Finding] = []
    if total <= 0:
        return out
    for i, rule in enumerate(ruleset.rules):
        count = fired.get(rule.id, 0)
        if count / total > threshold:
            out.append(Finding(
                "fires_often", "warning",
                f"{rule_title(rule)} fired on {count / total:.0%} of the {total} replayed "
                f"conversations (more than {threshold:.0%}): a rule this broad may hand over "
                f"conversations the bot could have handled.", (rule.id,), f"$.rules[{i}]"))
    return out
