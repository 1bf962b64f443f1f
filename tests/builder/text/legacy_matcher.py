"""Phrase matching: every phrase of every rule found in one pass over a message.

Semantics (shared with the playbook and the editor's help text): case-insensitive (casefold),
punctuation is a word boundary, apostrophes inside words are dropped ("don't" = "dont"), whole
words only, and a light suffix stemmer folds simple inflections on both sides (refund = refunds =
refunded = refunding; cancel = cancelled; charge = charged = charges) without touching derived
nouns ("cancellation" is not "cancel") or words that only look inflected ("news" is not "new",
"string" is not "str"). A trailing `*` on a phrase word is a prefix match on the
word's stem ("cancel*" matches "cancellation"). Emoji count as one-character words.

Each phrase is filed under one of its words; one RE2 scan finds whether a message holds any such
word at all, and one set intersection which ones, so the cost of a message does not grow with the
number of rules or phrases (see `PhraseMatcher`). Matches carry the character span in the original
text, for highlighting. The rules' RE2 patterns are in `builder.text.patterns`; `builder.text.message_scan`
scans for both at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# A word: letters/digits, with apostrophes allowed inside ("don't"); or one emoji/pictograph.
_WORD = re.compile(
    r"[^\W_]+(?:['\u2019][^\W_]+)*"
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]"
)
_PHRASE_WORD = re.compile(
    r"([^\W_]+(?:['\u2019][^\W_]+)*|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF])(\*)?"
)
_APOSTROPHES = str.maketrans("", "", "'\u2019")
# ASCII fast path (bytes.translate runs at memory speed): letters lower-cased, every other
# non-alphanumeric byte a space (apostrophes are dropped with `translate`'s delete argument).
_ASCII_WORDS = bytes(
    (i + 32) if 65 <= i <= 90 else i if (i < 128 and chr(i).isalnum()) else 32 for i in range(256)
)

_STEM_CACHE_LIMIT = 200_000
_NOTHING: frozenset[int] = frozenset()


class _StemCache(dict[str, str]):
    """word -> stem, filled on first sight (bounded, so odd input cannot grow it forever)."""

    def __missing__(self, word: str) -> str:
        s = _stem_uncached(word)
        if len(self) < _STEM_CACHE_LIMIT:
            self[word] = s
        return s


_STEMS = _StemCache()


class PhraseError(ValueError):
    """A phrase that cannot match anything (no words in it)."""


# Words that look inflected but are not (from Snowball's English stemmer's exception lists):
# stripping would make them another common word ("news" -> "new", "outing" -> "out").
_INVARIANT = frozenset({"news", "inning", "outing", "canning", "herring", "earring"})
_VOWELS = frozenset("aeiouy")


def _stem_uncached(word: str) -> str:
    """One suffix (-ing, -ed, -ies to -y, -s), then a final e, then one of a doubled final
    consonant. Minimum lengths keep short words whole ("doing", "aged", "ads"); -ing and -ed need
    a vowel in what is left (Porter's rule), so "string" is not "str". There is no -es rule: -s
    then the final e does the same ("boxes" -> "box") and keeps "employees" = "employee"."""
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


def stem(word: str) -> str:
    """The light stem of a normalised (casefolded, apostrophe-free) word."""
    return _STEMS[word]


def normalise_word(raw: str) -> str:
    """Casefold and drop apostrophes: "Don't" -> "dont"."""
    return raw.casefold().translate(_APOSTROPHES)


class Tokens:
    """A message as words: normalised forms; stems and spans in the original text on demand."""

    __slots__ = ("text", "words", "_stems", "_spans")

    def __init__(self, text: str, words: list[str], stems: list[str] | None = None,
                 spans: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.words = words
        self._stems = stems
        self._spans = spans

    @property
    def stems(self) -> list[str]:
        """The stem of each word (computed on first use)."""
        if self._stems is None:
            self._stems = list(map(_STEMS.__getitem__, self.words))
        return self._stems

    @property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) of each word in the original text (computed on first use)."""
        if self._spans is None:
            self._spans = [m.span() for m in _WORD.finditer(self.text)]
        return self._spans


def words_of(text: str) -> list[str]:
    """The normalised words of `text` (casefolded, apostrophes dropped), in order."""
    if text.isascii():  # same words as the regex, at C speed
        return text.encode("ascii").translate(_ASCII_WORDS, b"'").decode("ascii").split()
    return [normalise_word(w) for w in _WORD.findall(text)]


def tokenize(text: str) -> Tokens:
    """The words of `text`; stems and spans follow on demand."""
    return Tokens(text, words_of(text))


def normalised_text(text: str) -> str:
    """Words of `text`, casefolded, apostrophes dropped, joined by single spaces (for fuzzy scores)."""
    return " ".join(words_of(text))


@dataclass(frozen=True)
class PhraseWord:
    stem: str
    prefix: bool


def parse_phrase(phrase: str) -> tuple[PhraseWord, ...]:
    """A phrase as stemmed words; a trailing `*` marks a prefix word. Raises PhraseError if empty."""
    words = tuple(
        PhraseWord(stem(normalise_word(m.group(1))), m.group(2) is not None)
        for m in _PHRASE_WORD.finditer(phrase)
    )
    if not words:
        raise PhraseError(f"the phrase {phrase!r} has no words to match")
    return words


@dataclass(frozen=True)
class Match:
    """One phrase found in a message: its id, text and character span in the original text."""

    phrase_id: int
    phrase: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "start": self.start, "end": self.end}


