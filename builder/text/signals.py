"""Derived conversation signals: sentiment, capitals, repetition, frustration phrases, pages.

Each signal is a small function or tracker that costs work proportional to the new message (the
repetition tracker compares with earlier messages inside rapidfuzz's C loop). Heavy data (VADER's
lexicon, rapidfuzz) loads on first use so that importing the runtime stays cheap.
"""

from __future__ import annotations

import fnmatch
import re
from collections import deque
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from builder.text.matching import normalised_text
from builder.text.sentiment import compound

# Phrases that mean "the bot is not helping", matched with the same phrase matcher as rules.
FRUSTRATION_PHRASES: tuple[str, ...] = (
    "this isn't helpful", "not helpful", "unhelpful", "useless", "you don't understand",
    "you do not understand", "you're not understanding", "that's not what i asked",
    "not what i asked", "that is not what i asked", "waste of time", "wasting my time",
    "ridiculous", "pointless", "this is stupid", "stupid bot", "dumb bot", "terrible service",
    "doesn't help", "does not help", "didn't help", "not working", "still not working",
    "i already said", "i already told you", "i said that already",
    "are you even listening", "you're not listening", "frustrating", "frustrated", "fed up",
    "sick of this", "for the last time", "give me a straight answer", "makes no sense",
    "that doesn't make sense", "going in circles", "nothing works", "worst",
)

# Acronyms that are written in capitals without shouting (words of <= 3 letters are ignored anyway).
COMMON_ACRONYMS: frozenset[str] = frozenset(
    {
        "ASAP", "HTML", "HTTP", "HTTPS", "JSON", "IBAN", "GDPR", "SAML", "OAUTH", "HIPAA", "CCPA",
        "SOAP", "REST", "LDAP", "VPN", "TLS", "SSL", "FAQ", "NASA", "UEFA", "BTW", "FYI", "IMHO",
        "AFAIK", "DHL", "UPS", "USPS", "FEDEX", "PAYPAL", "MFA", "TOTP", "SEPA", "SWIFT", "BIC",
        "VISA", "AMEX", "CSV", "XLSX", "DOCX", "JPEG", "MPEG", "WIFI", "USB", "HDMI", "NYSE",
    }
)

_LETTER_WORD = re.compile(r"[^\W\d_]+")
# ASCII text: every character but a letter becomes a space (the regex's words, then `split`)
_ASCII_LETTERS = bytes(c if chr(c).isalpha() else ord(" ") for c in range(256))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))  # deleted from letters: the capitals are left

def sentiment(text: str) -> float:
    """VADER's compound score in [-1, 1] (0.0 for an empty message), computed by
    `builder.text.sentiment` in time linear in the message (vaderSentiment itself is quadratic)."""
    return compound(text)


def caps_ratio(text: str, min_letters: int = 8) -> float:
    """Share of capital letters among the letters of words that can shout.

    Words of three letters or fewer ("I", "OK", "USA") and common acronyms are ignored, and a
    message with fewer than `min_letters` remaining letters is 0: short messages never shout.
    """
    if text.islower() or not text:  # the common case: nothing in capitals at all
        return 0.0
    if text.isascii():  # the same words as the regex, split at C speed
        words = text.encode("ascii").translate(_ASCII_LETTERS).decode("ascii").split()
        kept = [w for w in words if len(w) > 3 and w not in COMMON_ACRONYMS]
        letters = "".join(kept)
        total = len(letters)
        if total < min_letters or total == 0:
            return 0.0
        return len(letters.encode("ascii").translate(None, _ASCII_LOWER)) / total  # the capitals left
    kept = [w for w in _LETTER_WORD.findall(text) if len(w) > 3 and w not in COMMON_ACRONYMS]
    letters = "".join(kept)
    total = len(letters)
    if total < min_letters or total == 0:
        return 0.0
    return sum(map(str.isupper, letters)) / total


def url_path(url: str) -> str:
    """The path of a URL ("https://x.com/pricing?a=1" -> "/pricing"); a bare path stays as is."""
    if "://" in url or url.startswith("//"):
        path = urlsplit(url).path
        return path or "/"
    return url.split("?", 1)[0].split("#", 1)[0]


def url_matcher(pattern: str) -> tuple[bool, Callable[[str], Any]]:
    """A glob (`*` anything, `?` one char) compiled once, as (whole URL?, regex match): a pattern
    with a scheme ("https://…") is matched against the whole URL, any other against the path. A
    page view parses its URL once (`url_path`) and gives every pattern the part it reads."""
    match = re.compile(fnmatch.translate(pattern)).match
    return "://" in pattern, match


def compile_url_pattern(pattern: str) -> Callable[[str], bool]:
    """A predicate on URLs for a glob (see `url_matcher`), for a single test of one URL."""
    whole, match = url_matcher(pattern)
    if whole:
        return lambda url: match(url) is not None
    return lambda url: match(url_path(url)) is not None


@cache
def _scorer() -> Any:
    from rapidfuzz import fuzz

    return fuzz.token_sort_ratio


@cache
def _extract_one() -> Any:
    """rapidfuzz's `process.extractOne`, imported on first use (every session makes a tracker)."""
    from rapidfuzz import process

    return process.extractOne


REPEAT_WINDOW = 256
"""How many distinct earlier questions a new one is compared with by similarity (the latest ones);
exact copies are found among all of them, by hash. Real conversations stay far below it; a
100,000-message one costs the same per message as a 300-message one."""

REPEAT_CHARS = 1000
"""How much of a (normalised) message the repetition check reads: questions are short, and an
edit distance between two 10 MB messages would take hours."""


def question_key(text: str) -> str | None:
    """What the repetition check compares for a visitor message: its normalised text (first
    `REPEAT_CHARS` characters); None for fewer than two words ("ok", "yes": not questions)."""
    norm = normalised_text(text[: REPEAT_CHARS * 4])[:REPEAT_CHARS]
    return norm if norm.count(" ") >= 1 else None


class RepeatTracker:
    """Counts visitor messages that are near-copies of an earlier visitor message.

    Texts are normalised (casefold, punctuation out); messages of fewer than two words ("ok",
    "yes") are not questions and neither count nor serve as earlier copies. Near-copies are scored
    by rapidfuzz's `token_sort_ratio` against the latest `REPEAT_WINDOW` distinct questions, exact
    copies by a set of all of them: linear time however long the conversation
    (`tests/builder/text/test_repeat_tracker.py` checks it against a scan of every earlier message).
    """

    __slots__ = ("threshold", "recent", "seen", "count", "_extract", "_scorer")

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.recent: deque[str] = deque(maxlen=REPEAT_WINDOW)
        self.seen: set[str] = set()
        self.count = 0
        self._extract = _extract_one()
        self._scorer = _scorer()

    def add(self, text: str) -> bool:
        """Record a visitor message; True when it repeats an earlier one."""
        norm = question_key(text)
        if norm is None:
            return False
        if norm in self.seen:
            repeated = self.threshold <= 100
        else:
            repeated = bool(self.recent) and self._extract(
                norm, self.recent, scorer=self._scorer, score_cutoff=self.threshold) is not None
            self.seen.add(norm)
            self.recent.append(norm)
        if repeated:
            self.count += 1
        return repeated

    def refill(self, texts: Iterable[str]) -> None:
        """File earlier visitor messages without counting them (a restored session)."""
        for text in texts:
            norm = question_key(text)
            if norm is not None and norm not in self.seen:
                self.seen.add(norm)
                self.recent.append(norm)
