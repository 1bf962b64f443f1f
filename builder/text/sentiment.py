"""VADER's compound sentiment score in linear time.

`vaderSentiment.polarity_scores` costs ~0.5 ms a message and grows quadratically with its length
(its negation, idiom and "but" checks lower-case the whole message again for every sentiment word,
and the "but" shift calls `list.index` per word): a 100 KB message takes ~24 s, so one visitor
could stall the runtime. This module applies the same lexicon and the same rules — negation
(`not`, `n't`, `no`, `never so`, `without doubt`), boosters and dampeners with their distance
weights, capitals for emphasis, "kind of", "least", the special-case idioms, the "but" shift (with
its `list.index` quirk: a score equal to an earlier one shifts the earlier position), `!` and `?`
emphasis, emoji descriptions — reading the message once: one tokenization, then one walk over the
tokens in which each word looks at a fixed window of neighbours.

The lexicon, the emoji descriptions and the rule constants are read from the installed
`vaderSentiment` package (never copied), and `vaderSentiment` stays the oracle: the tests compare
compound scores with it on real and generated sentences.

"In the single pass" here means: the message is read once, linearly, from this module's own
tokenization — VADER's (whitespace split, punctuation stripped from words longer than two
letters), not the phrase matcher's (`builder.text.matching` casefolds, splits on punctuation and
stems), because VADER's rules and lexicon are defined on its own tokens and sharing the matcher's
would change scores. Only the "but" shift works on the scores afterwards (n log n in the number
of words, see `_but_shift`).
"""

from __future__ import annotations

import heapq
import math
import re
import string
from collections.abc import Mapping
from typing import Any

__all__ = ["compound"]


class _Model:
    """The lexicon and rule tables, loaded once from the installed vaderSentiment."""

    __slots__ = ("lexicon", "boosters", "negations", "special", "idiom_words", "c_incr", "n_scalar",
                 "emoji_re", "emoji")

    def __init__(self) -> None:
        from vaderSentiment import vaderSentiment as vader

        analyzer = vader.SentimentIntensityAnalyzer()
        self.lexicon: dict[str, float] = analyzer.lexicon
        self.boosters: Mapping[str, float] = vader.BOOSTER_DICT
        self.negations: frozenset[str] = frozenset(vader.NEGATE)
        self.special: Mapping[str, float] = vader.SPECIAL_CASES
        # Words of the idioms and of the two-word boosters ("kind of"): a word with none of them
        # around it needs no idiom check.
        self.idiom_words: frozenset[str] = frozenset(
            w for key in (*self.special, *self.boosters) if " " in key for w in key.split(" "))
        self.c_incr: float = vader.C_INCR
        self.n_scalar: float = vader.N_SCALAR
        # VADER replaces emoji character by character: only one-character keys ever match.
        self.emoji: dict[str, str] = {k: v for k, v in analyzer.emojis.items() if len(k) == 1}
        self.emoji_re = _character_class(self.emoji)


