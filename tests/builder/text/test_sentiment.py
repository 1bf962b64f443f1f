"""The linear-time VADER (`builder.text.sentiment`) against vaderSentiment itself: the same compound
score on real customer sentences and on generated ones built to hit every rule, and a work count
that grows linearly with the message (vaderSentiment's grows quadratically)."""

from __future__ import annotations

import json
import os
import sys
from types import FrameType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.text import sentiment as fast
from builder.text.sentiment import compound
from tests.builder.text.sentence_maker import sentences
from tests.conftest import DEV_DATA, examples

vader_module = pytest.importorskip("vaderSentiment.vaderSentiment")
ANALYZER = vader_module.SentimentIntensityAnalyzer()
LEXICON = sorted(ANALYZER.lexicon)
# Generated sentences: 100,000 in CI (with the ~9,700 dev sentences, over 100,000 real and generated
# sentences), 4,000 on a developer's machine.
GENERATED = 100_000 if os.environ.get("CI") else 4_000


def vader(text: str) -> float:
    score: float = ANALYZER.polarity_scores(text)["compound"]
    return score


# VADER's own demonstration sentences plus one case per rule.
RULE_CASES = [
    "VADER is smart, handsome, and funny.", "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.", "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!", "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.", "The book was good.", "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!", "Today only kinda sux! But I'll get by, lol", "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁", "Not bad at all", "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!", "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!", "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass", "VADER is such a badass!", "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.", "Not such a badass after all.",
    "least good", "very least good", "no good", "no no good", "no or bad", "not nor bad", "yeah right, great",
    "kiss of death", "it is to die for", "sort of good", "it was just enough good", "good??", "good????",
    "bad!!!!!!", "😡😡 x😡", "😀", "a😀b", "GOOD good", "GOOD", "never so bad", "so very bad", "the bomb",
    "one two three kiss of death", "they said it was the bomb", "I mayn't like it", "you shouldn't've lied",
    "", "   ", "...", "ok :)", "\u00a0ok\u00a0", "tab\tok", "ΟΔΟΣ good İstanbul",
]


@pytest.mark.parametrize("text", RULE_CASES)
def test_rule_cases_score_as_vader(text: str) -> None:
    assert compound(text) == vader(text)


def test_dev_sentences_score_as_vader() -> None:
    files = sorted(DEV_DATA.glob("*.jsonl")) if DEV_DATA.is_dir() else []
    if not files:
        pytest.skip(f"no development data in {DEV_DATA} (set HANDOFF_DEV_DATA)")
    texts = [t for path in files for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and isinstance(t := json.loads(line).get("text"), str)]
    assert len(texts) > 5_000
    differ = [t for t in texts if compound(t) != vader(t)]
    assert differ == []
    assert sum(compound(t) != 0.0 for t in texts) > 1_000  # the sentences do carry sentiment


def test_generated_sentences_score_as_vader() -> None:
    differ = []
    nonzero = 0
    for text in sentences(GENERATED, seed=21, lexicon=LEXICON):
        ours = compound(text)
        nonzero += ours != 0.0
        if ours != vader(text):
            differ.append(text)
    assert differ[:5] == []
    assert nonzero > GENERATED // 2


def test_but_shift_keeps_vaders_list_index_quirk() -> None:
    """VADER shifts the *first* position holding a score: in "fav but jj" (2.0, 0, 1.0) the halved
    2.0 equals jj's 1.0, so jj's shift lands on "fav" again (0.5 + 1.0, not 1.0 + 1.5)."""
    assert ANALYZER.lexicon["fav"] == 2 * ANALYZER.lexicon["jj"]
    assert fast._but_shift([2.0, 0, 1.0], 1) == [0.5, 0, 1.0]
    assert compound("fav but jj") == vader("fav but jj") == round(1.5 / (1.5 ** 2 + 15) ** 0.5, 4)


def test_emoji_are_described_with_vaders_spacing() -> None:
    model = fast._load()
    assert fast._replace_emoji("a😀b 😀😀", model) == "a grinning faceb grinning face grinning face"
    assert fast._replace_emoji("😀 x", model) == "grinning face x"


def _line_events(text: str) -> int:
    """Python lines executed by `compound(text)` (a work count immune to a busy machine)."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        compound(text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("piece", [
    "This is NOT good, but the bot was kind of helpful :) 😡 really?? no refund!!! I hate it. ",
    "good fav jj but ",  # every word a lexicon word and a "but" shift with repeated scores
])
def test_work_grows_linearly_with_the_message(piece: str) -> None:
    small, large = _line_events(piece * 100), _line_events(piece * 400)
    assert large <= 4.2 * small  # quadratic work would be ~16 times


def test_heap_work_of_the_but_shift_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    scores: list[Any] = [2.0, 1.0] * 2_000 + [0] + [1.0, 0.5] * 2_000
    pops = 0
    real_pop = fast.heapq.heappop

    def counting_pop(heap: list[int]) -> int:
        nonlocal pops
        pops += 1
        return real_pop(heap)

    monkeypatch.setattr(fast.heapq, "heappop", counting_pop)
    shifted = fast._but_shift(scores, 4_000)
    assert pops <= 2 * len(scores)
    words = ["w"] * 4_000 + ["but"] + ["w"] * 4_000
    assert shifted == vader_module.SentimentIntensityAnalyzer._but_check(words, list(scores))


@given(st.lists(st.sampled_from([0, 0.0, 0.25, 0.5, 1.0, 2.0, 3.0, -0.5, -1.0, -2.0, 1.5, 0.75]),
                min_size=1, max_size=30), st.data())
@settings(max_examples=examples(2_000))
def test_but_shift_equals_vaders_but_check(scores: list[Any], data: st.DataObject) -> None:
    but_at = data.draw(st.integers(0, len(scores) - 1))
    scores[but_at] = 0
    words = ["w"] * len(scores)
    words[but_at] = "but"
    assert fast._but_shift(scores, but_at) == vader_module.SentimentIntensityAnalyzer._but_check(words, list(scores))
