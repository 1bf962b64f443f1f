"""Phrase matching: every phrase of every rule found in one pass over a message.

Semantics (shared with the playbook and the editor's help text): case-insensitive (casefold),
punctuation is a word boundary, apostrophes inside words are dropped ("don't" = "dont"), whole
words only, and a light suffix stemmer folds simple inflections on both sides (refund = refunds =
refunded = refunding; cancel = cancelled; charge = charged = charges) without touching derived
nouns ("cancellation" is not "cancel"). A trailing `*` on a phrase word is a prefix match on the
word's stem ("cancel*" matches "cancellation"). Emoji count as one-character words.

All phrases compile into one Aho-Corasick automaton over the stemmed word stream, so the cost of a
message does not grow with the number of rules. Matches carry the character span in the original
text, for highlighting.
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
# ASCII fast path (bytes.translate runs at memory speed): letters lower-cased, apostrophes dropped,
# every other non-alphanumeric byte a space.
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


def _stem_uncached(word: str) -> str:
    w = word
    n = len(w)
    if n <= 3 or not w.isalpha():
        return w
    if w.endswith("ing") and n - 3 >= 3:
        w = w[:-3]
    elif w.endswith("ed") and n - 2 >= 3:
        w = w[:-2]
    elif w.endswith("ies") and n - 3 >= 2:
        w = w[:-3] + "y"
    elif w.endswith("es") and n - 2 >= 3:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss") and n - 1 >= 3:
        w = w[:-1]
    if len(w) >= 4 and w.endswith("e"):
        w = w[:-1]
    if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    return w


def stem(word: str) -> str:
    """The light stem of a normalised (casefolded, apostrophe-free) word."""
    return _STEMS[word]


def normalise_word(raw: str) -> str:
    """Casefold and drop apostrophes: "Don't" -> "dont"."""
    return raw.casefold().translate(_APOSTROPHES)


class Tokens:
    """A message as words: normalised forms and stems; spans in the original text on demand."""

    __slots__ = ("text", "words", "stems", "_spans")

    def __init__(self, text: str, words: list[str], stems: list[str],
                 spans: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.words = words
        self.stems = stems
        self._spans = spans

    @property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) of each word in the original text (computed on first use)."""
        if self._spans is None:
            self._spans = [m.span() for m in _WORD.finditer(self.text)]
        return self._spans

    @property
    def normalised(self) -> str:
        return " ".join(self.words)


def _words(text: str) -> list[str]:
    if text.isascii():  # same words as the regex, at C speed
        return text.encode("ascii").translate(_ASCII_WORDS, b"'").decode("ascii").split()
    return [normalise_word(w) for w in _WORD.findall(text)]


def tokenize(text: str) -> Tokens:
    """Words and stems of `text` (the hot path: no per-word Python work beyond a cache lookup)."""
    words = _words(text)
    return Tokens(text, words, list(map(_STEMS.__getitem__, words)))


def normalised_text(text: str) -> str:
    """Words of `text`, casefolded, apostrophes dropped, joined by single spaces (for fuzzy scores)."""
    return " ".join(_words(text))


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


def _word_matches(pw: PhraseWord, token_stem: str) -> bool:
    return token_stem.startswith(pw.stem) if pw.prefix else token_stem == pw.stem


@dataclass(frozen=True)
class Match:
    """One phrase found in a message: its id, text and character span in the original text."""

    phrase_id: int
    phrase: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "start": self.start, "end": self.end}


