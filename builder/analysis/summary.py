"""One plain-language line per rule, for the rule list and tooltips.

A support manager scans a list of sentences faster than a list of condition trees, so each rule
reads like "When the visitor asks for a human → transfer now, or e-mail within 4 h when closed".
All words come from the fact catalog's labels, so a new fact needs no change here.
"""

from __future__ import annotations

from collections.abc import Sequence

from builder.format.model import (
    Action,
    Condition,
    Escalate,
    Leaf,
    Not,
    Notify,
    Reply,
    Routing,
    Rule,
    Ruleset,
    SetPriority,
    Tag,
    Value,
    iter_leaves,
)
from rules_schema.catalog import catalog

ARROW = "→"
MAX_CHILDREN = 2  # children of a group shown before "+N more"
MAX_PHRASES = 2  # phrases of a list shown before "+N more"

_HANDOFF_WORDS = {"instant": "transfer now", "callback": "offer a callback", "email": "e-mail"}


def format_minutes(minutes: float) -> str:
    """240 -> "4 h", 90 -> "1 h 30 min", 2880 -> "2 days", 45 -> "45 min"."""
    total = int(round(minutes))
    if total <= 0:
        return "0 min"
    if total % 1440 == 0:
        days = total // 1440
        return f"{days} day" if days == 1 else f"{days} days"
    hours, rest = divmod(total, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"


def _number(value: float | int | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _phrases(values: Sequence[object]) -> str:
    if not values:
        return "(nothing yet)"
    shown = ", ".join(f'"{v}"' for v in values[:MAX_PHRASES])
    extra = len(values) - MAX_PHRASES
    return f"{shown} +{extra} more" if extra > 0 else shown


_SILENT_UNITS = ("ratio", "score", "points")  # units that read worse than the bare number


def _value_text(value: Value, kind: str, unit: str | None) -> str:
    shown_unit = f" {unit}" if unit and unit not in _SILENT_UNITS else ""
    if isinstance(value, tuple):
        if kind == "range" and len(value) == 2:
            low, high = (_number(v) for v in value)
            return f"{low} and {high}{shown_unit}"
        return _phrases(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{_number(value)}{shown_unit}"
    return f'"{value}"' if kind == "pattern" else str(value)


def _lower_first(text: str) -> str:
    """Sentence case for a label used mid-sentence, keeping acronyms and CAPITALS intact."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def describe_leaf(leaf: Leaf) -> str:
    """`message.text contains_any [refund]` -> 'latest visitor message contains any of "refund"'."""
    cat = catalog()
    fact = cat.fact(leaf.fact)
    label = _lower_first(fact.label) if fact else leaf.fact
    if leaf.param:
        label = f"{label} ({leaf.param})"
    if leaf.op == "is_true":
        return label
    if leaf.op == "is_false":
        return f"not {label}"
    operator = cat.operators.get(leaf.op)
    op_label = operator.label if operator else leaf.op.replace("_", " ")
    if operator is not None and operator.value == "none":
        return f"{label} {op_label}"
    unit = fact.unit if fact else None
    if unit and unit.casefold() in label.casefold():
        unit = None  # "visitor messages is more than 10", not "… 10 messages"
    value = _value_text(leaf.value, operator.value if operator else "", unit)
    return f"{label} {op_label} {value}".rstrip()


def describe_condition(condition: Condition, *, nested: bool = False) -> str:
    """The condition tree as one clause; nested groups go in brackets, long groups are shortened."""
    if isinstance(condition, Leaf):
        return describe_leaf(condition)
    if isinstance(condition, Not):
        inner = describe_condition(condition.child, nested=True)
        return f"not {inner}" if not isinstance(condition.child, Leaf) else f"not ({inner})"
    if not condition.children:
        return "always" if condition.kind == "all" else "never"
    if len(condition.children) == 1:
        return describe_condition(condition.children[0], nested=nested)
    joiner = " and " if condition.kind == "all" else " or "
    parts = [describe_condition(c, nested=True) for c in condition.children[:MAX_CHILDREN]]
    text = joiner.join(parts)
    extra = len(condition.children) - MAX_CHILDREN
    if extra > 0:
        text += f"{joiner}{extra} more"
    return f"({text})" if nested else text


def _team_name(team_id: str, routing: Routing | None) -> str:
    team = routing.team(team_id) if routing else None
    return team.name if team else team_id


def describe_escalation(action: Escalate, ruleset: Ruleset | None) -> str:
    """'transfer now to Support, or e-mail within 4 h when closed' (the routing's offline mode)."""
    routing = ruleset.routing if ruleset else None
    team = _team_name(action.team, routing)
    sla = routing.sla_for(action.priority) if routing else None
    promise = f" within {format_minutes(sla.minutes)}" if sla else ""
    if action.handoff == "email":
        return f"e-mail {team}{promise}"
    text = f"{_HANDOFF_WORDS.get(action.handoff, action.handoff)} to {team}"
    if action.handoff == "instant" and routing is not None:
        if routing.offline_mode == "callback" and routing.callback_enabled:
            text += ", or offer a callback when closed"
        elif routing.offline_mode == "email":
            text += f", or e-mail{promise} when closed"
    return text


def describe_action(action: Action, ruleset: Ruleset | None) -> str:
    if isinstance(action, Escalate):
        return describe_escalation(action, ruleset)
    if isinstance(action, Reply):
        template = ruleset.template(action.template) if ruleset else None
        return f"reply “{template.name if template else action.template}”"
    if isinstance(action, Tag):
        return "tag " + ", ".join(action.tags)
    if isinstance(action, SetPriority):
        label = catalog().priorities.get(action.priority, {}).get("label", action.priority)
        return f"set priority {label.lower()}"
    if isinstance(action, Notify):
        channel = ruleset.channel(action.channel) if ruleset else None
        return f"notify {channel.name if channel else action.channel}"
    return str(getattr(action, "type", "action"))


def describe_actions(actions: Sequence[Action], ruleset: Ruleset | None) -> str:
    """The escalation when there is one (what matters most), otherwise every action."""
    if not actions:
        return "do nothing"
    escalation = next((a for a in actions if isinstance(a, Escalate)), None)
    if escalation is not None:
        return describe_escalation(escalation, ruleset)
    return ", ".join(describe_action(a, ruleset) for a in actions)


def summarize_rule(rule: Rule, ruleset: Ruleset | None = None) -> str:
    """The rule as one line: 'When <condition> → <what happens>'."""
    return f"When {describe_condition(rule.when)} {ARROW} {describe_actions(rule.actions, ruleset)}"


def rule_facts(rule: Rule) -> list[str]:
    """The fact names a rule tests, in order without repeats (the list's 'filter by fact')."""
    seen: dict[str, None] = {}
    for leaf in iter_leaves(rule.when):
        seen.setdefault(leaf.fact, None)
    return list(seen)
