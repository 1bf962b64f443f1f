"""Phrase matching semantics (the contract the playbook relies on) and RE2 patterns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.text.matching import (
    PhraseError,
    PhraseMatcher,
    find_phrases,
    normalised_text,
    stem,
    tokenize,
    word_forms,
)
from builder.text.patterns import PatternSet


def found(text: str, *phrases: str) -> list[str]:
    return [m.phrase for m in find_phrases(text, phrases)]


@pytest.mark.parametrize(
    ("text", "phrase", "hit"),
    [
        ("REFUND!!!", "refund", True),
        ("I want a Refund.", "refund", True),
        ("refunds", "refund", True),
        ("refunded yesterday", "refund", True),
        ("refunding", "refund", True),
        ("re-fund", "refund", False),  # punctuation is a word boundary
        ("refundable", "refund", False),  # whole words only
        ("talk to a human?", "talk to a human", True),
        ("Can I TALK   to a human, please", "talk to a human", True),
        ("talk to human", "talk to a human", False),
        ("it was cancelled", "cancel", True),
        ("canceled", "cancel", True),
        ("cancelling", "cancel", True),
        ("cancellation", "cancel", False),  # derived nouns are not folded
        ("cancellation", "cancel*", True),  # explicit prefix
        ("two cherries", "cherry*", True),  # the stem of "cherries" is "cherry"
        ("I was charged twice", "charge", True),
        ("charges", "charged", True),
        ("don't want a human", "dont want a human", True),
        ("I don’t want a human", "don't want a human", True),  # typographic apostrophe
        ("this ISN'T helpful", "this isn't helpful", True),
        ("STRASSE", "straße", True),  # casefold
        ("Ich möchte eine Rückerstattung", "rückerstattung", True),
        ("so angry 😡😡", "😡", True),
        ("", "refund", False),
        ("!!!", "refund", False),
    ],
)
def test_phrase_semantics(text: str, phrase: str, hit: bool) -> None:
    assert bool(found(text, phrase)) is hit
    matcher = PhraseMatcher()
    pid = matcher.add(phrase)
    assert (pid in matcher.match_text(text)) is hit  # the hot path says the same


# Words made of the letters the stemmer looks at, so that suffixes, doubled consonants, a final e
# and -ies are frequent.
_WORDS = st.text(alphabet="abdeginsy", min_size=1, max_size=9)


@given(_WORDS)
@settings(max_examples=2000, deadline=None)
def test_word_forms_lists_every_word_with_that_stem(word: str) -> None:
    forms = word_forms(stem(word))
    assert word in forms
    assert all(stem(form) == stem(word) for form in forms)


@given(phrases=st.lists(st.lists(_WORDS | _WORDS.map(lambda w: w + "*"), min_size=1, max_size=3).map(" ".join),
                        min_size=1, max_size=6, unique=True),
       words=st.lists(_WORDS, max_size=12), punctuation=st.sampled_from([" ", ", ", "! ", "  "]))
@settings(max_examples=400, deadline=None)
def test_the_hot_path_finds_exactly_the_phrases_the_spans_show(
        phrases: list[str], words: list[str], punctuation: str) -> None:
    planted = words[: len(words) // 2] + phrases[0].replace("*", "s").split() + words[len(words) // 2:]
    texts = (punctuation.join(words), punctuation.join(planted), punctuation.join(planted).upper() + " é",
             # the phrase's words once out of order first: only a later occurrence completes it
             punctuation.join(phrases[0].replace("*", "s").split()[::-1] + planted))
    # with `word*` phrases (every message looked at word by word once a prefix is there) and without
    for ruleset in (phrases, [p.replace("*", "") for p in phrases]):
        matcher = PhraseMatcher()
        for phrase in ruleset:
            matcher.add(phrase)
        for text in texts:
            assert set(matcher.match_text(text)) == {m.phrase_id for m in matcher.matches(text)}


def test_spans_point_into_the_original_text() -> None:
    text = "Hi! Can I TALK to a human? And a REFUND!!!"
    matches = find_phrases(text, ["talk to a human", "refund"])
    assert [(m.phrase, text[m.start:m.end]) for m in matches] == [
        ("talk to a human", "TALK to a human"), ("refund", "REFUND")]


def test_spans_with_non_ascii_text() -> None:
    text = "Straße, café — I’d like a refund 😡 now"
    matches = find_phrases(text, ["refund", "😡", "i'd like"])
    assert sorted(text[m.start:m.end] for m in matches) == ["I’d like", "refund", "😡"]


def test_every_occurrence_is_reported() -> None:
    assert found("refund, refund and REFUNDS", "refund") == ["refund", "refund", "refund"]


def test_prefix_word_inside_a_phrase() -> None:
    assert found("please cancelling my subscriptions", "cancel* my subscription") == ["cancel* my subscription"]
    assert found("please cancel your subscription", "cancel* my subscription") == []


def test_one_matcher_for_many_phrases_reports_ids() -> None:
    matcher = PhraseMatcher()
    ids = {p: matcher.add(p) for p in ["refund", "talk to a human", "human", "chargeback"]}
    assert matcher.add("refund") == ids["refund"]  # same phrase, same id
    hits = matcher.match_words(tokenize("Talk to a HUMAN about a refund").words)
    assert hits == {ids["refund"], ids["talk to a human"], ids["human"]}


def test_long_message_is_matched_in_one_pass() -> None:
    text = ("lorem ipsum dolor sit amet " * 400) + "I need a refund" + "!" * 10_000
    assert len(text) > 10_000
    matches = find_phrases(text, ["refund", "human"])
    assert [(m.phrase, text[m.start:m.end]) for m in matches] == [("refund", "refund")]


def test_phrase_without_words_is_an_error() -> None:
    with pytest.raises(PhraseError, match="no words"):
        PhraseMatcher().add("!!!")


def test_ascii_fast_path_and_regex_path_agree() -> None:
    text = "Don't you 'dare' rock'n'roll __x__ a_b 24/7 REFUND!!! re-fund"
    assert tokenize(text).words == tokenize(text + " é").words[:-1]
    assert normalised_text(text) == "dont you dare rocknroll x a b 24 7 refund re fund"


def test_stemmer_folds_simple_inflections_only() -> None:
    assert {stem(w) for w in ["refund", "refunds", "refunded", "refunding"]} == {"refund"}
    assert {stem(w) for w in ["cancel", "cancels", "cancelled", "canceled", "cancelling"]} == {"cancel"}
    assert {stem(w) for w in ["charge", "charged", "charges"]} == {stem("charge")}
    assert stem("cancellation") != stem("cancel")


def test_patterns_are_case_insensitive_re2() -> None:
    patterns = PatternSet()
    order = patterns.add(r"order\s*#?\d{4,}")
    email = patterns.add(r"[a-z]+@[a-z]+\.[a-z]{2,}")
    patterns.build()
    assert patterns.matching_ids("ORDER #12345, mail ANA@EXAMPLE.COM") == {order, email}
    assert patterns.search(order, "my Order 98765") == (3, 14)
    assert patterns.matching_ids("nothing here") == frozenset()


def test_invalid_or_unsupported_pattern_is_a_readable_error() -> None:
    with pytest.raises(ValueError, match="not a valid RE2"):
        PatternSet().add(r"(?<=a)b")
