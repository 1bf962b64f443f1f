"""Negation scope and "near": the two words and their distance, either order, clause breaks,
the kinds of "not" that still ask for help."""

from __future__ import annotations

import pytest

from builder.text.matching import PhraseMatcher


def negatable(phrase: str, text: str) -> bool:
    matcher = PhraseMatcher()
    pid = matcher.add(phrase, negation=True)
    return pid in matcher.match_text(text)


@pytest.mark.parametrize(("text", "counts"), [
    ("I need a human", True),
    ("I don't need a human", False),
    ("no human needed", False),
    ("never mind the human", False),
    ("I'm not asking for a human", False),  # four words before the match: in scope
    ("not now, I need a human", True),  # a comma ends the clause
    ("I don't want the bot but a human", True),  # "but" starts a new clause
    ("I can't reach a human", True),  # inability asks for help
    ("you won't let me talk to a human", True),  # refusal: "won't let"
    ("why don't you get me a human", True),  # a question
    ("I'm not sure how to reach a human", True),  # "not sure"
    ("I don't know how to get a human", True),  # "don't know"
    ("still no human", True),  # something still missing
    ("not one of the five words before it human", True),  # too far back
])
def test_negation_scope(text: str, counts: bool) -> None:
    assert negatable("human", text) is counts
    plain = PhraseMatcher()
    assert (plain.add("human") in plain.match_text(text)) is True  # without the option, every mention counts


def test_a_negated_match_is_reported_as_skipped_with_its_negating_word() -> None:
    matcher = PhraseMatcher()
    pid = matcher.add("agent", negation=True)
    text = "I don't need an agent"
    assert matcher.matches(text) == []
    [skipped] = matcher.matches(text, skipped=True)
    assert (skipped.phrase_id, skipped.negated_by, text[skipped.start:skipped.end]) == (pid, "don't", "agent")
    assert skipped.to_dict()["negated_by"] == "don't"


def near(text: str, within: int = 4, negation: bool = False) -> tuple[bool, tuple[str, str, int] | None]:
    matcher = PhraseMatcher()
    first = matcher.add_all(["talk", "speak", "put me through"])
    second = matcher.add_all(["human", "real person"])
    pid = matcher.add_near(first, second, within, negation=negation)
    found = [m for m in matcher.matches(text) if m.phrase_id == pid]
    return pid in matcher.match_text(text), (found[0].near if found else None)


@pytest.mark.parametrize(("text", "within", "expected"), [
    ("can I talk to a human", 4, (True, ("talk", "human", 3))),
    ("a human I can talk to", 4, (True, ("talk", "human", 3))),  # either order
    ("talk to a very very nice human", 5, (False, None)),  # six words apart
    ("talk to a very very nice human", 6, (True, ("talk", "human", 6))),
    ("put me through to a real person", 4, (True, ("put", "real", 3))),  # phrases on both sides
    ("talk human", 1, (True, ("talk", "human", 1))),
    ("talk, then later maybe a human, then talk", 4, (True, ("talk", "human", 2))),  # the nearest pair
    ("human", 4, (False, None)),
])
def test_near_words_and_distance(text: str, within: int, expected: tuple[bool, object]) -> None:
    assert near(text, within) == expected


def test_near_with_negation_before_or_between_the_two() -> None:
    assert near("I don't want to talk to a human", negation=True)[0] is False
    assert near("talk? no human please", negation=True)[0] is False  # negated between the two
    assert near("talk? no human please")[0] is True  # the option is off
    # one negated pair, another one not: the condition holds on the one that is not
    assert near("no talk to a human. I want to talk to a human", negation=True)[0] is True


def test_a_word_in_both_lists_is_not_near_itself() -> None:
    matcher = PhraseMatcher()
    ids = matcher.add_all(["agent"])
    pid = matcher.add_near(ids, ids, 4)
    assert pid not in matcher.match_text("an agent")
    assert pid in matcher.match_text("agent, another agent")
