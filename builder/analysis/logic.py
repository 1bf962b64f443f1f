"""Condition logic for analysis: negation pushed to the leaves, DNF, satisfiability, implication.

Every answer errs on the safe side: "cannot hold" and "implies" are only claimed when true for
any conversation, whatever the engine does with a fact that has no value. To stay sound a literal
records whether it might hold when its fact is missing (`missing_ok`): direct comparisons
(`gt`, `eq`, `in`, `is_true`, …) are taken to fail on a missing value, whereas `ne`, `not_in`,
`is_false` and everything reached through a `not` might hold then. A contradiction on one fact is
only reported when at least one of its literals needs the value to be present. Operators we cannot
reason about (`matches`, `similar_to`, `is_set`) only contradict their own negation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import product
from typing import Any

from builder.analysis.phrases import contains_phrase, phrase_list
from builder.format.model import Condition, Leaf, Not, WordGroup, group_words
from rules_schema.catalog import catalog

MAX_TERMS = 256  # beyond this many alternatives a rule is not analysed (never a false report)

NUMERIC_OPS = {"gt", "gte", "lt", "lte", "eq", "ne"}
_NEGATE = {
    "gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt", "eq": "ne", "ne": "eq",
    "in": "not_in", "not_in": "in", "is_true": "is_false", "is_false": "is_true",
    "contains_any": "contains_none", "contains_none": "contains_any",
}
_MAY_HOLD_WHEN_MISSING = {"ne", "not_in", "is_false", "contains_none"}
COMPUTED_GROUPS = {"message", "conversation", "bot", "time", "pages"}  # not visitor.* (sent as is)
TEXT_FACTS_WITHIN = {"message.text": "conversation.text"}  # the latest message is part of the whole


@dataclass(frozen=True)
class Literal:
    """One test after negations are pushed down; `negated` only for opaque operators."""

    fact: str
    param: str | None
    op: str
    value: Any
    path: str
    missing_ok: bool = False
    negated: bool = False
    origin: str = ""  # the written operator, with "not " when reached through a negation
    scope: str = ""  # how a text is read (typos tolerated, negated mentions ignored): only equal scopes compare

    @cached_property  # asked for in every implication test: worked out once per literal
    def key(self) -> tuple[str, str | None]:
        return (self.fact + self.scope, self.param)

    @cached_property
    def identity(self) -> tuple[Any, ...]:
        return (self.fact, self.param, self.op, _hashable(self.value), self.negated, self.origin, self.scope)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def fact_type(fact: str) -> str | None:
    entry = catalog().fact(fact)
    return entry.type if entry else None


# --- negation normal form and DNF ---------------------------------------------------------------

class Worded(str):
    """A "near" condition (or one naming an unknown word group) as one opaque value: the analysis
    compares it only with the same condition (its words are not a plain phrase list)."""


def phrase_values(value: Any) -> tuple[str, ...]:
    """A text condition's written phrases (one text or a list) as a tuple."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, tuple | list) else ()


def _text_scope(leaf: Leaf) -> str:
    """How a text condition reads the message. Conditions read differently ("lawyer" with typos
    tolerated matches "lawyr"; one ignoring negated mentions skips "no lawyer needed") are never
    compared, so no implication or contradiction is claimed between them (the safe side)."""
    return ("|typo" if leaf.typo else "") + ("|unnegated" if leaf.ignore_negated else "")


def _leaf_literals(leaf: Leaf, path: str, negate: bool, groups: tuple[WordGroup, ...] = ()) -> list[list[Literal]]:
    origin = ("not " if negate else "") + leaf.op
    op, value = leaf.op, leaf.value
    text = fact_type(leaf.fact) == "text"
    known = {g.id for g in groups}
    if op == "near" or (leaf.groups and (op not in _NEGATE or not set(leaf.groups) <= known)):
        value = Worded(json.dumps(leaf.to_dict(), sort_keys=True))
    elif leaf.groups:  # a group's words count as the condition's phrases
        value = phrase_values(value) + group_words(groups, leaf.groups)
    scope = _text_scope(leaf) if text else ""
    if scope:
        return [[replace(lit, scope=scope) for lit in term]
                for term in _plain_literals(leaf, path, negate, origin, op, value)]
    return _plain_literals(leaf, path, negate, origin, op, value)


