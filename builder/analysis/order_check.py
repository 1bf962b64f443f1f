"""The live rule-order check, kept cheap while the manager edits one rule at a time.

Why: the full check (`builder.analysis.rule_order`) asks, for every rule, whether any rule above it
always pre-empts it: one implication test per pair, about 125,000 of them at 500 rules, each time
the manager types. `RuleOrderCheck` gives the same findings but remembers what does not change
between two edits: each condition's normal form (its alternatives, which of them can hold, what each
says about every fact), found once per condition value; and the answer for each pair of conditions
("whenever B holds, A holds"), found once per pair. An edit to one rule makes one new normal form,
so only the pairs that involve the edited rule are tested again; the rest of the check is lookups.

Findings are identical to the full check's, word for word and in the same order
(`tests/builder/analysis/test_order_check.py` compares the two after random sequences of edits).
Qt-free; one check at a time (a lock guards the memory, so a worker thread may run it).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from builder.analysis.finding import Finding
from builder.analysis.logic import Conflict, FactState, Literal, conflict, dnf, literal_implied, states
from builder.analysis.rules import never_fires_finding, shadowed_finding
from builder.format.model import Condition, Rule, Ruleset, WordGroup

_ROOT = "#"  # a normal form is found once per condition, wherever the rule stands; paths start here


@dataclass
class NormalForm:
    """One condition as the analysis reads it, with what every check of it needs (found on first use).

    `terms` are the alternatives (None: too large to analyse); `conflicts` why each cannot hold
    (None where it might); `live` the alternatives that can hold, each with what it says per fact;
    `implies` the remembered answers "whenever this holds, that one holds", by the other's number."""

    number: int
    terms: list[list[Literal]] | None
    _conflicts: list[Conflict | None] | None = None
    _live: list[tuple[list[Literal], dict[tuple[str, str | None], FactState]]] | None = None
    implies: dict[int, bool] = field(default_factory=dict)

    @property
    def conflicts(self) -> list[Conflict | None]:
        if self._conflicts is None:
            self._conflicts = [conflict(term) for term in self.terms or []]
        return self._conflicts

    @property
    def live(self) -> list[tuple[list[Literal], dict[tuple[str, str | None], FactState]]]:
        if self._live is None:
            self._live = [(term, states(term)) for term, found in zip(self.terms or [], self.conflicts, strict=True)
                          if found is None]
        return self._live

    def always_implies(self, other: NormalForm) -> bool:
        """`logic.implies(self.terms, other.terms)`, remembered."""
        known = self.implies.get(other.number)
        if known is None:
            alternatives = other.terms or []
            known = bool(self.live) and all(
                any(all(literal_implied(by_fact, term, lit) for lit in alt) for alt in alternatives)
                for term, by_fact in self.live)
            self.implies[other.number] = known
        return known


class RuleOrderCheck:
    """`check(ruleset)`: the findings of `builder.analysis.rule_order(ruleset)`, remembering the work
    that the next ruleset (usually one edit later) can reuse."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: tuple[WordGroup, ...] | None = None
        self._forms: dict[int, tuple[Condition, NormalForm]] = {}  # id(condition) -> (condition, form)
        self._numbers = itertools.count()

    def check(self, ruleset: Ruleset) -> list[Finding]:
        """Rules that can never fire, then rules an earlier rule always pre-empts (first-match mode)."""
        with self._lock:
            if ruleset.word_groups != self._groups:  # a group's words are part of every form using it
                self._forms.clear()
                self._groups = ruleset.word_groups
            forms = [self._form(rule.when) for rule in ruleset.rules]
            findings = self._never_fires(ruleset.rules, forms)
            if ruleset.settings.evaluation_mode == "first_match":
                findings += self._shadowed(ruleset.rules, forms)
            self._forget_all_but(forms)
            return findings

    def _form(self, condition: Condition) -> NormalForm:
        """The condition's normal form; the same condition object (an unedited rule) finds it again."""
        known = self._forms.get(id(condition))
        if known is not None and known[0] is condition:
            return known[1]
        form = NormalForm(next(self._numbers), dnf(condition, f"{_ROOT}.when", groups=self._groups or ()))
        self._forms[id(condition)] = (condition, form)  # the condition is kept, so its id is not reused
        return form

    def _forget_all_but(self, kept: Sequence[NormalForm]) -> None:
        """Drop the forms of conditions no rule has any more, and every answer about them."""
        keep = {form.number for form in kept}
        gone = [key for key, (_, form) in self._forms.items() if form.number not in keep]
        if not gone:
            return
        numbers = {self._forms[key][1].number for key in gone}
        for key in gone:
            del self._forms[key]
        for _, form in self._forms.values():
            for number in numbers & form.implies.keys():
                del form.implies[number]

    @staticmethod
    def _never_fires(rules: Sequence[Rule], forms: Sequence[NormalForm]) -> list[Finding]:
        out = []
        for index, (rule, form) in enumerate(zip(rules, forms, strict=True)):
            if not rule.enabled or form.terms is None:
                continue
            conflicts = form.conflicts
            if any(found is None for found in conflicts):
                continue
            path = f"$.rules[{index}]"
            first = conflicts[0].literals if conflicts and conflicts[0] is not None else None
            placed = [replace(lit, path=path + lit.path[len(_ROOT):]) for lit in first] if first is not None else None
            out.append(never_fires_finding(rule, path, placed, len(conflicts)))
        return out

    @staticmethod
    def _shadowed(rules: Sequence[Rule], forms: Sequence[NormalForm]) -> list[Finding]:
        out = []
        escalating: list[tuple[Rule, NormalForm]] = []  # the rules above that could pre-empt
        for index, (rule, form) in enumerate(zip(rules, forms, strict=True)):
            if rule.enabled and form.terms is not None:
                earlier = next((e for e in escalating if form.always_implies(e[1])), None)
                if earlier is not None:
                    out.append(shadowed_finding(earlier[0], rule, f"$.rules[{index}]"))
            if rule.enabled and rule.escalation is not None and form.terms is not None:
                escalating.append((rule, form))
        return out
