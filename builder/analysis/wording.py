"""The plain-language words for one condition and one action, written once.

Why one module: the rule list's one-line sentence (`summary`), the rule diagram's blocks
(`widgets.rules.rule_graph`) and the analysis findings (`describe`) used to word the same leaf
three ways ("Cart abandoned is yes", "cart abandoned", "Cart abandoned is true"). A manager who
reads a finding and then looks at the rule should see the same words. Text is lower-case first
(it is read mid-sentence); `sentence_case` capitalises it for a block that stands alone. All words
come from the fact catalog's labels, so a new fact needs no change here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from builder.format.model import DEFAULT_WITHIN, Action, Escalate, Leaf, Notify, Reply, Ruleset, SetPriority, Tag
from rules_schema.catalog import catalog

SILENT_UNITS = ("ratio", "score", "points")  # units that read worse than the bare number
HANDOFF_WORDS = {"instant": "transfer now to", "callback": "offer a callback to", "email": "e-mail"}
NEGATED_LABELS = {  # opaque operators analysis keeps negated (the others flip to their opposite)
    "matches": "does not match the pattern",
    "similar_to": "is not similar to",
    "is_set": "is not known",
}


def lower_first(text: str) -> str:
    """Sentence case for a label used mid-sentence, keeping acronyms and CAPITALS intact."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def sentence_case(text: str) -> str:
    """The first letter capitalised, for text that starts a block or a line."""
    return text[:1].upper() + text[1:]