def _plain_literals(leaf: Leaf, path: str, negate: bool, origin: str, op: str, value: Any) -> list[list[Literal]]:
    if op == "between" and isinstance(value, tuple) and len(value) == 2:
        low, high = sorted(value)  # the engine reads [20, 10] as [10, 20]
        if not negate:
            return [[Literal(leaf.fact, leaf.param, "gte", low, path, False, False, origin),
                     Literal(leaf.fact, leaf.param, "lte", high, path, False, False, origin)]]
        return [[Literal(leaf.fact, leaf.param, "lt", low, path, True, False, origin)],
                [Literal(leaf.fact, leaf.param, "gt", high, path, True, False, origin)]]
    if not negate:
        return [[Literal(leaf.fact, leaf.param, op, value, path, op in _MAY_HOLD_WHEN_MISSING, False, origin)]]
    if op in _NEGATE:
        text = fact_type(leaf.fact) == "text"
        text = fact_type(leaf.fact) == "text"
        return [[Literal(leaf.fact, leaf.param, _NEGATE[op], value, path, not text, False, origin)]]
    return [[Literal(leaf.fact, leaf.param, op, value, path, True, True, origin)]]


def dnf(condition: Condition, path: str, negate: bool = False,
        groups: tuple[WordGroup, ...] = ()) -> list[list[Literal]] | None:
    """The condition as alternatives of conjunctions (`groups`: the ruleset's word groups, whose
    words count as phrases); None when it would be too large to analyse."""
    if isinstance(condition, Leaf):
        return _leaf_literals(condition, path, negate, groups)
    if isinstance(condition, Not):
        return dnf(condition.child, f"{path}.not", not negate, groups)
    parts = []
    for i, child in enumerate(condition.children):
        sub = dnf(child, f"{path}.{condition.kind}[{i}]", negate, groups)
        if sub is None:
            return None
        parts.append(sub)
    conjunctive = (condition.kind == "all") != negate
    if conjunctive:
        terms: list[list[Literal]] = [[]]
        for sub in parts:
            if len(terms) * len(sub) > MAX_TERMS:
                return None
            terms = [a + b for a, b in product(terms, sub)]
        return terms
    flat = [term for sub in parts for term in sub]
    return flat if len(flat) <= MAX_TERMS else None


# --- the state of one fact inside a conjunction -------------------------------------------------

@dataclass
class FactState:
    """What a conjunction says about one fact (only literals that need a value shape the range)."""

    kind: str | None
    literals: list[Literal] = field(default_factory=list)
    lo: float = -math.inf
    lo_open: bool = False
    hi: float = math.inf
    hi_open: bool = False
    excluded_points: set[float] = field(default_factory=set)
    allowed: set[Any] | None = None
    excluded: set[Any] = field(default_factory=set)
    truth: set[bool] = field(default_factory=set)
    any_lists: list[tuple[Literal, tuple[tuple[str, ...], ...]]] = field(default_factory=list)
    none_phrases: list[tuple[Literal, tuple[str, ...]]] = field(default_factory=list)
    opaque: dict[tuple[Any, ...], set[bool]] = field(default_factory=dict)

    @property
    def needs_value(self) -> bool:
        return any(not lit.missing_ok for lit in self.literals)

    def tighten_low(self, bound: float, open_: bool) -> None:
        if bound > self.lo or (bound == self.lo and open_):
            self.lo, self.lo_open = bound, open_

    def tighten_high(self, bound: float, open_: bool) -> None:
        if bound < self.hi or (bound == self.hi and open_):
            self.hi, self.hi_open = bound, open_

    def add(self, lit: Literal) -> None:
        self.literals.append(lit)
        op, value = lit.op, lit.value
        if lit.negated or op in ("matches", "similar_to", "is_set", "near") or isinstance(value, Worded):
            self.opaque.setdefault((op, _hashable(value)), set()).add(not lit.negated)
        elif op in ("contains_any",):
            self.any_lists.append((lit, phrase_list(value)))
        elif op == "contains_none":
            self.none_phrases.extend((lit, p) for p in phrase_list(value))
        elif op in ("is_true", "is_false"):
            self.truth.add(op == "is_true")
        elif self.kind == "number" and op in NUMERIC_OPS and _is_number(value):
            number = float(value)
            if op == "ne":
                self.excluded_points.add(number)
            else:
                if op in ("gt", "gte", "eq"):
                    self.tighten_low(number, op == "gt")
                if op in ("lt", "lte", "eq"):
                    self.tighten_high(number, op == "lt")
        elif op in ("eq", "in"):
            values = value_set(value)
            self.allowed = values if self.allowed is None else self.allowed & values
        elif op in ("ne", "not_in"):
            self.excluded |= value_set(value)

    def apply_domain(self, fact: str) -> None:
        """The catalog's range, for facts the engine computes (the website may send any score)."""
        entry = catalog().fact(fact)
        if entry is not None and self.kind == "number" and fact.split(".")[0] in COMPUTED_GROUPS:
            if entry.minimum is not None:
                self.tighten_low(float(entry.minimum), False)
            if entry.maximum is not None:
                self.tighten_high(float(entry.maximum), False)

    def empty_range(self) -> bool:
        if self.lo > self.hi:
            return True
        if self.lo == self.hi:
            return self.lo_open or self.hi_open or self.lo in self.excluded_points
        return False