def _character_class(chars: Mapping[str, str]) -> re.Pattern[str] | None:
    """A regex matching any one of `chars`, written as ranges of code points (143 ranges for
    VADER's 1,212 one-character emoji; a class of single characters is scanned far slower)."""
    ranges: list[list[int]] = []
    for code in sorted(map(ord, chars)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    if not ranges:
        return None
    parts = (re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{''.join(parts)}]")


_model: _Model | None = None
_PUNCTUATION = string.punctuation


def _load() -> _Model:
    global _model
    if _model is None:
        _model = _Model()
    return _model


def _replace_emoji(text: str, m: _Model) -> str:
    """Each emoji becomes its description, with a space before it unless the text had a space
    there (VADER's `polarity_scores` loop, done by one regex pass instead of string appends)."""
    if text.isascii() or m.emoji_re is None:
        return text
    emoji = m.emoji

    def describe(found: re.Match[str]) -> str:
        at = found.start()
        description = emoji[found.group()]
        return description if at == 0 or text[at - 1] == " " else " " + description

    return m.emoji_re.sub(describe, text)


def _tokens(text: str) -> list[str]:
    """VADER's words and emoticons: whitespace split, punctuation stripped from both ends unless
    that leaves two characters or fewer (":)" stays ":)")."""
    return [stripped if len(stripped) > 2 else token
            for token in text.split() for stripped in (token.strip(_PUNCTUATION),)]


def _negated(word: str, negations: frozenset[str]) -> bool:
    return word in negations or "n't" in word


def _word_valence(i: int, tokens: list[str], low: list[str], m: _Model, cap_diff: bool) -> float:
    """`SentimentIntensityAnalyzer.sentiment_valence` for the lexicon word at `i`, reading only
    the three words before it and the two after it."""
    lex = m.lexicon
    n_scalar = m.n_scalar
    word = low[i]
    n = len(low)
    valence = lex[word]
    if word == "no" and i != n - 1 and low[i + 1] in lex:
        valence = 0.0
    if ((i > 0 and low[i - 1] == "no") or (i > 1 and low[i - 2] == "no")
            or (i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor"))):
        valence = lex[word] * n_scalar
    if cap_diff and tokens[i].isupper():
        valence = valence + m.c_incr if valence > 0 else valence - m.c_incr
    for start_i in (0, 1, 2):
        if i <= start_i:
            break
        j = i - start_i - 1
        before = low[j]
        if before in lex:
            continue
        scalar = 0.0
        if before in m.boosters:
            scalar = m.boosters[before]
            if valence < 0:
                scalar *= -1
            if cap_diff and tokens[j].isupper():
                scalar = scalar + m.c_incr if valence > 0 else scalar - m.c_incr
        if start_i == 1 and scalar != 0:
            scalar = scalar * 0.95
        if start_i == 2 and scalar != 0:
            scalar = scalar * 0.9
        valence = valence + scalar
        valence = _negation(valence, low, start_i, i, m)
        if start_i == 2 and not m.idiom_words.isdisjoint(low[i - 3:i + 3]):
            valence = _idioms(valence, low, i, m)
    # "least" as a negation ("the least helpful"), not in "at least" / "very least"
    if i > 1 and low[i - 1] not in lex and low[i - 1] == "least":
        if low[i - 2] != "at" and low[i - 2] != "very":
            valence = valence * n_scalar
    elif i > 0 and low[i - 1] not in lex and low[i - 1] == "least":
        valence = valence * n_scalar
    return valence


def _negation(valence: float, low: list[str], start_i: int, i: int, m: _Model) -> float:
    """`SentimentIntensityAnalyzer._negation_check`, on the already lower-cased words."""
    if start_i == 0:
        if _negated(low[i - 1], m.negations):
            valence = valence * m.n_scalar
    elif start_i == 1:
        if low[i - 2] == "never" and (low[i - 1] == "so" or low[i - 1] == "this"):
            valence = valence * 1.25
        elif low[i - 2] == "without" and low[i - 1] == "doubt":
            pass
        elif _negated(low[i - 2], m.negations):
            valence = valence * m.n_scalar
    else:
        if (low[i - 3] == "never" and (low[i - 2] == "so" or low[i - 2] == "this")
                or (low[i - 1] == "so" or low[i - 1] == "this")):
            valence = valence * 1.25
        elif low[i - 3] == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
            pass
        elif _negated(low[i - 3], m.negations):
            valence = valence * m.n_scalar
    return valence


def _idioms(valence: float, low: list[str], i: int, m: _Model) -> float:
    """`SentimentIntensityAnalyzer._special_idioms_check` (called for words with three before)."""
    special = m.special
    for seq in (f"{low[i - 1]} {low[i]}", f"{low[i - 2]} {low[i - 1]} {low[i]}",
                f"{low[i - 2]} {low[i - 1]}", f"{low[i - 3]} {low[i - 2]} {low[i - 1]}",
                f"{low[i - 3]} {low[i - 2]}"):
        if seq in special:
            valence = special[seq]
            break
    n = len(low)
    if n - 1 > i:
        zeroone = f"{low[i]} {low[i + 1]}"
        if zeroone in special:
            valence = special[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in special:
            valence = special[zeroonetwo]
    for n_gram in (f"{low[i - 3]} {low[i - 2]} {low[i - 1]}", f"{low[i - 3]} {low[i - 2]}",
                   f"{low[i - 2]} {low[i - 1]}"):
        if n_gram in m.boosters:
            valence = valence + m.boosters[n_gram]
    return valence


def _but_shift(scores: list[Any], but_at: int) -> list[Any]:
    """`SentimentIntensityAnalyzer._but_check`: halve the scores before the first "but", add half
    to those after. VADER finds each score's position with `list.index`, so a score equal to an
    earlier (possibly already shifted) one shifts that earlier position instead; this replays the
    same result with one heap of positions per distinct value (n log n instead of n²)."""
    current = list(scores)
    where: dict[Any, list[int]] = {}
    for position, value in enumerate(current):
        where.setdefault(value, []).append(position)  # ascending: already a heap
    for value in scores:  # a position is never changed before the loop reaches it
        if value == 0:  # 0 * 0.5 == 0 * 1.5 == 0: nothing changes
            continue
        heap = where[value]
        while current[heap[0]] != value:  # positions whose value has changed since
            heapq.heappop(heap)
        first = heap[0]
        if first == but_at:
            continue
        shifted = value * 0.5 if first < but_at else value * 1.5
        heapq.heappop(heap)
        current[first] = shifted
        heapq.heappush(where.setdefault(shifted, []), first)
    return current


def compound(text: str) -> float:
    """VADER's compound score of `text` in [-1, 1], rounded to 4 places as VADER rounds it; the
    same value as `SentimentIntensityAnalyzer().polarity_scores(text)["compound"]`, in time linear
    in the length of the text."""
    m = _model or _load()
    text = _replace_emoji(text, m).strip()
    tokens = _tokens(text)
    if not tokens:
        return 0.0
    if text.isascii() and text.lower() == text:
        low = tokens
    else:
        low = [t.lower() for t in tokens]
    lex = m.lexicon
    if lex.keys().isdisjoint(low):  # only lexicon words carry a valence
        return 0.0
    boosters = m.boosters
    n = len(tokens)
    upper = sum(1 for t in tokens if t.isupper()) if low is not tokens else 0
    cap_diff = 0 < n - upper < n
    scores: list[Any] = []
    for i, word in enumerate(low):
        if word in boosters or (word == "kind" and i < n - 1 and low[i + 1] == "of"):
            scores.append(0)
        elif word in lex:
            scores.append(_word_valence(i, tokens, low, m, cap_diff))
        else:
            scores.append(0)
    if "but" in low:
        scores = _but_shift(scores, low.index("but"))
    total = float(sum(scores))
    if total:
        emphasis = min(text.count("!"), 4) * 0.292
        questions = text.count("?")
        if questions > 1:
            emphasis += questions * 0.18 if questions <= 3 else 0.96
        total = total + emphasis if total > 0 else total - emphasis
    score = total / math.sqrt(total * total + 15)
    return round(max(-1.0, min(1.0, score)), 4)
