"""The gist of a rule in one sentence a manager reads before the details.

"Hands over (transfer now to Support, high priority) when the latest visitor message contains any
of “human”, “agent” +111 more, unless 1 more group of conditions holds." Only the top level of the
condition is spelled out; nested groups are counted, so the sentence stays short however deep
the rule is (the full tree is the Sentence view and the Diagram).
"""

from __future__ import annotations

from collections.abc import Sequence

from builder.analysis.wording import actions_text, leaf_text
from builder.format.model import Condition, Escalate, Group, Leaf, Not, Rule, Ruleset

__all__ = ["condition_depth", "rule_gist"]


def condition_depth(condition: Condition) -> int:
    """How many group levels deep the condition goes (a single leaf: 0)."""
    if isinstance(condition, Leaf):
        return 0
    if isinstance(condition, Not):
        return condition_depth(condition.child)
    return 1 + max((condition_depth(c) for c in condition.children), default=0)


def _part(condition: Condition, ruleset: Ruleset | None) -> str:
    if isinstance(condition, Leaf):
        return leaf_text(condition, max_items=2, ruleset=ruleset)  # word groups by their names
    if isinstance(condition, Not):
        return f"not {_part(condition.child, ruleset)}"
    count = len(condition.children)
    word = "all" if condition.kind == "all" else "one"
    return f"{word} of {count} further conditions holds" if count != 1 else _part(condition.children[0], ruleset)


def _parts(children: Sequence[Condition], ruleset: Ruleset | None) -> list[str]:
    """The first two plain conditions in words, the rest (and every nested group) counted."""
    plain = [c for c in children if isinstance(c, Leaf) or (isinstance(c, Not) and isinstance(c.child, Leaf))]
    shown = [_part(c, ruleset) for c in plain[:2]]
    rest = len(children) - len(shown)
    if rest:
        shown.append(f"{rest} more condition{'s' if rest != 1 else ''}" if shown
                     else f"one of {rest} sets of conditions")
    return shown


def _join(parts: list[str], word: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def rule_gist(rule: Rule, ruleset: Ruleset | None = None) -> str:
    """One sentence: what the rule does, when (top level only), and the exceptions ("unless …")."""
    hands_over = any(isinstance(a, Escalate) for a in rule.actions)
    what = f"Hands over ({actions_text(rule.actions, ruleset)})" if hands_over else \
        f"Does this: {actions_text(rule.actions, ruleset)}"
    root = rule.when
    if isinstance(root, Group) and len(root.children) == 1:
        root = root.children[0]
    if isinstance(root, Group):
        positive: list[Condition] = [c for c in root.children if not isinstance(c, Not)]
        negative: list[Condition] = [c.child for c in root.children if isinstance(c, Not)]
        word = "and" if root.kind == "all" else "or"
        if root.kind == "any":
            positive, negative = list(root.children), []
        when = _join(_parts(positive, ruleset), word) or "always"
        unless = f", unless {_join(_parts(negative, ruleset), 'or')}" if negative else ""
    elif isinstance(root, Not):
        when, unless = "always", f", unless {_part(root.child, ruleset)}"
    else:
        when, unless = _part(root, ruleset), ""
    return f"{what} when {when}{unless}."
