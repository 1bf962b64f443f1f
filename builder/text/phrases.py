"""A phrase as the manager typed it, and a message as words: what the matcher compares.

`parse_phrase` turns "cancel*" or "don't want a human" into stemmed words (a trailing `*`: a
prefix word; contractions spelled out as messages are); `tokenize` gives a message's normalised
words with their stems and character spans on demand (spans only for highlighting and
explanations). Apart from the matcher because the editor's checks and the engine's state read
them without matching anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from builder.text.normalise import PHRASE_WORD, STEMS, stem, word_spans, words_of

__all__ = ["PhraseError", "PhraseWord", "Tokens", "parse_phrase", "tokenize"]


class PhraseError(ValueError):
    """A phrase that cannot match anything (no words in it)."""


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
            self._stems = list(map(STEMS.__getitem__, self.words))
        return self._stems

    @property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) of each word in the original text (computed on first use)."""
        if self._spans is None:
            self._spans = word_spans(self.text)
        return self._spans


def tokenize(text: str) -> Tokens:
    """The words of `text`; stems and spans follow on demand."""
    return Tokens(text, words_of(text))


@dataclass(frozen=True)
class PhraseWord:
    stem: str
    prefix: bool
    word: str = field(default="", compare=False)  # as written (normalised), for explanations


def parse_phrase(phrase: str) -> tuple[PhraseWord, ...]:
    """A phrase as stemmed words; a trailing `*` marks a prefix word. Raises PhraseError if empty."""
    out: list[PhraseWord] = []
    for m in PHRASE_WORD.finditer(phrase):
        for word in words_of(m.group(1)):  # a contraction is spelled out: "don't" -> do not
            out.append(PhraseWord(stem(word), False, word))
        if m.group(2) is not None and out:
            last = out[-1]
            out[-1] = PhraseWord(last.stem, True, last.word)
    if not out:
        raise PhraseError(f"the phrase {phrase!r} has no words to match")
    return tuple(out)
