"""What stops a replay before it starts: a library that is missing or cannot be read at all."""

from __future__ import annotations

from pathlib import Path

from builder.format.conversation import unreadable


class ReplayError(Exception):
    """The library cannot be read at all (missing file, CSV without the needed columns)."""


def readable_file(path: Path) -> Path:
    """`path`, or ReplayError when it is missing or not a regular file (a FIFO would block)."""
    problem = unreadable(path)
    if problem is not None:
        raise ReplayError(problem)
    return path
