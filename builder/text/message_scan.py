"""One RE2 pass over a message for both its phrase anchors and the rules' RE2 patterns.

The phrase matcher's anchor scan reads a message's normalised words, the rule patterns read its
raw text: two scans. For a message in plain ASCII without an apostrophe both agree on what a word
is (a run of letters and digits, case aside; patterns are case-insensitive anyway), so the anchor
patterns are written for the raw text and join the rule patterns in one `re2.Set`: one pass over
the text and one call instead of two. Any other message is scanned the usual way.
"""

from __future__ import annotations

from typing import Any

from builder.text.matching import PhraseMatcher, anchor_search_set, words_of
from builder.text.patterns import PatternSet

_BETWEEN_WORDS = "[^a-z0-9]"  # in raw ASCII text, case-insensitive: what normalising makes a space
_NOTHING: frozenset[int] = frozenset()


class MessageScan:
    """`scan(text)` -> (ids of the phrases in it, ids of the RE2 patterns found in it, or None
    when the patterns are still to be scanned)."""

    def __init__(self, matcher: PhraseMatcher, match: Any, exact: int | None, prefix: int | None) -> None:
        self._matcher = matcher
        self._match = match
        # The rule patterns are the set's first patterns (so a pattern's index is its id), then
        # the exact-anchor and the `word*` patterns when there are any.
        self._exact = exact
        self._prefix = prefix
        self._anchors = frozenset(i for i in (exact, prefix) if i is not None)

    @classmethod
    def build(cls, matcher: PhraseMatcher, patterns: PatternSet) -> MessageScan | None:
        """The combined scan; None when there is nothing to combine or RE2 cannot hold it."""
        import re2

        exact, prefix = matcher.anchor_patterns(_BETWEEN_WORDS)
        if not patterns.patterns or (exact is None and prefix is None):
            return None
        combined = anchor_search_set(case_sensitive=False)  # as the rule patterns are; normalising folds case
        indexes: list[int | None] = []
        try:
            for pattern in patterns.patterns:
                combined.Add(pattern)
            for anchor in (exact, prefix):
                indexes.append(None if anchor is None else combined.Add(anchor))
            combined.Compile()
        except re2.error:
            return None
        return cls(matcher, combined._set.Match, indexes[0], indexes[1])

    def scan(self, text: str) -> tuple[set[int] | frozenset[int], frozenset[int] | None]:
        if not text.isascii() or "'" in text:
            return self._matcher.match_text(text), None
        found = self._match(text.encode("ascii"))
        if not found:
            return _NOTHING, _NOTHING
        ids = frozenset(found)
        if ids.isdisjoint(self._anchors):
            return _NOTHING, ids
        words = words_of(text)
        if self._prefix in ids:
            return self._matcher.match_words(words), ids - self._anchors
        return self._matcher.match_exact(words), ids - self._anchors
