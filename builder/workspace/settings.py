"""Workspace-wide settings, kept in the index file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from tinydb.table import Document

if TYPE_CHECKING:
    from builder.workspace.workspace import Workspace


class Settings:
    """Workspace-wide settings (author name, last project, …), stored in the index."""

    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    def _record(self) -> dict[str, Any]:
        record = self._ws._settings.get(doc_id=1)
        return dict(record) if isinstance(record, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._record().get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._ws._writable()
        with self._ws._lock:
            table = self._ws._settings
            if table.contains(doc_id=1):
                table.update({key: value}, doc_ids=[1])
            else:
                table.insert(Document({key: value}, doc_id=1))

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
