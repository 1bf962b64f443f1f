"""Conversation libraries: one JSON Lines file per library, beside its project's file.

Why JSON Lines rather than one TinyDB file per library: the frequent write is adding one
conversation (the simulator's "save as test"), and an append costs the same with 10 or 100,000
conversations, where a TinyDB file is rewritten whole on every change (about a second at 10,000).
The file is also the conversation format every command reads, so a library runs as it is:
`handoff-builder test RULESET <library>.jsonl`. The project file only lists the libraries
(name -> file), so a rule save never reads or writes a conversation.

The guarantees are those of every other file of the workspace:
- An append is one `write` of the line with its newline, then fsync, before it returns. A kill
  can at worst leave the last line cut off: reading ignores a last line that has no newline and
  does not parse (that add never returned), and the next append cuts it off first. A failed
  append (disk full) cuts back what it wrote.
- Replacing a library (`set_conversations`, migration, repair) is an atomic replace that keeps
  the previous file as `.bak`.
- A damaged line anywhere else is corruption: the file is moved aside (`.corrupt-<time>`, never
  overwritten), the readable conversations are kept in a fresh file, and LibraryCorrupt says so.
- A library's file must sit in its project's `.libraries` folder: a crafted project file cannot
  make an append land anywhere else.
Projects written before this lived with their libraries inline; `migrate_inline` moves them out.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

from tinydb import Query
from tinydb.table import Table

from builder.workspace.disk.corruption import MAX_FILE_BYTES, backup_path, move_aside
from builder.workspace.disk.layout import is_confined, libraries_folder, name_digest, relative, slug
from builder.workspace.disk.storage import AtomicStorage, atomic_write_bytes
from builder.workspace.errors import LibraryCorrupt, WorkspaceError, WorkspaceWriteError

SUFFIX = ".jsonl"
_CHUNK = 65536


class LibraryDamaged(Exception):
    """A library file cannot be read in full; `readable` holds the conversations that can."""

    def __init__(self, reason: str, readable: list[dict[str, Any]]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.readable = readable


# -- the file format ---------------------------------------------------------------------------
def encode_line(conversation: Any) -> bytes:
    """One conversation as a JSON line (a newline inside a string is escaped, so never splits)."""
    if not isinstance(conversation, dict):
        raise WorkspaceError("A conversation must be a JSON object.")
    try:
        text = json.dumps(conversation, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise WorkspaceError(f"The conversation cannot be stored: {error}.") from None
    return text.encode("utf-8") + b"\n"


def _legacy_line(item: Any) -> bytes:
    """An inline library's item as a line, even if it is not an object: the old format took any
    JSON value, and reading then reports such a line instead of the migration dropping it."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _decode(line: bytes) -> dict[str, Any] | None:
    try:
        item = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return item if isinstance(item, dict) else None


def _describe(bad: list[int]) -> str:
    if len(bad) == 1:
        return f"line {bad[0]} is not a readable conversation"
    shown = ", ".join(str(n) for n in bad[:5])
    more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
    return f"lines {shown}{more} are not readable conversations"


def parse_library(raw: bytes) -> list[dict[str, Any]]:
    """The conversations of a library file; LibraryDamaged if a line cannot be read."""
    lines = raw.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline, as every write leaves it
    out: list[dict[str, Any]] = []
    bad: list[int] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        item = _decode(line)
        if item is None:
            bad.append(number)
        else:
            out.append(item)
    if tail.strip():
        item = _decode(tail)  # complete but unterminated (edited by hand): keep it;
        if item is not None:  # otherwise an append cut off by a kill, which never returned
            out.append(item)
    if bad:
        raise LibraryDamaged(_describe(bad), out)
    return out


def read_library(path: Path, max_bytes: int = MAX_FILE_BYTES) -> list[dict[str, Any]]:
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise LibraryDamaged(f"it is far too large ({size // (1024 * 1024)} MB)", [])
            raw = handle.read()
    except FileNotFoundError:
        raise LibraryDamaged("it is missing", []) from None
    return parse_library(raw)


def write_library(path: Path, lines: Iterable[bytes]) -> None:
    """Replace the library file atomically, keeping the previous one as `.bak`."""
    payload = b"".join(lines)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, payload, backup=True)
    except OSError as error:
        raise WorkspaceWriteError(f"Could not save {path} ({error.strerror or error}); "
                                  "the previously saved version is intact.") from error


