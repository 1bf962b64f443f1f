"""The rule index: which rules can possibly hold at this evaluation, found without walking them.

Each rule gets a *gate*: a set of atoms at least one of which must hold for the rule to hold (a
necessary condition, never a sufficient one: a rule that passes its gate is still evaluated in
full). Atoms are cheap facts that one lookup decides for every rule at once:

- a phrase of the message (the automaton's hits, already computed),
- an RE2 pattern found in the message (one `re2.Set` scan for all patterns),
- a numeric threshold `fact op x` (per fact and operator, thresholds sorted: one comparison
  rejects them all, otherwise one `bisect` finds the rules whose threshold is crossed),
- a boolean fact that is true, a category (`bot.intent in [...]`) looked up in a dict.

The gate of `all` is the most selective gate among its children, of `any` the union of its
children's gates (no gate when one child has none), `not` has none. Rules without a gate are
evaluated at every turn, in rule order with the candidates the atoms found.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from builder.engine.nodes import CGroup, CLeaf, CNode
from builder.engine.state import State

if TYPE_CHECKING:
    from builder.engine.compile import CompiledRuleset

# An atom: ("p", phrase id) | ("re", pattern id) | ("num", fact key, op, threshold) | ("bool", fact key)
# | ("cat", fact key, casefolded value). Ranked for choosing the gate of an `all` (lower first).
Atom = tuple[Any, ...]
Probe = Callable[[State], "tuple[int, ...] | None"]
_RANK = {"p": 0, "re": 1, "cat": 2, "num": 3, "bool": 4}

# Facts whose value is always a number or None (so a threshold can be indexed), cheap to read.
NUMERIC = frozenset({
    "visitor.score", "conversation.visitor_message_count", "conversation.message_count", "bot.last_confidence",
    "bot.fallback_count", "message.caps_ratio", "pages.views_matching", "pages.view_count",
    "time.minutes_since_start", "time.silence_seconds", "conversation.repeated_question_count",
    "conversation.lowest_sentiment",
})
# Facts whose value is True/False, and facts whose value is a text or None.
BOOLEAN = frozenset({"conversation.resolved", "bot.last_fallback", "visitor.returning",
                     "visitor.previous_chat_failed", "visitor.email_known", "cart.abandoned"})
CATEGORY = frozenset({"bot.intent", "pages.current_url"})


def _key(leaf: CLeaf) -> str:
    return leaf.leaf.fact if leaf.leaf.param is None else f"{leaf.leaf.fact}[{leaf.leaf.param}]"


def leaf_atoms(node: CLeaf, cr: CompiledRuleset, getters: dict[str, Any]) -> frozenset[Atom] | None:
    """Atoms one of which holds whenever the leaf holds (None: the leaf is not indexed)."""
    leaf = node.leaf
    fact, op = leaf.fact, leaf.op
    if node.conversation:
        return None
    if fact == "message.text":
        if op == "contains_any" and node.phrase_ids:
            return frozenset(("p", pid) for pid in node.phrase_ids)
        if op == "matches" and node.pattern_id is not None:
            return frozenset({("re", node.pattern_id)})
        return None
    if fact == "message.frustration":
        return frozenset(("p", pid) for pid in cr.frustration_ids) if op == "is_true" else None
    key = _key(node)
    if fact in NUMERIC and node.spec is not None and op in ("gt", "gte", "lt", "lte"):
        getters[key] = node.actual
        return frozenset({("num", key, op, float(node.spec[2]))})
    if fact in BOOLEAN and op == "is_true":
        getters[key] = node.actual
        return frozenset({("bool", key)})
    if fact in CATEGORY and op in ("eq", "in"):
        values = (leaf.value,) if op == "eq" else leaf.value
        if not isinstance(values, tuple):
            return None
        texts = [v for v in values if isinstance(v, str)]
        if len(texts) != len(values):
            return None
        getters[key] = node.actual
        return frozenset(("cat", key, v.casefold()) for v in texts)
    return None


def gate(node: CNode, cr: CompiledRuleset, getters: dict[str, Any]) -> frozenset[Atom] | None:
    """The gate of a condition: atoms one of which holds whenever it holds (None: no gate)."""
    if isinstance(node, CLeaf):
        return leaf_atoms(node, cr, getters)
    if not isinstance(node, CGroup) or node.kind == "not":
        return None
    gates = [gate(c, cr, getters) for c in node.children]
    if node.kind == "all":
        known = [g for g in gates if g is not None]
        if not known:
            return None
        return min(known, key=lambda g: (max((_RANK[a[0]] for a in g), default=-1), len(g)))
    if any(g is None for g in gates):
        return None
    return frozenset().union(*[g for g in gates if g is not None])


# --- probes: one per indexed fact and operator, each returning candidate rule positions ----------

def _numeric_probe(get: Any, op: str, entries: list[tuple[float, int]]) -> Probe:
    entries.sort()
    keys = tuple(x for x, _ in entries)
    poss = tuple(p for _, p in entries)
    lo, hi = keys[0], keys[-1]
    if op == "gt":
        def gt(st: State) -> tuple[int, ...] | None:
            v = get(st)
            return poss[:bisect_left(keys, v)] if v is not None and v > lo else None
        return gt
    if op == "gte":
        def gte(st: State) -> tuple[int, ...] | None:
            v = get(st)
            return poss[:bisect_right(keys, v)] if v is not None and v >= lo else None
        return gte
    if op == "lt":
        def lt(st: State) -> tuple[int, ...] | None:
            v = get(st)
            return poss[bisect_right(keys, v):] if v is not None and v < hi else None
        return lt

    def lte(st: State) -> tuple[int, ...] | None:
        v = get(st)
        return poss[bisect_left(keys, v):] if v is not None and v <= hi else None
    return lte


def _bool_probe(get: Any, poss: tuple[int, ...]) -> Probe:
    return lambda st: poss if get(st) is True else None


def _category_probe(get: Any, table: dict[str, tuple[int, ...]]) -> Probe:
    def category(st: State) -> tuple[int, ...] | None:
        v = get(st)
        return table.get(v.casefold()) if isinstance(v, str) else None
    return category


def _pattern_probe(table: dict[int, tuple[int, ...]]) -> Probe:
    def patterns(st: State) -> tuple[int, ...] | None:
        found = st.pattern_ids()
        if not found:
            return None
        out: tuple[int, ...] = ()
        for pid in found:
            poss = table.get(pid)
            if poss is not None:
                out += poss
        return out
    return patterns


def build_index(gates: Iterable[tuple[int, frozenset[Atom] | None]],
                getters: dict[str, Any]) -> tuple[tuple[int, ...], dict[int, tuple[int, ...]], tuple[Probe, ...]]:
    """(positions of rules without a gate, phrase id -> rule positions, probes for the other atoms)."""
    always: list[int] = []
    phrases: dict[int, list[int]] = {}
    patterns: dict[int, list[int]] = {}
    numeric: dict[tuple[str, str], list[tuple[float, int]]] = {}
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
                numeric.setdefault((atom[1], atom[2]), []).append((atom[3], pos))
            elif kind == "bool":
                booleans.setdefault(atom[1], []).append(pos)
            else:
                categories.setdefault(atom[1], {}).setdefault(atom[2], []).append(pos)
    probes: list[Probe] = []
    for (key, op), entries in numeric.items():
        probes.append(_numeric_probe(getters[key], op, entries))
    for key, poss in booleans.items():
        probes.append(_bool_probe(getters[key], tuple(poss)))
    for key, table in categories.items():
        probes.append(_category_probe(getters[key], {v: tuple(p) for v, p in table.items()}))
    if patterns:
        probes.append(_pattern_probe({pid: tuple(p) for pid, p in patterns.items()}))
    return tuple(always), {pid: tuple(p) for pid, p in phrases.items()}, tuple(probes)


def without_index(compiled: CompiledRuleset) -> CompiledRuleset:
    """The same compiled ruleset with every rule evaluated at every turn (no gates): for
    benchmarks and for tests showing that the index changes no result."""
    from dataclasses import replace

    every = tuple(range(len(compiled.rules)))
    return replace(compiled, always=every, always_set=frozenset(every), by_phrase={}, probes=(),
                   quiet_tests=compiled.tests)
