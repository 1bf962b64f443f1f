"""A ruleset's RE2 patterns always load, however many there are: past one `re2.Set`'s memory
budget they are split into several sets, and a message still gets exactly the ids each pattern,
searched on its own, would give."""

from __future__ import annotations

import copy
import functools
import json
import random
from typing import Any

import pytest
import re2

from builder import runtime
from builder.paths import example_playbook
from builder.text import patterns as patterns_module
from builder.text.patterns import PatternSet

_WORDS = ("refund cancel order invoice billing account password login shipping delivery broken charge "
          "payment subscription upgrade downgrade manager supervisor complaint lawyer legal angry terrible "
          "awful useless human agent person speak talk help urgent asap immediately warranty return "
          "exchange damaged missing late tracking number address email phone card credit debit").split()


def _pattern(rng: random.Random) -> str:
    """One pattern of the shapes managers write: alternations of words, `\\b…\\b`, gaps of up to
    100 characters, character classes, digits, optional groups."""
    def alt(n: int) -> str:
        return "(?:" + "|".join(rng.sample(_WORDS, n)) + ")"

    word = rng.choice(_WORDS)
    return rng.choice((
        rf"\b{alt(rng.randint(2, 6))}\b",
        rf"\b{word}s?\b.{{0,{rng.choice((40, 60, 80, 100))}}}\b{alt(3)}\b",
        rf"{word}\s*#?\s*\d{{4}}",
        rf"\b(?:my|the|your)\s+{word}(?:\s+{rng.choice(_WORDS)})?\b",
        "[" + "".join(rng.sample("abcdefgh", 3)) + r"][a-z]{2,5}\d{2,4}\b",
        rf"\b{word}\w*\b.{{0,{rng.choice((30, 50, 80))}}}\b(?:not|never|no longer)\b",
        rf"\b{word}\W+(?:not|never|no longer)\s+{alt(2)}",
    ))


def _patterns(n: int, seed: int = 0) -> list[str]:
    rng, found = random.Random(seed), dict[str, None]()
    while len(found) < n:
        found[_pattern(rng)] = None
    return list(found)


def _messages(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    extra = ["my", "the", "your", "not", "never", "no longer", "#", "1234", "98765", "bad12", "cheque77",
             "and", "it", "is", "ORDER", "Refund!", "—", "é", "…"]
    return [" ".join(rng.choice(_WORDS + extra) for _ in range(rng.randint(1, 25))) for _ in range(n)]


@functools.cache
def _compiled(pattern: str) -> Any:
    options = re2.Options()
    options.case_sensitive = False
    return re2.compile(pattern, options)


def _alone(patterns: list[str], text: str) -> frozenset[int]:
    """The reference: each pattern searched on its own, case-insensitive as the rules' are."""
    return frozenset(i for i, p in enumerate(patterns) if _compiled(p).search(text) is not None)


def _pattern_set(patterns: list[str]) -> PatternSet:
    found = PatternSet()
    assert [found.add(p) for p in patterns] == list(range(len(patterns)))
    found.build()
    return found


def _agrees(found: PatternSet, patterns: list[str]) -> int:
    """Checks every generated message; returns how many pattern hits there were (so a test can
    make sure it compared something)."""
    hits = 0
    for text in _messages(300):
        expected = _alone(patterns, text)
        assert found.matching_ids(text) == expected, text
        hits += len(expected)
    return hits


def test_realistic_patterns_overflow_one_set_at_re2s_default_budget() -> None:
    """Why the budget is explicit: at RE2's default a set of these 1,000 patterns (valid one by
    one) cannot be compiled at all, which made a valid ruleset unloadable."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    combined = re2.Set.SearchSet(options)
    for pattern in _patterns(1000):
        combined.Add(pattern)
    with pytest.raises(re2.error, match="failed to compile Set"):
        combined.Compile()


def test_a_thousand_patterns_load_in_one_set_and_find_what_each_finds_alone() -> None:
    patterns = _patterns(1000)
    found = _pattern_set(patterns)
    assert found.set_count == 1  # the one-pass fast path, kept for rulesets of this size
    assert _agrees(found, patterns) > 300


@pytest.mark.parametrize("budget", [1 << 20, 256 << 10])
def test_patterns_past_one_sets_budget_are_split_and_find_the_same_ids(monkeypatch: pytest.MonkeyPatch,
                                                                       budget: int) -> None:
    monkeypatch.setattr(patterns_module, "_SET_MEMORY", budget)
    patterns = _patterns(1000)
    found = _pattern_set(patterns)
    assert found.set_count > 2
    assert _agrees(found, patterns) > 300


def test_a_pattern_no_set_can_hold_is_searched_on_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterns_module, "_SET_MEMORY", 40 << 10)
    patterns = [r"\border\s*#?\d{4}\b", r"\bcancel\w*\b.{0,100}\b(?:now|today)\b", r"\brefund\b"]
    found = _pattern_set(patterns)
    assert found.set_count == 2  # the first pattern, then the last; the middle one alone
    assert found.matching_ids("please CANCEL my plan today, order #1234") == {0, 1}
    assert found.matching_ids("cancel it now and refund") == {1, 2}
    assert found.matching_ids("refund") == {2}
    assert found.matching_ids("nothing here") == frozenset()


def _ruleset_of(patterns: list[str]) -> dict[str, Any]:
    """The shipped playbook with its rules replaced by one escalating `matches` rule a pattern."""
    document: dict[str, Any] = json.loads(example_playbook().read_text(encoding="utf-8"))
    model = document["rules"][0]  # escalates, stops, once a conversation
    rules = []
    for i, pattern in enumerate(patterns):
        rule = copy.deepcopy(model)
        rule.update(id=f"pattern-{i}", name=f"Pattern {i}",
                    when={"all": [{"fact": "message.text", "op": "matches", "value": pattern}]})
        rules.append(rule)
    document["rules"] = rules
    return document


def test_a_ruleset_of_a_thousand_pattern_rules_loads_and_decides() -> None:
    patterns = _patterns(1000)
    loaded = runtime.from_document(_ruleset_of(patterns))
    decided = 0
    for n, text in enumerate(_messages(60)):
        expected = _alone(patterns, text)
        decision = loaded.session(f"c{n}").observe({"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": text})
        if not expected:
            assert decision is None or decision.rule is None, text
            continue
        assert decision is not None and decision.rule == f"pattern-{min(expected)}", text
        decided += 1
    assert decided > 20


@pytest.mark.parametrize(("pattern", "reason"), [(r"(?<=a)b", "look-behinds"),
                                                (r"\b" + r".{0,1000}x" * 60, "pattern too large")])
def test_a_pattern_re2_cannot_compile_is_the_documented_load_error(pattern: str, reason: str) -> None:
    """Only a pattern that fails on its own stops a load, and as RulesetLoadError naming it."""
    document = _ruleset_of([r"\brefund\b", pattern])
    with pytest.raises(runtime.RulesetLoadError, match=f"Pattern 1.*{reason}"):
        runtime.from_document(document)
