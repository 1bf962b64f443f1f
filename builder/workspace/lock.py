"""One writer per workspace: a lock file naming its owner (PID, host, time).

A lock whose process is gone (same host, PID dead or reused by another program) is stale and is
taken over; a live one refuses with `WorkspaceLocked`, whose message offers read-only opening.
Taking over renames the stale file first and checks it is still the one judged stale, so two
processes racing for a stale lock cannot both win.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from builder.workspace.errors import LockOwner, WorkspaceLocked

UNREADABLE_GRACE_SECONDS = 10.0
"""A lock file still empty after this long was left by a process killed while creating it."""


def _host() -> str:
    return socket.gethostname()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers and services
        return ""


def _process_start(pid: int) -> str:
    """The kernel's start time of `pid` (Linux), to recognise a reused PID; '' elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().decode("ascii", "replace").rsplit(")", 1)[-1].split()
    except OSError:
        return False
    return bool(fields) and fields[0] in ("Z", "X")


def pid_alive(pid: int) -> bool:
    """Whether a process with this PID runs on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return not _is_zombie(pid)


def _read_info(path: Path) -> dict[str, Any] | None:
    """The lock's contents; None if unreadable (being written, or left half-written)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _owner(info: dict[str, Any] | None) -> LockOwner:
    info = info or {}
    pid = info.get("pid")
    return LockOwner(
        pid=pid if isinstance(pid, int) else 0,
        host=str(info.get("host", "")),
        since=str(info.get("time", "")),
        user=str(info.get("user", "")),
    )


def _is_stale(path: Path, info: dict[str, Any] | None) -> bool:
    if info is None:
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return True
        return age > UNREADABLE_GRACE_SECONDS
    if info.get("host") != _host():
        return False  # cannot see processes on another machine: assume it is alive
    pid = info.get("pid")
    if not isinstance(pid, int) or not pid_alive(pid):
        return True
    started = info.get("started", "")
    return bool(started) and started != _process_start(pid)


class WorkspaceLock:
    """The lock file `<workspace>.lock`; `acquire()` or raise WorkspaceLocked, `release()`."""

    def __init__(self, workspace_path: Path) -> None:
        self.path = workspace_path.with_name(workspace_path.name + ".lock")
        self.token = secrets.token_hex(8)
        self.held = False

    def owner(self) -> LockOwner | None:
        """Who holds the lock now (None when nobody does)."""
        if not self.path.exists():
            return None
        return _owner(_read_info(self.path))

    def acquire(self) -> None:
        for _ in range(20):
            if self._try_create():
                self.held = True
                return
            info = _read_info(self.path)
            if not _is_stale(self.path, info):
                raise WorkspaceLocked(self.path.with_name(self.path.name[: -len(".lock")]),
                                      _owner(info))
            self._remove_stale(info)
        raise WorkspaceLocked(self.path.with_name(self.path.name[: -len(".lock")]), _owner(None))

    def _try_create(self) -> bool:
        info = {
            "pid": os.getpid(),
            "host": _host(),
            "user": _user(),
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "started": _process_start(os.getpid()),
            "token": self.token,
        }
        data = json.dumps(info).encode("utf-8")
        # Written in full under a temporary name, then linked into place: the lock file never
        # exists half-written, even if this process is killed while taking it.
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, self.path)
                return True
            except FileExistsError:
                return False
            except OSError:  # no hard links on this filesystem
                return self._create_exclusive(data)
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def _create_exclusive(self, data: bytes) -> bool:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        return True

    def _remove_stale(self, judged: dict[str, Any] | None) -> None:
        grave = self.path.with_name(f"{self.path.name}.stale-{secrets.token_hex(4)}")
        try:
            os.rename(self.path, grave)
        except FileNotFoundError:
            return
        if _read_info(grave) != judged:  # someone took over in between: give theirs back
            try:
                os.link(grave, self.path)
            except OSError:
                pass
        try:
            os.unlink(grave)
        except OSError:
            pass

    def release(self) -> None:
        """Remove the lock if it is still ours (never someone else's)."""
        if not self.held:
            return
        self.held = False
        info = _read_info(self.path)
        if info is not None and info.get("token") == self.token:
            try:
                os.unlink(self.path)
            except OSError:
                pass
