"""Conditions: a catalog fact, read as its Signal says (`builder.engine.registry`), tested by an operator.

Text facts are read by their operators here (phrases, RE2 patterns, similarity); every other fact
through its Signal's reader. A fact without a Signal is a compile error, never a silent False.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from builder.engine.nodes import CLeaf, Getter, Test
from builder.engine.registry import reading, signal
from builder.engine.sources import Sources
from builder.format.model import DEFAULT_WITHIN, Leaf
from builder.text.matching import normalised_text
from builder.text.patterns import PatternSet
from builder.text.phrases import PhraseError
from rules_schema.catalog import catalog


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def _value_pred(op: str, value: Any, patterns: PatternSet, where: str, problems: list[str]) -> Callable[[Any], bool]:
    """A predicate on a fact value for the scalar operators `_fused` does not compile (a number
    compared with a number and the yes/no tests are fused with their reader instead)."""
    if op in ("gt", "gte", "lt", "lte"):
        problems.append(f"{where}: '{op}' needs a number, got {value!r}")
        return lambda v: False
    if op == "between":
        if not (isinstance(value, tuple) and len(value) == 2 and all(_num(x) for x in value)):
            problems.append(f"{where}: 'between' needs two numbers [low, high], got {value!r}")
            return lambda v: False
        lo, hi = float(min(value)), float(max(value))
        return lambda v: v is not None and lo <= v <= hi
    if op in ("eq", "ne"):
        if value is None or isinstance(value, tuple):
            problems.append(f"{where}: '{op}' needs one value, got {value!r}")
            return lambda v: False
        if op == "eq":
            return lambda v: v is not None and _same(v, value)
        return lambda v: v is None or not _same(v, value)
    if op in ("in", "not_in"):
        if not isinstance(value, tuple) or not value:
            problems.append(f"{where}: '{op}' needs a list of values, got {value!r}")
            return lambda v: False
        folded = frozenset(x.casefold() for x in value if isinstance(x, str))
        others = tuple(x for x in value if not isinstance(x, str))

        def member(v: Any) -> bool:
            if type(v) is str:
                return v.casefold() in folded
            return any(_same(v, x) for x in others)
        if op == "in":
            return lambda v: v is not None and member(v)
        return lambda v: v is None or not member(v)
    if op == "is_set":
        return lambda v: v is not None and v != ""
    if op == "matches":
        if not isinstance(value, str):
            problems.append(f"{where}: 'matches' needs a pattern text, got {value!r}")
            return lambda v: False
        try:
            pid = patterns.add(value)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            return lambda v: False
        return lambda v: v is not None and patterns.search(pid, str(v)) is not None
    problems.append(f"{where}: unknown operator '{op}'")
    return lambda v: False


def _phrases_of(src: Sources, value: object, groups: tuple[str, ...]) -> tuple[str, ...] | None:
    """The phrases of one side of a phrase condition: its own and its word groups' (None: not a
    list of phrases)."""
    own = (value,) if isinstance(value, str) else () if value is None else value
    if not isinstance(own, tuple) or not all(isinstance(p, str) for p in own):
        return None
    return tuple(dict.fromkeys((*own, *src.ruleset.words_of(groups))))  # type: ignore[arg-type]


def _text_leaf(leaf: Leaf, src: Sources, conv: bool, where: str, problems: list[str]) -> CLeaf:
    op, value = leaf.op, leaf.value
    actual: Getter = (lambda st: f"{st.visitor_count} visitor messages") if conv else (lambda st: st.text)
    if op in ("contains_any", "contains_none", "near"):
        phrases = _phrases_of(src, value, leaf.groups)
        second = _phrases_of(src, leaf.near.value, leaf.near.groups) if leaf.near is not None else ()
        if not phrases or (op == "near" and not second):
            problems.append(f"{where}: '{op}' needs a list of phrases, got {value!r}"
                            + (" and words to be near" if op == "near" else ""))
            return CLeaf(leaf, where, lambda st: False, actual)
        try:
            ids = src.matcher.add_all(phrases, typo=leaf.typo, negation=leaf.ignore_negated and op != "near")
            if op == "near":
                others = src.matcher.add_all(second or (), typo=leaf.typo)
                ids = frozenset({src.matcher.add_near(
                    ids, others, leaf.within or DEFAULT_WITHIN, negation=leaf.ignore_negated,
                    label=f"{_side(leaf.value, leaf.groups, src)} near {_side(leaf.near.value, leaf.near.groups, src)}"
                    if leaf.near is not None else "")})
        except PhraseError as exc:
            problems.append(f"{where}: {exc}")
            return CLeaf(leaf, where, lambda st: False, actual)
        if conv:
            src.needs.conv_hits = True
            test: Test = (lambda st: ids.isdisjoint(st.conv_hits)) if op == "contains_none" \
                else (lambda st: not ids.isdisjoint(st.conv_hits))
        else:
            test = (lambda st: ids.isdisjoint(st.hits)) if op == "contains_none" \
                else (lambda st: not ids.isdisjoint(st.hits))
        return CLeaf(leaf, where, test, actual, phrase_ids=ids, conversation=conv)
    if op == "similar_to":
        listed = (value,) if isinstance(value, str) else value
        if not isinstance(listed, tuple) or not listed or not all(isinstance(p, str) for p in listed):
            problems.append(f"{where}: '{op}' needs a list of phrases, got {value!r}")
            return CLeaf(leaf, where, lambda st: False, actual)
        norm = tuple(n for n in (normalised_text(str(p)) for p in listed) if n)
        threshold = float(src.settings.similarity_threshold)
        if conv:
            key = len(src.conv_similar_leaves)
            src.conv_similar_leaves.append((key, norm))
            return CLeaf(leaf, where, lambda st: st.conv_similar.get(key, 0.0) >= threshold,
                         lambda st: st.conv_similar.get(key, 0.0), conversation=True)
        return CLeaf(leaf, where, lambda st: st.similar_score(norm) >= threshold,
                     lambda st: st.similar_score(norm))
    if op == "matches":
        if not isinstance(value, str):
            problems.append(f"{where}: 'matches' needs a pattern text, got {value!r}")
            return CLeaf(leaf, where, lambda st: False, actual)
        try:
            pid = src.patterns.add(value)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            return CLeaf(leaf, where, lambda st: False, actual)
        if conv:
            if pid not in src.conv_pattern_ids:
                src.conv_pattern_ids.append(pid)
            return CLeaf(leaf, where, lambda st: pid in st.conv_patterns, actual, pattern_id=pid, conversation=True)
        return CLeaf(leaf, where, lambda st: pid in st.pattern_ids(), actual, pattern_id=pid)
    if op == "is_set":
        test = (lambda st: st.conv_nonempty) if conv else (lambda st: st.text.strip() != "")
        return CLeaf(leaf, where, test, actual, conversation=conv)
    problems.append(f"{where}: unknown operator '{op}'")
    return CLeaf(leaf, where, lambda st: False, actual)


def _side(value: object, groups: tuple[str, ...], src: Sources) -> str:
    """A side of a "near" in words: its groups' names and its own phrases, quoted."""
    names = [f"“{g.name}”" for g in (src.ruleset.word_group(i) for i in groups) if g is not None]
    own = [f"“{p}”" for p in ((value,) if isinstance(value, str) else value if isinstance(value, tuple) else ())]
    shown = names + own
    return ", ".join(shown[:3]) + (" …" if len(shown) > 3 else "")


