"""A very long visitor message: the rules read its first MAX_EVALUATED_CHARS characters, the
transcript keeps it whole."""

from __future__ import annotations

from builder import runtime
from builder.engine.session import MAX_EVALUATED_CHARS
from builder.paths import example_playbook

RULES = runtime.load(example_playbook())
ASK = " gdpr"  # the legal rule's phrase (short: no typo tolerance, so "gdp" is not it)


def _decide(text: str) -> runtime.Decision | None:
    session = RULES.session("long", {})
    return session.observe({"type": "visitor", "at": "2026-11-25T10:00:00Z", "text": text})


def test_a_phrase_ending_at_the_last_read_character_counts_and_one_after_does_not() -> None:
    inside = "a" * (MAX_EVALUATED_CHARS - len(ASK)) + ASK
    assert len(inside) == MAX_EVALUATED_CHARS
    decision = _decide(inside + " and more" * 10)
    assert decision is not None and decision.rule == "legal"
    assert decision.payload["transcript"][0]["text"].endswith(" and more")  # kept whole
    assert _decide("a" * (MAX_EVALUATED_CHARS - len(ASK) + 1) + ASK) is None
