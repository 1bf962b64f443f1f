"""Compiling a ruleset once into closures: the one implementation of rule evaluation.

Every phrase of every rule goes into one phrase matcher (plus the frustration lexicon), RE2 patterns
and URL globs are compiled once, and each condition becomes a closure over the conversation
`State`. A fact the catalog does not know, an operator its type does not allow or a value of the
wrong shape is a `CompileError` listing every problem in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from builder.engine.facts import leaf_node
from builder.engine.fast import combine, fast_test, without_hits
from builder.engine.index import Gates, build_index, gate
from builder.engine.nodes import (
    TIMER_BASES,
    CGroup,
    CLeaf,
    CNode,
    CompileError,
    CRule,
    Test,
)
from builder.engine.state import Needs
from builder.text.matching import PhraseMatcher
from builder.text.patterns import PatternSet
from builder.text.message_scan import MessageScan
from builder.format.model import Condition, Leaf, Not, Notify, Reply, Ruleset, SetPriority, Tag
from builder.text.signals import FRUSTRATION_PHRASES

if TYPE_CHECKING:
    from builder.engine.session import Session

__all__ = ["CompileError", "CompiledRuleset", "compile_ruleset", "fast_test"]


@dataclass
class CompiledRuleset:
    """A ruleset ready to evaluate conversations. Build with `compile_ruleset`; share freely."""

    ruleset: Ruleset
    rules: tuple[CRule, ...] = ()
    matcher: PhraseMatcher = field(default_factory=PhraseMatcher)
    patterns: PatternSet = field(default_factory=PatternSet)
    frustration_ids: frozenset[int] = frozenset()
    url_patterns: list[Callable[[str], bool]] = field(default_factory=list)
    url_pattern_ids: dict[str, int] = field(default_factory=dict)
    conv_pattern_ids: list[int] = field(default_factory=list)
    conv_similar_leaves: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    needs: Needs = field(default_factory=Needs)
    zone: Any = timezone.utc
    has_phrases: bool = True
    per_message: bool = False  # some conversation-level signal must be updated at every message
    has_timers: bool = False
    timer_points: tuple[tuple[float, str, int], ...] = ()  # (offset seconds, base, rule position), sorted
    start_keys: tuple[float, ...] = ()  # offsets (s) after the start at which a timer leaf crosses, sorted
    start_points: tuple[int, ...] = ()  # ... and the rule position of each
    silence_keys: tuple[float, ...] = ()  # the same after the latest message
    silence_points: tuple[int, ...] = ()
    # The hot loop's view (see `builder.engine.index`): per rule position its closure, and the same
    # specialised for a message without phrase hits (None: cannot hold then); rules without a gate;
    # the generated function finding the positions of the rules whose gate holds (and its source).
    tests: tuple[Test, ...] = ()
    quiet_tests: tuple[Test | None, ...] = ()
    always: tuple[int, ...] = ()
    gates: Gates = field(default=lambda st: set())
    gates_source: str = ""
    similarity_scorer: Any = None
    # the phrase anchors and RE2 patterns of a message in one pass (None: no patterns to combine)
    scan: Callable[[str], tuple[frozenset[int] | set[int], frozenset[int] | None]] | None = None
    _hours: dict[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> Any:
        return self.ruleset.settings

    def session(self, conversation_id: str = "", visitor: Mapping[str, Any] | None = None, *,
                trace: bool = False) -> Session:
        """A new conversation; `trace=True` records an explanation (and facts) at every evaluation."""
        from builder.engine.session import Session

        return Session(self, conversation_id, visitor, trace=trace)

    def is_open(self, schedule_id: str, at: datetime) -> bool | None:
        """Business hours through `builder.hours.schedule` (the seam: one place asks the schedule)."""
        hours = self._hours.get(schedule_id)
        if hours is None:
            from builder.hours.schedule import open_hours

            schedule = self.ruleset.schedule(schedule_id or None)
            if schedule is None:
                return None
            hours = self._hours[schedule_id] = open_hours(schedule)
        return bool(hours.is_open(at))


def _node(cond: Condition, cr: CompiledRuleset, where: str, problems: list[str], leaves: list[CLeaf]) -> CNode:
    if isinstance(cond, Leaf):
        node = leaf_node(cond, cr, where, problems)
        leaves.append(node)
        return node
    if isinstance(cond, Not):
        child = _node(cond.child, cr, f"{where}.not", problems, leaves)
        t = child.test
        return CGroup("not", (child,), lambda st: not t(st), where)
    kids = tuple(_node(c, cr, f"{where}.{cond.kind}[{i}]", problems, leaves) for i, c in enumerate(cond.children))
    tests = tuple(k.test for k in kids)
    return CGroup(cond.kind, kids, combine(cond.kind, tests), where)


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _timer_leaves(leaves: list[CLeaf]) -> tuple[tuple[str, float, float], ...]:
    out: list[tuple[str, float, float]] = []
    for cl in leaves:
        base = TIMER_BASES.get(cl.leaf.fact)
        if base is None:
            continue
        values = cl.leaf.value if isinstance(cl.leaf.value, tuple) else (cl.leaf.value,)
        out.extend((base[0], base[1], float(v)) for v in values
                   if isinstance(v, (int, float)) and not isinstance(v, bool))
    return tuple(out)


def compile_ruleset(ruleset: Ruleset) -> CompiledRuleset:
    """Compile once; raises CompileError listing every problem."""
    from rapidfuzz import fuzz

    cr = CompiledRuleset(ruleset=ruleset, similarity_scorer=fuzz.token_sort_ratio)
    problems: list[str] = []
    cr.frustration_ids = cr.matcher.add_all(FRUSTRATION_PHRASES)
    rules: list[CRule] = []
    for index, rule in enumerate(ruleset.rules):
        if not rule.enabled:
            continue
        leaves: list[CLeaf] = []
        where = f"rule '{rule.id}' $.rules[{index}].when"
        root = _node(rule.when, cr, where, problems, leaves)
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
    zone_name = None
    default = ruleset.schedule(None)
    if default is not None:
        zone_name = default.timezone
    if zone_name:
        try:
            cr.zone = ZoneInfo(zone_name)
        except (KeyError, ValueError):
            problems.append(f"schedule '{default.id if default else ''}': unknown time zone '{zone_name}'")
    if problems:
        raise CompileError(problems)
    for pos, r in enumerate(rules):
        r.position = pos
    cr.rules = tuple(rules)
    cr.tests = tuple(r.test for r in rules)
    cr.quiet_tests = tuple(without_hits(r.root) for r in rules)
    getters: dict[str, Any] = {}
    gates = [(r.position, gate(r.root, cr, getters)) for r in rules]
    cr.always, cr.gates, cr.gates_source = build_index(gates, getters)
    cr.matcher.build()
    cr.patterns.build()
    combined = MessageScan.build(cr.matcher, cr.patterns)
    cr.scan = combined.scan if combined is not None else None
    cr.has_phrases = True
    n = cr.needs
    cr.per_message = bool(n.conv_hits or n.repeat or n.per_minute or n.lowest_sentiment or cr.conv_pattern_ids
                          or cr.conv_similar_leaves)
    cr.has_timers = any(r.timer_leaves for r in rules)
    cr.timer_points = tuple(sorted(
        (threshold * unit, base, pos) for pos, r in enumerate(rules) for base, unit, threshold in r.timer_leaves
    ))
    start_points = [(off, pos) for off, base, pos in cr.timer_points if base == "start"]
    silence_points = [(off, pos) for off, base, pos in cr.timer_points if base == "silence"]
    cr.start_keys, cr.start_points = tuple(o for o, _ in start_points), tuple(p for _, p in start_points)
    cr.silence_keys, cr.silence_points = tuple(o for o, _ in silence_points), tuple(p for _, p in silence_points)
    return cr
