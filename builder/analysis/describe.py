"""Plain-language wording of conditions for findings a support manager reads."""

from __future__ import annotations

from typing import Any

from builder.analysis.logic import Literal
from builder.format.model import Rule
from rules_schema.catalog import catalog

_NEGATED_LABELS = {
    "matches": "does not match the pattern",
    "similar_to": "is not similar to",
    "is_set": "is not known",
}


def fact_label(fact: str, param: str | None) -> str:
    entry = catalog().fact(fact)
    label = entry.label if entry else fact
    return f"{label} ({param})" if param else label


def value_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, str):
        return f"\u201c{value}\u201d"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def literal_text(lit: Literal) -> str:
    """E.g. "Visitor score is more than 80"."""
    if lit.negated:
        label = _NEGATED_LABELS.get(lit.op, f"is not ({lit.op})")
    else:
        op = catalog().operators.get(lit.op)
        label = op.label if op else lit.op
    text = f"{fact_label(lit.fact, lit.param)} {label}"
    if lit.value is not None and lit.op not in ("is_true", "is_false", "is_set"):
        text += f" {value_text(lit.value)}"
    return text


def rule_title(rule: Rule) -> str:
    return f"\u201c{rule.name}\u201d"


def handoff_label(mode: str) -> str:
    entry = catalog().handoff_modes.get(mode)
    return entry["label"].lower() if entry else mode


def trigger_label(kind: str) -> str:
    entry = catalog().trigger_kinds.get(kind)
    return entry["label"] if entry else kind


def join_and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
