"""Negation scope: whether a match was said the other way round ("I don't need a human").

A match is negated when a negating word stands before its first word, at most `SCOPE` words earlier
and in the same clause (clauses end at . , ; : ! ? and dashes, and at "but"). Negating words: no,
not, never, without, nevermind, nobody ("don't" is "do not", "never mind" starts with "never").
Some negating words do not negate what follows, because visitors use them to ask for help:
inability ("can't", "couldn't": "I can't reach anyone"), something still missing ("still no
refund"), refusal ("you won't let me talk to a person"); a question ("why don't you …", "why not",
"can I not just talk to someone"); and "not sure / not able / not only / don't know / don't
understand" ("I don't know how to reach an agent"). For "near", a negating word before the first of
the two, or between them, negates the pair ("my card wasn't stolen").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SCOPE = 5  # the match's first word is at most this many words after the negating word
NEGATORS = frozenset({"no", "not", "never", "without", "nevermind", "nobody"})
NOT_NEGATING_AFTER = frozenset({"can", "could", "still"})  # "can not" (can't): inability; "still no"
NOT_NEGATING_BEFORE = frozenset({"sure", "able", "only", "know", "understand", "let"})
CLAUSE_WORDS = frozenset({"but"})
QUESTION_WORDS = frozenset({"why", "can", "could"})  # "why don't you …", "can I not just …"
_CLAUSE_BREAK = re.compile(r"[.,;:!?\u2013\u2014\u2026()\[\]\n]|\s-+\s")


def clauses(text: str, spans: Sequence[tuple[int, int]], words: Sequence[str]) -> list[int]:
    """The clause number of each word (spans in `text`, as `normalise.word_spans` gives)."""
    out: list[int] = []
    clause = 0
    previous_end = 0
    for (start, end), word in zip(spans, words, strict=True):
        if start > previous_end and _CLAUSE_BREAK.search(text, previous_end, start):
            clause += 1
        if word in CLAUSE_WORDS:
            clause += 1
        out.append(clause)
        previous_end = max(previous_end, end)
    return out


def negating_word(words: Sequence[str], clause_of: Sequence[int], first: int, floor: int = 0) -> int | None:
    """The position of the word negating a match that starts at `first` (looking no further back
    than `floor`), or None."""
    for k in range(first - 1, max(floor - 1, first - SCOPE - 1), -1):
        if clause_of[k] != clause_of[first]:
            return None
        if words[k] in NEGATORS and _negates(words, k):
            return k
    return None


def _negates(words: Sequence[str], k: int) -> bool:
    before = words[k - 1] if k >= 1 else ""
    after = words[k + 1] if k + 1 < len(words) else ""
    if before in NOT_NEGATING_AFTER:
        return False
    if after in NOT_NEGATING_BEFORE:
        return False
    return QUESTION_WORDS.isdisjoint(words[max(0, k - 2):k])
