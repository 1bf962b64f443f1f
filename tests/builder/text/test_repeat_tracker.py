"""Issue #23, problem 2: the repeated-question tracker in linear time, against the scan of every
earlier message it replaces (rapidfuzz's `token_sort_ratio` stays the judge of "near-copy")."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from builder.text.matching import normalised_text
from builder.text.signals import REPEAT_CHARS, REPEAT_WINDOW, RepeatTracker

WORDS = st.sampled_from(["where", "is", "my", "order", "parcel", "refund", "please", "how", "do", "i", "reset",
                         "password", "ok", "?", "!", "Where", "ORDER"])


class ScanEverything:
    """The tracker as it was: every message compared with every earlier one (the oracle)."""

    def __init__(self, threshold: float) -> None:
        self.threshold, self.earlier, self.count = threshold, [], 0  # type: ignore[var-annotated]

    def add(self, text: str) -> bool:
        norm = normalised_text(text)
        if norm.count(" ") < 1:
            return False
        hit = bool(self.earlier) and process.extractOne(
            norm, self.earlier, scorer=fuzz.token_sort_ratio, score_cutoff=self.threshold) is not None
        self.count += hit
        self.earlier.append(norm)
        return hit


@given(messages=st.lists(st.lists(WORDS, max_size=6).map(" ".join), max_size=40),
       threshold=st.sampled_from([60, 85, 95, 100]))
@example(messages=["where is my order", "where is my order", "ok"], threshold=100)
def test_same_flags_as_scanning_every_earlier_message(messages: list[str], threshold: int) -> None:
    fast, oracle = RepeatTracker(threshold), ScanEverything(threshold)
    assert [fast.add(m) for m in messages] == [oracle.add(m) for m in messages]
    assert fast.count == oracle.count


def test_each_message_is_compared_with_a_bounded_number_of_earlier_ones() -> None:
    tracker = RepeatTracker(85)
    compared: list[int] = []
    real = tracker._extract

    def counting(query: str, choices: object, **options: object) -> object:
        compared.append(len(choices))  # type: ignore[arg-type]
        return real(query, choices, **options)

    tracker._extract = counting
    for i in range(3 * REPEAT_WINDOW):
        tracker.add(f"question number {i} about invoice {i * 7919}")
    assert max(compared) == REPEAT_WINDOW  # was: every earlier message (quadratic over a conversation)


def test_an_exact_copy_is_found_however_long_ago() -> None:
    tracker = RepeatTracker(85)
    tracker.add("how do I reset my password")
    for i in range(2 * REPEAT_WINDOW):
        tracker.add(f"{i} {i + 1} {i + 2}")
    assert tracker.add("How do I reset my password?") and tracker.count == 1


def test_only_the_first_characters_of_a_long_message_are_compared() -> None:
    tracker = RepeatTracker(85)
    long_a = "please help me with my order " * 1000
    assert not tracker.add(long_a)
    assert tracker.add(long_a + " and something else entirely " * 1000)  # same first REPEAT_CHARS
    assert len(tracker.recent[0]) == REPEAT_CHARS
