"""Recognising a broken file and moving it aside — never resetting or overwriting it.

A file that does not parse is renamed to `<name>.corrupt-<UTC timestamp>` (a fresh name every
time, so an earlier casualty is never replaced) and the last good copy `<name>.bak`, if it
parses, is offered instead. The user is told what happened in one sentence.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Anything bigger is not a file this program wrote; reading it could exhaust memory."""


class StorageCorrupt(Exception):
    """A file's bytes are not a database this program wrote; `reason` says why, in words."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def parse_database(raw: bytes, path: Path) -> dict[str, dict[str, Any]]:
    """Decode a TinyDB file: an object of tables, each an object of documents (objects)."""
    if not raw.strip():
        raise StorageCorrupt(path, "it is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StorageCorrupt(path, "it is not text") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise StorageCorrupt(path, "it is nested too deeply") from None
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            raise StorageCorrupt(path, "it has unexpected data after the end") from None
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise StorageCorrupt(path, "it is cut off") from None
        raise StorageCorrupt(path, "it is not valid JSON") from None
    if not isinstance(data, dict):
        raise StorageCorrupt(path, "it does not hold a workspace")
    for table in data.values():
        if not isinstance(table, dict) or not all(
            isinstance(doc, dict) and key.isascii() and key.isdigit() for key, doc in table.items()
        ):
            raise StorageCorrupt(path, "its contents are not in the expected shape")
    return data


def read_database(path: Path, max_bytes: int = MAX_FILE_BYTES) -> dict[str, dict[str, Any]] | None:
    """The parsed file, None when it does not exist, StorageCorrupt when it is broken."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise StorageCorrupt(path, f"it is far too large ({size // (1024 * 1024)} MB)")
            raw = handle.read()
    except FileNotFoundError:
        return None
    return parse_database(raw, path)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def good_backup(path: Path,
                check: Callable[[dict[str, dict[str, Any]]], str | None] | None = None) -> Path | None:
    """The `.bak` next to `path` if it exists, parses and passes `check`, else None."""
    bak = backup_path(path)
    try:
        data = read_database(bak)
    except (StorageCorrupt, OSError):
        return None
    if data is None or (check is not None and check(data) is not None):
        return None
    return bak


def move_aside(path: Path, label: str = "corrupt") -> Path:
    """Rename `path` to a fresh `<name>.<label>-<timestamp>` name; never replaces any file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(1000):
        suffix = f".{label}-{stamp}" + (f"-{attempt}" if attempt else "")
        target = path.with_name(path.name + suffix)
        try:
            os.link(path, target)  # fails if target exists: nothing is ever replaced
        except FileExistsError:
            continue
        except OSError:
            if target.exists():
                continue
            os.rename(path, target)  # filesystems without hard links
            return target
        os.unlink(path)
        return target
    raise OSError(f"could not find a free name to move {path} aside")


def describe_backup(backup: Path | None) -> str:
    if backup is None:
        return "there is no earlier good copy to open instead"
    when = datetime.fromtimestamp(backup.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"the last good copy ({backup.name}, saved {when}) can be opened instead"


def corruption_message(what: str, path: Path, reason: str, moved_to: Path | None,
                       backup: Path | None) -> str:
    """One sentence: what broke, why, where it went, what can be opened instead."""
    moved = f"it was moved aside to {moved_to}" if moved_to else "it was left in place"
    return f"The {what} {path} could not be read because {reason}; {moved} and {describe_backup(backup)}."
