"""Phrases as the engine matches them, to compare phrase lists soundly.

`words` gives a phrase's words as the engine's matcher sees them (`builder.text.phrases.parse_phrase`:
casefolded, apostrophes dropped, punctuation a boundary, light stems, `stem*` for a prefix word).
If phrase `q`'s words occur consecutively inside phrase `p`'s, any text containing `p` contains
`q` too; that is the only relation the analysis relies on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from builder.text.phrases import PhraseError, parse_phrase

_APOSTROPHES = re.compile(r"(?<=\w)['\u2019\u02bc](?=\w)")
_NON_WORD = re.compile(r"[^\w*]+")


@lru_cache(maxsize=65536)
def words(phrase: str) -> tuple[str, ...]:
    """The matcher's words of a phrase: stems, with a trailing `*` on prefix words; () if none.

    Cached: the live rule-order check compares the same phrases after every edit."""
    try:
        parsed = parse_phrase(phrase)
    except PhraseError:
        return ()
    return tuple(w.stem + ("*" if w.prefix else "") for w in parsed)


def normalise(phrase: str) -> str:
    """The phrase for display: casefolded, punctuation removed ("Talk to a HUMAN!" -> "talk to a human")."""
    text = unicodedata.normalize("NFKC", phrase).casefold()
    text = _APOSTROPHES.sub("", text)
    return " ".join(w for w in _NON_WORD.split(text.replace("_", " ")) if w and w != "*")


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
    if type(value) is str or (type(value) is tuple and all(type(v) is str for v in value)):
        return _text_phrases(value)  # type: ignore[arg-type]  # the usual value: asked for in every comparison
    items: Iterable[object] = value if isinstance(value, (list, tuple)) else (value,)
    return tuple(w for w in (words(str(v)) for v in items if v is not None) if w)


@lru_cache(maxsize=8192)
def _text_phrases(value: str | tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """`phrase_list` of text (a key only texts can equal: `1 == True` would mix numbers up)."""
    items = value if isinstance(value, tuple) else (value,)
    return tuple(w for w in (words(v) for v in items) if w)
