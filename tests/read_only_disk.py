"""A folder that behaves like a read-only disk (EROFS), for tests that run as root.

Root ignores `chmod`, and mounting a read-only file system needs privileges a test run may not
have, so every call that writes below the folder (create, open for writing, rename, link, remove,
make a folder) raises `OSError(EROFS)` as the kernel would; reading works as before.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
from pathlib import Path
from typing import Any

import pytest

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def make_read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = os.path.realpath(folder)

    def inside(path: Any) -> bool:
        try:
            target = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        return target == root or target.startswith(root + os.sep)

    def refuse(path: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))

    real_open, real_os_open = builtins.open, os.open

    def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & _WRITE_FLAGS and inside(path):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def file_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, bytes, os.PathLike)) and any(c in mode for c in "wax+") and inside(file):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def guard(name: str, count: int) -> None:
        real = getattr(os, name)

        def checked(*args: Any, **kwargs: Any) -> Any:
            for path in args[:count]:
                if name == "mkdir" and os.path.exists(path):
                    break  # the kernel says EEXIST before EROFS
                if inside(path):
                    refuse(path)
            return real(*args, **kwargs)

        monkeypatch.setattr(os, name, checked)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", file_open)
    monkeypatch.setattr(io, "open", file_open)
    for name, count in (("link", 2), ("rename", 2), ("replace", 2), ("unlink", 1), ("remove", 1),
                        ("mkdir", 1), ("rmdir", 1)):
        guard(name, count)
