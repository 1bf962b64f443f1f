"""The Replay page's "Library" dropdown: the shipped samples, the project's libraries, files opened
before, and "Open a file…" (a JSON Lines, CSV or Parquet file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

from builder.paths import sample_conversations

SAMPLES = "Sample conversations"
OTHER_FILE = "Open a file…"


class LibraryPicker(QComboBox):
    """Lists the libraries a replay can run on; `source()` is the chosen one, ready for `Replay`."""

    def __init__(self, project_provider: Callable[[], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project_provider = project_provider
        self._files: list[Path] = []
        self.setAccessibleName("Conversation library")
        self.setMinimumWidth(240)
        self.activated.connect(self._chosen)

    def reload(self) -> None:
        """Samples, the current project's libraries, files opened before, then "Open a file…"."""
        current = self.currentData()
        self.clear()
        self.addItem(SAMPLES, f"file:{sample_conversations()}")
        project = self.project_provider()
        if project is not None:
            try:
                names = project.libraries()
            except Exception:
                names = []
            for name in names:
                self.addItem(f"Project library: {name}", f"project:{name}")
        for path in self._files:
            self.addItem(path.name, f"file:{path}")
        self.addItem(OTHER_FILE, "choose:")
        index = self.findData(current) if current is not None else -1
        self.setCurrentIndex(max(0, index))

    def add_file(self, path: str | Path) -> None:
        """Use a JSONL or CSV file as the library (what "Open a file…" does after its dialog)."""
        path = Path(path)
        if path not in self._files:
            self._files.append(path)
        self.reload()
        self.setCurrentIndex(self.findData(f"file:{path}"))

    def _chosen(self, index: int) -> None:
        if str(self.itemData(index)).startswith("choose:"):
            chosen, _filter = QFileDialog.getOpenFileName(
                self, "Open a conversation library", "",
                "Conversations (*.jsonl *.json *.csv *.parquet);;All files (*)")
            if chosen:
                self.add_file(chosen)
            else:
                self.setCurrentIndex(0)

    def source(self) -> tuple[Any, str]:
        """(source for Replay, its name for titles)."""
        kind, _, value = str(self.currentData() or "").partition(":")
        if kind == "project":
            project = self.project_provider()
            return (project.conversations(value) if project is not None else []), str(value)
        if kind == "file" and value:
            return Path(value), (SAMPLES if self.currentIndex() == 0 else Path(value).name)
        return sample_conversations(), SAMPLES
