"""The rule index: which rules can possibly hold at this evaluation, found without walking them.

Each rule gets a *gate*: a set of atoms at least one of which must hold for the rule to hold (a
necessary condition, never a sufficient one: a rule that passes its gate is still evaluated in
full). Atoms are cheap facts that one lookup decides for every rule at once:

- a phrase of the message (the phrase matcher's hits, already computed),
- an RE2 pattern found in the message (one `re2.Set` scan for all patterns),
- a numeric threshold `fact op x` (per fact and operator, thresholds sorted: one comparison
  rejects them all, otherwise one `bisect` finds the rules whose threshold is crossed),
- a boolean fact that is true, a category (`bot.intent in [...]`) looked up in a dict.

Which atom a condition gives follows from its fact's catalog type (number, boolean, category,
text) and its Signal (`builder.engine.registry`): only facts cheap enough to read at every
evaluation are indexed, and a fact made of phrases (frustration) is indexed by those phrases.

The gate of `all` is the most selective gate among its children, of `any` the union of its
children's gates (no gate when one child has none), `not` has none. Rules without a gate are
evaluated at every turn, in rule order with the candidates the atoms found.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, TypeVar

from builder.engine.compiled import Compiled
from builder.engine.nodes import CGroup, CLeaf, CNode, Gates, Getter
from builder.engine.registry import signal
from builder.engine.sources import Sources
from rules_schema.catalog import catalog

# An atom: ("p", phrase id) | ("re", pattern id) | ("num", fact key, op, threshold) | ("bool", fact key)
# | ("cat", fact key, casefolded value). Ranked for choosing the gate of an `all` (lower first).
Atom = tuple[Any, ...]
# How the gate function reads a fact: the getter, and the same as an inline expression if any.
Reader = tuple[Getter, "str | None"]
_RANK = {"p": 0, "re": 1, "cat": 2, "num": 3, "bool": 4}

def _key(leaf: CLeaf) -> str:
    return leaf.leaf.fact if leaf.leaf.param is None else f"{leaf.leaf.fact}[{leaf.leaf.param}]"


def leaf_atoms(node: CLeaf, src: Sources, getters: dict[str, Reader]) -> frozenset[Atom] | None:
    """Atoms one of which holds whenever the leaf holds (None: the leaf is not indexed)."""
    leaf = node.leaf
    op = leaf.op
    sig, fact = signal(leaf.fact), catalog().fact(leaf.fact)
    if node.conversation or sig is None or fact is None or not sig.indexed:
        return None
    if fact.type == "text":
        if op in ("contains_any", "near") and node.phrase_ids:
            return frozenset(("p", pid) for pid in node.phrase_ids)
        if op == "matches" and node.pattern_id is not None:
            return frozenset({("re", node.pattern_id)})
        return None
    if sig.phrases is not None:
        return frozenset(("p", pid) for pid in sig.phrases(src)) if op == "is_true" else None
    key = _key(node)
    if fact.type == "number" and node.spec is not None and op in ("gt", "gte", "lt", "lte"):
        getters[key] = (node.actual, node.inline)
        return frozenset({("num", key, op, float(node.spec[2]))})
    if fact.type == "boolean" and op == "is_true":
        getters[key] = (node.actual, node.inline)
        return frozenset({("bool", key)})
    if fact.type == "category" and op in ("eq", "in"):
        values = (leaf.value,) if op == "eq" else leaf.value
        if not isinstance(values, tuple):
            return None
        texts = [v for v in values if isinstance(v, str)]
        if len(texts) != len(values):
            return None
        getters[key] = (node.actual, node.inline)
        return frozenset(("cat", key, v.casefold()) for v in texts)
    return None


def gate(node: CNode, src: Sources, getters: dict[str, Reader]) -> frozenset[Atom] | None:
    """The gate of a condition: atoms one of which holds whenever it holds (None: no gate)."""
    if isinstance(node, CLeaf):
        return leaf_atoms(node, src, getters)
    if not isinstance(node, CGroup) or node.kind == "not":
        return None
    gates = [gate(c, src, getters) for c in node.children]
    if node.kind == "all":
        known = [g for g in gates if g is not None]
        if not known:
            return None
        return min(known, key=lambda g: (max((_RANK[a[0]] for a in g), default=-1), len(g)))
    if any(g is None for g in gates):
        return None
    return frozenset().union(*[g for g in gates if g is not None])


# --- the gate function: every atom of every rule decided in one generated function --------------

_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


class _Source:
    """Python source of the gate function, with its constants kept as names (never as literals)."""

    def __init__(self) -> None:
        self.lines = ["def gates(st):"]
        self.names: dict[str, Any] = {"bisect_left": bisect_left, "bisect_right": bisect_right}

    def name(self, value: Any) -> str:
        name = f"_{len(self.names)}"
        self.names[name] = value
        return name

    def read(self, reader: tuple[Getter, str | None]) -> str:
        """The expression reading a fact: inline when it is a plain read, else a call."""
        getter, expression = reader
        return expression or f"{self.name(getter)}(st)"

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def _numeric(src: _Source, ops: dict[str, list[tuple[float, int]]], depth: int) -> None:
    """Thresholds of one fact: one comparison rejects them all, else a bisect finds the crossed ones."""
    for op, entries in ops.items():
        entries.sort()
        keys = tuple(x for x, _ in entries)
        poss = tuple(p for _, p in entries)
        if len(entries) == 1:
            src.line(depth, f"if v {_OPS[op]} {src.name(keys[0])}:")
            src.line(depth + 1, f"found.add({poss[0]})")
            continue
        k, p = src.name(keys), src.name(poss)
        if op == "gt":
            src.line(depth, f"if v > {src.name(keys[0])}: add({p}[:bisect_left({k}, v)])")
        elif op == "gte":
            src.line(depth, f"if v >= {src.name(keys[0])}: add({p}[:bisect_right({k}, v)])")
        elif op == "lt":
            src.line(depth, f"if v < {src.name(keys[-1])}: add({p}[bisect_right({k}, v):])")
        else:
            src.line(depth, f"if v <= {src.name(keys[-1])}: add({p}[bisect_left({k}, v):])")


def build_index(gates: Iterable[tuple[int, frozenset[Atom] | None]],
                getters: dict[str, Reader]) -> tuple[tuple[int, ...], Gates, str]:
    """(positions of rules without a gate, the function finding the positions of the rules that
    are candidates: those without a gate and those whose gate holds, its source). `getters` read
    the facts of the atoms (inline where they can)."""
    always: list[int] = []
    phrases: dict[int, list[int]] = {}
    patterns: dict[int, list[int]] = {}
    numeric: dict[str, dict[str, list[tuple[float, int]]]] = {}
    booleans: dict[str, list[int]] = {}
    categories: dict[str, dict[str, list[int]]] = {}
    for pos, atoms in gates:
        if atoms is None:
            always.append(pos)
            continue
        for atom in atoms:
            kind = atom[0]
            if kind == "p":
                phrases.setdefault(atom[1], []).append(pos)
            elif kind == "re":
                patterns.setdefault(atom[1], []).append(pos)
            elif kind == "num":
                numeric.setdefault(atom[1], {}).setdefault(atom[2], []).append((atom[3], pos))
            elif kind == "bool":
                booleans.setdefault(atom[1], []).append(pos)
            else:
                categories.setdefault(atom[1], {}).setdefault(atom[2], []).append(pos)
    src = _Source()
    # rules without a gate are candidates at every evaluation
    src.line(1, f"found = set({src.name(tuple(always))})" if always else "found = set()")
    src.line(1, "add = found.update")
    if phrases:
        table = src.name({pid: tuple(p) for pid, p in phrases.items()})
        src.line(1, "for pid in st.hits:")
        src.line(2, f"p = {table}.get(pid)")
        src.line(2, "if p is not None: add(p)")
    for key, ops in numeric.items():
        src.line(1, f"v = {src.read(getters[key])}")
        sig = signal(key.split("[", 1)[0])
        if sig is not None and sig.never_none:
            _numeric(src, ops, 1)
        else:
            src.line(1, "if v is not None:")
            _numeric(src, ops, 2)
    for key, poss in booleans.items():
        src.line(1, f"if {src.read(getters[key])} is True: add({src.name(tuple(poss))})")
    for key, values in categories.items():
        src.line(1, f"v = {src.read(getters[key])}")
        src.line(1, "if isinstance(v, str):")
        src.line(2, f"p = {src.name({v: tuple(p) for v, p in values.items()})}.get(v.casefold())")
        src.line(2, "if p is not None: add(p)")
    if patterns:
        table = src.name({pid: tuple(p) for pid, p in patterns.items()})
        src.line(1, "ids = st.patterns_found")  # found with the phrases when the scan was combined
        src.line(1, "if ids is None: ids = st.pattern_ids()")
        src.line(1, "for pid in ids:")
        src.line(2, f"p = {table}.get(pid)")
        src.line(2, "if p is not None: add(p)")
    src.line(1, "return found")
    source = "\n".join(src.lines) + "\n"
    namespace = dict(src.names, isinstance=isinstance, str=str)
    exec(compile(source, "<rule gates>", "exec"), namespace)
    return tuple(always), namespace["gates"], source


C = TypeVar("C", bound=Compiled)


def without_index(compiled: C) -> C:
    """The same compiled ruleset with every rule evaluated at every turn (no gates): for
    benchmarks and for tests showing that the index changes no result."""
    every = tuple(range(len(compiled.rules)))
    always, gates, source = build_index(((pos, None) for pos in every), {})
    return replace(compiled, always=always, gates=gates, gates_source=source, quiet_tests=compiled.tests)