def value_set(value: Any) -> set[Any]:
    """Choice values as the engine compares them: text case-insensitively."""
    items = value if isinstance(value, tuple) else (value,)
    return {v.casefold() if isinstance(v, str) else v for v in items}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Conflict:
    """Why a conjunction cannot hold: the literals that cannot all be true together."""

    literals: tuple[Literal, ...]


def states(term: Sequence[Literal]) -> dict[tuple[str, str | None], FactState]:
    out: dict[tuple[str, str | None], FactState] = {}
    for lit in term:
        state = out.get(lit.key)
        if state is None:
            state = out[lit.key] = FactState(fact_type(lit.fact))
            state.apply_domain(lit.fact)
        state.add(lit)
    return out


def _fact_conflict(state: FactState) -> tuple[Literal, ...] | None:
    """The literals of one fact that contradict each other (under any value, present or not)."""
    for (op, value), polarities in state.opaque.items():
        if len(polarities) == 2:
            return tuple(lit for lit in state.literals if lit.op == op and _hashable(lit.value) == value)
    if not state.needs_value:
        return None
    required = tuple(lit for lit in state.literals if not lit.missing_ok) + tuple(
        lit for lit in state.literals if lit.missing_ok)
    if state.truth == {True, False}:
        return tuple(lit for lit in required if lit.op in ("is_true", "is_false"))
    if state.kind == "number" and state.empty_range():
        return tuple(lit for lit in required if lit.op in NUMERIC_OPS)
    if state.allowed is not None and not (state.allowed - state.excluded):
        return tuple(lit for lit in required if lit.op in ("eq", "in", "ne", "not_in"))
    return None


def _blocked(phrase: tuple[str, ...], nones: Sequence[tuple[Literal, tuple[str, ...]]]) -> Literal | None:
    return next((lit for lit, q in nones if contains_phrase(phrase, q)), None)


def conflict(term: Sequence[Literal]) -> Conflict | None:
    """Why this conjunction can never hold, or None when it might."""
    by_fact = states(term)
    for state in by_fact.values():
        found = _fact_conflict(state)
        if found:
            return Conflict(found)
    for key, state in by_fact.items():
        nones = list(state.none_phrases)
        fact, bar, scope = key[0].partition("|")
        outer = TEXT_FACTS_WITHIN.get(fact)
        if outer is not None and (outer + bar + scope, key[1]) in by_fact:
            nones += by_fact[(outer + bar + scope, key[1])].none_phrases
        for lit, phrases in state.any_lists:
            blockers = [_blocked(p, nones) for p in phrases]
            if all(b is not None for b in blockers):
                unique = {id(b): b for b in blockers if b is not None}
                return Conflict((lit, *unique.values()))
    return None


