"""Typo tolerance: which word of a ruleset a misspelt message word was meant to be.

A message word is looked at only when it could be a typo at all: its stem has 5 letters or more, it
is made of letters only (never a number or a code), it is no word of the ruleset itself (nor starts
with a `word*` of it) and no ordinary English word (the 82,765-word frequency list that
`symspellpy` ships: "agency" is a word, so it never stands for "agent"). Its stem is then compared
with the stems of the ruleset's words by Damerau-Levenshtein distance in its optimal-string-
alignment form (rapidfuzz's `OSA`, six times faster than the unrestricted one and the same on every
pair within two edits that edits no letter twice; a swap of two neighbouring letters is one edit):
1 edit is allowed when both stems have 5 letters or more, 2 when both have 9 or more. The closest
ruleset stem wins, ties going to the alphabetically first, so one message word stands for at most
one ruleset word. Results are cached per word.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

SHORTEST = 5  # letters in a stem before one edit is allowed
TWO_EDITS_FROM = 9  # letters in a stem before two edits are allowed
_CACHE_LIMIT = 100_000


def edit_budget(a: str, b: str) -> int:
    """How many edits may separate two stems: by the shorter one's length."""
    n = min(len(a), len(b))
    return 2 if n >= TWO_EDITS_FROM else 1 if n >= SHORTEST else 0


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Ordinary English words (lower case): symspellpy's frequency dictionary, read once."""
    spec = importlib.util.find_spec("symspellpy")  # its data file, without importing the package
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("symspellpy is needed for typo tolerance (pip install symspellpy)")
    folder = Path(next(iter(spec.submodule_search_locations)))
    with (folder / "frequency_dictionary_en_82_765.txt").open(encoding="utf-8") as handle:
        return frozenset(line.split(" ", 1)[0] for line in handle)


class TypoFinder:
    """The ruleset stems a message word may be a misspelling of."""

    def __init__(self, stems: Iterable[str], prefixes: Iterable[str] = ()) -> None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        self._extract = process.extract
        self._distance = OSA.distance
        self.stems = frozenset(s for s in stems if len(s) >= SHORTEST and s.isalpha())
        by_length: dict[int, list[str]] = {}
        for s in sorted(self.stems):
            by_length.setdefault(len(s), []).append(s)
        self._by_length = by_length
        self._windows: dict[int, list[str]] = {}
        self._known = english_words()
        self._prefixes = tuple(prefixes)  # a word a `word*` of the ruleset matches is no typo
        self._cache: dict[str, tuple[str, int] | None] = {}

    def could_be_typo(self, word: str, word_stem: str) -> bool:
        """Whether `word` (normalised) is looked at at all."""
        return (len(word_stem) >= SHORTEST and word_stem not in self.stems and word.isalpha()
                and word not in self._known and not word_stem.startswith(self._prefixes))

    def meant(self, word: str, word_stem: str) -> tuple[str, int] | None:
        """(ruleset stem, edits) that `word` is a typo of, or None."""
        cached = self._cache.get(word, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        found = self._find(word, word_stem) if self.could_be_typo(word, word_stem) else None
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache = {}
        self._cache[word] = found
        return found

    def _find(self, word: str, word_stem: str) -> tuple[str, int] | None:
        n = len(word_stem)
        choices = self._windows.get(n)
        if choices is None:  # the ruleset stems two letters shorter to two letters longer, once per length
            choices = self._windows[n] = [s for k in range(n - 2, n + 3) for s in self._by_length.get(k, ())]
        if not choices:
            return None
        best: tuple[int, str] | None = None
        for choice, distance, _ in self._extract(word_stem, choices, scorer=self._distance, score_cutoff=2,
                                                 limit=None):
            if 0 < distance <= edit_budget(word_stem, choice) and (best is None or (distance, choice) < best):
                best = (int(distance), choice)
        return None if best is None else (best[1], best[0])
