"""Generated sentences that exercise every VADER rule: sentiment words next to boosters,
negations, "no", "but", "kind of", "least", "never so", "without doubt", the special idioms, words
in capitals, emoji, emoticons and runs of `!` and `?` — seeded, so a failure can be replayed."""

from __future__ import annotations

import random
from collections.abc import Iterator

RULE_WORDS = (
    "not", "isn't", "don't", "never", "no", "nor", "or", "without", "doubt", "but", "BUT", "kind",
    "of", "sort", "least", "at", "very", "so", "this", "the", "shit", "bomb", "bad", "ass", "badass",
    "bus", "stop", "yeah", "right", "kiss", "death", "to", "die", "for", "beating", "heart", "just",
    "enough", "kinda", "extremely", "barely", "uber", "FRIGGIN", "really", "REALLY", "hardly",
    "nothing", "cannot", "uh-uh", "mayn't", "shouldn't've", "despite", "rarely", "it", "is", "was", "refund", "order",
)
EMOTICONS = (":)", ":(", ":-(", ":D", "<3", ":'(", ";)", "xD", ":/", "(:", "^_^")
EMOJI = ("😡", "😀", "💘", "💋", "😁", "👍", "👎", "😭", "🙂", "🤬", "❤", "☹", "😐")
PUNCTUATION = ("!", "!!", "!!!!!", "?", "??", "???", "????", "?!", ".", "...", ",", ";", "'", '"', "-")


def sentences(count: int, seed: int, lexicon: list[str]) -> Iterator[str]:
    """`count` sentences of 1-16 pieces drawn from the lexicon, the rule words, emoji, emoticons
    and punctuation; some whole sentences in capitals, some words glued to punctuation or emoji."""
    rng = random.Random(seed)
    for _ in range(count):
        pieces = []
        for _ in range(rng.randint(1, 16)):
            kind = rng.random()
            if kind < 0.35:
                word = rng.choice(lexicon)
            elif kind < 0.75:
                word = rng.choice(RULE_WORDS)
            elif kind < 0.82:
                word = rng.choice(EMOJI) * rng.randint(1, 3)
            elif kind < 0.88:
                word = rng.choice(EMOTICONS)
            else:
                word = rng.choice(PUNCTUATION)
            shape = rng.random()
            if shape < 0.12:
                word = word.upper()
            elif shape < 0.18:
                word = word.capitalize()
            elif shape < 0.26:
                word += rng.choice(PUNCTUATION)
            elif shape < 0.30:
                word += rng.choice(EMOJI)
            pieces.append(word)
        sep = rng.choice((" ", " ", " ", "  ", "\t", "\u00a0"))
        text = sep.join(pieces)
        if rng.random() < 0.08:
            text = text.upper()
        yield text