# --- implication ---------------------------------------------------------------------------------

def _numeric_implied(state: FactState, lit: Literal) -> bool:
    if not _is_number(lit.value) or not state.needs_value:
        return False
    x = float(lit.value)
    if lit.op == "ne":
        return x in state.excluded_points or not _in_range(state, x)
    lo, lo_open, hi, hi_open = -math.inf, False, math.inf, False
    if lit.op in ("gt", "gte", "eq"):
        lo, lo_open = x, lit.op == "gt"
    if lit.op in ("lt", "lte", "eq"):
        hi, hi_open = x, lit.op == "lt"
    low_ok = state.lo > lo or (state.lo == lo and (state.lo_open or not lo_open))
    high_ok = state.hi < hi or (state.hi == hi and (state.hi_open or not hi_open))
    return low_ok and high_ok


def _in_range(state: FactState, x: float) -> bool:
    above = x > state.lo or (x == state.lo and not state.lo_open)
    below = x < state.hi or (x == state.hi and not state.hi_open)
    return above and below


def _text_implied(by_fact: dict[tuple[str, str | None], FactState], lit: Literal) -> bool:
    sources = [by_fact.get(lit.key)]
    if lit.op == "contains_any":
        sources += [by_fact.get((inner + lit.scope, lit.param)) for inner, outer in TEXT_FACTS_WITHIN.items()
                    if outer == lit.fact]
        wanted = phrase_list(lit.value)
        return any(
            phrases and all(any(contains_phrase(q, p) for p in wanted) for q in phrases)
            for state in sources if state is not None for _, phrases in state.any_lists
        )
    sources += [by_fact.get((outer + lit.scope, lit.param)) for outer in
                ([TEXT_FACTS_WITHIN[lit.fact]] if lit.fact in TEXT_FACTS_WITHIN else [])]
    nones = [entry for state in sources if state is not None for entry in state.none_phrases]
    return all(_blocked(p, nones) is not None for p in phrase_list(lit.value))


def literal_implied(by_fact: dict[tuple[str, str | None], FactState], term: Sequence[Literal],
                    lit: Literal) -> bool:
    """Whenever the conjunction (summarised by `by_fact`) holds, `lit` holds too."""
    if any(other.identity == lit.identity for other in term):
        return True
    if isinstance(lit.value, Worded):
        return False
    if lit.op in ("contains_any", "contains_none") and fact_type(lit.fact) == "text":
        return _text_implied(by_fact, lit)
    state = by_fact.get(lit.key)
    if state is None or lit.negated:
        return False
    if lit.op == "is_true":
        return True in state.truth and any(o.op == "is_true" and not o.missing_ok for o in state.literals)
    if state.kind == "number" and lit.op in NUMERIC_OPS:
        return _numeric_implied(state, lit)
    if lit.op in ("eq", "in", "ne", "not_in") and state.needs_value and state.allowed is not None:
        values = value_set(lit.value)
        possible = state.allowed - state.excluded
        return possible <= values if lit.op in ("eq", "in") else not (possible & values)
    if lit.op in ("ne", "not_in"):
        values = value_set(lit.value)
        same_op = {v for o in state.literals if o.op == lit.op and o.origin == lit.origin
                   for v in value_set(o.value)}
        return values <= same_op
    return False


def term_implies(term: Sequence[Literal], alternatives: Sequence[Sequence[Literal]]) -> bool:
    """Whenever `term` holds, at least one of the `alternatives` (a DNF) holds."""
    by_fact = states(term)
    return any(all(literal_implied(by_fact, term, lit) for lit in alt) for alt in alternatives)


def implies(b_terms: Sequence[Sequence[Literal]], a_terms: Sequence[Sequence[Literal]]) -> bool:
    """Condition B implies condition A (both as DNF); only satisfiable terms of B need checking."""
    live = [t for t in b_terms if conflict(t) is None]
    return bool(live) and all(term_implies(t, a_terms) for t in live)
