"""Edits of a condition tree addressed by paths, as pure functions (no Qt).

The rule editor never mutates the model: every gesture (add, delete, negate, drag) computes a new
immutable `Condition` here and the widget pushes it as one undo command. Keeping these functions out
of the widget lets them be tested without a QApplication and reused by anything else that edits
trees (a future CLI fixer, the analysis's quick fixes).

A node is addressed by a `Path`: the child indexes from the root down, where a `not` has its single
child at index 0. Every function returns a new tree and shares the untouched subtrees with the old
one, so views can compare identities to see what changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from builder.format.model import Condition, Group, Leaf, Not

Path = tuple[int, ...]

_SUFFIX_TOKEN = re.compile(r"\.(all|any)\[(\d+)\]|\.not|\.(\w+)")


def children(node: Condition) -> tuple[Condition, ...]:
    """The children of `node` as a path sees them: a group's list, a `not`'s one child, a leaf's none."""
    if isinstance(node, Group):
        return node.children
    return (node.child,) if isinstance(node, Not) else ()


def with_children(node: Condition, kids: tuple[Condition, ...]) -> Condition:
    """`node` with new children (the inverse of `children` for groups and `not`s)."""
    return replace(node, children=kids) if isinstance(node, Group) else Not(kids[0])


def node_at(root: Condition, path: Path) -> Condition:
    """The node `path` addresses; IndexError when the path leaves the tree."""
    for index in path:
        root = children(root)[index]
    return root


def replace_at(root: Condition, path: Path, new: Condition) -> Condition:
    """A tree where the node at `path` is `new`; siblings and other branches are shared, not copied."""
    if not path:
        return new
    kids = list(children(root))
    kids[path[0]] = replace_at(kids[path[0]], path[1:], new)
    return with_children(root, tuple(kids))


def remove_at(root: Condition, path: Path) -> Condition:
    """Remove the node at `path` (not the root); a `not` left without its child goes too, since
    an empty `not` is not a valid condition."""
    parent_path = path[:-1]
    parent = node_at(root, parent_path)
    if isinstance(parent, Not):
        return remove_at(root, parent_path)
    kids = list(children(parent))
    kids.pop(path[-1])
    return replace_at(root, parent_path, with_children(parent, tuple(kids)))


def insert_at(root: Condition, group_path: Path, index: int, node: Condition) -> Condition:
    """Insert `node` into the group at `group_path` before `index`; an index out of range is
    clamped, so a drop below the last child appends."""
    group = node_at(root, group_path)
    kids = list(children(group))
    kids.insert(max(0, min(index, len(kids))), node)
    return replace_at(root, group_path, with_children(group, tuple(kids)))


def move_node(root: Condition, src: Path, group_path: Path, index: int) -> Condition | None:
    """Move `src` into the group at `group_path` before `index` (both in the tree before the move);
    None when it makes no sense (into itself, or where it already is), so no empty undo step is made.

    Removing `src` first shifts later siblings up by one; the target path and index are corrected
    for that before inserting. When `src` is the child of a `not`, `remove_at` drops the `not` too,
    so the correction applies to the outermost node that disappears.
    """
    if group_path[:len(src)] == src:
        return None  # into itself
    node = node_at(root, src)
    removed = src
    while len(removed) > 1 and isinstance(node_at(root, removed[:-1]), Not):
        removed = removed[:-1]  # the `not` left empty goes with its child
    parent, depth = removed[:-1], len(removed) - 1
    if removed == src and group_path == parent and index in (src[-1], src[-1] + 1):
        return None  # dropped where it already is
    if group_path[:depth] == parent and len(group_path) > depth and group_path[depth] > removed[-1]:
        group_path = group_path[:depth] + (group_path[depth] - 1,) + group_path[depth + 1:]
    elif group_path == parent and index > removed[-1]:
        index -= 1
    return insert_at(remove_at(root, src), group_path, index, node)


def shape(node: Condition) -> Any:
    """What decides which widgets exist: structure, facts and operators, not values. Two trees of
    one shape can be shown by updating widgets in place, which keeps the keyboard focus."""
    if isinstance(node, Leaf):
        return ("leaf", node.fact, node.op)
    if isinstance(node, Not):
        return ("not", shape(node.child))
    return ("group", tuple(shape(c) for c in node.children))


def json_suffix(root: Condition, path: Path) -> str:
    """The JSON path below `when` of the node at `path`, e.g. `.any[1].all[0]`: the address the
    validator and the analysis use for problems."""
    out, node = "", root
    for index in path:
        out += f".{node.kind}[{index}]" if isinstance(node, Group) else ".not"
        node = children(node)[index]
    return out


def parse_suffix(root: Condition, suffix: str) -> tuple[Path, str]:
    """`.any[1].all[0].value` -> ((1, 0), "value"): the deepest node found and the field after it.

    A suffix that no longer fits the tree (the problem is older than the last edit) stops at the
    deepest node it still names, so the problem is shown near where it was rather than lost.
    """
    path: Path = ()
    node = root
    for token in _SUFFIX_TOKEN.finditer(suffix):
        kids = children(node)
        if token.group(1) and isinstance(node, Group) and int(token.group(2)) < len(kids):
            path, node = path + (int(token.group(2)),), kids[int(token.group(2))]
        elif token.group(0) == ".not" and isinstance(node, Not):
            path, node = path + (0,), node.child
        else:
            return path, token.group(3) or ""
    return path, ""
