"""Compiling a ruleset once into closures: the one implementation of rule evaluation.

Every phrase of every rule goes into one automaton (plus the frustration lexicon), RE2 patterns
and URL globs are compiled once, and each condition becomes a closure over the conversation
`State`. A fact the catalog does not know, an operator its type does not allow or a value of the
wrong shape is a `CompileError` listing every problem in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from builder.engine.state import Needs, State
from builder.matching import PatternSet, PhraseError, PhraseMatcher, normalised_text
from builder.model import Condition, Leaf, Not, Notify, Reply, Rule, Ruleset, SetPriority, Tag
from builder.signals import FRUSTRATION_PHRASES, compile_url_pattern
from rules_schema.catalog import Fact, catalog

Test = Callable[[State], bool]
Getter = Callable[[State], Any]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIMER_BASES = {"time.minutes_since_start": ("start", 60.0), "time.silence_seconds": ("silence", 1.0)}


class CompileError(ValueError):
    """The ruleset cannot be evaluated; `problems` are readable `location: message` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems) if len(problems) <= 3 else
                         "; ".join(problems[:3]) + f" (and {len(problems) - 3} more)")


# --- compiled condition nodes ---------------------------------------------------------------

@dataclass
class CLeaf:
    """A compiled leaf: `test` is the fast closure; `actual` reads the value for explanations."""

    leaf: Leaf
    path: str
    test: Test
    actual: Getter
    phrase_ids: frozenset[int] = frozenset()
    pattern_id: int | None = None
    conversation: bool = False


@dataclass
class CGroup:
    kind: str  # all | any | not
    children: tuple[CNode, ...]
    test: Test
    path: str


CNode = CLeaf | CGroup


