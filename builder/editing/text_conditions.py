"""Edits of one text condition's word groups, "near" side and options, as pure functions (no Qt).

Why: a text condition carries more than its phrases (groups on either side of a "near", the
distance, typo tolerance, ignoring negated mentions), and changing its operator must not leave
behind options the new operator ignores (the validator would warn about a `near` on a "contains
any"). The rule editor's widgets compute each new `Leaf` here and push it as one undo step.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from builder.format.model import DEFAULT_WITHIN, Leaf, NearSide, Value

PHRASE_OPS = ("contains_any", "contains_none", "near")
MIN_WITHIN, MAX_WITHIN = 1, 50  # the format's bounds for "near"'s distance in words
Side = Literal["first", "near"]


def uses_text_options(op: str) -> bool:
    """Whether conditions with this operator take word groups, typo tolerance and negation."""
    return op in PHRASE_OPS


def with_operator(leaf: Leaf, op: str, value: Value) -> Leaf:
    """`leaf` with a new operator and value, dropping what the new operator does not use: the
    "near" side and distance outside "near", the groups and negation outside phrase operators.
    Typo tolerance is kept (it is on unless the manager turned it off)."""
    near, within = (leaf.near, leaf.within) if op == "near" else (None, None)
    phrase = uses_text_options(op)
    return replace(leaf, op=op, value=value, near=near, within=within,
                   groups=leaf.groups if phrase else (), ignore_negated=leaf.ignore_negated and phrase)


def side_groups(leaf: Leaf, side: Side) -> tuple[str, ...]:
    if side == "first":
        return leaf.groups
    return leaf.near.groups if leaf.near is not None else ()


def with_groups(leaf: Leaf, side: Side, groups: tuple[str, ...]) -> Leaf:
    """`leaf` naming `groups` (each once, in order) on one side: `first` is the condition's own
    phrases (for "near", the words that must be near), `near` the other side of a "near"."""
    groups = tuple(dict.fromkeys(groups))
    if side == "first":
        return replace(leaf, groups=groups)
    near = leaf.near or NearSide()
    return replace(leaf, near=replace(near, groups=groups))


def add_group(leaf: Leaf, side: Side, group_id: str) -> Leaf:
    return with_groups(leaf, side, (*side_groups(leaf, side), group_id))


def remove_group(leaf: Leaf, side: Side, group_id: str) -> Leaf:
    return with_groups(leaf, side, tuple(g for g in side_groups(leaf, side) if g != group_id))


def with_near_words(leaf: Leaf, words: tuple[str, ...]) -> Leaf:
    """The phrases of the other side of a "near"."""
    return replace(leaf, near=replace(leaf.near or NearSide(), value=tuple(words)))


def within(leaf: Leaf) -> int:
    """How many words apart the two sides of a "near" may be (the default when not set)."""
    return leaf.within if leaf.within is not None else DEFAULT_WITHIN


def with_within(leaf: Leaf, words: int) -> Leaf:
    """The distance, kept within the format's bounds."""
    return replace(leaf, within=max(MIN_WITHIN, min(MAX_WITHIN, int(words))))
