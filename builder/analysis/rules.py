"""Findings about the rules themselves: never fire, shadowed, overlapping handoffs, shared phrases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from builder.analysis.describe import (
    fact_label,
    handoff_label,
    join_and,
    literal_text,
    rule_title,
    trigger_label,
    value_text,
)
from builder.analysis.finding import Finding
from builder.analysis.logic import Literal, conflict, dnf, implies, states
from builder.analysis.phrases import contains_phrase, normalise, words
from builder.format.model import Condition, Leaf, Not, Rule, Ruleset
from rules_schema.catalog import catalog


@dataclass(frozen=True)
class Analysed:
    """A rule with its position and its condition as DNF (None when too large to analyse)."""

    index: int
    rule: Rule
    terms: list[list[Literal]] | None

    @property
    def path(self) -> str:
        return f"$.rules[{self.index}]"

    @property
    def live_terms(self) -> list[list[Literal]]:
        return [t for t in self.terms or [] if conflict(t) is None]


def analysed_rules(ruleset: Ruleset) -> list[Analysed]:
    return [Analysed(i, r, dnf(r.when, f"$.rules[{i}].when", groups=ruleset.word_groups))
            for i, r in enumerate(ruleset.rules)]


def never_fires(rules: Sequence[Analysed]) -> list[Finding]:
    out = []
    for item in rules:
        if not item.rule.enabled or item.terms is None:
            continue
        conflicts = [conflict(t) for t in item.terms]
        if any(c is None for c in conflicts):
            continue
        first = conflicts[0].literals if conflicts and conflicts[0] is not None else None
        out.append(never_fires_finding(item.rule, item.path, first, len(conflicts)))
    return out


def never_fires_finding(rule: Rule, path: str, first: Sequence[Literal] | None, alternatives: int) -> Finding:
    """The finding for a rule whose every alternative (`alternatives` of them) is contradictory;
    `first` holds the literals of the first contradiction (None when there is no alternative)."""
    title = rule_title(rule)
    if first is None:
        return Finding("never_fires", "warning",
                       f"{title} can never fire: its condition has nothing that can hold "
                       f"(an empty \u201cany of\u201d group).", (rule.id,), f"{path}.when")
    texts = list(dict.fromkeys(literal_text(lit) for lit in first))
    if len(texts) == 1:
        message = f"{title} can never fire: {texts[0]} is outside the possible values{_range(first[0])}."
    else:
        verb = "cannot both hold" if len(texts) == 2 else "cannot all hold"
        message = f"{title} can never fire: these conditions {verb} at once \u2014 {'; '.join(texts)}."
    if alternatives > 1:
        message += " Every other way it could match is contradictory too."
    where = first[1].path if len(first) > 1 else first[0].path
    return Finding("never_fires", "warning", message, (rule.id,), where)


def _range(lit: Literal) -> str:
    entry = catalog().fact(lit.fact)
    if entry is None or entry.minimum is None:
        return ""
    high = f" to {value_text(entry.maximum)}" if entry.maximum is not None else " or more"
    return f" ({fact_label(lit.fact, None)}: {value_text(entry.minimum)}{high})"


def _first_escalating_shadow(later: Analysed, earlier: Sequence[Analysed]) -> Analysed | None:
    for item in earlier:
        if item.rule.enabled and item.rule.escalation is not None and item.terms is not None:
            if later.terms is not None and implies(later.terms, item.terms):
                return item
    return None


def shadowed(ruleset: Ruleset, rules: Sequence[Analysed]) -> tuple[list[Finding], set[tuple[str, str]]]:
    """Later rules an earlier escalating rule always pre-empts (first-match mode only)."""
    out: list[Finding] = []
    pairs: set[tuple[str, str]] = set()
    if ruleset.settings.evaluation_mode != "first_match":
        return out, pairs
    for j, later in enumerate(rules):
        if not later.rule.enabled or later.terms is None:
            continue
        earlier = _first_escalating_shadow(later, rules[:j])
        if earlier is None:
            continue
        pairs.add((earlier.rule.id, later.rule.id))
        out.append(shadowed_finding(earlier.rule, later.rule, later.path))
    return out, pairs


def shadowed_finding(earlier: Rule, later: Rule, path: str) -> Finding:
    """The finding for `later` (at `path`), which `earlier` always pre-empts."""
    a, b = rule_title(earlier), rule_title(later)
    return Finding(
        "shadowed", "warning",
        f"{b} can never fire, it never gets a chance. Whenever it matches, {a} above it matches "
        f"too and decides first, because the first rule that matches wins. Move {b} above {a}, "
        f"or narrow {a}.",
        (later.id, earlier.id), path)


def _witness(a: Sequence[Literal], b: Sequence[Literal]) -> str | None:
    """Something both conjunctions test positively on the same fact, in words; None if nothing."""
    sa, sb = states(a), states(b)
    for key in sa.keys() & sb.keys():
        x, y = sa[key], sb[key]
        for _, pa in x.any_lists:
            for _, pb in y.any_lists:
                for p in pa:
                    for q in pb:
                        if contains_phrase(p, q) or contains_phrase(q, p):
                            longer = p if len(p) >= len(q) else q
                            return f"the visitor writes {value_text(' '.join(longer))}"
        numeric_a = [lit for lit in x.literals if not lit.missing_ok and lit.op in ("gt", "gte", "lt", "lte", "eq")]
        numeric_b = [lit for lit in y.literals if not lit.missing_ok and lit.op in ("gt", "gte", "lt", "lte", "eq")]
        if numeric_a and numeric_b and x.kind == "number":
            return join_and(list(dict.fromkeys(literal_text(lit) for lit in numeric_a + numeric_b)))
        if x.allowed is not None and y.allowed is not None and (x.allowed & y.allowed) - x.excluded - y.excluded:
            shared = sorted(map(str, (x.allowed & y.allowed) - x.excluded - y.excluded))
            return f"{literal_text(x.literals[0]).split(' is')[0]} is {value_text(shared[0])}"
        truth_a = {lit.op for lit in x.literals if lit.op in ("is_true", "is_false") and not lit.missing_ok}
        truth_b = {lit.op for lit in y.literals if lit.op in ("is_true", "is_false") and not lit.missing_ok}
        if truth_a & truth_b:
            return literal_text(next(lit for lit in x.literals if lit.op in truth_a & truth_b))
    return None


def overlapping_handoffs(rules: Sequence[Analysed], skip: set[tuple[str, str]]) -> list[Finding]:
    out = []
    escalating = [r for r in rules if r.rule.enabled and r.rule.escalation is not None and r.terms]
    for j, later in enumerate(escalating):
        for earlier in escalating[:j]:
            ea, eb = earlier.rule.escalation, later.rule.escalation
            if ea is None or eb is None or ea.handoff == eb.handoff:
                continue
            if (earlier.rule.id, later.rule.id) in skip:
                continue
            witness = next((w for ta in earlier.live_terms for tb in later.live_terms
                            if conflict(ta + tb) is None for w in [_witness(ta, tb)] if w), None)
            if witness is None:
                continue
            a, b = rule_title(earlier.rule), rule_title(later.rule)
            out.append(Finding(
                "overlapping_handoffs", "warning",
                f"{a} ({handoff_label(ea.handoff)}) and {b} ({handoff_label(eb.handoff)}) can match "
                f"at the same moment, for example when {witness}. The visitor then gets the handoff "
                f"of {a} only because it comes first: check that this is intended.",
                (later.rule.id, earlier.rule.id), later.path))
    return out


def _positive_phrases(condition: Condition, negated: bool = False) -> list[str]:
    if isinstance(condition, Leaf):
        positive = (condition.op in ("contains_any", "similar_to") and not negated) or (
            condition.op == "contains_none" and negated)
        if not positive:
            return []
        value = condition.value
        return [str(v) for v in (value if isinstance(value, tuple) else (value,)) if v is not None]
    if isinstance(condition, Not):
        return _positive_phrases(condition.child, not negated)
    return [p for child in condition.children for p in _positive_phrases(child, negated)]


def phrases_in_two_triggers(rules: Sequence[Analysed]) -> list[Finding]:
    """A phrase that escalates under two trigger kinds splits the by-trigger reports."""
    uses: dict[tuple[str, ...], dict[str, list[Analysed]]] = defaultdict(lambda: defaultdict(list))
    shown: dict[tuple[str, ...], str] = {}
    for item in rules:
        if not item.rule.enabled:
            continue
        keys = {words(p): p for p in _positive_phrases(item.rule.when)}
        for key, phrase in keys.items():
            if key:
                shown.setdefault(key, normalise(phrase))
                if item not in uses[key][item.rule.trigger]:
                    uses[key][item.rule.trigger].append(item)
    out = []
    for key, by_kind in uses.items():
        phrase = shown[key]
        if len(by_kind) < 2:
            continue
        involved = sorted({i.index: i for items in by_kind.values() for i in items}.values(),
                          key=lambda i: i.index)
        parts = [f"{trigger_label(kind)} ({join_and([rule_title(i.rule) for i in items])})"
                 for kind, items in by_kind.items()]
        out.append(Finding(
            "phrase_in_two_triggers", "warning",
            f"The phrase {value_text(phrase)} appears in rules of different trigger kinds: "
            f"{join_and(parts)}. Reports by trigger kind will count it under whichever fires first.",
            tuple(i.rule.id for i in involved), involved[-1].path))
    return out


def shadowing_rule(ruleset: Ruleset, rule_id: str) -> Rule | None:
    """The earlier rule that always decides before `rule_id` (None if the rule can fire).

    For the one-click "move above" fix: the editor asks for the rule it shows only."""
    if ruleset.settings.evaluation_mode != "first_match":
        return None
    index = next((i for i, r in enumerate(ruleset.rules) if r.id == rule_id), None)
    if index is None:
        return None
    rules = [Analysed(i, r, dnf(r.when, f"$.rules[{i}].when", groups=ruleset.word_groups))
             for i, r in enumerate(ruleset.rules[: index + 1])]
    later = rules[-1]
    if not later.rule.enabled or later.terms is None:
        return None
    earlier = _first_escalating_shadow(later, rules[:-1])
    return earlier.rule if earlier is not None else None
