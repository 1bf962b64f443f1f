"""The fact registry: one Signal per catalog fact, and what the engine derives from the two."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from builder.engine import CompileError, compile_ruleset
from builder.engine.index import gate
from builder.engine.registry import BY_FACT, SIGNALS, Signal, registry_problems
from rules_schema.catalog import catalog
from tests.builder.engine.reference_engine import make_ruleset


def test_every_catalog_fact_has_exactly_one_signal_and_every_signal_a_fact() -> None:
    counts = Counter(s.fact for s in SIGNALS)
    assert counts == Counter(list(catalog().facts))  # each catalog fact once, nothing else
    assert registry_problems(SIGNALS, catalog()) == []


def test_a_missing_duplicated_or_unknown_signal_is_named() -> None:
    cat = catalog()
    missing = tuple(s for s in SIGNALS if s.fact != "visitor.score")
    assert registry_problems(missing, cat) == ["visitor.score: no Signal"]
    assert registry_problems((*SIGNALS, BY_FACT["bot.intent"]), cat) == ["bot.intent: 2 Signals"]
    extra = (*SIGNALS, Signal("visitor.mood", attribute="score"))
    assert registry_problems(extra, cat) == ["visitor.mood: a Signal for a fact the catalog does not know"]


@pytest.mark.parametrize(
    ("fact", "change", "problem"),
    [
        ("visitor.score", {"attribute": "scor"}, "the State has no attribute 'scor'"),
        ("message.sentiment", {"method": "sentimental"}, "the State has no method 'sentimental'"),
        ("visitor.score", {"method": "caps"}, "read 2 ways"),
        ("message.text", {"attribute": "text"}, "read by the text operators"),
        (
            "pages.views_matching",
            {"reader": None, "attribute": "views"},
            "a fact with a param (url_pattern) needs a reader",
        ),
        ("visitor.score", {"never_none": True, "attribute": "returning"}, None),  # a number may be never None
        ("visitor.returning", {"never_none": True}, "only a number can be never None"),
        ("time.silence_seconds", {"timer": None}, "the catalog says it is a timer"),
        ("visitor.score", {"timer": "start"}, "the catalog does not say it is a timer"),
        ("time.silence_seconds", {"timer": "end"}, "a timer counts from 'start' or 'silence'"),
        ("conversation.lowest_sentiment", {"needs": "lowest"}, "no accumulator 'lowest'"),
        ("bot.intent", {"conversation": True}, "only a text fact spans the conversation"),
    ],
)
def test_a_signal_that_cannot_read_its_fact_is_named(fact: str, change: dict[str, Any], problem: str | None) -> None:
    signals = tuple(replace(s, **change) if s.fact == fact else s for s in SIGNALS)
    problems = registry_problems(signals, catalog())
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(f"{fact}: ") and problem in problems[0], problems


def test_a_fact_without_a_signal_is_a_compile_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(BY_FACT, "visitor.score")
    with pytest.raises(CompileError, match="no signal for fact 'visitor.score'"):
        compile_ruleset(make_ruleset([{"when": {"fact": "visitor.score", "op": "gt", "value": 50}}]))


# A condition on each fact the index can decide, and the atom kind its catalog type gives.
_ATOM_OF_TYPE = {"number": ("gt", 1, "num"), "boolean": ("is_true", None, "bool"), "category": ("eq", "x", "cat")}
_PARAMS = {"url_pattern": "/pricing*", "attribute": "plan", "schedule": None}


@pytest.mark.parametrize("fact", [f for f in catalog().facts.values() if f.type in _ATOM_OF_TYPE], ids=lambda f: f.name)
def test_the_index_class_of_a_fact_follows_its_catalog_type_and_signal(fact: Any) -> None:
    op, value, kind = _ATOM_OF_TYPE[fact.type]
    leaf: dict[str, Any] = {"fact": fact.name, "op": op, "value": value}
    if fact.param is not None and _PARAMS[fact.param] is not None:
        leaf["param"] = _PARAMS[fact.param]
    schedules = [{"id": "s", "name": "S", "timezone": "UTC", "weekly": []}]
    compiled = compile_ruleset(make_ruleset([{"when": leaf}], schedules=schedules, default_schedule="s"))
    atoms = gate(compiled.rules[0].root, compiled.sources, {})
    sig = BY_FACT[fact.name]
    if not sig.indexed:
        assert atoms is None
    elif sig.phrases is not None:  # frustration: decided by its phrases in the message
        assert atoms == frozenset(("p", pid) for pid in compiled.sources.frustration_ids) != frozenset()
    else:
        assert atoms is not None and {a[0] for a in atoms} == {kind}
