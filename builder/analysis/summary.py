"""One plain-language line per rule, for the rule list and tooltips.

A support manager scans a list of sentences faster than a list of condition trees, so each rule
reads like "When the visitor asks for a human → transfer now to Support (high priority), or e-mail
within 4 h when closed". The words for each condition and action come from
`builder.analysis.wording` (shared with the rule diagram and the findings); this module only puts
a tree of them into one clause and shortens it so it fits on a line.
"""

from __future__ import annotations

from builder.analysis.wording import actions_text, format_minutes, leaf_text
from builder.format.model import Condition, Leaf, Not, Rule, Ruleset, iter_leaves

__all__ = ["ARROW", "describe_condition", "describe_leaf", "format_minutes", "rule_facts", "summarize_rule"]

ARROW = "→"
MAX_CHILDREN = 2  # children of a group shown before "+N more"
MAX_PHRASES = 2  # phrases of a list shown before "+N more"


def describe_leaf(leaf: Leaf, ruleset: Ruleset | None = None) -> str:
    """The shared wording of a leaf, with phrase lists shortened for one line (word groups by their
    names in `ruleset`)."""
    return leaf_text(leaf, max_items=MAX_PHRASES, ruleset=ruleset)


def describe_condition(condition: Condition, *, nested: bool = False, ruleset: Ruleset | None = None) -> str:
    """The condition tree as one clause; nested groups go in brackets, long groups are shortened."""
    if isinstance(condition, Leaf):
        return describe_leaf(condition, ruleset)
    if isinstance(condition, Not):
        inner = describe_condition(condition.child, nested=True, ruleset=ruleset)
        return f"not {inner}" if not isinstance(condition.child, Leaf) else f"not ({inner})"
    if not condition.children:
        return "always" if condition.kind == "all" else "never"
    if len(condition.children) == 1:
        return describe_condition(condition.children[0], nested=nested, ruleset=ruleset)
    joiner = " and " if condition.kind == "all" else " or "
    parts = [describe_condition(c, nested=True, ruleset=ruleset) for c in condition.children[:MAX_CHILDREN]]
    text = joiner.join(parts)
    extra = len(condition.children) - MAX_CHILDREN
    if extra > 0:
        text += f"{joiner}{extra} more"
    return f"({text})" if nested else text


def summarize_rule(rule: Rule, ruleset: Ruleset | None = None) -> str:
    """The rule as one line: 'When <condition> → <what happens>'."""
    return f"When {describe_condition(rule.when, ruleset=ruleset)} {ARROW} {actions_text(rule.actions, ruleset)}"


def rule_facts(rule: Rule) -> list[str]:
    """The fact names a rule tests, in order without repeats (the list's 'filter by fact')."""
    seen: dict[str, None] = {}
    for leaf in iter_leaves(rule.when):
        seen.setdefault(leaf.fact, None)
    return list(seen)
