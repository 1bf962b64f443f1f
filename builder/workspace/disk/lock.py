"""One writer per workspace: an OS lock (`filelock`) plus an owner file naming who holds it.

The lock itself is `filelock.FileLock` on `<workspace>.lock`: `flock` on POSIX, `LockFileEx`
on Windows. The operating system drops it when its process ends, however it ends (SIGKILL,
crash, power cut), so there is no stale lock to recognise: no PID probing, no `/proc`.
The lock file stays in place after release (removing a flocked file races with a process that
has just opened it), and its contents mean nothing.

Who holds the lock is written beside it, in `<workspace>.owner` (host, PID, user, app, since),
only for the message a second instance shows (`WorkspaceLocked`), which offers read-only opening.
It is never trusted to decide anything: an owner file left by a crashed process is simply
replaced by the next owner. Windows locks a locked file's bytes against reading, hence two files.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import filelock

from builder.workspace.disk.storage import atomic_write_bytes
from builder.workspace.errors import LockOwner, WorkspaceLocked

APP = "handoff-builder"
OWNER_WAIT_SECONDS = 0.5
"""How long a refused opener waits for a just-started owner to write its owner file."""


def _host() -> str:
    return socket.gethostname()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers and services
        return ""


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().decode("ascii", "replace").rsplit(")", 1)[-1].split()
    except OSError:
        return False
    return bool(fields) and fields[0] in ("Z", "X")


def pid_alive(pid: int) -> bool:
    """Whether a process with this PID runs on this machine.

    Not used for the lock; only to sweep temp files named after their writer's PID.
    """
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
    """The owner file's contents; None if missing or unreadable."""
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
        since=str(info.get("since", "")),
        user=str(info.get("user", "")),
        app=str(info.get("app", "")),
    )


class WorkspaceLock:
    """`<workspace>.lock` (the OS lock) and `<workspace>.owner`; `acquire()` or raise
    WorkspaceLocked, then `release()`."""

    def __init__(self, workspace_path: Path, app: str = APP) -> None:
        self.workspace = workspace_path
        self.path = workspace_path.with_name(workspace_path.name + ".lock")
        self.owner_path = workspace_path.with_name(workspace_path.name + ".owner")
        self.app = app
        self.token = os.urandom(8).hex()
        self.held = False
        self._os_lock: filelock.BaseFileLock | None = None

    def _new_os_lock(self) -> filelock.BaseFileLock:
        # not thread-local: the app may close the workspace from another thread than it opened it
        return filelock.FileLock(str(self.path), timeout=0, thread_local=False)

    def owner(self) -> LockOwner | None:
        """Who holds the lock now (None when nobody does)."""
        if self.held:
            return _owner(_read_info(self.owner_path))
        if not self.path.exists():
            return None
        probe = self._new_os_lock()
        try:
            probe.acquire()
        except filelock.Timeout:
            return _owner(_read_info(self.owner_path))
        probe.release()
        return None

    def acquire(self) -> None:
        """Take the lock, or raise WorkspaceLocked naming its holder. OSError if the folder
        cannot hold a lock file (read-only medium, permissions)."""
        lock = self._new_os_lock()
        try:
            lock.acquire()
        except filelock.Timeout:
            raise WorkspaceLocked(self.workspace, self._holder()) from None
        info = {
            "pid": os.getpid(),
            "host": _host(),
            "user": _user(),
            "app": self.app,
            "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "token": self.token,
        }
        try:
            atomic_write_bytes(self.owner_path, json.dumps(info).encode("utf-8"))
        except BaseException:
            lock.release()
            raise
        self._os_lock = lock
        self.held = True

    def _holder(self) -> LockOwner:
        """The holder as its owner file says; waits briefly for an owner that is just starting."""
        deadline = time.monotonic() + OWNER_WAIT_SECONDS
        info = _read_info(self.owner_path)
        while info is None and time.monotonic() < deadline:
            time.sleep(0.05)
            info = _read_info(self.owner_path)
        return _owner(info)

    def release(self) -> None:
        """Remove the owner file if it is still ours (never someone else's), then unlock."""
        if not self.held:
            return
        self.held = False
        info = _read_info(self.owner_path)
        if info is not None and info.get("token") == self.token:
            try:
                os.unlink(self.owner_path)
            except OSError:
                pass
        if self._os_lock is not None:
            self._os_lock.release()
            self._os_lock = None