# A longer phrase filed under one of its words: (id, offset of its first word from that word,
# offset just past its last, (offset, stem, is `word*`) of each of its other words, every exact
# word form of its other words (None when one is a `word*`)).
_Anchored = tuple[int, int, int, tuple[tuple[int, str, bool], ...], "frozenset[str] | None"]
# What a word can be part of: (ids of one-word phrases it is, longer phrases filed under it).
_Starts = tuple[tuple[int, ...], tuple[_Anchored, ...]]
_LEARNED_LIMIT = 200_000
_PREFILTER_MEMORY = 64 << 20  # RE2's budget for the anchor scan (a cap, not an allocation)


def word_forms(word_stem: str) -> tuple[str, ...]:
    """Every normalised word whose stem is `word_stem`: a short, exact list. The stemmer only
    strips a suffix (-ing, -ed, -ies to -y, -es, -s), then a final e, then one of a doubled final
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


def anchor_search_set(case_sensitive: bool = True) -> Any:
    """An empty `re2.Set` for an anchor scan: a memory budget fit for thousands of word forms,
    and failures raised as `re2.error` rather than logged."""
    import re2

    options = re2.Options()
    options.case_sensitive = case_sensitive
    options.max_mem = _PREFILTER_MEMORY
    options.log_errors = False
    return re2.Set.SearchSet(options)


def _anchor(words: tuple[PhraseWord, ...], looked_for: frozenset[str] = frozenset()) -> int:
    """The word a phrase is filed under. A word looked for anyway (a one-word phrase of the
    ruleset) adds no message to those that get a closer look; otherwise the rarest-looking one
    (a whole word before a `word*`, then the longest stem), so common words such as "i" or "to"
    rarely lead to a closer look."""
    return max(range(len(words)), key=lambda k: (
        not words[k].prefix and words[k].stem in looked_for, not words[k].prefix, len(words[k].stem), -k))


class PhraseMatcher:
    """All phrases of a ruleset, found in one pass over a message. Add phrases, then `build()`,
    then `match_text()` (ids, the hot path) or `matches()` (spans, for explanations).

    Each phrase is filed under one of its words, its anchor (its stem, or the stem prefix of a
    `word*`). One RE2 scan over the message's normalised text looks for every anchor at once,
    spelled out as the exact words that stem to it (`word_forms`): most messages have none and
    stop there, whatever the number of rules or phrases. The others are split into words, and
    one set intersection (in C) finds the anchor words among them; a longer phrase's other words
    are then checked around its anchor. A message with a word starting a `word*` anchor (the
    scan tells) is looked at word by word instead, and what each word can anchor is remembered.
    A phrase's id is stable for the matcher's life; equal phrases share one id.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self.phrases: list[str] = []
        self._parsed: list[tuple[PhraseWord, ...]] = []
        self._built = False
        self._by_stem: dict[str, list[int]] = {}
        self._by_prefix: dict[str, list[int]] = {}
        self._anchors: list[int] = []
        # every exact anchor word (each form of each anchor stem) -> the phrases it anchors
        self._exact: dict[str, _Starts] = {}
        self._forms: frozenset[str] = frozenset()  # every exact form of every (whole) phrase word
        # every word already looked at -> what it can start (`()`: nothing); replaced, never
        # cleared, when full, so that a reader in another thread never sees it half emptied.
        self._learned: dict[str, _Starts | tuple[()]] = {}
        # the anchor scan: normalised bytes -> which kinds of anchor are there (see `_prefilter`)
        self._scan: Any = None

    def add(self, phrase: str) -> int:
        """The id of `phrase`, registering it. Raises PhraseError for a phrase without words."""
        pid = self._ids.get(phrase)
        if pid is not None:
            return pid
        parsed = parse_phrase(phrase)
        pid = len(self.phrases)
        self._ids[phrase] = pid
        self.phrases.append(phrase)
        self._parsed.append(parsed)
        self._built = False
        return pid

    def add_all(self, phrases: Iterable[str]) -> frozenset[int]:
        return frozenset(self.add(p) for p in phrases)

    def build(self) -> None:
        """File every phrase under its anchor word (after the last `add`)."""
        by_stem: dict[str, list[int]] = {}
        by_prefix: dict[str, list[int]] = {}
        anchors: list[int] = []
        single = frozenset(words[0].stem for words in self._parsed if len(words) == 1 and not words[0].prefix)
        for pid, words in enumerate(self._parsed):
            k = _anchor(words, single)
            anchors.append(k)
            (by_prefix if words[k].prefix else by_stem).setdefault(words[k].stem, []).append(pid)
        self._by_stem, self._by_prefix, self._anchors = by_stem, by_prefix, anchors
        exact: dict[str, _Starts] = {}
        for word_stem, pids in by_stem.items():
            starts = self._filed(pids)
            for form in word_forms(word_stem):
                exact[form] = starts
        self._exact = exact
        stems = {w.stem for words in self._parsed for w in words if not w.prefix}
        self._forms = frozenset(form for word_stem in stems for form in word_forms(word_stem))
        self._learned = {}
        self._scan = self._prefilter()
        self._built = True

    def _prefilter(self) -> Any:
        """One RE2 scan telling which kinds of anchor a message has: `[0]` for exact anchor words
        only; a word starting a `word*` anchor adds the other pattern. Most messages have neither
        and are never split into words. None when RE2 cannot hold it: then every message is
        looked at word by word, with the same result."""
        import re2

        if not self._parsed:
            return None
        scan = anchor_search_set()
        try:  # the exact anchors are pattern 0 when there are any, then the prefixes
            for pattern in self.anchor_patterns(" "):
                if pattern is not None:
                    scan.Add(pattern)
            scan.Compile()
        except re2.error:
            return None
        return scan._set.Match

    def anchor_patterns(self, between: str) -> tuple[str | None, str | None]:
        """RE2 patterns finding an exact anchor word and a word that starts a `word*` anchor
        (None: there is none), in normalised text whose words are separated by `between` (a
        pattern: " " in the normalised text, any other character in raw text)."""
        import re2

        words = sorted({re2.escape(form) for form in self._exact})
        # A word whose stem starts with a `word*` stem starts with it too, or is its -ies form.
        starts = sorted({re2.escape(p) for s in self._by_prefix
                         for p in ((s, s[:-1] + "ies") if s.endswith("y") else (s,))})
        return (f"(?:^|{between})(?:{'|'.join(words)})(?:{between}|$)" if words else None,
                f"(?:^|{between})(?:{'|'.join(starts)})" if starts else None)

    def _filed(self, pids: Iterable[int]) -> _Starts:
        """The phrases `pids` as filed under their anchor word: one-word phrases, longer ones."""
        singles: list[int] = []
        longer: list[_Anchored] = []
        for pid in sorted(pids):
            words, k = self._parsed[pid], self._anchors[pid]
            if len(words) == 1:
                singles.append(pid)
            else:
                others = [w for j, w in enumerate(words) if j != k]
                near = None if any(w.prefix for w in others) else frozenset(
                    form for w in others for form in word_forms(w.stem))
                longer.append((pid, -k, len(words) - k,
                               tuple((j - k, w.stem, w.prefix) for j, w in enumerate(words) if j != k), near))
        return tuple(singles), tuple(longer)

    def _starts(self, word_stem: str) -> _Starts:
        """The phrases a word with this stem can be the anchor of."""
        pids = list(self._by_stem.get(word_stem, ()))
        if self._by_prefix:
            for k in range(1, len(word_stem) + 1):
                pids.extend(self._by_prefix.get(word_stem[:k], ()))
        return self._filed(pids)

    def _learn(self, words: Sequence[str]) -> list[_Starts | tuple[()]]:
        """Look at the words not seen before; what each word of `words` can start."""
        if not self._built:
            self.build()
        learned = self._learned
        if len(learned) + len(words) > _LEARNED_LIMIT:  # bounded: odd input cannot grow it forever
            learned = self._learned = {}
        for w in words:
            if w not in learned:
                starts = self._starts(_STEMS[w])
                learned[w] = starts if starts[0] or starts[1] else ()
        return [learned[w] for w in words]

    @staticmethod
    def _around(words: Sequence[str], i: int, longer: tuple[_Anchored, ...]) -> list[_Anchored]:
        """The longer phrases filed under `words[i]` that are there around it."""
        n = len(words)
        known = _STEMS.get  # the plain dict lookup: `_STEMS[w]` would go through `__missing__`'s slot
        out = []
        for phrase in longer:
            _, lo, hi, others, _ = phrase
            if i + lo < 0 or i + hi > n:
                continue
            for off, stem_, prefix in others:
                w = words[i + off]
                s = known(w) or stem(w)
                if not (s.startswith(stem_) if prefix else s == stem_):
                    break
            else:
                out.append(phrase)
        return out

    def match_text(self, text: str) -> set[int] | frozenset[int]:
        """Ids of the phrases present in a message: the hot path."""
        if not self._built:
            self.build()
        scan = self._scan
        if scan is None:
            return self.match_words(words_of(text))
        if text.isascii():  # the words are the normalised bytes split: translate once for both
            data = text.encode("ascii").translate(_ASCII_WORDS, b"'")
            kinds = scan(data)
            if not kinds:
                return _NOTHING
            words = data.decode("ascii").split()
        else:
            words = words_of(text)
            kinds = scan(" ".join(words).encode("utf-8"))
            if not kinds:
                return _NOTHING
        if kinds == [0] and self._exact:  # no `word*` anchor: only exact anchor words to look at
            return self.match_exact(words)
        return self.match_words(words)

    def match_exact(self, words: list[str]) -> set[int] | frozenset[int]:
        """`match_words` for a message without a word starting a `word*` anchor (the anchor scan
        tells; `builder.text.message_scan` calls this straight after its own scan)."""
        present = self._forms.intersection(words)  # in C: the message's words that are in a phrase
        exact = self._exact
        ids: set[int] = set()
        for word in present:
            starts = exact.get(word)
            if starts is None:  # in a phrase, but not its anchor
                continue
            singles, longer = starts
            ids.update(singles)
            for phrase in longer:  # a closer look only when the other words of one are there
                near = phrase[4]
                if near is None or not near.isdisjoint(present):
                    break
            else:
                continue
            at = -1
            for _ in range(words.count(word)):  # every place the word is
                at = words.index(word, at + 1)
                for phrase in self._around(words, at, longer):
                    ids.add(phrase[0])
        return ids if ids else _NOTHING

    def match_words(self, words: list[str]) -> set[int] | frozenset[int]:
        """Ids of the phrases present among a message's normalised words (`words_of`)."""
        try:
            found = list(map(self._learned.__getitem__, words))
        except KeyError:
            found = self._learn(words)
        ids: set[int] = set()
        for at, starts in enumerate(found):
            if starts:
                ids.update(starts[0])
                if starts[1]:
                    for phrase in self._around(words, at, starts[1]):
                        ids.add(phrase[0])
        return ids if ids else _NOTHING

    def matches(self, text: str, tokens: Tokens | None = None) -> list[Match]:
        """Every occurrence with its span in `text`, in text order."""
        tokens = tokens if tokens is not None else tokenize(text)
        words = tokens.words
        spans = tokens.spans
        out: list[Match] = []
        for i, starts in enumerate(self._learn(words)):
            if starts:
                out.extend(Match(pid, self.phrases[pid], spans[i][0], spans[i][1]) for pid in starts[0])
                out.extend(Match(p[0], self.phrases[p[0]], spans[i + p[1]][0], spans[i + p[2] - 1][1])
                           for p in self._around(words, i, starts[1]))
        out.sort(key=lambda m: (m.start, m.end, m.phrase_id))
        return out


def find_phrases(text: str, phrases: Iterable[str]) -> list[Match]:
    """Convenience for one-off use (editor previews): the phrases of `phrases` found in `text`."""
    matcher = PhraseMatcher()
    for p in phrases:
        matcher.add(p)
    return matcher.matches(text)
