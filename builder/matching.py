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

_STEMS: dict[str, str] = {}
_STEM_CACHE_LIMIT = 200_000


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
    s = _STEMS.get(word)
    if s is None:
        s = _stem_uncached(word)
        if len(_STEMS) < _STEM_CACHE_LIMIT:
            _STEMS[word] = s
    return s


def normalise_word(raw: str) -> str:
    """Casefold and drop apostrophes: "Don't" -> "dont"."""
    return raw.casefold().translate(_APOSTROPHES)


@dataclass(frozen=True)
class Tokens:
    """A message as words: normalised forms, stems and spans in the original text."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    @property
    def normalised(self) -> str:
        return " ".join(self.words)


def tokenize(text: str) -> Tokens:
    words: list[str] = []
    stems: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        w = normalise_word(m.group())
        words.append(w)
        stems.append(stem(w))
        spans.append(m.span())
    return Tokens(tuple(words), tuple(stems), tuple(spans))


def normalised_text(text: str) -> str:
    """Words of `text`, casefolded, apostrophes dropped, joined by single spaces (for fuzzy scores)."""
    return " ".join(normalise_word(m.group()) for m in _WORD.finditer(text))


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
            automaton.add_word(key, (len(key), tuple(entries)))
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
        n = len(stems)
        for end, (klen, entries) in self._automaton.iter(stream):
            first = starts[end - klen + 1]
            for pid, cut in entries:
                words = parsed[pid]
                if cut == len(words):
                    out.append((pid, first, first + cut))
                    continue
                last = first + len(words)
                if last <= n and all(
                    _word_matches(words[k], stems[first + k]) for k in range(cut, len(words))
                ):
                    out.append((pid, first, last))
        return out

    def match_ids(self, stems: Sequence[str]) -> set[int]:
        """Ids of the phrases present (the fast path: no spans)."""
        return {h[0] for h in self._hits(stems)}

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
    """RE2 patterns (case-insensitive), each compiled once. Raises ValueError on a bad pattern."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self.patterns: list[str] = []
        self._compiled: list[Any] = []

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

    def search(self, pid: int, text: str) -> tuple[int, int] | None:
        """The span of the first match of pattern `pid` in `text`, or None."""
        m = self._compiled[pid].search(text)
        return m.span() if m is not None else None
