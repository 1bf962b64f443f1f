"""What stops a replay before it starts: a library that is missing or cannot be read at all."""

from __future__ import annotations

from pathlib import Path

from builder.format.conversation import refuse_special_file


class ReplayError(Exception):
    """The library cannot be read at all (missing file, CSV without the needed columns)."""


def readable_file(path: Path) -> Path:
    """`path`, or ReplayError when it is missing or not a regular file (a FIFO would block)."""
    try:
        refuse_special_file(path)
    except FileNotFoundError:
        raise ReplayError(f"cannot read {path}: no such file") from None
    except OSError as exc:
        raise ReplayError(f"cannot read {path}: {exc.strerror or exc}") from None
    return path
