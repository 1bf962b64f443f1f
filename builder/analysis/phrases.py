"""Phrase normalisation for analysis: enough to compare phrase lists soundly.

The engine folds case, punctuation, apostrophes and simple word endings when it matches. Here we
only need a normal form under which equal words stay equal (casefold, apostrophes dropped,
punctuation as a word boundary): if phrase `q`'s words occur consecutively inside phrase `p`'s
words, then any text containing `p` also contains `q`, whatever stemmer the engine applies to both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_APOSTROPHES = re.compile(r"(?<=\w)['\u2019\u02bc](?=\w)")
_NON_WORD = re.compile(r"[^\w*]+")


def words(phrase: str) -> tuple[str, ...]:
    """The normalised words of a phrase: casefolded, apostrophes dropped, punctuation removed."""
    text = unicodedata.normalize("NFKC", phrase).casefold()
    text = _APOSTROPHES.sub("", text)
    return tuple(w for w in _NON_WORD.split(text.replace("_", " ")) if w and w != "*")


def normalise(phrase: str) -> str:
    """The phrase as one normalised string ("Talk to a HUMAN!" -> "talk to a human")."""
    return " ".join(words(phrase))


def _is_prefix_word(word: str) -> bool:
    return word.endswith("*")


def _word_implies(inner: str, outer: str) -> bool:
    """A text word matching `outer` also matches `inner`."""
    if inner == outer:
        return True
    if _is_prefix_word(inner) and not _is_prefix_word(outer):
        return outer.startswith(inner[:-1])
    if _is_prefix_word(inner) and _is_prefix_word(outer):
        return outer[:-1].startswith(inner[:-1])
    return False


def contains_phrase(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    """True when every text matching phrase `outer` also matches phrase `inner`.

    That holds when `inner`'s words appear consecutively inside `outer`'s (a prefix word `cancel*`
    inside covers `cancellation` outside). Empty phrases never match anything, so never imply.
    """
    if not inner or not outer or len(inner) > len(outer):
        return False
    span = len(inner)
    return any(
        all(_word_implies(inner[k], outer[i + k]) for k in range(span))
        for i in range(len(outer) - span + 1)
    )


def phrase_list(value: object) -> tuple[tuple[str, ...], ...]:
    """The normalised phrases of a leaf value (a list of strings, or one string)."""
    items: Iterable[object] = value if isinstance(value, (list, tuple)) else (value,)
    return tuple(w for w in (words(str(v)) for v in items if v is not None) if w)
