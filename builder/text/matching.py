"""Phrase matching: every phrase of every rule found in one pass over a message.

A message is normalised into words and light stems (`builder.text.normalise`: case, apostrophes,
contractions, Unicode quotes and dashes, emoji); a phrase matches where its stems follow each other
as whole words. A trailing `*` on a phrase word is a prefix match on the word's stem ("cancel*"
matches "cancellation"). Three options per phrase, set by the condition that uses it:

- typo tolerance: a misspelt message word stands for the ruleset word it is closest to
  (`builder.text.typos`: "agnet" for "agent");
- negation: a match negated within its clause does not count (`builder.text.negation`);
- "near": a word of one list within N words of a word of another, either order (`add_near`).

All of it is one pass: the message's stems (misspelt words replaced by the word they stand for)
are joined into one string and a `pyahocorasick` automaton of every phrase's stems finds every
phrase at once, in time linear in the message's length whatever the number of rules or phrases.
Positions (for longer phrases after a `word*`, typos, negation and "near") are worked out only for
the phrases found. Matches carry the character span in the original text, for highlighting, and
say what they matched as (typo), what negated them and how near the two words were.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter
from typing import Any, NamedTuple, cast

from builder.text import negation
from builder.text.normalise import (
    STEMS,
    normalise_word,
    normalised_text,
    stem,
    word_forms,
    word_spans,
    words_of,
)
from builder.text.phrases import PhraseError, PhraseWord, Tokens, parse_phrase, tokenize
from builder.text.typos import TypoFinder, english_words

__all__ = ["DEFAULT_WITHIN", "Match", "PhraseError", "PhraseMatcher", "PhraseWord", "Tokens", "find_phrases",
           "normalise_word", "normalised_text", "parse_phrase", "stem", "tokenize", "word_forms", "words_of"]

DEFAULT_WITHIN = 4  # words, for "near"
_NOTHING: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Match:
    """One phrase found in a message: its id, text and character span in the original text, and
    how it was found: misspelt words it matched as (`typos`: (written, meant) pairs), for "near"
    the two words and their distance, for a negated match the word that negated it."""

    phrase_id: int
    phrase: str
    start: int
    end: int
    typos: tuple[tuple[str, str], ...] = ()
    near: tuple[str, str, int] | None = None
    negated_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"phrase": self.phrase, "start": self.start, "end": self.end}
        if self.typos:
            out["typos"] = [{"written": w, "as": m} for w, m in self.typos]
        if self.near is not None:
            out["near"] = {"first": self.near[0], "second": self.near[1], "distance": self.near[2]}
        if self.negated_by is not None:
            out["negated_by"] = self.negated_by
        return out


class Mention(NamedTuple):
    """A phrase found in a message, as an explanation names it (`PhraseMatcher.mentions`)."""

    phrase_id: int
    phrase: str
    typos: tuple[tuple[str, str], ...]
    near: tuple[str, str, int] | None


@dataclass(frozen=True)
class _Entry:
    phrase: str
    words: tuple[PhraseWord, ...]
    typo: bool
    negation: bool


@dataclass(frozen=True)
class _Near:
    first: frozenset[int]
    second: frozenset[int]
    within: int
    negation: bool


# What the automaton finds at the end of a key: (phrase id, words in the key, the phrase's other
# words after a `word*` as (offset from the first word, stem, is `word*`), its length in words,
# whether its place in the message must be worked out: other words, negation, part of a "near").
_Target = tuple[int, int, tuple[tuple[int, str, bool], ...], int, bool]
_CLEAN_LIMIT = 200_000
# An occurrence: (phrase id, first word, last word, typo positions).
_Found = tuple[int, int, int, tuple[int, ...]]
# what `_scan` finds: (phrase id, first word, last word, typo positions, "near" words and distance)
_Scanned = tuple[int, int, int, tuple[int, ...], tuple[int, int, int] | None]


class PhraseMatcher:
    """All phrases of a ruleset, found in one pass over a message. Add phrases (and "near"
    pairs), then `build()`, then `match_text()` (ids, the hot path) or `matches()` (spans and how
    each was found, for explanations). An id is stable for the matcher's life; equal phrases with
    equal options share one id."""

    def __init__(self) -> None:
        self._ids: dict[tuple[Any, ...], int] = {}
        self.phrases: list[str] = []  # id -> what an explanation shows
        self._entries: list[_Entry | _Near] = []
        self._built = False
        self._automaton: Any = None
        self._typos: TypoFinder | None = None
        self._plain = True  # no phrase needs positions: ids straight from the automaton
        self._known: set[str] = set()  # words never taken for a typo
        self._known_limit = 0
        self._settled: dict[str, str] = {}
        self._nears: list[tuple[int, _Near]] = []
        self._sides: frozenset[int] = frozenset()  # phrases a "near" is made of: their places are kept
        self._shown: dict[str, str] = {}  # stem -> a phrase word with it, to say what a typo meant
        # the latest message `match_text` scanned in full, and what it found: an escalation is
        # explained from the very message just matched (`mentions`), so it is not scanned twice
        self._last_scan: tuple[str, list[_Scanned]] | None = None

    def add(self, phrase: str, *, typo: bool = False, negation: bool = False) -> int:
        """The id of `phrase` with these options, registering it. Raises PhraseError for a phrase
        without words."""
        key = (phrase, typo, negation)
        pid = self._ids.get(key)
        if pid is not None:
            return pid
        words = parse_phrase(phrase)
        return self._register(key, phrase, _Entry(phrase, words, typo, negation))

    def add_all(self, phrases: Iterable[str], *, typo: bool = False, negation: bool = False) -> frozenset[int]:
        return frozenset(self.add(p, typo=typo, negation=negation) for p in phrases)

    def add_near(self, first: frozenset[int], second: frozenset[int], within: int = DEFAULT_WITHIN, *,
                 negation: bool = False, label: str = "") -> int:
        """The id of "a phrase of `first` within `within` words of a phrase of `second`"."""
        key = ("near", first, second, within, negation)
        pid = self._ids.get(key)
        if pid is not None:
            return pid
        return self._register(key, label or "… near …", _Near(first, second, within, negation))

    def _register(self, key: tuple[Any, ...], shown: str, entry: _Entry | _Near) -> int:
        pid = len(self.phrases)
        self._ids[key] = pid
        self.phrases.append(shown)
        self._entries.append(entry)
        self._built = False
        return pid

    def build(self) -> None:
        """The automaton of every phrase (after the last `add`)."""
        import ahocorasick

        automaton = ahocorasick.Automaton()
        targets: dict[str, list[_Target]] = {}
        stems: set[str] = set()
        prefixes: set[str] = set()
        typo_stems: set[str] = set()
        plain = True
        nears: list[tuple[int, _Near]] = []
        shown: dict[str, str] = {}
        for pid, entry in enumerate(self._entries):
            if isinstance(entry, _Near):
                nears.append((pid, entry))
                continue
            words = entry.words
            cut = next((k for k, w in enumerate(words) if w.prefix), len(words) - 1)
            key = " " + " ".join(w.stem for w in words[: cut + 1]) + ("" if words[cut].prefix else " ")
            rest = tuple((j, w.stem, w.prefix) for j, w in enumerate(words) if j > cut)
            targets.setdefault(key, []).append((pid, cut + 1, rest, len(words), False))
            plain = plain and not rest and not entry.negation
            for w in words:
                (prefixes if w.prefix else stems).add(w.stem)
                shown.setdefault(w.stem, w.word)
                if entry.typo and not w.prefix:
                    typo_stems.add(w.stem)
        sides = frozenset(p for _, n in nears for p in n.first | n.second)
        for key, found in targets.items():
            automaton.add_word(key, tuple(
                (pid, in_key, rest, length, bool(rest) or cast(_Entry, self._entries[pid]).negation or pid in sides)
                for pid, in_key, rest, length, _ in found))
        if targets:
            automaton.make_automaton()
        self._automaton = automaton if targets else None
        self._typos = TypoFinder(typo_stems, tuple(sorted(prefixes))) if typo_stems else None
        # words never taken for a typo: English, the ruleset's own, and (added on the way) words
        # already looked at and found to be none
        self._known = (set(english_words()).union(f for s in stems for f in word_forms(s))
                       if self._typos is not None else set())
        self._known_limit = len(self._known) + _CLEAN_LIMIT
        # word -> stem of the words met in messages and found to be no typo (at most `_CLEAN_LIMIT`)
        self._settled = {}
        self._nears = nears
        self._sides = sides
        self._plain = plain and not nears and self._typos is None
        self._shown = shown
        self._last_scan = None
        self._built = True

    # --- one message --------------------------------------------------------------------------

    def match_text(self, text: str) -> set[int] | frozenset[int]:
        """Ids of the phrases present in a message: the hot path."""
        if not self._built:
            self.build()
        if self._automaton is None:
            return _NOTHING
        words = words_of(text)
        if not words:
            return _NOTHING
        settled = self._settled
        try:  # every word met before and no typo: their stems in one C call
            stems: Sequence[str] = itemgetter(*words)(settled) if len(words) > 1 else (settled[words[0]],)
            typo_at: tuple[int, ...] = ()
        except KeyError:
            stems, typo_at = self._first_look(words)
        joined = " " + " ".join(stems) + " "
        if self._plain:  # ids straight from the automaton
            ids = {pid for _, found in self._automaton.iter(joined) for pid, *_ in found}
            return ids if ids else _NOTHING
        if not typo_at:  # the common case: ids straight from the automaton unless a phrase needs its place
            ids = set()
            for _, found in self._automaton.iter(joined):
                for target in found:
                    if target[4]:
                        break
                    ids.add(target[0])
                else:
                    continue
                break
            else:
                return ids if ids else _NOTHING
        found = self._scan(text, words, None, stems=stems, typo_at=typo_at, joined=joined)
        self._last_scan = (text, found)  # one tuple: a reader in another thread sees both or neither
        ids = {pid for pid, *_ in found}
        return ids if ids else _NOTHING

    def matches(self, text: str, tokens: Tokens | None = None, *, skipped: bool = False) -> list[Match]:
        """Every occurrence with its span in `text`, in text order; with `skipped`, the negated
        ones too (with the word that negated them)."""
        if not self._built:
            self.build()
        if self._automaton is None:
            return []
        tokens = tokens if tokens is not None else tokenize(text)
        if not tokens.words:
            return []
        out: list[Match] = []
        negated: list[tuple[_Found, int]] = []
        words, spans = tokens.words, tokens.spans
        for pid, first, last, typo_at, near in self._scan(text, words, negated, spans):
            typos = tuple((words[k], self._meant(words[k])) for k in typo_at)
            near_words = None
            if near is not None:
                near_words = (text[spans[near[0]][0]:spans[near[0]][1]], text[spans[near[1]][0]:spans[near[1]][1]],
                              near[2])
            out.append(Match(pid, self.phrases[pid], spans[first][0], spans[last][1], typos, near_words))
        if skipped:
            for (pid, first, last, typo_at), by in negated:
                typos = tuple((words[k], self._meant(words[k])) for k in typo_at)
                out.append(Match(pid, self.phrases[pid], spans[first][0], spans[last][1], typos,
                                 negated_by=text[spans[by][0]:spans[by][1]]))
        out.sort(key=lambda m: (m.start, m.end, m.phrase_id, m.negated_by is not None))
        return out

    def mentions(self, text: str, words: list[str]) -> list[Mention]:
        """What `matches` says of each occurrence of `text` (its normalised `words`), in the same
        order, without character offsets: a decision's explanation names phrases, misspellings and
        "near" words, so the text's spans are worked out only for a "near" match."""
        if not self._built:
            self.build()
        if self._automaton is None or not words:
            return []
        last = self._last_scan
        found = list(last[1]) if last is not None and last[0] is text else self._scan(text, words, None)
        spans: Sequence[tuple[int, int]] | None = None
        if len(found) > 1:  # `matches`' order; the words of "can't" share one span
            spans = word_spans(text)
            found.sort(key=lambda f: (spans[f[1]][0], spans[f[2]][1], f[0]))  # type: ignore[index]
        out: list[Mention] = []
        for pid, _, _, typo_at, near in found:
            near_words = None
            if near is not None:
                spans = spans if spans is not None else word_spans(text)
                near_words = (text[spans[near[0]][0]:spans[near[0]][1]], text[spans[near[1]][0]:spans[near[1]][1]],
                              near[2])
            out.append(Mention(pid, self.phrases[pid], tuple((words[k], self._meant(words[k])) for k in typo_at),
                               near_words))
        return out

    def _meant(self, word: str) -> str:
        found = self._typos.meant(word, STEMS[word]) if self._typos is not None else None
        return self._shown.get(found[0], found[0]) if found is not None else word

    @staticmethod
    def _joined(stems: Sequence[str]) -> str:
        return " " + " ".join(stems) + " "

    def _scan(self, text: str, words: list[str], negated: list[tuple[_Found, int]] | None,
              spans: Sequence[tuple[int, int]] | None = None, stems: Sequence[str] | None = None,
              typo_at: tuple[int, ...] | None = None, joined: str | None = None,
              ) -> list[_Scanned]:
        """Every (phrase id, first word, last word, typo positions, near words) present, one pass
        (`stems`, `typo_at` and `joined`: already worked out, misspelt words replaced)."""
        if stems is None or typo_at is None:
            corrected = list(map(STEMS.__getitem__, words))
            typo_at = self._correct(words, corrected)
            stems, joined = corrected, None
        if joined is None:
            joined = self._joined(stems)
        starts: list[int] | None = None
        entries = self._entries
        n = len(stems)
        found: list[_Found] = []
        clause_of: list[int] | None = None
        for end, targets in self._automaton.iter(joined):
            if starts is None:  # where each word starts in `joined`: one pass, only when needed
                starts = list(accumulate((len(s) + 1 for s in stems), initial=1))
            for pid, in_key, rest, length, _ in targets:
                key_end = bisect_right(starts, end) - 1  # the word the key's last character is in
                first = key_end - in_key + 1
                last = first + length - 1
                if last >= n or not _rest_there(stems, first, rest):
                    continue
                entry = cast(_Entry, entries[pid])  # the automaton holds phrases only
                typos = tuple(k for k in typo_at if first <= k <= last) if typo_at else ()
                if typos and not entry.typo:
                    continue
                if entry.negation:
                    if clause_of is None:
                        spans = spans if spans is not None else word_spans(text)
                        clause_of = negation.clauses(text, spans, words)
                    by = negation.negating_word(words, clause_of, first)
                    if by is not None:
                        if negated is not None:
                            negated.append(((pid, first, last, typos), by))
                        continue
                found.append((pid, first, last, typos))
        out: list[_Scanned] = [
            (pid, first, last, typos, None) for pid, first, last, typos in found]
        if self._nears and found:
            present = {f[0] for f in found}
            for near_id, near in self._nears:
                if near.first.isdisjoint(present) or near.second.isdisjoint(present):
                    continue  # one side is not there at all
                skipped: tuple[_Found, int] | None = None
                for a, b, distance in _pairs(found, near):  # the nearest pair not said the other way round
                    first, last = min(a[1], b[1]), max(a[2], b[2])
                    typos = tuple(sorted(set(a[3] + b[3])))
                    if near.negation:
                        if clause_of is None:
                            spans = spans if spans is not None else word_spans(text)
                            clause_of = negation.clauses(text, spans, words)
                        earlier, later = (a, b) if a[1] <= b[1] else (b, a)
                        by = negation.negating_word(words, clause_of, first)
                        if by is None:  # or between the two: "my card wasn't stolen"
                            by = negation.negating_word(words, clause_of, later[1], floor=earlier[2] + 1)
                        if by is not None:
                            skipped = skipped or ((near_id, first, last, typos), by)
                            continue
                    out.append((near_id, first, last, typos, (a[1], b[1], distance)))
                    break
                else:
                    if skipped is not None and negated is not None:
                        negated.append(skipped)
        return out

    def _first_look(self, words: list[str]) -> tuple[list[str], tuple[int, ...]]:
        """The stems of a message with a word not met before (misspelt words replaced by the
        ruleset stem each stands for) and the typos' positions; the words found to be no typo
        are settled: the next message with them takes the one-call path of `match_text`."""
        stems = list(map(STEMS.__getitem__, words))
        if self._typos is None or self._known.issuperset(words):  # no typo to look for
            typo_at: tuple[int, ...] = ()
        else:
            typo_at = self._correct(words, stems)
        settled = self._settled
        if len(settled) < _CLEAN_LIMIT:
            for k, word in enumerate(words):
                if k not in typo_at and (self._typos is None or word in self._known):
                    settled[word] = STEMS[word]
        return stems, typo_at

    def _correct(self, words: list[str], stems: list[str]) -> tuple[int, ...]:
        """Replace misspelt words' stems by the ruleset stem each stands for; their positions."""
        typos = self._typos
        if typos is None:
            return ()
        at: list[int] = []
        for word in set(words).difference(self._known):  # in C: mostly nothing is left
            meant = typos.meant(word, STEMS[word])
            if meant is None:
                if len(self._known) < self._known_limit:  # looked at once: no typo, known from now on
                    self._known.add(word)
                continue
            for k, w in enumerate(words):
                if w == word:
                    stems[k] = meant[0]
                    at.append(k)
        return tuple(sorted(at))


