"""Normalisation, pinned: apostrophes and contractions, Unicode quotes and dashes, case, emoji,
and the stemmer's false friends."""

from __future__ import annotations

import pytest

from builder.text.matching import PhraseMatcher, find_phrases, tokenize
from builder.text.normalise import normalised_text, stem, word_spans, words_of


@pytest.mark.parametrize("text", ["don't", "dont", "do not", "DON’T", "Don‘t", "donʼt"])
def test_dont_is_do_not_however_it_is_typed(text: str) -> None:
    assert words_of(text) == ["do", "not"]


@pytest.mark.parametrize(("text", "words"), [
    ("I can't", ["i", "can", "not"]), ("cannot", ["can", "not"]), ("I'm here", ["i", "am", "here"]),
    ("it isn't", ["it", "is", "not"]), ("won't", ["will", "not"]), ("you're", ["you", "are"]),
    ("its", ["its"]), ("we're were", ["were", "were"]), ("ill", ["ill"]),  # not listed: also plain words
])
def test_contractions_are_spelled_out(text: str, words: list[str]) -> None:
    assert words_of(text) == words


@pytest.mark.parametrize(("phrase", "text"), [
    ("don't want", "I do not want a bot"), ("do not want", "i dont want a bot"), ("dont want", "I DON’T WANT"),
])
def test_a_phrase_matches_every_spelling_of_a_contraction(phrase: str, text: str) -> None:
    assert [m.phrase for m in find_phrases(text, [phrase])] == [phrase]


def test_unicode_quotes_dashes_case_and_full_width_letters() -> None:
    assert words_of("“Refund”—now…please") == ["refund", "now", "please"]
    assert words_of("ＲＥＦＵＮＤ ﬁne") == ["refund", "fine"]  # NFKC: full-width letters, ligatures
    assert words_of("STRASSE straße") == ["strasse", "strasse"]  # casefold


def test_emoji_are_words_of_their_own() -> None:
    assert words_of("so angry😡😡!") == ["so", "angry", "😡", "😡"]
    assert [m.phrase for m in find_phrases("this 😡", ["😡"])] == ["😡"]


def test_spans_follow_the_spelled_out_words() -> None:
    text = "I don’t need it"
    spans = word_spans(text)
    assert len(spans) == len(words_of(text)) == 5
    assert [text[a:b] for a, b in spans] == ["I", "don’t", "don’t", "need", "it"]
    assert tokenize(text).spans == spans


def test_the_ascii_fast_path_and_the_unicode_path_agree_on_contractions() -> None:
    text = "Don't you 'dare', I'm fine"
    assert words_of(text) == words_of(text + " é")[:-1]
    assert normalised_text(text) == "do not you dare i am fine"


# False friends: words that must not fold into another word.
@pytest.mark.parametrize(("word", "other"), [("news", "new"), ("string", "str"), ("outing", "out"),
                                             ("cancellation", "cancel"), ("doing", "do"), ("used", "use")])
def test_false_friends_stay_apart(word: str, other: str) -> None:
    assert stem(word) != stem(other)
    matcher = PhraseMatcher()
    pid = matcher.add(other)
    assert pid not in matcher.match_text(f"the {word} today")
