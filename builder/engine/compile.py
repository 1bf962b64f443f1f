"""Compiling a ruleset once into closures: the one implementation of rule evaluation.

Every phrase of every rule goes into one phrase matcher (plus the frustration lexicon), RE2 patterns
and URL globs are compiled once, and each condition becomes a closure over the conversation
`State`. A fact the catalog does not know, an operator its type does not allow or a value of the
wrong shape is a `CompileError` listing every problem in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from builder.engine.compiled import Compiled
from builder.engine.facts import leaf_node
from builder.engine.fast import combine, fast_test, without_hits
from builder.engine.index import build_index, gate
from builder.engine.nodes import CGroup, CLeaf, CNode, CompileError, CRule, Getter
from builder.engine.registry import BY_FACT, reading, timer_base
from builder.engine.session import Session
from builder.engine.sources import Sources
from builder.format.model import Condition, Leaf, Not, Notify, Reply, Ruleset, SetPriority, Tag
from builder.text.signals import FRUSTRATION_PHRASES
from rules_schema.catalog import catalog

__all__ = ["CompileError", "CompiledRuleset", "compile_ruleset", "fast_test"]


class CompiledRuleset(Compiled):
    """A ruleset ready to evaluate conversations. Build with `compile_ruleset`; share freely."""

    def session(self, conversation_id: str = "", visitor: Mapping[str, Any] | None = None, *,
                trace: bool = False) -> Session:
        """A new conversation; `trace=True` records an explanation (and facts) at every evaluation."""
        return Session(self, conversation_id, visitor, trace=trace)


def _node(cond: Condition, src: Sources, where: str, problems: list[str], leaves: list[CLeaf]) -> CNode:
    if isinstance(cond, Leaf):
        node = leaf_node(cond, src, where, problems)
        leaves.append(node)
        return node
    if isinstance(cond, Not):
        child = _node(cond.child, src, f"{where}.not", problems, leaves)
        t = child.test
        return CGroup("not", (child,), lambda st: not t(st), where)
    kids = tuple(_node(c, src, f"{where}.{cond.kind}[{i}]", problems, leaves) for i, c in enumerate(cond.children))
    tests = tuple(k.test for k in kids)
    return CGroup(cond.kind, kids, combine(cond.kind, tests), where)


def _timer_leaves(leaves: list[CLeaf]) -> tuple[tuple[str, float, float], ...]:
    out: list[tuple[str, float, float]] = []
    cat = catalog()
    for cl in leaves:
        base = timer_base(cl.leaf.fact, cat)
        if base is None:
            continue
        values = cl.leaf.value if isinstance(cl.leaf.value, tuple) else (cl.leaf.value,)
        out.extend((base[0], base[1], float(v)) for v in values
                   if isinstance(v, (int, float)) and not isinstance(v, bool))
    return tuple(out)


def _snapshot(src: Sources, rules: list[CRule]) -> tuple[tuple[str, Getter], ...]:
    """What a trace lists as the facts: the core signals (`Signal.snapshot`), then every other
    fact the rules use (text facts show in their conditions' matches instead)."""
    out: dict[str, Getter] = {}
    for sig in BY_FACT.values():
        if sig.snapshot:
            read = reading(sig, src, Leaf(sig.fact, "is_set"), sig.fact, [])
            if read is not None:
                out[sig.fact] = read[0]
    cat = catalog()
    for r in rules:
        for cl in r.leaves:
            leaf, fact = cl.leaf, cat.fact(cl.leaf.fact)
            key = leaf.fact if leaf.param is None else f"{leaf.fact}[{leaf.param}]"
            if key not in out and fact is not None and fact.type != "text":
                out[key] = cl.actual
    return tuple(out.items())


def compile_ruleset(ruleset: Ruleset) -> CompiledRuleset:
    """Compile once; raises CompileError listing every problem."""
    from rapidfuzz import fuzz

    src = Sources(ruleset, similarity_scorer=fuzz.token_sort_ratio)
    problems: list[str] = []
    src.frustration_ids = src.matcher.add_all(FRUSTRATION_PHRASES)
    rules: list[CRule] = []
    for index, rule in enumerate(ruleset.rules):
        if not rule.enabled:
            continue
        leaves: list[CLeaf] = []
        where = f"rule '{rule.id}' $.rules[{index}].when"
        root = _node(rule.when, src, where, problems, leaves)
        if rule.cooldown.policy == "after_minutes" and not (rule.cooldown.minutes or 0) > 0:
            problems.append(f"rule '{rule.id}': cooldown 'after_minutes' needs a number of minutes")
        rules.append(CRule(
            rule, index, fast_test(root), root, tuple(leaves), _timer_leaves(leaves),
            escalates=rule.escalation is not None, stop=rule.stop, policy=rule.cooldown.policy,
            cooldown_s=float(rule.cooldown.minutes or 0.0) * 60.0,
            tags=tuple(t for a in rule.actions if isinstance(a, Tag) for t in a.tags),
            replies=tuple(a.template for a in rule.actions if isinstance(a, Reply)),
            notify=tuple(a.channel for a in rule.actions if isinstance(a, Notify)),
            set_priority=next((a.priority for a in reversed(rule.actions) if isinstance(a, SetPriority)), None),
        ))
    default = ruleset.schedule(None)
    zone_name = default.timezone if default is not None else None
    if zone_name:
        try:
            src.zone = ZoneInfo(zone_name)
        except (KeyError, ValueError):
            problems.append(f"schedule '{default.id if default else ''}': unknown time zone '{zone_name}'")
    if problems:
        raise CompileError(problems)
    for pos, r in enumerate(rules):
        r.position = pos
    getters: dict[str, Any] = {}
    always, gates, gates_source = build_index([(r.position, gate(r.root, src, getters)) for r in rules], getters)
    src.matcher.build()
    src.patterns.build()
    n = src.needs
    src.per_message = bool(n.conv_hits or n.repeat or n.per_minute or n.lowest_sentiment or src.conv_pattern_ids
                           or src.conv_similar_leaves)
    timer_points = tuple(sorted(
        (threshold * unit, base, pos) for pos, r in enumerate(rules) for base, unit, threshold in r.timer_leaves
    ))
    start_points = [(off, pos) for off, base, pos in timer_points if base == "start"]
    silence_points = [(off, pos) for off, base, pos in timer_points if base == "silence"]
    return CompiledRuleset(
        ruleset, src, tuple(rules), has_timers=any(r.timer_leaves for r in rules), timer_points=timer_points,
        start_keys=tuple(o for o, _ in start_points), start_points=tuple(p for _, p in start_points),
        silence_keys=tuple(o for o, _ in silence_points), silence_points=tuple(p for _, p in silence_points),
        tests=tuple(r.test for r in rules), quiet_tests=tuple(without_hits(r.root) for r in rules),
        always=always, gates=gates, gates_source=gates_source, snapshot=_snapshot(src, rules),
    )
