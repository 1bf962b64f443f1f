"""Condition-tree edits by path: each function on a known tree, then properties over random trees."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.editing.condition_edits import (
    Path,
    children,
    insert_at,
    json_suffix,
    move_node,
    node_at,
    parse_suffix,
    remove_at,
    replace_at,
    shape,
    with_children,
)
from builder.format.model import Condition, Group, Leaf, Not, iter_leaves
from tests.conftest import examples

A, B, C = (
    Leaf("visitor.score", "gt", 80),
    Leaf("cart.abandoned", "is_true"),
    Leaf("message.text", "contains_any", ("x",)),
)
D = Leaf("bot.fallback_count", "eq", 3)
TREE = Group("any", (A, Group("all", (B, Not(C)))))


# --- one function at a time --------------------------------------------------------------------


def test_children_of_each_kind_of_node() -> None:
    assert children(TREE) == (A, Group("all", (B, Not(C))))
    assert children(Not(C)) == (C,)
    assert children(A) == ()


def test_with_children_keeps_the_group_kind_and_rewraps_a_not() -> None:
    assert with_children(Group("any", (A,)), (B, C)) == Group("any", (B, C))
    assert with_children(Not(A), (B,)) == Not(B)


def test_node_at_follows_group_indexes_and_the_child_of_a_not() -> None:
    assert node_at(TREE, ()) is TREE
    assert node_at(TREE, (1, 1)) == Not(C)
    assert node_at(TREE, (1, 1, 0)) == C
    with pytest.raises(IndexError):
        node_at(TREE, (5,))


def test_replace_at_shares_the_untouched_branches() -> None:
    new = replace_at(TREE, (1, 0), D)
    assert new == Group("any", (A, Group("all", (D, Not(C)))))
    assert isinstance(new, Group) and new.children[0] is A
    assert replace_at(TREE, (), D) == D
    assert node_at(TREE, (1, 0)) == B  # the original is untouched


def test_remove_at_drops_a_child_and_a_not_left_empty() -> None:
    assert remove_at(TREE, (0,)) == Group("any", (Group("all", (B, Not(C))),))
    assert remove_at(TREE, (1, 1, 0)) == Group("any", (A, Group("all", (B,))))


def test_insert_at_clamps_the_index() -> None:
    assert insert_at(TREE, (1,), 0, D) == Group("any", (A, Group("all", (D, B, Not(C)))))
    assert insert_at(TREE, (), 99, D) == Group("any", (A, Group("all", (B, Not(C))), D))
    assert insert_at(TREE, (), -3, D) == Group("any", (D, A, Group("all", (B, Not(C)))))


def test_move_node_into_a_later_sibling_group_corrects_the_shifted_path() -> None:
    assert move_node(TREE, (0,), (1,), 0) == Group("any", (Group("all", (A, B, Not(C))),))


def test_move_node_within_a_group_counts_the_index_before_the_move() -> None:
    tree = Group("all", (A, B, C))
    assert move_node(tree, (0,), (), 3) == Group("all", (B, C, A))
    assert move_node(tree, (2,), (), 0) == Group("all", (C, A, B))


def test_move_node_refuses_moves_into_itself_or_in_place() -> None:
    assert move_node(TREE, (1,), (1,), 0) is None
    assert move_node(TREE, (1,), (1, 0), 0) is None
    assert move_node(TREE, (0,), (), 0) is None
    assert move_node(TREE, (0,), (), 1) is None


def test_shape_ignores_values_but_not_facts_or_operators() -> None:
    assert shape(replace_at(TREE, (0,), Leaf("visitor.score", "gt", 5))) == shape(TREE)
    assert shape(replace_at(TREE, (0,), Leaf("visitor.score", "lt", 80))) != shape(TREE)
    assert shape(Not(A)) != shape(A)


def test_json_suffix_names_groups_by_kind_and_nots_by_word() -> None:
    assert json_suffix(TREE, ()) == ""
    assert json_suffix(TREE, (1, 1, 0)) == ".any[1].all[1].not"


def test_parse_suffix_returns_the_deepest_node_and_the_field() -> None:
    assert parse_suffix(TREE, ".any[1].all[1].not.value") == ((1, 1, 0), "value")
    assert parse_suffix(TREE, ".any[0].op") == ((0,), "op")
    assert parse_suffix(TREE, ".any[7].value") == ((), "")  # out of range: the nearest node
    assert parse_suffix(TREE, ".any[1].not") == ((1,), "")  # a `not` where there is none


# --- properties over random trees --------------------------------------------------------------

LEAVES = st.builds(
    Leaf,
    st.sampled_from(["visitor.score", "cart.abandoned", "message.text"]),
    st.sampled_from(["gt", "eq"]),
    st.integers(0, 9),
)


def _extend(inner: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
    groups = st.builds(Group, st.sampled_from(["all", "any"]), st.lists(inner, max_size=3).map(tuple))
    return st.one_of(groups, st.builds(Not, inner))


TREES = st.builds(
    Group, st.sampled_from(["all", "any"]), st.lists(st.recursive(LEAVES, _extend, max_leaves=8), max_size=4).map(tuple)
)


def _paths(node: Condition, path: Path = ()) -> list[Path]:
    """Every path in the tree, root first."""
    out = [path]
    for index, child in enumerate(children(node)):
        out.extend(_paths(child, path + (index,)))
    return out


def _group_paths(node: Condition) -> list[Path]:
    return [p for p in _paths(node) if isinstance(node_at(node, p), Group)]


def _leaf_counts(node: Condition) -> Counter[Leaf]:
    return Counter(iter_leaves(node))


def _drop_target(tree: Condition, data: st.DataObject) -> tuple[Path, int]:
    """A group of `tree` and a position in it, from before its first child to after its last."""
    group_path = data.draw(st.sampled_from(_group_paths(tree)))
    return group_path, data.draw(st.integers(0, len(children(node_at(tree, group_path)))))


PROPERTY = settings(max_examples=examples(60), deadline=None)


@PROPERTY
@given(TREES, st.data())
def test_insert_then_remove_returns_the_original(tree: Group, data: st.DataObject) -> None:
    group_path, index = _drop_target(tree, data)
    inserted = insert_at(tree, group_path, index, D)
    assert node_at(inserted, group_path + (index,)) == D
    assert remove_at(inserted, group_path + (index,)) == tree


@PROPERTY
@given(TREES, st.data())
def test_move_node_keeps_every_leaf(tree: Group, data: st.DataObject) -> None:
    # The editor moves a negated node together with its `not`, so a source is always a group's child.
    movable = [p for p in _paths(tree)[1:] if isinstance(node_at(tree, p[:-1]), Group)]
    src = data.draw(st.sampled_from(movable or [(0,)]))
    group_path, index = _drop_target(tree, data)
    moved = move_node(tree, src, group_path, index) if movable else None
    if moved is None:  # refused only into itself or where it already is
        assert (
            not movable or group_path[: len(src)] == src or (group_path == src[:-1] and index in (src[-1], src[-1] + 1))
        )
        return
    assert _leaf_counts(moved) == _leaf_counts(tree)
    assert node_at(tree, src) in [node_at(moved, p) for p in _paths(moved)]


@PROPERTY
@given(TREES, st.data())
def test_json_suffix_and_parse_suffix_round_trip(tree: Group, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_paths(tree)))
    assert parse_suffix(tree, json_suffix(tree, path) + ".value") == (path, "value")
    assert parse_suffix(tree, json_suffix(tree, path)) == (path, "")


@PROPERTY
@given(TREES, st.data())
def test_replace_at_with_the_same_node_is_equal_and_shaped_alike(tree: Group, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(_paths(tree)))
    again = replace_at(tree, path, node_at(tree, path))
    assert again == tree and shape(again) == shape(tree)


def test_moving_the_child_of_a_not_into_a_later_group_drops_the_empty_not() -> None:
    a, b, c = (Leaf("visitor.score", "gt", n) for n in (1, 2, 3))
    root = Group("all", (Not(a), b, Group("any", (c,))))
    moved = move_node(root, (0, 0), (2,), 0)
    assert moved == Group("all", (b, Group("any", (a, c))))
