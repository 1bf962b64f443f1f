"""Reading a workspace or project file on opening: check it, or move it aside and offer its backup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.workspace.disk.corruption import (
    StorageCorrupt,
    corruption_message,
    describe_backup,
    good_backup,
    move_aside,
    read_database,
)
from builder.workspace.disk.storage import atomic_write_bytes

Check = Callable[[dict[str, dict[str, Any]]], str | None]


@dataclass(frozen=True)
class CorruptionNotice:
    """A broken file was moved aside and its last good copy opened (or, with no copy, the
    workspace's list of projects rebuilt from its project files): tell the user `message`."""

    path: Path
    moved_to: Path | None
    backup: Path | None
    message: str


def restore_backup(path: Path, backup: Path) -> None:
    """Put the last good copy back in place (the broken file was already moved aside)."""
    atomic_write_bytes(path, backup.read_bytes())


def load_checked(
    path: Path, what: str, *, read_only: bool, use_backup: bool, check: Check, corrupt: Callable[..., Exception]
) -> tuple[dict[str, Any] | None, CorruptionNotice | None]:
    """Parse `path`; on damage move it aside and raise `corrupt(...)` or open the backup."""
    try:
        data = read_database(path)
        reason = None if data is None else check(data)
    except StorageCorrupt as error:
        data, reason = None, error.reason
    if reason is None and data is not None:
        return data, None
    if reason is None:  # missing file
        backup = good_backup(path, check)
        if backup is None:
            return None, None
        if not use_backup or read_only:
            raise corrupt(
                f"The {what} {path} is missing, but {describe_backup(backup)}.", None, backup, "it is missing"
            )
        moved_to = None
        reason = "it was missing"
    else:
        backup = good_backup(path, check)
        if read_only:
            raise corrupt(corruption_message(what, path, reason, None, backup), None, backup, reason)
        moved_to = move_aside(path)
        if not use_backup or backup is None:
            raise corrupt(corruption_message(what, path, reason, moved_to, backup), moved_to, backup, reason)
    restore_backup(path, backup)
    data = read_database(path)
    notice = CorruptionNotice(
        path,
        moved_to,
        backup,
        f"The {what} {path} could not be read because {reason}, so its last good copy "
        f"({backup.name}) was opened instead" + (f"; the broken file is kept as {moved_to}." if moved_to else "."),
    )
    return data, notice