def leaf_node(leaf: Leaf, src: Sources, where: str, problems: list[str]) -> CLeaf:
    """The compiled condition `leaf`; a problem (and a leaf that never holds) when it cannot be."""
    cat = catalog()
    fact = cat.fact(leaf.fact)
    sig = signal(leaf.fact)
    never: Test = lambda st: False  # noqa: E731
    if fact is None:
        problems.append(f"{where}: unknown fact '{leaf.fact}'")
        return CLeaf(leaf, where, never, lambda st: None)
    if sig is None:
        problems.append(f"{where}: the engine has no signal for fact '{leaf.fact}'")
        return CLeaf(leaf, where, never, lambda st: None)
    if leaf.op not in cat.operators:
        problems.append(f"{where}: unknown operator '{leaf.op}'")
        return CLeaf(leaf, where, never, lambda st: None)
    if leaf.op not in fact.operators:
        problems.append(f"{where}: '{fact.label}' cannot use '{cat.operators[leaf.op].label}' "
                        f"(allowed: {', '.join(fact.operators)})")
        return CLeaf(leaf, where, never, lambda st: None)
    if fact.type == "text":
        return _text_leaf(leaf, src, sig.conversation, where, problems)
    read = reading(sig, src, leaf, where, problems)
    if read is None:
        return CLeaf(leaf, where, never, lambda st: None)
    get, inline = read
    fused = _fused(leaf.op, leaf.value, get)
    if fused is not None:
        compare = _COMPARE.get(leaf.op)
        spec = (get, compare, float(leaf.value)) if compare is not None and _num(leaf.value) else None  # type: ignore[arg-type]
        return CLeaf(leaf, where, fused, get, spec=spec, inline=inline)
    pred = _value_pred(leaf.op, leaf.value, src.patterns, where, problems)
    return CLeaf(leaf, where, lambda st: pred(get(st)), get, inline=inline)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt,
                                                    "lte": operator.le}


def _fused(op: str, value: Any, g: Getter) -> Test | None:
    """One closure for getter + comparison on the hot numeric/boolean operators (saves a call)."""
    if op in ("gt", "gte", "lt", "lte") and _num(value):
        x = float(value)
        if op == "gt":
            return lambda st: (v := g(st)) is not None and v > x
        if op == "gte":
            return lambda st: (v := g(st)) is not None and v >= x
        if op == "lt":
            return lambda st: (v := g(st)) is not None and v < x
        return lambda st: (v := g(st)) is not None and v <= x
    if op == "is_true":
        return lambda st: g(st) is True
    if op == "is_false":
        return lambda st: g(st) is not True
    return None
