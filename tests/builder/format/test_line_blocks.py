"""`line_blocks` (issue #21: what `simulate` reads and hands to its workers) gives exactly the lines,
numbers and over-long markers of `bounded_lines`, the line-by-line reader, whatever the bytes,
the cap and the block size; and it hands over what a slow pipe has without waiting for more."""

from __future__ import annotations

import io

from hypothesis import example, given, settings
from hypothesis import strategies as st

from builder.format.conversation import LineBlock, LineError, bounded_lines, line_blocks, read_conversations
from tests.conftest import examples

PIECES = st.sampled_from([b"\n", b"\r\n", b"{}", b"x", b" ", b"\xc3\xa9", b"\xc3", b"\xa9", b"\xff", b"\xe2\x82",
                          b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xed\xa0\x80", b"\x00", b"\\ud800"])


def numbered(blocks: list[LineBlock]) -> list[tuple[int, str | None]]:
    return [(block.first + i, line) for block in blocks for i, line in enumerate(block.lines())]


def by_lines(data: bytes, limit: int) -> list[tuple[int, str | None]]:
    lines = bounded_lines(io.BytesIO(data), limit=limit)
    return [(n, None if line is None else line.removesuffix("\n")) for n, line in enumerate(lines, start=1)]


@settings(max_examples=examples(1000), deadline=None)
@given(data=st.lists(PIECES, max_size=60).map(b"".join), limit=st.integers(1, 12), size=st.integers(1, 20))
@example(data=b"abc\n" * 3, limit=3, size=4)  # lines exactly at the cap
@example(data=b"abcd\nab\nabcdef", limit=3, size=2)  # over the cap at the start, in the middle, at the end
@example(data=b"\xe2\x82\xac\n\xe2\x82\n\xac\n", limit=20, size=2)  # a character cut by a block, a broken one
def test_the_same_lines_as_the_line_reader(data: bytes, limit: int, size: int) -> None:
    blocks = list(line_blocks(io.BytesIO(data), size=size, limit=limit))
    assert numbered(blocks) == by_lines(data, limit)


def test_bytes_read_are_counted_once() -> None:
    data = b'{"id": "a"}\n' * 1000 + b"x" * 50 + b"\n" + b"tail"
    counted: list[int] = []
    list(line_blocks(io.BytesIO(data), size=100, limit=40, on_read=counted.append))
    assert sum(counted) == len(data)


def test_an_over_long_line_is_one_marker_and_never_held_whole() -> None:
    held: list[int] = []

    class Watched(io.BytesIO):
        def read1(self, size: int = -1) -> bytes:
            chunk = super().read1(size)
            held.append(len(chunk))
            return chunk

    data = b"short\n" + b"y" * 10_000 + b"\nafter\n"
    blocks = list(line_blocks(Watched(data), size=64, limit=100))
    assert numbered(blocks) == [(1, "short"), (2, None), (3, "after")]
    assert max(held) <= 64
    assert all(b.data is None or len(b.data) <= 200 for b in blocks)


def test_what_a_slow_pipe_has_is_handed_over_without_waiting_for_a_full_block() -> None:
    class Pipe(io.RawIOBase):
        """Gives one line per read, as a producer writing line by line into a pipe would."""

        def __init__(self, lines: list[bytes]) -> None:
            self.lines = lines

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            if not self.lines:
                return 0
            line = self.lines.pop(0)
            buffer[: len(line)] = line
            return len(line)

    pipe = Pipe([b'{"a": 1}\n', b'{"b": 2}\n', b'{"c"', b': 3}\n'])
    blocks = line_blocks(io.BufferedReader(pipe))
    first = next(blocks)
    assert first.lines() == ['{"a": 1}'] and pipe.lines == [b'{"b": 2}\n', b'{"c"', b': 3}\n']
    assert numbered([first, *blocks]) == [(1, '{"a": 1}'), (2, '{"b": 2}'), (3, '{"c": 3}')]


def test_read_conversations_numbers_a_block_from_its_first_line() -> None:
    block = LineBlock(41, b'{"id": "a", "events": []}\n\n{oops\n{"id": "b", "events": []}\n')
    items = list(read_conversations(block.lines(), first_line=block.first))
    assert [(i.line, type(i).__name__) for i in items] == [(41, "Conversation"), (43, "LineError"),
                                                          (44, "Conversation")]
    assert isinstance(items[1], LineError) and str(items[1]).startswith("line 43: not valid JSON")


@settings(max_examples=examples(500), deadline=None)
@given(text=st.one_of(st.text(), st.lists(st.sampled_from(['{"id": ', '"a"', "NaN", "-Infinity", "1e999", "\ufeff",
                                                             "[", "]", "}", ", ", ": ", "0", "-0.0", '"\\ud800"',
                                                             "\t", "\u00a0", "true", "null"]),
                                          max_size=12).map("".join)))
@example(text='\ufeff{"id": "a", "events": []}')
@example(text='{"id": "a", "events": [], "visitor": {"score": NaN}}')
def test_each_line_is_parsed_as_json_loads_parses_it(text: str) -> None:
    import json

    from builder.format.conversation import _parsed, _refuse_constant

    try:
        expected: object = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        expected = (type(exc), str(exc))
    try:
        got: object = _parsed(text)
    except (ValueError, RecursionError) as exc:
        got = (type(exc), str(exc))
    assert repr(got) == repr(expected)
