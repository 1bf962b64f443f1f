"""Crash-safe TinyDB storage: a file on disk is always either the old or the new version.

TinyDB's JSONStorage writes in place, so a crash can leave a truncated or doubled file. Here a
write serialises first, writes a temp file in the same folder, flushes and fsyncs it, keeps the
previous file as `<name>.bak` (a hard link, so no copy), `os.replace`s, and fsyncs the folder.

Nothing is held in memory only: every `write` reaches the disk before it returns. The only
batching is `transaction()`, which groups the several table updates of one save into one
write that happens before the save returns (so a save is atomic, not three half-writes).
Reads are cached by the file's identity (inode, size, mtime), which is safe because one
process writes a workspace (the lock) and a read-only reader re-reads when the file changes.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from builder.workspace.disk.corruption import MAX_FILE_BYTES, backup_path, read_database
from builder.workspace.errors import WorkspaceError, WorkspaceReadOnly, WorkspaceWriteError

Tables = dict[str, dict[str, Any]]


# The steps of a write, as functions so that tests can inject a failure at each one.
def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync(fd: int) -> None:
    os.fsync(fd)


def _replace(source: Path, target: Path) -> None:
    os.replace(source, target)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) on Windows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (never an existing file) holding `data`, on the disk before returning."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        _write_all(fd, data)
        _fsync(fd)
    finally:
        os.close(fd)


def _keep_backup(path: Path) -> None:
    """Make `<name>.bak` the current (good) file, atomically, before it is replaced."""
    bak = backup_path(path)
    try:
        if os.path.samefile(path, bak):  # already the backup (a crash fell just after it was made)
            return
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.bak.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        os.link(path, tmp)
    except FileNotFoundError:
        return
    except OSError:  # no hard links here: copy the bytes instead
        with open(path, "rb") as source:
            data = source.read()
        _write_new(tmp, data)
    try:
        _replace(tmp, bak)
    finally:
        _silent_unlink(tmp)  # gone after a rename, except when both names were one file already


def _silent_unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def atomic_write_bytes(path: Path, data: bytes, *, backup: bool = False) -> None:
    """Replace `path` by `data` so that a crash at any moment leaves the old or the new file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        _write_new(tmp, data)
        if backup:
            _keep_backup(path)
        _replace(tmp, path)
    except BaseException:
        _silent_unlink(tmp)
        raise
    _fsync_dir(path.parent)


_TEMP_NAME = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$")


def sweep_temp_files(folder: Path, alive: Callable[[int], bool], prefix: str = "") -> list[Path]:
    """Remove temp files left by writers killed mid-write (their PID, in the name, is gone).

    Call only while holding the workspace lock, so no live writer of this workspace exists.
    """
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = _TEMP_NAME.match(name)
        if match and name.startswith("." + prefix) and not alive(int(match.group(1))):
            _silent_unlink(folder / name)
            removed.append(folder / name)
    return removed


def serialise(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _copy_tables(data: Tables) -> Tables:
    """Copy deep enough for TinyDB, which only replaces tables and top-level document keys."""
    return {name: {key: dict(doc) for key, doc in table.items()} for name, table in data.items()}


class AtomicStorage(Storage):
    """A TinyDB storage that never leaves a broken file; see the module docstring."""

    def __init__(self, path: Path, *, read_only: bool = False, backup: bool = True,
                 max_bytes: int = MAX_FILE_BYTES) -> None:
        super().__init__()
        self.path = Path(path)
        self.read_only = read_only
        self.backup = backup
        self.max_bytes = max_bytes
        self._cache: Tables | None = None
        self._cache_key: tuple[int, int, int] | None = None
        self._pending: Tables | None = None
        self._depth = 0
        self._dirty = False
        self._mutex = threading.RLock()  # a transaction's pending data is never seen by others

    # -- reading ---------------------------------------------------------------------------
    def _file_key(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _load(self) -> Tables | None:
        key = self._file_key()
        if key is None:
            self._cache, self._cache_key = None, None
            return None
        if key != self._cache_key or self._cache is None:
            self._cache = read_database(self.path, self.max_bytes)  # StorageCorrupt propagates
            self._cache_key = key
        return self._cache

    def read(self) -> Tables | None:
        with self._mutex:
            if self._pending is not None:
                return self._pending
            data = self._load()
            return None if data is None else _copy_tables(data)

    # -- writing ---------------------------------------------------------------------------
    def write(self, data: Tables) -> None:
        if self.read_only:
            raise WorkspaceReadOnly(f"{self.path} is open read-only; nothing was changed.")
        with self._mutex:
            if self._depth:
                self._pending = data
                self._dirty = True
                return
            self._commit(data)

    def _commit(self, data: Tables) -> None:
        try:
            payload = serialise(data)  # serialise first: a failure here touches nothing
        except (TypeError, ValueError) as error:
            raise WorkspaceError(f"Nothing was saved: a value cannot be stored ({error}).") from None
        existed = self._file_key() is not None
        try:
            atomic_write_bytes(self.path, payload, backup=self.backup)
        except OSError as error:
            # only true when there was a previous version: a new file simply was not created
            kept = "the previously saved version is intact" if existed else "nothing was created"
            raise WorkspaceWriteError(f"Could not save {self.path} ({error.strerror or error}); {kept}.") from error
        self._cache = _copy_tables(data)
        self._cache_key = self._file_key()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group the table updates inside into one atomic write, done before this block ends."""
        with self._mutex:
            yield from self._transaction()

    def _transaction(self) -> Iterator[None]:
        if self._depth == 0:
            current = self._load()
            self._pending = {} if current is None else _copy_tables(current)
            self._dirty = False
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._pending = None
            raise
        self._depth -= 1
        if self._depth == 0:
            pending, dirty = self._pending, self._dirty
            self._pending = None
            if dirty and pending is not None:
                self._commit(pending)

    def close(self) -> None:
        self._cache = None
        self._cache_key = None


class FrozenStorage(AtomicStorage):
    """Tables held in memory, never written: what a read-only opening shows when the file on
    disk is damaged (its last good copy, or an index rebuilt from the project files) and may
    not be repaired, e.g. on a read-only disk."""

    def __init__(self, path: Path, data: Tables) -> None:
        super().__init__(path, read_only=True)
        self._frozen = _copy_tables(data)

    def _load(self) -> Tables | None:
        return self._frozen