def _last_line_start(fd: int, size: int) -> int:
    """The offset just after the file's last newline (0 if it has none)."""
    end = size
    while end > 0:
        start = max(0, end - _CHUNK)
        os.lseek(fd, start, os.SEEK_SET)
        chunk = os.read(fd, end - start)
        found = chunk.rfind(b"\n")
        if found >= 0:
            return start + found + 1
        end = start
    return 0


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def append_line(path: Path, line: bytes) -> None:
    """Append one encoded line durably. FileNotFoundError if the library file is gone."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        start, prefix = size, b""
        if size:
            os.lseek(fd, size - 1, os.SEEK_SET)
            if os.read(fd, 1) != b"\n":
                cut = _last_line_start(fd, size)
                os.lseek(fd, cut, os.SEEK_SET)
                if _decode(os.read(fd, size - cut)) is None:
                    start = cut  # a cut-off append: drop it
                else:
                    prefix = b"\n"
        try:
            if start < size:
                os.ftruncate(fd, start)
            os.lseek(fd, start, os.SEEK_SET)
            _write_all(fd, prefix + line)
            os.fsync(fd)
        except OSError:
            try:
                os.ftruncate(fd, start)  # never leave half a line behind a failed append
            except OSError:
                pass
            raise
    finally:
        os.close(fd)


# -- a project's libraries -----------------------------------------------------------------------
def check_records(records: dict[str, Any]) -> str | None:
    """Why a project file's list of libraries cannot be used, or None."""
    for record in records.values():
        file = record.get("file")
        if not isinstance(record.get("name"), str):
            return "its list of conversation libraries is damaged"
        if file is None and isinstance(record.get("conversations"), list):
            continue  # inline, as written before libraries had their own files
        if not isinstance(file, str) or not is_confined(file) or not file.endswith(SUFFIX):
            return "its list of conversation libraries is damaged"
    return None


