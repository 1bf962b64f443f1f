"""The automaton matcher against the matcher it replaced (`legacy_matcher`, kept here as the
oracle where their semantics are the same: exact phrases without contractions), and its cost on
one very long word (issue #23: a 200 KB word took 7.3 s in the old matcher's per-prefix loop)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.text.matching import PhraseMatcher
from tests.builder.text import legacy_matcher
from tests.conftest import examples

VOCAB = ["refund", "refunds", "refunded", "cancel", "cancelled", "cancellation", "talk", "to", "a", "human",
         "humans", "agent", "please", "my", "order", "charge", "charged", "news", "new", "string", "box",
         "boxes", "😡", "24", "help", "me", "i", "want", "the", "bill", "bills"]
PHRASE_WORDS = VOCAB + ["cancel*", "refund*", "hum*", "ch*"]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.lists(st.sampled_from(PHRASE_WORDS), min_size=1, max_size=3).map(" ".join), min_size=1,
                max_size=12),
       st.lists(st.sampled_from(VOCAB + [",", "!", "REFUND", "Human?"]), max_size=20).map(" ".join))
def test_same_ids_as_the_legacy_matcher(phrases: list[str], text: str) -> None:
    new, old = PhraseMatcher(), legacy_matcher.PhraseMatcher()
    ids = {p: (new.add(p), old.add(p)) for p in phrases}
    found_new, found_old = new.match_text(text), old.match_text(text)
    assert {p for p, (a, _) in ids.items() if a in found_new} == {p for p, (_, b) in ids.items() if b in found_old}
    spans_new = sorted((m.phrase, m.start, m.end) for m in new.matches(text))
    spans_old = sorted((m.phrase, m.start, m.end) for m in old.matches(text))
    assert spans_new == spans_old


def _calls(run: Callable[[], Any]) -> int:
    """Python and C function calls made by `run` (a count of work, not a timing)."""
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return count


def test_one_huge_word_costs_no_more_calls_than_a_short_one() -> None:
    """Issue #23: the old matcher looked up every prefix of a long word (`_starts`), so a 200 KB word
    took quadratic time. Here the work per word is a fixed number of calls, each linear in C."""
    matcher = PhraseMatcher()
    matcher.add_all(["refund*", "cancel*", "talk to a human"], typo=True)
    matcher.add_all(["agent", "human"], negation=True)
    matcher.build()
    short, huge = "cancel" + "x" * 20, "cancel" + "x" * 200_000  # each starts a `cancel*`
    matcher.match_text("warm up the caches")
    small, big = _calls(lambda: matcher.match_text(short)), _calls(lambda: matcher.match_text(huge))
    assert big <= small + 5, (small, big)
    assert _calls(lambda: matcher.matches(huge)) <= _calls(lambda: matcher.matches(short)) + 5
    old = legacy_matcher.PhraseMatcher()
    old.add_all(["refund*", "cancel*"])
    old.build()
    assert _calls(lambda: old.match_text("cancel" + "x" * 2_000)) > 1_000  # the old loop: one lookup per prefix
    assert matcher.match_text(huge) == {matcher.add("cancel*", typo=True)}
