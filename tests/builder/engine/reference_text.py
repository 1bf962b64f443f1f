"""A naive reference for the text conditions of format version 2: word groups, "near", typo
tolerance and negation, written again from the documented rules (`builder.text.normalise`,
`typos`, `negation`, `matching`) without importing the production matcher, stemmer or typo finder.

Naive on purpose: every phrase is tried at every position, every pair of occurrences is tried for
"near", and every ruleset word is compared with every message word for typos (rapidfuzz's
optimal-string-alignment Damerau-Levenshtein distance, as documented; the English word list is read from
symspellpy's data file here too: it is a definition, not machinery).
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz.distance import OSA

from builder.format.model import Leaf, Ruleset

_ONE_WORD = r"[^\W_]+(?:['\u2019\u2018\u02bc][^\W_]+)*|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]"
_WORD = re.compile(_ONE_WORD)
_PHRASE_WORD = re.compile(f"({_ONE_WORD})(\\*)?")
_CONTRACTIONS = {
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "can not", "cannot": "can not",
    "couldnt": "could not", "wont": "will not", "wouldnt": "would not", "shouldnt": "should not", "isnt": "is not",
    "arent": "are not", "wasnt": "was not", "werent": "were not", "havent": "have not", "hasnt": "has not",
    "hadnt": "had not", "mustnt": "must not", "neednt": "need not", "aint": "am not", "im": "i am", "ive": "i have",
    "youre": "you are", "youve": "you have", "theyre": "they are", "theyve": "they have", "weve": "we have",
}
_NEGATORS = {"no", "not", "never", "without", "nevermind", "nobody"}
_CLAUSE_BREAK = re.compile(r"[.,;:!?\u2013\u2014\u2026()\[\]\n]|\s-+\s")


def stem(word: str) -> str:
    from tests.builder.engine.reference_engine import stem as reference_stem  # the reference's own stemmer

    return reference_stem(word)


def _normal(raw: str) -> str:
    if not raw.isascii():
        raw = unicodedata.normalize("NFKC", raw)
    return raw.casefold().replace("'", "").replace("\u2019", "").replace("\u2018", "").replace("\u02bc", "")


@dataclass
class Message:
    words: list[str]
    clause: list[int]


def message(text: str) -> Message:
    words: list[str] = []
    clause: list[int] = []
    number, previous_end = 0, 0
    for m in _WORD.finditer(text):
        if m.start() > previous_end and _CLAUSE_BREAK.search(text[previous_end:m.start()]):
            number += 1
        previous_end = max(previous_end, m.end())
        for word in _CONTRACTIONS.get(_normal(m.group()), _normal(m.group())).split():
            if word == "but":
                number += 1
            words.append(word)
            clause.append(number)
    return Message(words, clause)


def phrase_words(phrase: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for raw, star in _PHRASE_WORD.findall(phrase):
        parts = _CONTRACTIONS.get(_normal(raw), _normal(raw)).split()
        out.extend((stem(p), False) for p in parts)
        if star and out:
            out[-1] = (out[-1][0], True)
    return out


@cache
def english() -> frozenset[str]:
    spec = importlib.util.find_spec("symspellpy")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "frequency_dictionary_en_82_765.txt"
    return frozenset(line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())


def group_words(ruleset: Ruleset, ids: Iterable[str], seen: frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    for group_id in ids:
        group = next((g for g in ruleset.word_groups if g.id == group_id), None)
        if group is None or group_id in seen:
            continue
        out += list(group.words) + group_words(ruleset, group.includes, seen | {group_id})
    return out


class Vocabulary:
    """What typo tolerance compares with: every phrase of the ruleset (and the frustration list)."""

    def __init__(self, phrases: Iterable[str], typo_phrases: Iterable[str]) -> None:
        every = [w for p in phrases for w in phrase_words(p)]
        self.whole = {s for s, prefix in every if not prefix}
        self.prefixes = {s for s, prefix in every if prefix}
        self.typo = sorted({s for p in typo_phrases for s, prefix in phrase_words(p)
                            if not prefix and len(s) >= 5 and s.isalpha()})

    def meant(self, word: str) -> str | None:
        s = stem(word)
        if (len(s) < 5 or s in self.whole or not word.isalpha() or word in english()
                or any(s.startswith(p) for p in self.prefixes)):
            return None
        best: tuple[int, str] | None = None
        for v in self.typo:
            d = OSA.distance(s, v)
            shorter = min(len(s), len(v))
            budget = 2 if shorter >= 9 else 1 if shorter >= 5 else 0
            if 0 < d <= budget and (best is None or (d, v) < best):
                best = (d, v)
        return None if best is None else best[1]


def occurrences(msg: Message, phrase: str, vocabulary: Vocabulary, typo: bool) -> list[tuple[int, int]]:
    """(first, last) word of every place the phrase is."""
    stems = [stem(w) for w in msg.words]
    if typo:
        stems = [vocabulary.meant(w) or s for w, s in zip(msg.words, stems, strict=True)]
    want = phrase_words(phrase)
    out = []
    for i in range(len(stems) - len(want) + 1):
        if all(stems[i + k].startswith(s) if prefix else stems[i + k] == s for k, (s, prefix) in enumerate(want)):
            out.append((i, i + len(want) - 1))
    return out


def negated(msg: Message, first: int, floor: int = 0) -> bool:
    words = msg.words
    for k in range(max(floor, first - 5), first):
        if words[k] not in _NEGATORS or any(msg.clause[j] != msg.clause[first] for j in range(k, first)):
            continue
        before = words[k - 1] if k else ""
        after = words[k + 1] if k + 1 < len(words) else ""
        if before in ("can", "could", "still") or after in ("sure", "able", "only", "know", "understand", "let"):
            continue
        if {"why", "can", "could"} & set(words[max(0, k - 2):k]):
            continue
        return True
    return False


def text_holds(leaf: Leaf, text: str, ruleset: Ruleset, vocabulary: Vocabulary) -> bool:
    """Whether a contains_any / contains_none / near condition holds on one message."""
    msg = message(text)
    own = [leaf.value] if isinstance(leaf.value, str) else list(leaf.value or ())
    first = [str(p) for p in own] + group_words(ruleset, leaf.groups)
    if leaf.op in ("contains_any", "contains_none"):
        found = any(not (leaf.ignore_negated and negated(msg, a))
                    for p in first for a, _ in occurrences(msg, p, vocabulary, leaf.typo))
        return found if leaf.op == "contains_any" else not found
    assert leaf.near is not None
    second = list(leaf.near.value) + group_words(ruleset, leaf.near.groups)
    ones = [o for p in first for o in occurrences(msg, p, vocabulary, leaf.typo)]
    twos = [o for p in second for o in occurrences(msg, p, vocabulary, leaf.typo)]
    within = leaf.within or 4
    for a in ones:
        for b in twos:
            earlier, later = (a, b) if a[0] <= b[0] else (b, a)
            if not (a[1] < b[0] or b[1] < a[0]) or not 1 <= later[0] - earlier[1] <= within:
                continue
            if leaf.ignore_negated and (negated(msg, earlier[0]) or negated(msg, later[0], floor=earlier[1] + 1)):
                continue
            return True
    return False
