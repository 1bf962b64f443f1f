"""Facts and operators: how each catalog fact is read from the State and each operator tests it.

Adding a fact is one entry in `rules_schema/catalog.json` plus its reader here; a fact without a
reader is a compile error, never a silent False.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from builder.engine.nodes import WEEKDAYS, CLeaf, Getter, Test
from builder.engine.state import State
from builder.text.matching import PhraseError, normalised_text
from builder.text.patterns import PatternSet
from builder.format.model import Leaf
from builder.text.signals import compile_url_pattern
from rules_schema.catalog import Fact, catalog

if TYPE_CHECKING:
    from builder.engine.compile import CompiledRuleset


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

# Facts read straight off the State: an attribute, or a method without arguments. The hot path
# (`builder.engine.index`) reads them inline as `st.<attribute>` / `st.<method>()`.
ATTRIBUTES: dict[str, str] = {
    "conversation.message_count": "message_count", "conversation.visitor_message_count": "visitor_count",
    "conversation.repeated_question_count": "repeat.count", "conversation.lowest_sentiment": "lowest",
    "conversation.resolved": "resolved", "bot.fallback_count": "fallbacks", "bot.last_confidence": "last_conf",
    "bot.last_fallback": "last_fallback", "bot.intent": "intent", "visitor.score": "score",
    "visitor.returning": "returning", "visitor.previous_chat_failed": "prev_failed",
    "visitor.email_known": "email_known", "pages.current_url": "url", "pages.view_count": "views",
    "cart.abandoned": "cart_abandoned",
}
METHODS: dict[str, str] = {
    "message.caps_ratio": "caps", "message.sentiment": "sentiment",
    "conversation.messages_per_minute": "per_minute", "time.minutes_since_start": "minutes_since_start",
    "time.silence_seconds": "silence",
}
_NEEDS = {"conversation.repeated_question_count": "repeat", "conversation.messages_per_minute": "per_minute",
          "conversation.lowest_sentiment": "lowest_sentiment"}


# The clock facts written out (the same arithmetic as `State.minutes_since_start` / `silence`):
# in the generated gate function a method call would cost more than the reading itself.
_INLINE = {
    "time.minutes_since_start": "(0.0 if st.start is None else (st.now - st.start + st.eps) / 60.0)",
    "time.silence_seconds": "(0.0 if (st.last_msg if st.last_msg is not None else st.start) is None "
                            "else st.now - (st.last_msg if st.last_msg is not None else st.start) + st.eps)",
}


def inline_expression(leaf: Leaf, cr: CompiledRuleset | None = None) -> str | None:
    """The fact of `leaf` as a Python expression over `st`, when it is a plain read (else None)."""
    if leaf.fact == "pages.views_matching" and cr is not None and leaf.param in cr.url_pattern_ids:
        return f"st.pattern_views[{cr.url_pattern_ids[leaf.param]}]"
    if leaf.param is not None:
        return None
    if leaf.fact in _INLINE:
        return _INLINE[leaf.fact]
    if leaf.fact in ATTRIBUTES:
        return f"st.{ATTRIBUTES[leaf.fact]}"
    if leaf.fact in METHODS:
        return f"st.{METHODS[leaf.fact]}()"
    return None


def _getter(fact: Fact, leaf: Leaf, cr: CompiledRuleset, where: str, problems: list[str]) -> Getter | None:
    """The value reader of a non-text fact, or None (with a problem) when it cannot be read."""
    name = fact.name
    if name in _NEEDS:
        setattr(cr.needs, _NEEDS[name], True)
    if name in ATTRIBUTES:
        return attrgetter(ATTRIBUTES[name])
    if name in METHODS:
        method: Getter = getattr(State, METHODS[name])
        return method
    if name == "time.local_weekday":
        return lambda st: WEEKDAYS[st.local().weekday()]
    if name == "time.local_hour":
        return lambda st: st.local().hour
    if name == "message.frustration":
        ids = cr.frustration_ids
        return lambda st: not ids.isdisjoint(st.hits)
    if name == "time.in_business_hours":
        schedule_id = leaf.param or cr.ruleset.settings.default_schedule or ""
        schedule = cr.ruleset.schedule(schedule_id or None)
        if schedule is None:
            problems.append(f"{where}: no schedule '{schedule_id}'" if schedule_id else
                            f"{where}: business hours need a schedule (name one, or set a default schedule)")
            return None
        from builder.hours.schedule import ScheduleError, open_hours

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


def leaf_node(leaf: Leaf, cr: CompiledRuleset, where: str, problems: list[str]) -> CLeaf:
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
        compare = _COMPARE.get(leaf.op)
        spec = (get, compare, float(leaf.value)) if compare is not None and _num(leaf.value) else None  # type: ignore[arg-type]
        return CLeaf(leaf, where, fused, get, spec=spec)
    pred = _value_pred(leaf.op, leaf.value, cr.patterns, where, problems)
    g = get
    return CLeaf(leaf, where, lambda st: pred(g(st)), g)


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
