"""Checks of word groups and of the text options a condition uses (format version 2).

A group's includes must name groups that exist and must not lead back to the group itself (the
engine would stop at the loop, but the manager meant something else); a condition's `groups` and
`near` must name groups that exist, a "near" needs both sides, and the text options apply only to
phrase conditions.
"""

from __future__ import annotations

from typing import Any

from rules_schema.context import Context, items, name_of
from rules_schema.locations import Part
from rules_schema.problems import WARNING

PHRASE_OPS = ("contains_any", "contains_none", "near")


def check_word_groups(ctx: Context) -> None:
    for index, group in items(ctx.doc, "word_groups"):
        parts: list[Part] = ["word_groups", index]
        words = group.get("words")
        includes: list[Any] = group["includes"] if isinstance(group.get("includes"), list) else []
        if isinstance(words, list):
            for k, word in enumerate(words):
                if isinstance(word, str) and not any(ch.isalnum() for ch in word):
                    ctx.add([*parts, "words", k], f"word {k + 1} has no letters or digits to match", "value.empty")
            if not words and not includes:
                ctx.add([*parts, "words"], "the group has no words", "value.empty", WARNING)
        for k, included in enumerate(includes):
            ctx.ref([*parts, "includes", k], included, ctx.word_groups, "word group", "ref.word_group")
        loop = _loop(ctx.word_groups, group.get("id"))
        if loop:
            names = " → ".join(f"'{name_of(ctx.word_groups[g])}'" for g in loop)
            ctx.add([*parts, "includes"], f"the group includes itself ({names}); remove one of the includes",
                    "word_group.cycle")


def _loop(groups: dict[str, dict[str, Any]], start: Any) -> list[str]:
    """The chain of includes leading from `start` back to it, or [] when there is none."""
    if not isinstance(start, str):
        return []
    path: list[str] = [start]
    seen: set[str] = set()

    def visit(group_id: str) -> bool:
        group = groups.get(group_id)
        includes = group.get("includes") if isinstance(group, dict) else None
        for included in includes if isinstance(includes, list) else []:
            if included == start:
                path.append(included)
                return True
            if isinstance(included, str) and included not in seen and included in groups:
                seen.add(included)
                path.append(included)
                if visit(included):
                    return True
                path.pop()
        return False

    return path if visit(start) else []


def check_text_options(ctx: Context, leaf: dict[str, Any], op: str, parts: list[Part]) -> None:
    """Group references, the "near" side and options a non-phrase operator would ignore."""
    for key, node in (("groups", leaf), ("near", leaf.get("near"))):
        groups: Any = node.get("groups") if isinstance(node, dict) else None
        where = [*parts, "groups"] if key == "groups" else [*parts, "near", "groups"]
        for k, group in enumerate(groups if isinstance(groups, list) else []):
            ctx.ref([*where, k], group, ctx.word_groups, "word group", "ref.word_group")
    if op == "near":
        near = leaf.get("near")
        if not isinstance(near, dict) or not (near.get("value") or near.get("groups")):
            ctx.add([*parts, "near"], "'near' needs the words or groups the first ones must be near",
                    "value.missing")
    else:
        for key in ("near", "within"):
            if key in leaf:
                ctx.add([*parts, key], f"only a 'near' condition uses '{key}'; it is ignored", "value.unexpected",
                        WARNING)
    if op not in PHRASE_OPS:
        for key in ("groups", "ignore_negated"):
            if key in leaf:
                ctx.add([*parts, key], f"only a phrase condition uses '{key}'; it is ignored", "value.unexpected",
                        WARNING)
