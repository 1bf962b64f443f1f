"""The hot-path closures: `all`/`any` unrolled, phrase leaves folded into set operations."""

from __future__ import annotations

from typing import Any

from builder.engine.nodes import CGroup, CLeaf, CNode, Test
from builder.engine.registry import signal
from builder.engine.state import State


def combine(kind: str, tests: tuple[Test, ...]) -> Test:
    """`all`/`any` over child closures, unrolled for the common small sizes."""
    if kind == "all":
        if not tests:
            return lambda st: True
        if len(tests) == 1:
            return tests[0]
        if len(tests) == 2:
            a, b = tests
            return lambda st: a(st) and b(st)
        if len(tests) == 3:
            a, b, c = tests
            return lambda st: a(st) and b(st) and c(st)

        def all_(st: State) -> bool:
            for t in tests:
                if not t(st):
                    return False
            return True
        return all_
    if not tests:
        return lambda st: False
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda st: a(st) or b(st)
    if len(tests) == 3:
        a, b, c = tests
        return lambda st: a(st) or b(st) or c(st)

    def any_(st: State) -> bool:
        for t in tests:
            if t(st):
                return True
        return False
    return any_


def _cost(node: CNode) -> int:
    """A rough price of evaluating a node, to test cheap children first (results never depend on
    order: conditions have no side effects beyond caching). A fact's price is its Signal's."""
    if isinstance(node, CLeaf):
        if node.leaf.op == "similar_to":
            return 60
        if node.pattern_id is not None:
            return 4
        sig = signal(node.leaf.fact)
        return sig.cost if sig is not None else 2
    return sum(_cost(c) for c in node.children) + 1


def _phrase_leaf(node: CNode) -> str | None:
    """The operator of a phrase condition on the latest message (only text leaves have phrase ids)."""
    if isinstance(node, CLeaf) and node.phrase_ids and not node.conversation:
        return node.leaf.op
    return None


def fast_test(node: CNode) -> Test:
    """The hot-path closure of a node: phrase leaves of a group folded into set operations on the
    message's phrase hits (one `isdisjoint` for all of an `any`'s phrase lists), the other children
    ordered cheapest first. Same truth value as `node.test`; the trace keeps the written tree."""
    if isinstance(node, CLeaf):
        return node.test
    if node.kind == "not":
        inner = fast_test(node.children[0])
        return lambda st: not inner(st)
    any_sets: list[frozenset[int]] = []
    none_sets: list[frozenset[int]] = []
    rest: list[CNode] = []
    for child in _flatten(node):
        kind = _phrase_leaf(child)
        if kind in ("contains_any", "near"):  # a "near" holds when its id is among the hits
            any_sets.append(child.phrase_ids)  # type: ignore[union-attr]
        elif kind == "contains_none":
            none_sets.append(child.phrase_ids)  # type: ignore[union-attr]
        else:
            rest.append(child)
    others = _tests(node.kind, [(c, None) for c in rest])
    if node.kind == "all":
        return _fast_all(tuple(any_sets), frozenset().union(*none_sets), others)
    return _fast_any(frozenset().union(*any_sets), tuple(none_sets), others)


MERGE_NUMBERS = True


def _numbers(kind: str, specs: tuple[tuple[Any, Any, float], ...]) -> Test:
    """Several numeric comparisons of one group in a single loop (one frame instead of one each)."""
    if kind == "all":
        def all_numbers(st: State) -> bool:
            for get, compare, x in specs:
                v = get(st)
                if v is None or not compare(v, x):
                    return False
            return True
        return all_numbers

    def any_numbers(st: State) -> bool:
        for get, compare, x in specs:
            v = get(st)
            if v is not None and compare(v, x):
                return True
        return False
    return any_numbers


