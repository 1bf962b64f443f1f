"""Format checkers for the schemas: `re2` (patterns the engine compiles with google-re2), dates.

Patterns are checked with RE2, not Python's `re`, because RE2 is what the engine runs: it refuses
back-references and look-arounds, which is what keeps matching linear-time on visitor text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import re2

if TYPE_CHECKING:
    from jsonschema import FormatChecker

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would otherwise print every refused pattern to stderr

_EXPLANATIONS = (
    ("invalid escape sequence: \\1", "back-references such as \\1 are not supported"),
    ("invalid escape sequence: \\", "back-references such as \\1 are not supported"),
    ("invalid perl operator: (?=", "look-aheads such as (?=…) are not supported"),
    ("invalid perl operator: (?!", "look-aheads such as (?!…) are not supported"),
    ("invalid perl operator: (?<=", "look-behinds such as (?<=…) are not supported"),
    ("invalid perl operator: (?<!", "look-behinds such as (?<!…) are not supported"),
    ("invalid named capture group", "a named group is written (?P<name>…)"),
    ("missing ]", "a [ has no matching ]"),
    ("missing )", "a ( has no matching )"),
    ("unexpected )", "a ) has no matching ("),
    ("invalid repetition size", "a {min,max} repetition is not valid"),
    ("bad repetition operator", "a repetition (*, + or ?) follows nothing or another repetition"),
    ("missing argument to repetition operator", "a repetition (*, + or ?) has nothing before it"),
    ("trailing \\", "the pattern ends with a lone \\"),
)


@lru_cache(maxsize=4096)
def re2_error(pattern: str) -> str | None:
    """Why RE2 refuses `pattern`, in plain words; None when it compiles."""
    try:
        re2.compile(pattern, options=_OPTIONS)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else ""
        detail = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        for needle, plain in _EXPLANATIONS:
            if detail.startswith(needle):
                return plain
        return detail or "it is not a pattern the matcher understands"
    return None


def is_re2(instance: object) -> bool:
    """The `re2` format: a string RE2 compiles (non-strings are the `type` keyword's business)."""
    return not isinstance(instance, str) or re2_error(instance) is None


@lru_cache(maxsize=1)
def format_checker() -> FormatChecker:
    """jsonschema's standard checkers (date, date-time, email, …) plus `re2`.

    jsonschema is imported here, not at the top: the rule editor checks patterns with `re2_error`
    alone and must not pay for the schema machinery at start-up."""
    from jsonschema import FormatChecker

    checker = FormatChecker()
    checker.checks("re2")(is_re2)
    return checker
