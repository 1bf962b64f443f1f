"""Issue #23, problem 3: the placeholder grammar as a linear scanner, checked against the regular
expression it replaces (the oracle: same placeholders, same spans, same fallbacks)."""

from __future__ import annotations

import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rules_schema.placeholders import PLACEHOLDER_RE, find_placeholders, substitute

ORACLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}")
PIECES = st.sampled_from(["{{", "}}", "{", "}", "|", " ", "\t", "\n", "\u00a0", "\u2003", "visitor.name", "a", "_",
                          "1", ".", "x y", "team", "é", "{{ visitor.name | friend }}", "{{a|}}", "|}}"])


@contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fails the test (instead of hanging the suite) when the block runs longer than `seconds`: a
    guard against the cubic backtracking of old, not a timing measurement (it took minutes)."""
    def stop(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _oracle(text: str) -> list[tuple[str, str | None, int, int]]:
    return [(m.group(1), m.group(2), m.start(), m.end()) for m in ORACLE.finditer(text)]


@given(text=st.lists(PIECES, max_size=30).map("".join))
@example(text="{{{visitor.name}}}")
@example(text="{{ a | b }x}} {{c|d}}")
@example(text="{{a |" + " " * 50)
@example(text="{{a|{{b}}}}")
def test_the_scanner_finds_what_the_expression_found(text: str) -> None:
    assert [(p.name, p.fallback, p.start, p.end) for p in find_placeholders(text)] == _oracle(text)
    fill: Callable[[re.Match[str]], str] = lambda m: f"<{m.group(1)}:{m.group(2)}>"  # noqa: E731
    assert substitute(fill, text) == ORACLE.sub(fill, text)  # type: ignore[arg-type]
    assert [(m.start(), m.end(), m.group(0)) for m in PLACEHOLDER_RE.finditer(text)] == \
        [(m.start(), m.end(), m.group(0)) for m in ORACLE.finditer(text)]


@pytest.mark.parametrize("body", [
    "{{visitor.name |" + " " * 30_000,                      # the reproduction, ten times longer
    "{{a|" * 20_000,                                         # many starts, no end
    "{{ " + "a" * 50_000 + " " * 50_000 + "|" + " " * 50_000 + "}",
])
def test_whitespace_runs_do_not_freeze_the_scanner(body: str) -> None:
    with at_most(20):
        assert find_placeholders(body) == []