class Libraries:
    """A project's libraries: listed in its file (`table`), each held in its own JSON Lines file.

    `root` is the workspace's folder (stored paths are relative to it); `project_path` the
    project's file; `writable` raises WorkspaceReadOnly when changes are refused.
    """

    def __init__(self, table: Table, storage: AtomicStorage, *, root: Path, project_path: Path,
                 lock: threading.RLock, read_only: bool, writable: Callable[[], None],
                 project_name: Callable[[], str]) -> None:
        self._table = table
        self._storage = storage
        self._root = root
        self._folder = libraries_folder(project_path)
        self._lock = lock
        self._read_only = read_only
        self._writable = writable
        self._project_name = project_name

    # -- reading ---------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(str(r["name"]) for r in self._table.all())

    def _record(self, library: str) -> dict[str, Any] | None:
        record = self._table.get(Query().name == library)
        return record if isinstance(record, dict) else None

    def path(self, library: str) -> Path | None:
        """The library's file (None if there is no such library or it is still inline)."""
        record = self._record(library)
        return None if record is None or "file" not in record else self._path(library, record)

    def _path(self, library: str, record: dict[str, Any]) -> Path:
        file = record.get("file")
        path = self._root / str(file)
        if (not isinstance(file, str) or not is_confined(file) or path.parent != self._folder
                or path.suffix != SUFFIX):
            raise WorkspaceError(f"The conversation library '{library}' of project "
                                 f"'{self._project_name()}' names a file outside its folder; "
                                 "it was not used.")
        return path

    def conversations(self, library: str) -> list[dict[str, Any]]:
        record = self._record(library)
        if record is None:
            return []
        if "file" not in record:  # inline (an old project opened read-only)
            result: list[dict[str, Any]] = json.loads(json.dumps(record.get("conversations", [])))
            return result
        path = self._path(library, record)
        try:
            return read_library(path)
        except LibraryDamaged as damage:
            self._damaged(library, path, damage)

    def _damaged(self, library: str, path: Path, damage: LibraryDamaged) -> NoReturn:
        """Move a damaged file aside, keep what can be read, and say so (LibraryCorrupt)."""
        what = f"The conversation library '{library}' of project '{self._project_name()}' ({path})"
        if self._read_only:
            raise LibraryCorrupt(self._project_name(), library, path,
                                 f"{what} could not be read because {damage.reason}; it was left "
                                 "in place as the workspace is open read-only.",
                                 moved_to=None, kept=0, reason=damage.reason)
        keep, source = damage.readable, "readable"
        with self._lock:
            moved = move_aside(path) if os.path.lexists(path) else None
            if not keep and backup_path(path).exists():
                try:
                    keep = read_library(backup_path(path))
                    source = f"last saved copy's ({backup_path(path).name})"
                except LibraryDamaged:
                    keep = []
            write_library(path, map(encode_line, keep))
        moved_text = f"it was moved aside to {moved} and " if moved is not None else ""
        raise LibraryCorrupt(
            self._project_name(), library, path,
            f"{what} could not be read because {damage.reason}; {moved_text}its {len(keep)} "
            f"{source} conversation{'' if len(keep) == 1 else 's'} were kept.",
            moved_to=moved, kept=len(keep), reason=damage.reason)

    # -- writing ---------------------------------------------------------------------------
    def _new_path(self, library: str) -> Path:
        """The same file for the same name (so an interrupted creation or migration is simply
        redone), unless another library already uses it."""
        taken = {str(r.get("file")) for r in self._table.all()}
        path = self._folder / (slug(library, name_digest(library)) + SUFFIX)
        while relative(self._root, path) in taken:
            path = self._folder / (slug(library, os.urandom(5).hex()) + SUFFIX)
        return path

    def _create(self, library: str, lines: list[bytes]) -> None:
        """Write the new library's file first, then list it: a crash between leaves an unlisted
        file, never a listed library without its file."""
        path = self._new_path(library)
        write_library(path, lines)
        with self._storage.transaction():
            self._table.insert({"name": library, "file": relative(self._root, path)})

    def add(self, library: str, conversation: dict[str, Any]) -> None:
        line = encode_line(conversation)
        self._writable()
        self._check_name(library)
        with self._lock:
            record = self._inline_moved_out(library)
            if record is None:
                self._create(library, [line])
                return
            path = self._path(library, record)
            try:
                append_line(path, line)
            except FileNotFoundError:
                self._damaged(library, path, LibraryDamaged("it is missing", []))
            except OSError as error:
                raise WorkspaceWriteError(
                    f"Could not add the conversation to '{library}' ({error.strerror or error}); "
                    "the conversations saved before are intact.") from error

    def replace(self, library: str, conversations: Iterable[Any]) -> None:
        self._writable()
        self._check_name(library)
        lines = [encode_line(c) for c in conversations]
        with self._lock:
            record = self._inline_moved_out(library)
            if record is None:
                self._create(library, lines)
            else:
                write_library(self._path(library, record), lines)

    def remove(self, library: str) -> Path | None:
        """Unlist a library; its file is kept as `<file>.deleted-<time>` (returned)."""
        self._writable()
        with self._lock:
            record = self._record(library)
            if record is None:
                return None
            path = self._path(library, record) if "file" in record else None
            with self._storage.transaction():
                self._table.remove(Query().name == library)
            return move_aside(path, "deleted") if path is not None and path.exists() else None

    def _inline_moved_out(self, library: str) -> dict[str, Any] | None:
        """The library's record, its conversations moved to their own file first if they are
        still inline (the migration at opening could not write: it is retried here)."""
        record = self._record(library)
        if record is not None and "file" not in record:
            self.migrate_inline()
            record = self._record(library)
        return record

    @staticmethod
    def _check_name(library: str) -> None:
        if not library or not isinstance(library, str):
            raise WorkspaceError("A conversation library needs a name.")

    def migrate_inline(self) -> int:
        """Move libraries still held inside the project file into their own files (one project
        write). A file already there is kept: an earlier interrupted migration wrote it, or it
        is newer than this copy (the project file was restored from its backup)."""
        if self._read_only:
            return 0
        with self._lock:
            inline = [r for r in self._table.all() if "file" not in r]
            if not inline:
                return 0
            moved: list[tuple[int, str, str]] = []
            for record in inline:
                name = str(record["name"])
                path = self._new_path(name)
                if not path.exists():
                    write_library(path, map(_legacy_line, record.get("conversations", [])))
                moved.append((record.doc_id, name, relative(self._root, path)))
            with self._storage.transaction():
                for doc_id, name, file in moved:
                    self._table.remove(doc_ids=[doc_id])
                    self._table.insert({"name": name, "file": file})
            return len(moved)