class PhraseMatcher:
    """All phrases of a ruleset in one automaton. Add phrases, then `build()`, then `match()`.

    A phrase's id is stable for the matcher's life; equal phrases share one id.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self.phrases: list[str] = []
        self._parsed: list[tuple[PhraseWord, ...]] = []
        self._automaton: Any = None

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
        self._automaton = None
        return pid

    def add_all(self, phrases: Iterable[str]) -> frozenset[int]:
        return frozenset(self.add(p) for p in phrases)

    def build(self) -> None:
        """Compile the automaton. Each key is the phrase up to its first prefix word; the rest is
        verified word by word after a hit (rare), so one pass still finds every phrase."""
        import ahocorasick

        keys: dict[str, list[tuple[int, int]]] = {}
        for pid, words in enumerate(self._parsed):
            head: list[str] = []
            cut = len(words)
            for i, w in enumerate(words):
                head.append(w.stem)
                if w.prefix:
                    cut = i + 1
                    break
            key = " " + " ".join(head) + ("" if words[cut - 1].prefix else " ")
            keys.setdefault(key, []).append((pid, cut))
        automaton = ahocorasick.Automaton()
        for key, entries in keys.items():
            simple = tuple(pid for pid, cut in entries if cut == len(self._parsed[pid]))
            rest = tuple((pid, cut) for pid, cut in entries if cut != len(self._parsed[pid]))
            automaton.add_word(key, (len(key), simple, rest))
        if keys:
            automaton.make_automaton()
        self._automaton = automaton if keys else False

    def _hits(self, stems: Sequence[str]) -> list[tuple[int, int, int]]:
        """(phrase id, first word index, end word index) for every occurrence."""
        if self._automaton is None:
            self.build()
        if not self._automaton or not stems:
            return []
        stream = " " + " ".join(stems) + " "
        starts: dict[int, int] = {}
        pos = 0
        for i, s in enumerate(stems):
            starts[pos] = i
            pos += len(s) + 1
        out: list[tuple[int, int, int]] = []
        parsed = self._parsed
        for end, (klen, simple, rest) in self._automaton.iter(stream):
            first = starts[end - klen + 1]
            for pid in simple:
                out.append((pid, first, first + len(parsed[pid])))
            for pid, cut in rest:
                hit = self._verify(pid, cut, first, stems)
                if hit is not None:
                    out.append(hit)
        return out

    def _verify(self, pid: int, cut: int, first: int, stems: Sequence[str]) -> tuple[int, int, int] | None:
        words = self._parsed[pid]
        last = first + len(words)
        if last <= len(stems) and all(_word_matches(words[k], stems[first + k]) for k in range(cut, len(words))):
            return (pid, first, last)
        return None

    def match_ids(self, stems: Sequence[str]) -> set[int]:
        """Ids of the phrases present: the hot path (one automaton pass, no spans)."""
        automaton = self._automaton
        if automaton is None:
            self.build()
            automaton = self._automaton
        ids: set[int] = set()
        if not automaton or not stems:
            return ids
        stream = " " + " ".join(stems) + " "
        for end, (klen, simple, rest) in automaton.iter(stream):
            if simple:
                ids.update(simple)
            if rest:
                first = stream.count(" ", 0, end - klen + 1)
                for pid, cut in rest:
                    if self._verify(pid, cut, first, stems) is not None:
                        ids.add(pid)
        return ids

    def matches(self, text: str, tokens: Tokens | None = None) -> list[Match]:
        """Every occurrence with its span in `text`, in text order."""
        tokens = tokens if tokens is not None else tokenize(text)
        out = [
            Match(pid, self.phrases[pid], tokens.spans[a][0], tokens.spans[b - 1][1])
            for pid, a, b in self._hits(tokens.stems)
        ]
        out.sort(key=lambda m: (m.start, m.end, m.phrase_id))
        return out


def find_phrases(text: str, phrases: Iterable[str]) -> list[Match]:
    """Convenience for one-off use (editor previews): the phrases of `phrases` found in `text`."""
    matcher = PhraseMatcher()
    for p in phrases:
        matcher.add(p)
    return matcher.matches(text)


class PatternSet:
    """RE2 patterns (case-insensitive), each compiled once, plus one `re2.Set` of them all so a
    message is scanned once for every pattern (`matching_ids`). ValueError on a bad pattern."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self.patterns: list[str] = []
        self._compiled: list[Any] = []
        self._set: Any = None
        self._match: Any = None

    def add(self, pattern: str) -> int:
        pid = self._ids.get(pattern)
        if pid is not None:
            return pid
        import re2

        options = re2.Options()
        options.case_sensitive = False
        try:
            compiled = re2.compile(pattern, options)
        except re2.error as exc:
            raise ValueError(f"the pattern {pattern!r} is not a valid RE2 expression: {exc}") from None
        pid = len(self.patterns)
        self._ids[pattern] = pid
        self.patterns.append(pattern)
        self._compiled.append(compiled)
        return pid

    def build(self) -> None:
        """Compile the combined set (after the last `add`)."""
        import re2

        if not self.patterns:
            self._set = False
            return
        options = re2.Options()
        options.case_sensitive = False
        combined = re2.Set.SearchSet(options)
        for pattern in self.patterns:
            combined.Add(pattern)
        combined.Compile()
        self._set = combined
        inner = getattr(combined, "_set", None)  # the C++ set: skips a Python frame per message
        self._match = inner.Match if inner is not None and hasattr(inner, "Match") else None

    def matching_ids(self, text: str) -> frozenset[int]:
        """Ids of every pattern found in `text`: one pass for all of them."""
        if self._set is None:
            self.build()
        if not self._set:
            return frozenset()
        match = self._match
        found = match(text.encode("utf-8")) if match is not None else self._set.Match(text)
        return frozenset(found) if found else _NOTHING

    def search(self, pid: int, text: str) -> tuple[int, int] | None:
        """The span of the first match of pattern `pid` in `text`, or None."""
        m = self._compiled[pid].search(text)
        return m.span() if m is not None else None
