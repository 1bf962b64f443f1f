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
from tests.builder.engine import reference_engine
from tests.conftest import examples


def found(text: str, *phrases: str) -> list[str]:
    return [m.phrase for m in find_phrases(text, phrases)]


@pytest.mark.parametrize(
    ("text", "phrase", "hit"),
    [
        ("REFUND!!!", "refund", True),
        ("EXTRA TAX", "extra tax", True),  # every capital letter survives the ASCII fast path
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
@settings(max_examples=examples(2000), deadline=None)
def test_word_forms_lists_every_word_with_that_stem(word: str) -> None:
    forms = word_forms(stem(word))
    assert word in forms
    assert all(stem(form) == stem(word) for form in forms)


@given(phrases=st.lists(st.lists(_WORDS | _WORDS.map(lambda w: w + "*"), min_size=1, max_size=3).map(" ".join),
                        min_size=1, max_size=6, unique=True),
       words=st.lists(_WORDS, max_size=12), punctuation=st.sampled_from([" ", ", ", "! ", "  "]))
@settings(max_examples=examples(400), deadline=None)
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
    # the `word*` is not the phrase's anchor here: it is checked as a prefix beside "subscription"
    assert found("cancellation of my subscription", "cancel* of my subscription") == ["cancel* of my subscription"]
    matcher = PhraseMatcher()
    pid = matcher.add("cancel* of my subscription")
    assert matcher.match_text("Cancellation of my subscription!") == {pid}


def test_a_word_equal_to_a_prefix_is_one_match() -> None:
    assert found("cancel it", "cancel*") == ["cancel*"]
    assert found("cancelled, cancellation", "cancel*") == ["cancel*", "cancel*"]


def test_one_matcher_for_many_phrases_reports_ids() -> None:
    matcher = PhraseMatcher()
    ids = {p: matcher.add(p) for p in ["refund", "talk to a human", "human", "chargeback"]}
    assert matcher.add("refund") == ids["refund"]  # same phrase, same id
    hits = matcher.match_text("Talk to a HUMAN about a refund")
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
    assert normalised_text(text) == "do not you dare rocknroll x a b 24 7 refund re fund"  # "don't" spelled out


def test_stemmer_folds_simple_inflections_only() -> None:
    assert {stem(w) for w in ["refund", "refunds", "refunded", "refunding"]} == {"refund"}
    assert {stem(w) for w in ["cancel", "cancels", "cancelled", "canceled", "cancelling"]} == {"cancel"}
    assert {stem(w) for w in ["charge", "charged", "charges"]} == {stem("charge")}
    assert stem("cancellation") != stem("cancel")


# Every rule of the stemmer at the edge of its minimum length, one row each side where it has one.
@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("bed", "bed"), ("see", "see"),  # three letters or fewer: never stemmed
        ("mp3s", "mp3s"), ("24h", "24h"),  # not all letters: never stemmed
        ("eating", "eat"), ("refunding", "refund"),  # -ing leaving three letters
        ("doing", "doing"), ("being", "being"),  # -ing would leave two
        ("string", "string"), ("spring", "spring"),  # -ing would leave no vowel
        ("flying", "fly"), ("crying", "cry"),  # y is a vowel there
        ("owned", "own"), ("refunded", "refund"),  # -ed leaving three letters
        ("aged", "aged"), ("used", "used"),  # -ed would leave two
        ("shred", "shred"),  # -ed would leave no vowel
        ("shoed", "sho"), ("shoe", "sho"),  # the vowel may be the last letter left
        ("flies", "fly"), ("cherries", "cherry"),  # -ies to -y, leaving two letters or more
        ("ties", "tie"),  # -ies would leave one: the -s rule applies instead
        ("bugs", "bug"), ("refunds", "refund"),  # -s leaving three letters
        ("ads", "ads"),  # -s would leave two
        ("boxes", "box"), ("goes", "goe"),  # -es: the -s, then the final e when four letters are left
        ("employees", "employe"), ("employee", "employe"),  # so -ees keeps its e: employees = employee
        ("glass", "glas"), ("glasses", "glas"),  # -ss: one s goes either way
        ("cake", "cak"), ("cakes", "cak"),  # a final e, at four letters
        ("charge", "charg"), ("charged", "charg"), ("charges", "charg"),  # a final e, at four letters
        ("use", "use"), ("uses", "use"),  # a final e that would leave two letters stays
        ("cancelled", "cancel"), ("stopped", "stop"), ("bills", "bil"),  # a doubled consonant
        ("eggs", "egg"), ("adds", "add"),  # undoubling would leave two letters: eggs = egg
        ("coffee", "coffe"), ("sees", "see"),  # a doubled vowel stays
        ("news", "news"), ("outing", "outing"), ("herring", "herring"),  # not inflections
        ("cancellation", "cancellation"),  # derived nouns are not folded
    ],
)
def test_stem_table(word: str, expected: str) -> None:
    assert stem(word) == expected
    assert word in word_forms(expected)  # the anchor scan spells the stem out as this word too


@pytest.mark.parametrize(
    ("a", "b"),
    [("news", "new"), ("string", "str"), ("strings", "str"), ("spring", "spr"), ("outing", "out"),
     ("herring", "her"), ("cancellation", "cancel"), ("doing", "do"), ("aged", "ag"), ("goes", "go")],
)
def test_false_friends_do_not_conflate(a: str, b: str) -> None:
    assert stem(a) != stem(b)
    assert found(a, b) == [] and found(b, a) == []


