"""The combined scan finds exactly what the phrase matcher and the pattern set find on their own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.text.matching import PhraseMatcher
from builder.text.message_scan import MessageScan
from builder.text.patterns import PatternSet
from tests.conftest import examples

_WORDS = st.text(alphabet="abdeginsy", min_size=1, max_size=8)
_PATTERNS = [r"\b\d{4,}\b", r"order\s*#?\d+", r"[a-z]+@[a-z]+\.[a-z]{2,}", r"\bref[- ]?\d+", r"Gin\b"]


def _scan(phrases: list[str]) -> tuple[MessageScan, PhraseMatcher, PatternSet]:
    matcher, patterns = PhraseMatcher(), PatternSet()
    for phrase in phrases:
        matcher.add(phrase)
    for pattern in _PATTERNS:
        patterns.add(pattern)
    matcher.build()
    patterns.build()
    scan = MessageScan.build(matcher, patterns)
    assert scan is not None
    return scan, matcher, patterns


def _agrees(scan: MessageScan, matcher: PhraseMatcher, patterns: PatternSet, text: str) -> None:
    hits, found = scan.scan(text)
    assert set(hits) == set(matcher.match_text(text)), text
    if found is not None:  # None: left to the pattern set (non-ASCII or an apostrophe)
        assert found == patterns.matching_ids(text), text


@given(phrases=st.lists(st.lists(_WORDS | _WORDS.map(lambda w: w + "*"), min_size=1, max_size=3).map(" ".join),
                        min_size=1, max_size=6, unique=True),
       words=st.lists(_WORDS | st.sampled_from(["order #1234", "a@b.cd", "REF-77", "gin", "12345"]), max_size=12),
       between=st.sampled_from([" ", ", ", "!? ", "-", "_", "\t", "  "]),
       exact_only=st.booleans())
@settings(max_examples=examples(300), deadline=None)
def test_one_pass_finds_what_the_two_scans_find(phrases: list[str], words: list[str], between: str,
                                                exact_only: bool) -> None:
    if exact_only:  # without `word*` phrases the matcher takes its exact-word path
        phrases = [p.replace("*", "") for p in phrases]
    scan, matcher, patterns = _scan(phrases)
    planted = words[: len(words) // 2] + phrases[0].replace("*", "s").split() + words[len(words) // 2:]
    first = planted[len(words) // 2]
    broken = between.join(planted).replace(first, first[0] + "'" + first[1:])  # "gi'n" is the word "gin"
    for text in (between.join(words), between.join(planted), between.join(planted).upper(),
                 between.join(planted).title() + "!", broken, "é " + between.join(planted)):
        _agrees(scan, matcher, patterns, text)


def test_messages_that_are_not_plain_ascii_are_scanned_the_usual_way() -> None:
    scan, _, patterns = _scan(["refund", "talk to a human"])
    assert scan.scan("I can't wait, talk to a HUMAN") == ({1}, None)
    assert scan.scan("Remboursement éé refund") == ({0}, None)
    hits, found = scan.scan("Order #12345: REFUND please, talk_to-a human")
    assert set(hits) == {0, 1}
    assert found == patterns.matching_ids("Order #12345: REFUND please") == {0, 1}
    assert scan.scan("nothing here") == (frozenset(), frozenset())


def test_no_combined_scan_without_patterns_or_phrases() -> None:
    matcher, patterns = PhraseMatcher(), PatternSet()
    matcher.add("refund")
    matcher.build()
    patterns.build()
    assert MessageScan.build(matcher, patterns) is None
    patterns.add(r"\d+")
    patterns.build()
    assert MessageScan.build(PhraseMatcher(), patterns) is None
