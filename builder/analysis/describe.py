"""Wording for findings a support manager reads: rule titles, handoff and trigger labels, lists.

Conditions and values are worded by `builder.analysis.wording` (the same words the rule list and
the rule diagram show); `literal_text` only adapts an analysis `Literal` to it.
"""

from __future__ import annotations

from builder.analysis.logic import Literal
from builder.analysis.wording import condition_text, fact_label, value_text
from builder.format.model import Rule
from rules_schema.catalog import catalog

__all__ = ["fact_label", "handoff_label", "join_and", "literal_text", "rule_title", "trigger_label", "value_text"]


def literal_text(lit: Literal) -> str:
    """E.g. "visitor score is more than 80" (negated opaque tests read "does not match …")."""
    return condition_text(lit.fact, lit.op, lit.value, lit.param, negated=lit.negated)


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