@pytest.mark.parametrize("family", [
    ("egg", "eggs"), ("add", "adds", "added", "adding"), ("string", "strings"), ("news",),
    ("fly", "flies", "flying"), ("employee", "employees"), ("agree", "agrees"), ("coffee", "coffees"),
    ("stop", "stops", "stopped", "stopping"), ("use", "uses"), ("charge", "charges", "charged", "charging"),
])
def test_inflections_conflate(family: tuple[str, ...]) -> None:
    assert len({stem(w) for w in family}) == 1
    assert all(found(w, family[0]) for w in family)


@given(_WORDS | st.text(alphabet="aeioucdlnrstyg", min_size=1, max_size=12) | st.sampled_from(
    ["news", "string", "herring", "coffees", "employees", "cherries", "cancelled", "eggs", "shoed", "24h"]))
@settings(max_examples=examples(3000), deadline=None)
def test_stem_agrees_with_the_reference_engine_stemmer(word: str) -> None:
    """The reference engine has its own stemmer (a table of the same rules), so that the
    engine-versus-reference property tests check the production stemmer instead of sharing it."""
    assert stem(word) == reference_engine.stem(word)


@given(phrases=st.lists(st.lists(_WORDS | _WORDS.map(lambda w: w + "*"), min_size=1, max_size=3).map(" ".join),
                        min_size=1, max_size=5, unique=True),
       words=st.lists(_WORDS, max_size=10), ending=st.sampled_from(["", "s", "es", "ed", "ing", "ies", "e"]))
@settings(max_examples=examples(300), deadline=None)
def test_matcher_agrees_with_the_reference_engine_phrase_search(
        phrases: list[str], words: list[str], ending: str) -> None:
    """The matcher's machinery (anchors, RE2 scan, word forms) and its stemmer find what a
    word-by-word search with the reference's own stemmer finds, inflections included."""
    planted = [w.rstrip("*") + ending for w in phrases[0].split()]
    text = " ".join(words[:3] + planted + words[3:])
    matcher = PhraseMatcher()
    ids = {phrase: matcher.add(phrase) for phrase in phrases}
    hits = matcher.match_text(text)
    assert {p for p, pid in ids.items() if pid in hits} == {p for p in phrases if reference_engine.phrase_in(text, p)}


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


def test_mentions_say_what_matches_says_in_the_same_order() -> None:
    """The explanation's cheap path (`mentions`: no character offsets) against `matches`, with the
    shipped playbook's matcher (typos, "near", negation) on real and written-for-the-purpose text."""
    import json
    from pathlib import Path

    from builder.engine import compile_ruleset
    from builder.format.io import load_ruleset
    from builder.paths import example_playbook

    matcher = compile_ruleset(load_ruleset(example_playbook())).sources.matcher
    challenge = Path(__file__).resolve().parents[2] / "data" / "challenge" / "utterances.jsonl"
    texts = [json.loads(line)["text"] for line in challenge.read_text(encoding="utf-8").splitlines()]
    texts += ["cna I tlak to an agnet plz", "I do not want a refund, but I want to talk to a real human agent",
              "human? agent! human, agent", ""]
    seen_near = seen_typo = 0
    for before, text in zip(["", *texts], texts, strict=False):
        words = tokenize(text).words
        expected = [(m.phrase_id, m.phrase, m.typos, m.near) for m in matcher.matches(text)]
        assert [tuple(m) for m in matcher.mentions(text, words)] == expected, text
        matcher.match_text(text)  # as the engine does: the message was just matched (its scan is reused)
        assert [tuple(m) for m in matcher.mentions(text, words)] == expected, text
        matcher.match_text(before)  # another message was matched last
        assert [tuple(m) for m in matcher.mentions(text, words)] == expected, text
        seen_near += any(m[3] is not None for m in expected)
        seen_typo += any(m[2] for m in expected)
    assert seen_near and seen_typo  # the comparison covered both


def test_settled_words_find_what_a_first_look_finds() -> None:
    """`match_text` takes the stems of words met before (and found to be no typo) in one call:
    the shipped playbook's matcher (typos on) finds the same phrases the first time a message is
    seen, the second time, and as `matches` (which never takes that path) says."""
    import json
    from pathlib import Path

    from builder.engine import compile_ruleset
    from builder.format.io import load_ruleset
    from builder.paths import example_playbook

    matcher = compile_ruleset(load_ruleset(example_playbook())).sources.matcher
    challenge = Path(__file__).resolve().parents[2] / "data" / "challenge" / "utterances.jsonl"
    texts = [json.loads(line)["text"] for line in challenge.read_text(encoding="utf-8").splitlines()]
    texts += ["refund", "agnet", "I want a refund now", "agnet agnet refund", "can I tlak to an agnet"]
    first = [set(matcher.match_text(text)) for text in texts]
    assert matcher._settled  # the words of the first pass are settled
    second = [set(matcher.match_text(text)) for text in texts]
    expected = [{m.phrase_id for m in matcher.matches(text)} for text in texts]
    assert first == expected and second == expected
    assert "agnet" not in matcher._settled and matcher._settled.get("refund") == "refund"