def number_text(value: float | int) -> str:
    """120.0 -> "120", 0.7 -> "0.7"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def value_text(value: Any, *, unit: str | None = None, max_items: int | None = None) -> str:
    """A value in words: text quoted (“refund”), lists joined and shortened after `max_items`
    ("+2 more"), numbers with their unit, booleans as yes/no."""
    if isinstance(value, (list, tuple)):
        if not value:
            return "(nothing yet)"
        shown = value if max_items is None else value[:max_items]
        text = ", ".join(value_text(v) for v in shown)
        extra = len(value) - len(shown)
        return f"{text} +{extra} more" if extra > 0 else text
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number_text(value) + (f" {unit}" if unit else "")
    if isinstance(value, str):
        return f"\u201c{value}\u201d"
    return "" if value is None else str(value)


def reading_text(fact: str, value: Any) -> str:
    """A value the engine read for a fact, as a manager reads it: −0.62, 0.80, 3×, 125 s, yes/no,
    unknown (the simulator's explanation and the trace show these next to each condition)."""
    if value is None:
        return "unknown"
    if value is True or value is False:
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(reading_text(fact, v) for v in value)
    if isinstance(value, (int, float)):
        entry = catalog().fact(fact)
        unit = entry.unit if entry else None
        if unit in ("ratio", "score"):
            text = f"{value:.2f}"
        elif unit == "times":
            text = f"{value:g}×"
        elif unit == "seconds":
            text = f"{value:.0f} s"
        elif unit == "minutes":
            text = f"{value:.1f} min"
        else:
            text = f"{value:g}"
        return text.replace("-", "−")
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def fact_label(fact: str, param: str | None = None) -> str:
    """"visitor attribute (plan)": the catalog label, mid-sentence, with its parameter."""
    entry = catalog().fact(fact)
    label = lower_first(entry.label) if entry else fact
    return f"{label} ({param})" if param else label


def condition_text(fact: str, op: str, value: Any = None, param: str | None = None, *,
                   negated: bool = False, max_items: int | None = None) -> str:
    """One test in words: 'latest visitor message contains any of “refund”, “cancel”',
    'visitor score is between 50 and 80', 'cart abandoned', 'not marked as resolved'.

    `negated` is for a test that is negated as a whole (analysis keeps `matches`, `similar_to`
    and `is_set` negated rather than flipping the operator)."""
    cat = catalog()
    entry = cat.fact(fact)
    label = fact_label(fact, param)
    if op in ("is_true", "is_false") and not negated:
        return label if op == "is_true" else f"not {label}"
    operator = cat.operators.get(op)
    if negated:
        op_label = NEGATED_LABELS.get(op, f"is not ({operator.label if operator else op})")
    else:
        op_label = operator.label if operator else op.replace("_", " ")
    if (operator is not None and operator.value == "none") or value is None:
        return f"{label} {op_label}"
    unit = entry.unit if entry else None
    if unit in SILENT_UNITS or (unit and unit.casefold() in label.casefold()):
        unit = None  # "visitor messages is more than 10", not "… 10 messages"
    if operator is not None and operator.value == "range" and isinstance(value, (list, tuple)) and len(value) == 2:
        low, high = value
        shown = f"{value_text(low)} and {value_text(high, unit=unit)}"
    else:
        shown = value_text(value, unit=unit, max_items=max_items)
    return f"{label} {op_label} {shown}"


def leaf_text(leaf: Leaf, *, max_items: int | None = None, ruleset: Ruleset | None = None) -> str:
    """`condition_text` of a condition leaf, with its word groups, "near" and text options:
    'latest visitor message mentions “talk” or a word of “Contact verbs” within 4 words of a word
    of “People”, ignoring negated mentions'."""
    if leaf.op not in ("contains_any", "contains_none", "near"):
        return condition_text(leaf.fact, leaf.op, leaf.value, leaf.param, max_items=max_items)
    label = fact_label(leaf.fact, leaf.param)
    first = side_text(leaf.value, leaf.groups, ruleset, max_items=max_items)
    if leaf.op == "near":
        near = leaf.near
        second = (side_text(near.value, near.groups, ruleset, max_items=max_items) if near is not None
                  else "(nothing yet)")
        within = leaf.within or DEFAULT_WITHIN
        text = f"{label} mentions {first} within {within} word{'s' if within != 1 else ''} of {second}"
    else:
        op = catalog().operators.get(leaf.op)
        text = f"{label} {op.label if op else leaf.op} {first}"
    notes = []
    if leaf.ignore_negated:
        notes.append("ignoring negated mentions (“I don't need …”)")
    if not leaf.typo:
        notes.append("exact spelling only")
    return text + (", " + ", ".join(notes) if notes else "")


def side_text(value: Any, groups: Sequence[str], ruleset: Ruleset | None = None, *,
              max_items: int | None = None) -> str:
    """Phrases and word groups in words: '“talk”, “speak” or a word of “Contact verbs”'."""
    own = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
    names = []
    for group_id in groups:
        group = ruleset.word_group(group_id) if ruleset is not None else None
        names.append(f"a word of \u201c{group.name if group is not None else group_id}\u201d")
    if not own:
        return " or ".join(names) if names else "(nothing yet)"
    shown = value_text(own, max_items=max_items)
    return shown + (" or " + " or ".join(names) if names else "")


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


def priority_label(priority: str) -> str:
    return str(catalog().priorities.get(priority, {}).get("label", priority)).lower()


def escalation_text(action: Escalate, ruleset: Ruleset | None = None) -> str:
    """'transfer now to Support (high priority), or e-mail within 4 h when closed': the handoff,
    the team by name, the priority and, for a live transfer, what routing does while closed."""
    routing = ruleset.routing if ruleset else None
    team = routing.team(action.team) if routing else None
    team_name = team.name if team else action.team
    sla = routing.sla_for(action.priority) if routing else None
    promise = f" within {format_minutes(sla.minutes)}" if sla else ""
    words = HANDOFF_WORDS.get(action.handoff, action.handoff)
    promised = promise if action.handoff == "email" else ""
    text = f"{words} {team_name}{promised} ({priority_label(action.priority)} priority)"
    if action.handoff == "instant" and routing is not None:
        if routing.offline_mode == "callback" and routing.callback_enabled:
            text += ", or offer a callback when closed"
        elif routing.offline_mode == "email":
            text += f", or e-mail{promise} when closed"
    return text


def action_text(action: Action, ruleset: Ruleset | None = None) -> str:
    """One action in words, with the ruleset's names for templates, channels and teams."""
    if isinstance(action, Escalate):
        return escalation_text(action, ruleset)
    if isinstance(action, Reply):
        template = ruleset.template(action.template) if ruleset else None
        return f"reply \u201c{template.name if template else action.template}\u201d"
    if isinstance(action, Tag):
        return "tag " + ", ".join(action.tags) if action.tags else "tag (no tags yet)"
    if isinstance(action, SetPriority):
        return f"set priority to {priority_label(action.priority)}"
    if isinstance(action, Notify):
        channel = ruleset.channel(action.channel) if ruleset else None
        return f"notify {channel.name if channel else action.channel}"
    return str(getattr(action, "type", "action"))


def actions_text(actions: Sequence[Action], ruleset: Ruleset | None = None) -> str:
    """The escalation when there is one (what matters most), otherwise every action."""
    if not actions:
        return "do nothing"
    escalation = next((a for a in actions if isinstance(a, Escalate)), None)
    if escalation is not None:
        return escalation_text(escalation, ruleset)
    return ", ".join(action_text(a, ruleset) for a in actions)
