"""Workspace-wide settings, kept in the index file.

Given the index's table and the workspace's checks rather than the workspace itself, so that this
module does not import the workspace that imports it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from tinydb.table import Document, Table


class Settings:
    """Workspace-wide settings (author name, last project, …), stored in the index."""

    def __init__(self, table: Table, lock: threading.RLock, writable: Callable[[], None]) -> None:
        self._table = table
        self._lock = lock
        self._writable = writable

    def _record(self) -> dict[str, Any]:
        record = self._table.get(doc_id=1)
        return dict(record) if isinstance(record, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._record().get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._writable()
        with self._lock:
            if self._table.contains(doc_id=1):
                self._table.update({key: value}, doc_ids=[1])
            else:
                self._table.insert(Document({key: value}, doc_id=1))

    def as_dict(self) -> dict[str, Any]:
        return self._record()

    def __getitem__(self, key: str) -> Any:
        record = self._record()
        if key not in record:
            raise KeyError(key)
        return record[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.set(key, value)

    def __contains__(self, key: object) -> bool:
        return key in self._record()

    def __iter__(self) -> Iterator[str]:
        return iter(self._record())
