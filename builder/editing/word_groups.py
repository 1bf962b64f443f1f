"""Edits of the ruleset's word groups, as pure functions (no Qt), and who uses each group.

Why here and not in the page: every gesture of the Word groups page (add, rename, merge, delete,
edit words, include another group) is one new immutable `Ruleset` computed here and pushed as one
undo step by the widget, so the rules about groups (names unique, no include cycles, no deleting
a group a rule still needs) hold whatever edits them and are tested without a QApplication.

Refused edits raise `WordGroupError` with a sentence a support manager can read, naming groups and
rules by name, never by id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from builder.format.model import Condition, Group, Leaf, Not, Rule, Ruleset, WordGroup, iter_leaves


class WordGroupError(ValueError):
    """An edit of word groups that cannot be made (the message says why, in plain words)."""


@dataclass(frozen=True)
class GroupUser:
    """A rule that uses a word group: directly (`through` is None) or because one of its
    conditions names a group that includes it (`through` is that group's name)."""

    rule_id: str
    rule_name: str
    through: str | None = None


def quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _group(ruleset: Ruleset, group_id: str) -> WordGroup:
    group = ruleset.word_group(group_id)
    if group is None:
        raise WordGroupError("That word group no longer exists.")
    return group


def _with_group(ruleset: Ruleset, new: WordGroup) -> Ruleset:
    return replace(ruleset, word_groups=tuple(new if g.id == new.id else g for g in ruleset.word_groups))


def clean_words(words: Iterable[str]) -> tuple[str, ...]:
    """Words as a manager typed or pasted them: trimmed, blanks dropped, each once (ignoring case),
    in the order first given."""
    seen: dict[str, str] = {}
    for word in words:
        text = " ".join(word.split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return tuple(seen.values())


def group_id_for(name: str, taken: Iterable[str]) -> str:
    """A schema-valid id made from `name` ("People we can put you through to" ->
    "people-we-can-put-you-through-to"), unique among `taken`. Ids never change afterwards."""
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:56].strip("-") or "word-group"
    used = set(taken)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _check_name(ruleset: Ruleset, name: str, group_id: str | None = None) -> str:
    text = " ".join(name.split())
    if not text:
        raise WordGroupError("A word group needs a name.")
    if len(text) > 200:
        raise WordGroupError("A word group's name can be at most 200 characters long.")
    other = next((g for g in ruleset.word_groups if g.id != group_id and g.name.casefold() == text.casefold()), None)
    if other is not None:
        raise WordGroupError(f"There is already a word group called {quoted(other.name)}.")
    return text


def add_group(ruleset: Ruleset, name: str, words: Iterable[str] = ()) -> tuple[Ruleset, WordGroup]:
    """A new group at the end of the list; its id is made from its name."""
    text = _check_name(ruleset, name)
    group = WordGroup(group_id_for(text, (g.id for g in ruleset.word_groups)), text, clean_words(words))
    return replace(ruleset, word_groups=(*ruleset.word_groups, group)), group


def rename_group(ruleset: Ruleset, group_id: str, name: str) -> Ruleset:
    """The group under a new name (rules refer to it by id, so nothing else changes)."""
    group = _group(ruleset, group_id)
    return _with_group(ruleset, replace(group, name=_check_name(ruleset, name, group_id)))


def set_description(ruleset: Ruleset, group_id: str, description: str) -> Ruleset:
    return _with_group(ruleset, replace(_group(ruleset, group_id), description=description))


def set_words(ruleset: Ruleset, group_id: str, words: Iterable[str]) -> Ruleset:
    return _with_group(ruleset, replace(_group(ruleset, group_id), words=clean_words(words)))


def add_words(ruleset: Ruleset, group_id: str, words: Iterable[str]) -> Ruleset:
    """The group with `words` added after its own (ones it already has, in any case, are skipped)."""
    group = _group(ruleset, group_id)
    return set_words(ruleset, group_id, (*group.words, *words))


def remove_words(ruleset: Ruleset, group_id: str, words: Iterable[str]) -> Ruleset:
    gone = {w.casefold() for w in words}
    group = _group(ruleset, group_id)
    return set_words(ruleset, group_id, (w for w in group.words if w.casefold() not in gone))


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def include_chain(ruleset: Ruleset, start: str, goal: str) -> list[str]:
    """The ids from `start` down its includes to `goal` (both ends included), or [] when `start`
    does not lead to `goal`. Used to explain why an include would make a loop."""
    by_id = {g.id: g for g in ruleset.word_groups}
    seen: set[str] = set()

    def walk(group_id: str) -> list[str]:
        if group_id == goal:
            return [group_id]
        if group_id in seen or group_id not in by_id:
            return []
        seen.add(group_id)
        for included in by_id[group_id].includes:
            rest = walk(included)
            if rest:
                return [group_id, *rest]
        return []

    return walk(start)


def include_group(ruleset: Ruleset, group_id: str, other_id: str) -> Ruleset:
    """`group_id` includes `other_id` too; refused when that would make a group include itself."""
    group, other = _group(ruleset, group_id), _group(ruleset, other_id)
    if other_id == group_id:
        raise WordGroupError(f"{quoted(group.name)} cannot include itself.")
    if other_id in group.includes:
        return ruleset
    chain = include_chain(ruleset, other_id, group_id)
    if chain:
        path = " → ".join(quoted(_group(ruleset, g).name) for g in chain)
        raise WordGroupError(
            f"{quoted(group.name)} cannot include {quoted(other.name)}: {quoted(other.name)} already includes "
            f"{quoted(group.name)} ({path}), so each would include the other.")
    return _with_group(ruleset, replace(group, includes=(*group.includes, other_id)))


def exclude_group(ruleset: Ruleset, group_id: str, other_id: str) -> Ruleset:
    group = _group(ruleset, group_id)
    return _with_group(ruleset, replace(group, includes=tuple(g for g in group.includes if g != other_id)))


def can_include(ruleset: Ruleset, group_id: str, other_id: str) -> bool:
    """Whether `include_group` would accept it (the page greys out the others)."""
    return other_id != group_id and not include_chain(ruleset, other_id, group_id)


# --- who uses a group ----------------------------------------------------------------------------

def leaf_groups(leaf: Leaf) -> tuple[str, ...]:
    """The groups a condition names, on either side of a "near"."""
    near = leaf.near.groups if leaf.near is not None else ()
    return tuple(dict.fromkeys((*leaf.groups, *near)))


def rule_groups(rule: Rule) -> tuple[str, ...]:
    return tuple(dict.fromkeys(g for leaf in iter_leaves(rule.when) for g in leaf_groups(leaf)))


def group_users(ruleset: Ruleset) -> dict[str, list[GroupUser]]:
    """Which rules use each group, by group id, in rule order: directly, or through a group that
    includes it (one entry per rule and group; a direct use wins over an indirect one)."""
    by_id = {g.id: g for g in ruleset.word_groups}
    found: dict[str, dict[str, GroupUser]] = {}
    for rule in ruleset.rules:
        direct = rule_groups(rule)
        for group_id in direct:
            found.setdefault(group_id, {})[rule.id] = GroupUser(rule.id, rule.name)
        for group_id in direct:
            through = by_id[group_id].name if group_id in by_id else group_id
            for included in _included(by_id, group_id):
                users = found.setdefault(included, {})
                users.setdefault(rule.id, GroupUser(rule.id, rule.name, through))
    return {group_id: list(users.values()) for group_id, users in found.items()}


def _included(by_id: dict[str, WordGroup], group_id: str) -> list[str]:
    """Every group `group_id` includes, directly or further down, each once (not itself)."""
    out: dict[str, None] = {}
    stack = list(by_id[group_id].includes) if group_id in by_id else []
    while stack:
        current = stack.pop(0)
        if current in out or current == group_id:
            continue
        out[current] = None
        stack.extend(by_id[current].includes if current in by_id else ())
    return list(out)


def including_groups(ruleset: Ruleset, group_id: str) -> tuple[WordGroup, ...]:
    """The groups that include `group_id` directly."""
    return tuple(g for g in ruleset.word_groups if group_id in g.includes)


def delete_group(ruleset: Ruleset, group_id: str) -> Ruleset:
    """The ruleset without the group; refused while a rule or another group names it (merging it
    into another group is how to retire a group in use)."""
    group = _group(ruleset, group_id)
    rules = [r.name for r in ruleset.rules if group_id in rule_groups(r)]
    groups = [g.name for g in including_groups(ruleset, group_id)]
    if rules or groups:
        users = [f"the rule {quoted(n)}" for n in rules] + [f"the word group {quoted(n)}" for n in groups]
        shown = _listed(users[:3] + ([f"{len(users) - 3} more"] if len(users) > 3 else []))
        raise WordGroupError(
            f"{quoted(group.name)} is still used by {shown}. Remove it there first, or merge it into "
            f"another group.")
    return replace(ruleset, word_groups=tuple(g for g in ruleset.word_groups if g.id != group_id))


# --- merging ---------------------------------------------------------------------------------------

def _swap(ids: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(new if g == old else g for g in ids))


def swap_group(condition: Condition, old: str, new: str) -> Condition:
    """The condition with every mention of group `old` made a mention of `new` (on both sides of a
    "near"); an unchanged subtree is returned as is."""
    if isinstance(condition, Leaf):
        if old not in leaf_groups(condition):
            return condition
        near = condition.near
        if near is not None and old in near.groups:
            near = replace(near, groups=_swap(near.groups, old, new))
        return replace(condition, groups=_swap(condition.groups, old, new), near=near)
    if isinstance(condition, Not):
        child = swap_group(condition.child, old, new)
        return condition if child is condition.child else Not(child)
    kids = tuple(swap_group(c, old, new) for c in condition.children)
    return condition if all(a is b for a, b in zip(kids, condition.children, strict=True)) else Group(
        condition.kind, kids)


def merge_groups(ruleset: Ruleset, source_id: str, target_id: str) -> Ruleset:
    """`source` merged into `target`: the target gains the source's words and includes, every rule
    and group that named the source names the target instead, and the source is gone."""
    source, target = _group(ruleset, source_id), _group(ruleset, target_id)
    if source_id == target_id:
        raise WordGroupError("Choose another group to merge into.")
    includes = tuple(dict.fromkeys(g for g in (*target.includes, *source.includes) if g not in (source_id, target_id)))
    merged = replace(target, words=clean_words((*target.words, *source.words)), includes=includes)
    groups = []
    for group in ruleset.word_groups:
        if group.id == source_id:
            continue
        if group.id == target_id:
            groups.append(merged)
        elif source_id in group.includes:
            groups.append(replace(group, includes=tuple(g for g in _swap(group.includes, source_id, target_id)
                                                        if g != group.id)))
        else:
            groups.append(group)
    rules = tuple(r if source_id not in rule_groups(r) else replace(r, when=swap_group(r.when, source_id, target_id))
                  for r in ruleset.rules)
    out = replace(ruleset, word_groups=tuple(groups), rules=rules)
    for group in out.word_groups:
        loop = next((c for g in group.includes if (c := include_chain(out, g, group.id))), None)
        if loop:
            path = " → ".join(quoted(_group(out, g).name) for g in (group.id, *loop))
            raise WordGroupError(
                f"Merging {quoted(source.name)} into {quoted(target.name)} would make a group include itself "
                f"({path}). Remove one of those includes first.")
    return out
