"""Typo tolerance: 1 edit from 5 letters, 2 from 9, Damerau (a swap is one edit), never short
words, numbers or ordinary English words; what a match says it matched as."""

from __future__ import annotations

import pytest

from builder.text.matching import PhraseMatcher
from builder.text.typos import TypoFinder, edit_budget


def hit(phrase: str, text: str, typo: bool = True) -> bool:
    matcher = PhraseMatcher()
    pid = matcher.add(phrase, typo=typo)
    return pid in matcher.match_text(text)


@pytest.mark.parametrize(("phrase", "text", "found"), [
    ("agent", "i need an agnet", True),  # a swap of two letters: one edit
    ("human", "talk to a humna", True),
    ("operator", "get me an opperator", True),  # one letter too many
    ("representative", "a represntative please", True),  # 14 letters: up to two edits
    ("representative", "a reprsntative please", True),  # two edits
    ("agent", "an agnte", False),  # two edits on a 5-letter word: too many
    ("cancellation", "cancelation fee", True),
    ("talk", "tlak to me", False),  # 4 letters: short words are never typos
    ("agent", "agency fees", False),  # an ordinary English word is never a typo
    ("agent", "agent5", False),  # not all letters: never a typo
    ("refund", "refnud please", True),
])
def test_typo_tolerance(phrase: str, text: str, found: bool) -> None:
    assert hit(phrase, text) is found
    assert hit(phrase, text, typo=False) is (found and phrase in text)  # off: exact words only


def test_the_budget_follows_the_shorter_stem() -> None:
    assert [edit_budget("a" * n, "b" * 20) for n in (4, 5, 8, 9, 12)] == [0, 1, 1, 2, 2]


def test_the_closest_ruleset_word_wins_then_the_first_alphabetically() -> None:
    finder = TypoFinder(["agent", "agents", "urgent"])
    assert finder.meant("agnet", "agnet") == ("agent", 1)
    finder = TypoFinder(["baker", "bakes"])
    assert finder.meant("bakex", "bakex") == ("baker", 1)  # both one edit away: alphabetical order


def test_a_word_a_prefix_matches_is_no_typo() -> None:
    finder = TypoFinder(["cancellation"], prefixes=("cancel",))
    assert finder.meant("cancelation", "cancelation") is None  # "cancel*" already matches it


def test_the_match_says_what_it_matched_as() -> None:
    matcher = PhraseMatcher()
    matcher.add("talk to an agent", typo=True)
    [match] = matcher.matches("can I talk to an agnet?")
    assert match.typos == (("agnet", "agent"),)
    assert match.to_dict()["typos"] == [{"written": "agnet", "as": "agent"}]


def test_a_typo_only_counts_for_conditions_that_tolerate_typos() -> None:
    matcher = PhraseMatcher()
    tolerant, exact = matcher.add("agent", typo=True), matcher.add("agent", typo=False)
    assert matcher.match_text("an agnet please") == {tolerant}
    assert matcher.match_text("an agent please") == {tolerant, exact}
