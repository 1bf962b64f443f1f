"""The placeholder grammar of message templates: `{{ name }}` or `{{ name | fallback }}`.

Lives with the format because the validator must find unknown placeholders without importing
the builder; `builder.handoff.templates` renders with the same tokenizer.

A hand-written scanner, not a regular expression: the expression this grammar was first written
as (`\\{\\{\\s*(name)\\s*(?:\\|\\s*([^}]*?)\\s*)?\\}\\}`) backtracks cubically on runs of whitespace
(`{{visitor.name |` and 3,000 spaces froze the validator for two minutes). The scanner reads each
character a bounded number of times; `tests/rules_schema/test_placeholders.py` checks it against
that expression on generated text.

Grammar (what the expression matched): `{{`, optional whitespace, a name (`[A-Za-z_]` then
`[A-Za-z0-9_.]*`), optional whitespace, optionally `|` + a fallback without `}` (surrounding
whitespace dropped), then `}}`. Where a `{{` does not start a placeholder, scanning goes on at the
next character.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME_REST = _NAME_START | frozenset("0123456789.")


@dataclass(frozen=True)
class Placeholder:
    name: str
    fallback: str | None
    start: int
    end: int


class PlaceholderMatch:
    """The `re.Match` surface (`group(1)` name, `group(2)` fallback, `start()`, `end()`) that the
    editor's highlighter and the validator were written against."""

    __slots__ = ("_text", "placeholder")

    def __init__(self, text: str, placeholder: Placeholder) -> None:
        self._text, self.placeholder = text, placeholder

    def group(self, index: int = 0) -> Any:  # str, or None for an absent fallback (as re.Match)
        p = self.placeholder
        return (self._text[p.start:p.end], p.name, p.fallback)[index]

    def start(self) -> int:
        return self.placeholder.start

    def end(self) -> int:
        return self.placeholder.end


def _skip_space(text: str, i: int, n: int) -> int:
    while i < n and text[i].isspace():
        i += 1
    return i


def iter_placeholders(text: str) -> Iterator[Placeholder]:
    """Every placeholder in `text`, in order, in time linear in its length."""
    n = len(text)
    close = -1  # the first "}" at or after the latest fallback start (fallback starts only increase)
    i = text.find("{{")
    while i >= 0:
        j = i + 2
        k = _skip_space(text, j, n)
        if k < n and text[k] in _NAME_START:
            m = k + 1
            while m < n and text[m] in _NAME_REST:
                m += 1
            name = text[k:m]
            q = _skip_space(text, m, n)
            found: Placeholder | None = None
            if text.startswith("}}", q):
                found = Placeholder(name, None, i, q + 2)
            elif q < n and text[q] == "|":
                if close < q:
                    close = text.find("}", q)
                    if close < 0:
                        close = n
                if text.startswith("}}", close):
                    found = Placeholder(name, text[q + 1:close].strip(), i, close + 2)
            if found is not None:
                yield found
                i = text.find("{{", found.end)
                continue
        i = text.find("{{", i + 1)


def find_placeholders(text: str) -> list[Placeholder]:
    """Every placeholder in `text`, in order, with its span (for highlighting in the editor)."""
    return list(iter_placeholders(text))


def substitute(fill: Callable[[PlaceholderMatch], str], text: str) -> str:
    """`text` with each placeholder replaced by `fill(match)`."""
    parts: list[str] = []
    last = 0
    for placeholder in iter_placeholders(text):
        parts.append(text[last:placeholder.start])
        parts.append(fill(PlaceholderMatch(text, placeholder)))
        last = placeholder.end
    parts.append(text[last:])
    return "".join(parts)


class _Grammar:
    """`PLACEHOLDER_RE`: the scanner behind the `finditer`/`sub` names the regular expression had."""

    def finditer(self, text: str) -> Iterator[PlaceholderMatch]:
        return (PlaceholderMatch(text, p) for p in iter_placeholders(text))

    def sub(self, fill: Callable[[PlaceholderMatch], str], text: str) -> str:
        return substitute(fill, text)


PLACEHOLDER_RE = _Grammar()
