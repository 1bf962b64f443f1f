"""Import…: a chat platform's export turned into a conversation library the Replay page can run.

The user picks the platform, the export files and where the library goes; personal data is
masked unless they untick it; a CSV shows its column mapping. The import runs in the background
(`run_in_background`) and the summary (conversations, events, visitors read; what was dropped
and why, by line) stays on screen. Signals: `imported(path: Path)` once a library was written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from builder.importers import FORMATS, ImportOptions, ImportSummary, import_files, write_library
from widgets.common.background import run_in_background
from widgets.replay.csv_mapping import CsvMappingPanel

FILTERS = {"csv": "CSV exports (*.csv);;All files (*)"}
JSON_FILTER = "JSON exports (*.json *.jsonl *.ndjson);;All files (*)"


def default_output(first: Path) -> Path:
    """Next to the export: `<name>.library.jsonl`."""
    return first.with_name(f"{first.stem}.library.jsonl")


class ImportDialog(QDialog):
    """Signals: `imported(path: Path)` — a library was written there."""

    imported = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import conversations")
        self.setObjectName("importDialog")
        self.files: list[Path] = []
        self.summary: ImportSummary | None = None
        self.running = False
        self._build()
        self._format_changed()

    def _build(self) -> None:
        form = QFormLayout()
        self.format = QComboBox(self)
        self.format.setAccessibleName("Export format")
        for key, (label, _reader) in FORMATS.items():
            self.format.addItem(label, key)
        self.format.currentIndexChanged.connect(self._format_changed)
        form.addRow("Exported from:", self.format)
        self.files_edit = QLineEdit(self)
        self.files_edit.setReadOnly(True)
        self.files_edit.setPlaceholderText("no file chosen")
        self.files_edit.setAccessibleName("Export files")
        form.addRow("Files:", self._with_button(self.files_edit, "Choose…", self._choose_files))
        self.output = QLineEdit(self)
        self.output.setAccessibleName("Library file")
        form.addRow("Library:", self._with_button(self.output, "Save as…", self._choose_output))
        self.mask = QCheckBox("Mask e-mails, phone numbers and card numbers", self)
        self.mask.setChecked(True)
        form.addRow("", self.mask)
        self.mapping = CsvMappingPanel(self)
        self.result = QPlainTextEdit(self)
        self.result.setReadOnly(True)
        self.result.setPlaceholderText("The summary of the import appears here.")
        self.result.setAccessibleName("Import summary")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.ApplyRole)
        self.import_button.clicked.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.mapping)
        layout.addWidget(self.result, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 560)

    def _with_button(self, field: QLineEdit, text: str, clicked: Callable[[], None]) -> QHBoxLayout:
        """A file field and the button that picks its file, in one row."""
        button = QPushButton(text, self)
        button.clicked.connect(clicked)
        row = QHBoxLayout()
        row.addWidget(field, 1)
        row.addWidget(button)
        return row

    # --- choices ---------------------------------------------------------------------------------

    @property
    def format_key(self) -> str:
        return str(self.format.currentData())

    def _format_changed(self) -> None:
        self.mapping.setVisible(self.format_key == "csv")
        if self.format_key == "csv" and self.files:
            self.mapping.load_header(self.files[0])
        self._update_buttons()

    def set_files(self, paths: list[str | Path]) -> None:
        """Use these export files (what "Choose…" does after its dialog)."""
        self.files = [Path(p) for p in paths]
        self.files_edit.setText("; ".join(p.name for p in self.files))
        if self.files and not self.output.text():
            self.output.setText(str(default_output(self.files[0])))
        if self.format_key == "csv" and self.files:
            self.mapping.load_header(self.files[0])
        self._update_buttons()

    def _choose_files(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(self, "Choose the export files", "",
                                                       FILTERS.get(self.format_key, JSON_FILTER))
        if chosen:
            self.set_files(list(chosen))

    def _choose_output(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(self, "Save the library as", self.output.text(),
                                                      "Conversation libraries (*.jsonl)")
        if chosen:
            self.output.setText(chosen)

    def _update_buttons(self) -> None:
        self.import_button.setEnabled(bool(self.files) and not self.running)

    # --- importing -------------------------------------------------------------------------------

    def options(self) -> ImportOptions:
        return ImportOptions(mask=self.mask.isChecked(),
                             csv=self.mapping.mapping() if self.format_key == "csv" else None)

    def start_import(self) -> None:
        if not self.files or self.running:
            return
        target = Path(self.output.text().strip() or default_output(self.files[0]))
        fmt, files, options = self.format_key, list(self.files), self.options()
        self.running = True
        self._update_buttons()
        self.result.setPlainText("Importing…")

        def work() -> tuple[Path, ImportSummary]:
            summary = ImportSummary()
            write_library(import_files(fmt, files, options, summary), target)
            return target, summary

        run_in_background(work, self._done, self._failed)

    def _done(self, outcome: Any) -> None:
        target, self.summary = outcome
        self.running = False
        self._update_buttons()
        self.result.setPlainText(f"{self.summary.text()}\n\nLibrary written to {target}.")
        if self.summary.conversations:
            self.imported.emit(target)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self._update_buttons()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.result.setPlainText(f"The import could not be finished: {reason}")