@dataclass(slots=True)
class CRule:
    rule: Rule
    index: int  # in the ruleset (disabled rules included)
    test: Test
    root: CNode
    gate: frozenset[int] | None  # phrase ids one of which must be in the message, or None
    leaves: tuple[CLeaf, ...]
    timer_leaves: tuple[tuple[str, float, float], ...]  # (base, seconds per unit, threshold)
    escalates: bool = False
    stop: bool = True
    policy: str = "once"
    cooldown_s: float = 0.0
    tags: tuple[str, ...] = ()
    replies: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    set_priority: str | None = None
    position: int = 0  # in the compiled (enabled) rules


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
    plan: tuple[tuple[frozenset[int] | None, int, Test, CRule], ...] = ()  # the hot loop's view of rules
    ungated: frozenset[int] = frozenset()  # positions of rules without a phrase gate
    ungated_order: tuple[int, ...] = ()
    ungated_plan: tuple[tuple[frozenset[int] | None, int, Test, CRule], ...] = ()
    gated_by_phrase: dict[int, tuple[int, ...]] = field(default_factory=dict)  # phrase id -> rule positions
    similarity_scorer: Any = None
    _hours: dict[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> Any:
        return self.ruleset.settings

    def session(self, conversation_id: str = "", visitor: Any = None, *, trace: bool = False) -> Any:
        """A new conversation; `trace=True` records an explanation at every evaluation."""
        from builder.engine.session import Session

        return Session(self, conversation_id, visitor, trace=trace)

    def is_open(self, schedule_id: str, at: datetime) -> bool | None:
        """Business hours through `builder.schedule` (the seam: one place asks the schedule)."""
        hours = self._hours.get(schedule_id)
        if hours is None:
            from builder.schedule import open_hours

            schedule = self.ruleset.schedule(schedule_id or None)
            if schedule is None:
                return None
            hours = self._hours[schedule_id] = open_hours(schedule)
        return bool(hours.is_open(at))


# --- operators -------------------------------------------------------------------------------

def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def _value_pred(op: str, value: Any, patterns: PatternSet, where: str, problems: list[str]) -> Callable[[Any], bool]:
    """A predicate on a fact value for scalar operators (numbers, categories, booleans)."""
    if op in ("gt", "gte", "lt", "lte"):
        if not _num(value):
            problems.append(f"{where}: '{op}' needs a number, got {value!r}")
            return lambda v: False
        x = float(value)
        if op == "gt":
            return lambda v: v is not None and v > x
        if op == "gte":
            return lambda v: v is not None and v >= x
        if op == "lt":
            return lambda v: v is not None and v < x
        return lambda v: v is not None and v <= x
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
    if op == "is_true":
        return lambda v: v is True
    if op == "is_false":
        return lambda v: v is not True
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


# --- fact getters ----------------------------------------------------------------------------

def _getter(fact: Fact, leaf: Leaf, cr: CompiledRuleset, where: str, problems: list[str]) -> Getter | None:
    """The value reader of a non-text fact, or None (with a problem) when it cannot be read."""
    name = fact.name
    simple: dict[str, Getter] = {
        "message.caps_ratio": State.caps,
        "message.sentiment": State.sentiment,
        "conversation.message_count": attrgetter("message_count"),
        "conversation.visitor_message_count": attrgetter("visitor_count"),
        "conversation.repeated_question_count": attrgetter("repeat.count"),
        "conversation.messages_per_minute": State.per_minute,
        "conversation.lowest_sentiment": attrgetter("lowest"),
        "conversation.resolved": attrgetter("resolved"),
        "bot.fallback_count": attrgetter("fallbacks"),
        "bot.last_confidence": attrgetter("last_conf"),
        "bot.last_fallback": attrgetter("last_fallback"),
        "bot.intent": attrgetter("intent"),
        "time.minutes_since_start": State.minutes_since_start,
        "time.silence_seconds": State.silence,
        "time.local_weekday": lambda st: WEEKDAYS[st.local().weekday()],
        "time.local_hour": lambda st: st.local().hour,
        "visitor.score": attrgetter("score"),
        "visitor.returning": attrgetter("returning"),
        "visitor.previous_chat_failed": attrgetter("prev_failed"),
        "visitor.email_known": attrgetter("email_known"),
        "pages.current_url": attrgetter("url"),
        "pages.view_count": attrgetter("views"),
        "cart.abandoned": attrgetter("cart_abandoned"),
    }
    if name == "message.frustration":
        ids = cr.frustration_ids
        return lambda st: not ids.isdisjoint(st.hits)
    if name in simple:
        if name == "conversation.repeated_question_count":
            cr.needs.repeat = True
        elif name == "conversation.messages_per_minute":
            cr.needs.per_minute = True
        elif name == "conversation.lowest_sentiment":
            cr.needs.lowest_sentiment = True
        return simple[name]
    if name == "time.in_business_hours":
        schedule_id = leaf.param or cr.ruleset.settings.default_schedule or ""
        schedule = cr.ruleset.schedule(schedule_id or None)
        if schedule is None:
            problems.append(f"{where}: no schedule '{schedule_id}'" if schedule_id else
                            f"{where}: business hours need a schedule (name one, or set a default schedule)")
            return None
        from builder.schedule import ScheduleError, open_hours

        try:
            cr._hours[schedule_id] = open_hours(schedule)
        except ScheduleError as exc:
            problems.append(f"{where}: schedule '{schedule_id}' cannot be used: {exc}")
            return None
        return lambda st: st.in_hours(schedule_id)
    if name == "visitor.attribute":
        attr = leaf.param
        if not attr:
            problems.append(f"{where}: say which visitor attribute (param), e.g. plan")
            return None
        return lambda st: st.attributes.get(attr, st.visitor.get(attr))
    if name == "pages.views_matching":
        pattern = leaf.param
        if not pattern:
            problems.append(f"{where}: give a URL pattern (param), e.g. /pricing*")
            return None
        idx = cr.url_pattern_ids.get(pattern)
        if idx is None:
            idx = cr.url_pattern_ids[pattern] = len(cr.url_patterns)
            cr.url_patterns.append(compile_url_pattern(pattern))
        i = idx
        return lambda st: st.pattern_views[i]
    problems.append(f"{where}: the engine has no signal for fact '{name}'")
    return None


def _text_leaf(leaf: Leaf, cr: CompiledRuleset, where: str, problems: list[str]) -> CLeaf:
    conv = leaf.fact == "conversation.text"
    op, value = leaf.op, leaf.value
    actual: Getter = (lambda st: f"{st.visitor_count} visitor messages") if conv else (lambda st: st.text)
    if op in ("contains_any", "contains_none", "similar_to"):
        phrases = (value,) if isinstance(value, str) else value
        if not isinstance(phrases, tuple) or not phrases or not all(isinstance(p, str) for p in phrases):
            problems.append(f"{where}: '{op}' needs a list of phrases, got {value!r}")
            return CLeaf(leaf, where, lambda st: False, actual)
    if op in ("contains_any", "contains_none"):
        try:
            ids = cr.matcher.add_all(phrases)  # type: ignore[arg-type]
        except PhraseError as exc:
            problems.append(f"{where}: {exc}")
            return CLeaf(leaf, where, lambda st: False, actual)
        if conv:
            cr.needs.conv_hits = True
            test: Test = (lambda st: not ids.isdisjoint(st.conv_hits)) if op == "contains_any" \
                else (lambda st: ids.isdisjoint(st.conv_hits))
        else:
            test = (lambda st: not ids.isdisjoint(st.hits)) if op == "contains_any" \
                else (lambda st: ids.isdisjoint(st.hits))
        return CLeaf(leaf, where, test, actual, phrase_ids=ids, conversation=conv)
    if op == "similar_to":
        norm = tuple(n for n in (normalised_text(str(p)) for p in phrases) if n)  # type: ignore[union-attr]
        threshold = float(cr.ruleset.settings.similarity_threshold)
        if conv:
            key = len(cr.conv_similar_leaves)
            cr.conv_similar_leaves.append((key, norm))
            return CLeaf(leaf, where, lambda st: st.conv_similar.get(key, 0.0) >= threshold,
                         lambda st: st.conv_similar.get(key, 0.0), conversation=True)
        return CLeaf(leaf, where, lambda st: st.similar_score(norm) >= threshold,
                     lambda st: st.similar_score(norm))
    if op == "matches":
        if not isinstance(value, str):
            problems.append(f"{where}: 'matches' needs a pattern text, got {value!r}")
            return CLeaf(leaf, where, lambda st: False, actual)
        try:
            pid = cr.patterns.add(value)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            return CLeaf(leaf, where, lambda st: False, actual)
        if conv:
            if pid not in cr.conv_pattern_ids:
                cr.conv_pattern_ids.append(pid)
            return CLeaf(leaf, where, lambda st: pid in st.conv_patterns, actual, pattern_id=pid, conversation=True)
        return CLeaf(leaf, where, lambda st: pid in st.pattern_ids(), actual, pattern_id=pid)
    if op == "is_set":
        test = (lambda st: st.conv_nonempty) if conv else (lambda st: st.text.strip() != "")
        return CLeaf(leaf, where, test, actual, conversation=conv)
    problems.append(f"{where}: unknown operator '{op}'")
    return CLeaf(leaf, where, lambda st: False, actual)


def _leaf(leaf: Leaf, cr: CompiledRuleset, where: str, problems: list[str]) -> CLeaf:
    cat = catalog()
    fact = cat.fact(leaf.fact)
    never: Test = lambda st: False  # noqa: E731
    if fact is None:
        problems.append(f"{where}: unknown fact '{leaf.fact}'")
        return CLeaf(leaf, where, never, lambda st: None)
    if leaf.op not in cat.operators:
        problems.append(f"{where}: unknown operator '{leaf.op}'")
        return CLeaf(leaf, where, never, lambda st: None)
    if leaf.op not in fact.operators:
        problems.append(f"{where}: '{fact.label}' cannot use '{cat.operators[leaf.op].label}' "
                        f"(allowed: {', '.join(fact.operators)})")
        return CLeaf(leaf, where, never, lambda st: None)
    if fact.type == "text":
        return _text_leaf(leaf, cr, where, problems)
    get = _getter(fact, leaf, cr, where, problems)
    if get is None:
        return CLeaf(leaf, where, never, lambda st: None)
    fused = _fused(leaf.op, leaf.value, get)
    if fused is not None:
        return CLeaf(leaf, where, fused, get)
    pred = _value_pred(leaf.op, leaf.value, cr.patterns, where, problems)
    g = get
    return CLeaf(leaf, where, lambda st: pred(g(st)), g)


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


def _node(cond: Condition, cr: CompiledRuleset, where: str, problems: list[str], leaves: list[CLeaf]) -> CNode:
    if isinstance(cond, Leaf):
        node = _leaf(cond, cr, where, problems)
        leaves.append(node)
        return node
    if isinstance(cond, Not):
        child = _node(cond.child, cr, f"{where}.not", problems, leaves)
        t = child.test
        return CGroup("not", (child,), lambda st: not t(st), where)
    kids = tuple(_node(c, cr, f"{where}.{cond.kind}[{i}]", problems, leaves) for i, c in enumerate(cond.children))
    tests = tuple(k.test for k in kids)
    return CGroup(cond.kind, kids, _combine(cond.kind, tests), where)


def _combine(kind: str, tests: tuple[Test, ...]) -> Test:
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


_COST = {"message.sentiment": 60, "conversation.text": 2, "message.caps_ratio": 6, "time.in_business_hours": 30,
         "time.local_weekday": 8, "time.local_hour": 8, "conversation.messages_per_minute": 4}


def _cost(node: CNode) -> int:
    """A rough price of evaluating a node, to test cheap children first (results never depend on
    order: conditions have no side effects beyond caching)."""
    if isinstance(node, CLeaf):
        if node.leaf.op == "similar_to":
            return 60
        if node.pattern_id is not None:
            return 4
        return _COST.get(node.leaf.fact, 2)
    return sum(_cost(c) for c in node.children) + 1


def _phrase_leaf(node: CNode) -> str | None:
    if isinstance(node, CLeaf) and node.phrase_ids and not node.conversation and node.leaf.fact == "message.text":
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
        if kind == "contains_any":
            any_sets.append(child.phrase_ids)  # type: ignore[union-attr]
        elif kind == "contains_none":
            none_sets.append(child.phrase_ids)  # type: ignore[union-attr]
        else:
            rest.append(child)
    others = tuple(fast_test(c) for c in sorted(rest, key=_cost))
    if node.kind == "all":
        return _fast_all(tuple(any_sets), frozenset().union(*none_sets), others)
    return _fast_any(frozenset().union(*any_sets), tuple(none_sets), others)


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
    rest = _combine("all", others)
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
    rest = _combine("any", others)
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


def _gate(node: CNode) -> frozenset[int] | None:
    """Phrase ids one of which the latest message must contain for `node` to hold (None: no such
    requirement). Lets the evaluator skip rules whose required phrases are absent."""
    if isinstance(node, CLeaf):
        if node.leaf.op == "contains_any" and not node.conversation and node.phrase_ids:
            return node.phrase_ids
        return None
    if node.kind == "not":
        return None
    gates = [_gate(c) for c in node.children]
    if node.kind == "all":
        known = [g for g in gates if g is not None]
        return min(known, key=len) if known else None
    if not gates or any(g is None for g in gates):
        return None
    return frozenset().union(*[g for g in gates if g is not None])


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
            rule, index, fast_test(root), root, _gate(root), tuple(leaves), _timer_leaves(leaves),
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
    cr.plan = tuple((r.gate, r.position, r.test, r) for r in rules)
    cr.ungated_order = tuple(r.position for r in rules if r.gate is None)
    cr.ungated = frozenset(cr.ungated_order)
    cr.ungated_plan = tuple(cr.plan[p] for p in cr.ungated_order)
    by_phrase: dict[int, list[int]] = {}
    for r in rules:
        for pid in r.gate or ():
            by_phrase.setdefault(pid, []).append(r.position)
    cr.gated_by_phrase = {pid: tuple(ps) for pid, ps in by_phrase.items()}
    cr.matcher.build()
    cr.patterns.build()
    cr.has_phrases = True
    n = cr.needs
    cr.per_message = bool(n.conv_hits or n.repeat or n.per_minute or n.lowest_sentiment or cr.conv_pattern_ids
                          or cr.conv_similar_leaves)
    cr.has_timers = any(r.timer_leaves for r in rules)
    cr.timer_points = tuple(sorted(
        (threshold * unit, base, pos) for pos, r in enumerate(rules) for base, unit, threshold in r.timer_leaves
    ))
    return cr
