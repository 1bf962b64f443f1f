"""What a word is: normalisation and the light stemmer, shared by phrases and messages.

Both sides of a match go through the same steps, so a phrase means what its words mean however the
visitor types them:

- case is folded (`casefold`), and non-ASCII words are NFKC-normalised first (full-width letters,
  ligatures such as "ﬁ");
- punctuation, Unicode quotes and dashes are word boundaries; apostrophes (', ’, ‘, ʼ) inside a word
  are dropped ("don't" = "dont");
- common negative and pronoun contractions are spelled out, with or without their apostrophe:
  "don't" = "dont" = "do not", "can't" = "cannot" = "can not", "I'm" = "im" = "I am";
- an emoji or pictograph is a one-character word;
- a light suffix stemmer folds simple inflections (refund = refunds = refunded = refunding) without
  touching derived nouns ("cancellation" is not "cancel") or words that only look inflected ("news"
  is not "new", "string" is not "str"). `tests/builder/text/test_stemmer.py` pins it by a table.
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "'\u2019\u2018\u02bc"
_WORD_PATTERN = (r"[^\W_]+(?:[" + APOSTROPHES + r"][^\W_]+)*"
                 r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]")
WORD = re.compile(_WORD_PATTERN)
PHRASE_WORD = re.compile("(" + _WORD_PATTERN + r")(\*)?")
_DROP_APOSTROPHES = str.maketrans("", "", APOSTROPHES)
# ASCII fast path (bytes.translate runs at memory speed): letters lower-cased, every other
# non-alphanumeric byte a space (apostrophes are dropped with `translate`'s delete argument).
_ASCII_WORDS = bytes(
    (i + 32) if 65 <= i <= 90 else i if (i < 128 and chr(i).isalnum()) else 32 for i in range(256)
)

# Contractions, as normalised (apostrophe dropped), spelled out. Only forms that are not also an
# ordinary word are listed ("were", "ill", "its", "id", "well", "shell" stay as they are).
CONTRACTIONS: dict[str, tuple[str, ...]] = {
    "dont": ("do", "not"), "doesnt": ("does", "not"), "didnt": ("did", "not"),
    "cant": ("can", "not"), "cannot": ("can", "not"), "couldnt": ("could", "not"),
    "wont": ("will", "not"), "wouldnt": ("would", "not"), "shouldnt": ("should", "not"),
    "isnt": ("is", "not"), "arent": ("are", "not"), "wasnt": ("was", "not"), "werent": ("were", "not"),
    "havent": ("have", "not"), "hasnt": ("has", "not"), "hadnt": ("had", "not"),
    "mustnt": ("must", "not"), "neednt": ("need", "not"), "aint": ("am", "not"),
    "im": ("i", "am"), "ive": ("i", "have"), "youre": ("you", "are"), "youve": ("you", "have"),
    "theyre": ("they", "are"), "theyve": ("they", "have"), "weve": ("we", "have"),
}
_CONTRACTED = frozenset(CONTRACTIONS)

_STEM_CACHE_LIMIT = 200_000
# Words that look inflected but are not (from Snowball's English stemmer's exception lists):
# stripping would make them another common word ("news" -> "new", "outing" -> "out").
_INVARIANT = frozenset({"news", "inning", "outing", "canning", "herring", "earring"})
_VOWELS = frozenset("aeiouy")


def _stem_uncached(word: str) -> str:
    """One suffix (-ing, -ed, -ies to -y, -s), then a final e, then one of a doubled final
    consonant. Minimum lengths keep short words whole ("doing", "aged", "ads"); -ing and -ed need
    a vowel in what is left (Porter's rule), so "string" is not "str". There is no -es rule: -s
    then the final e does the same ("boxes" -> "box") and keeps "employees" = "employee".
    Linear in the word's length, whatever the word."""
    w = word
    n = len(w)
    if not w.isalpha() or w in _INVARIANT:
        return w
    if w.endswith("ing") and n - 3 >= 3 and not _VOWELS.isdisjoint(w[:-3]):
        w = w[:-3]
    elif w.endswith("ed") and n - 2 >= 3 and not _VOWELS.isdisjoint(w[:-2]):
        w = w[:-2]
    elif w.endswith("ies") and n - 3 >= 2:
        w = w[:-3] + "y"
    elif w.endswith("s") and n - 1 >= 3:  # -ss too: "glass" -> "glas", as undoubling would
        w = w[:-1]
    if len(w) >= 4 and w.endswith("e"):
        w = w[:-1]
    # Undoubling leaves at least 3 letters, as a 3-letter word is never stemmed: eggs = egg.
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    return w


class _StemCache(dict[str, str]):
    """word -> stem, filled on first sight (bounded, so odd input cannot grow it forever)."""

    def __missing__(self, word: str) -> str:
        s = _stem_uncached(word)
        if len(self) < _STEM_CACHE_LIMIT:
            self[word] = s
        return s


STEMS = _StemCache()


def stem(word: str) -> str:
    """The light stem of a normalised (casefolded, apostrophe-free) word."""
    return STEMS[word]


def word_forms(word_stem: str) -> tuple[str, ...]:
    """Every normalised word whose stem is `word_stem`: a short, exact list. The stemmer only
    strips a suffix (-ing, -ed, -ies to -y, -s), then a final e, then one of a doubled final
    consonant, so undoing each step in turn finds every candidate, and the stemmer keeps those
    that really stem to it."""
    s = word_stem
    candidates: set[str] = set()
    for e in (s, s + s[-1]):
        for b in (e, e + "e"):
            candidates.update((b, b + "ing", b + "ed", b + "s"))
            if b.endswith("y"):
                candidates.add(b[:-1] + "ies")
    return tuple(sorted(w for w in candidates if _stem_uncached(w) == s))


def normalise_word(raw: str) -> str:
    """Casefold (NFKC first for non-ASCII) and drop apostrophes: "Don’t" -> "dont"."""
    if not raw.isascii():
        raw = unicodedata.normalize("NFKC", raw)
    return raw.casefold().translate(_DROP_APOSTROPHES)


def _expand(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        full = CONTRACTIONS.get(w)
        if full is None:
            out.append(w)
        else:
            out.extend(full)
    return out


def words_of(text: str) -> list[str]:
    """The normalised words of `text`, contractions spelled out, in order."""
    if text.isascii():  # same words as the regex, at C speed
        words = text.encode("ascii").translate(_ASCII_WORDS, b"'").decode("ascii").split()
    else:
        words = [normalise_word(w) for w in WORD.findall(text)]
    if _CONTRACTED.isdisjoint(words):
        return words
    return _expand(words)


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in `text` of each word of `words_of(text)` (a spelled-out contraction's words
    share the span of what was written)."""
    spans: list[tuple[int, int]] = []
    for m in WORD.finditer(text):
        full = CONTRACTIONS.get(normalise_word(m.group()))
        spans.extend([m.span()] * (len(full) if full is not None else 1))
    return spans


def normalised_text(text: str) -> str:
    """Words of `text`, normalised, joined by single spaces (for fuzzy scores)."""
    return " ".join(words_of(text))