def _rest_there(stems: Sequence[str], first: int, rest: tuple[tuple[int, str, bool], ...]) -> bool:
    for off, want, prefix in rest:
        s = stems[first + off]
        if not (s.startswith(want) if prefix else s == want):
            return False
    return True


def _pairs(found: list[_Found], near: _Near) -> list[tuple[_Found, _Found, int]]:
    """Every pair of a `first` and a `second` occurrence that do not overlap, at most
    `near.within` words apart (the later one's first word minus the earlier one's last), nearest
    first, then earliest in the text. Each occurrence looks only at the few places in range."""
    ones = [f for f in found if f[0] in near.first]
    if not ones:
        return []
    by_first: dict[int, list[_Found]] = {}
    by_last: dict[int, list[_Found]] = {}
    for f in found:
        if f[0] in near.second:
            by_first.setdefault(f[1], []).append(f)
            by_last.setdefault(f[2], []).append(f)
    pairs: list[tuple[int, int, _Found, _Found]] = []
    for a in ones:
        for d in range(1, near.within + 1):
            pairs.extend((d, a[1], a, b) for b in by_first.get(a[2] + d, ()))  # the second after the first
            pairs.extend((d, b[1], a, b) for b in by_last.get(a[1] - d, ()))  # the second before the first
    pairs.sort(key=lambda p: (p[0], p[1], p[2], p[3]))
    return [(a, b, d) for d, _, a, b in pairs]


def find_phrases(text: str, phrases: Iterable[str]) -> list[Match]:
    """Convenience for one-off use (editor previews): the phrases of `phrases` found in `text`."""
    matcher = PhraseMatcher()
    for p in phrases:
        matcher.add(p)
    return matcher.matches(text)