def _tests(kind: str, children: list[tuple[CNode, Test | None]]) -> tuple[Test, ...]:
    """Child closures, cheapest first, numeric comparisons merged into one loop. A child comes
    with its closure already built (None: build it with `fast_test`)."""
    specs = [c.spec for c, _ in sorted(children, key=lambda p: _cost(p[0]))
             if isinstance(c, CLeaf) and c.spec is not None]  # cheap facts first (sentiment last)
    merge = MERGE_NUMBERS and len(specs) >= 2
    priced: list[tuple[int, Test]] = []
    if merge:
        priced.append((1, _numbers(kind, tuple(specs))))  # type: ignore[arg-type]
    for child, test in children:
        if merge and isinstance(child, CLeaf) and child.spec is not None:
            continue
        priced.append((_cost(child), test if test is not None else fast_test(child)))
    priced.sort(key=lambda p: p[0])
    return tuple(t for _, t in priced)


def _flatten(node: CGroup) -> list[CNode]:
    """Children of a group with nested groups of the same kind spliced in (any[any[a, b], c] is
    any[a, b, c]) so that their phrase lists fold together."""
    out: list[CNode] = []
    for child in node.children:
        if isinstance(child, CGroup) and child.kind == node.kind:
            out.extend(_flatten(child))
        else:
            out.append(child)
    return out


def _fast_all(need: tuple[frozenset[int], ...], banned: frozenset[int], others: tuple[Test, ...]) -> Test:
    rest = combine("all", others)
    if not need and not banned:
        return rest
    if len(need) == 1 and not banned:
        a = need[0]
        if not others:
            return lambda st: not a.isdisjoint(st.hits)
        if len(others) == 1:
            o = others[0]
            return lambda st: not a.isdisjoint(st.hits) and o(st)
        return lambda st: not a.isdisjoint(st.hits) and rest(st)
    if not need:
        return lambda st: banned.isdisjoint(st.hits) and rest(st)

    def all_phrases(st: State) -> bool:
        hits = st.hits
        for a in need:
            if a.isdisjoint(hits):
                return False
        return banned.isdisjoint(hits) and rest(st)
    return all_phrases


def _fast_any(found: frozenset[int], absent: tuple[frozenset[int], ...], others: tuple[Test, ...]) -> Test:
    rest = combine("any", others)
    if not absent:
        if not found:
            return rest
        if not others:
            return lambda st: not found.isdisjoint(st.hits)
        if len(others) == 1:
            o = others[0]
            return lambda st: not found.isdisjoint(st.hits) or o(st)
        return lambda st: not found.isdisjoint(st.hits) or rest(st)

    def any_phrases(st: State) -> bool:
        hits = st.hits
        if found and not found.isdisjoint(hits):
            return True
        for n in absent:
            if n.isdisjoint(hits):
                return True
        return rest(st)
    return any_phrases


def _always(st: State) -> bool:
    return True


def without_hits(node: CNode) -> Test | None:
    """The node specialised for a message in which no phrase was found (most turns): phrase
    leaves become constants and fold away. None when the node can never hold then."""
    result = _fold(node)
    if result is True:
        return _always
    if result is False:
        return None
    return result


def _fold(node: CNode) -> Test | bool:
    if isinstance(node, CLeaf):
        kind = _phrase_leaf(node)
        if kind == "contains_any":
            return False
        if kind == "contains_none":
            return True
        sig = signal(node.leaf.fact)
        if sig is not None and sig.phrases is not None and node.leaf.op in ("is_true", "is_false"):
            return node.leaf.op == "is_false"  # a fact made of phrases is false without any
        return node.test
    if node.kind == "not":
        inner = _fold(node.children[0])
        if isinstance(inner, bool):
            return not inner
        return lambda st: not inner(st)
    parts: list[tuple[CNode, Test | None]] = []
    for child in _flatten(node):
        folded = _fold(child)
        if folded is True:
            if node.kind == "any":
                return True
            continue
        if folded is False:
            if node.kind == "all":
                return False
            continue
        parts.append((child, folded))
    if not parts:
        return node.kind == "all"
    return combine(node.kind, _tests(node.kind, parts))
