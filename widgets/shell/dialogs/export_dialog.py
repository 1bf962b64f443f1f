"""The export dialog: check, show what changed since the last export, write the ruleset file.

Export is the moment a playbook goes live, so the dialog shows the validation result first,
refuses while there are errors, asks before exporting with warnings, writes atomically
(QSaveFile: a failed write never leaves half a file) the canonical, deterministic bytes, and
records the export in the project's history so the next export can show the rule-level diff.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSaveFile, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from builder.editing.document import Document
from builder.format.diff import diff_rulesets
from builder.format.model import Ruleset
from rules_schema import Problem, canonical_json, content_hash, validate
from widgets.common.background import run_in_background
from widgets.common.style import icon


def export_document(ruleset: Ruleset) -> dict[str, Any]:
    """The exported form: the canonical document with its content hash in the metadata."""
    document = ruleset.to_dict()
    document["metadata"] = {**document["metadata"], "content_hash": content_hash(document)}
    return document


def write_text_file(path: Path, text: str) -> None:
    """Write atomically with QSaveFile: the old file stays intact if anything fails."""
    save = QSaveFile(str(path))
    if not save.open(QSaveFile.OpenModeFlag.WriteOnly):
        raise OSError(f"cannot write {path}: {save.errorString()}")
    data = text.encode("utf-8")
    if save.write(data) != len(data) or not save.commit():
        error = save.errorString()
        save.cancelWriting()
        raise OSError(f"cannot write {path}: {error}")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "ruleset"


class ExportDialog(QDialog):
    """Validate → review changes → choose a file → export. `exported_to` is set on success."""

    def __init__(self, document: Document, *, project: Any = None,
                 ensure_saved: Callable[[], Any] | None = None, problems: list[Problem] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export ruleset")
        self.setObjectName("exportDialog")
        self.setMinimumWidth(620)
        self.document, self.project, self.ensure_saved = document, project, ensure_saved
        self.ruleset = document.ruleset
        self.exported_to: Path | None = None
        self.problems: list[Problem] | None = None
        self.writing = False

        self.status_icon = QLabel(self)
        self.status = QLabel("Checking the rules…", self)
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        self.problem_list = QListWidget(self)
        self.problem_list.setAccessibleName("Problems found")
        self.problem_list.setMaximumHeight(140)
        self.problem_list.setWordWrap(True)  # a warning is a sentence: read whole, not scrolled sideways
        self.problem_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.changes_title = QLabel("Changes since the last export", self)
        self.changes_title.setObjectName("sectionTitle")
        self.changes = QListWidget(self)
        self.changes.setAccessibleName("Changes since the last export")
        self.path_edit = QLineEdit(str(self._default_path()), self)
        self.path_edit.setAccessibleName("Export to file")
        browse = QPushButton("Browse…", self)
        browse.setAccessibleName("Choose the export file")
        browse.clicked.connect(self._browse)

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setIcon(icon("export"))
        self.export_button.setDefault(True)
        self.export_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.status_icon)
        top.addWidget(self.status, 1)
        where = QHBoxLayout()
        where.addWidget(QLabel("File:", self))
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem_list)
        layout.addWidget(self.changes_title)
        layout.addWidget(self.changes)
        layout.addLayout(where)
        layout.addWidget(self.buttons)

        self._show_changes()
        if problems is not None:
            self._show_problems(problems)
        else:
            snapshot = self.ruleset
            run_in_background(lambda: validate(export_document(snapshot)), self._show_problems,
                              lambda exc: self.status.setText(f"Could not check the rules: {exc}"))

    # --- content ---------------------------------------------------------------------------------

    def _last_export(self) -> Any:
        if self.project is None:
            return None
        exports = self.project.exports()
        return exports[-1] if exports else None

    def _default_path(self) -> Path:
        last = self._last_export()
        if last is not None:
            return Path(last.path)
        return Path.home() / f"{_slug(self.ruleset.metadata.name)}.json"

    def _show_changes(self) -> None:
        last = self._last_export()
        self.changes.clear()
        if self.project is None:
            self.changes_title.setText("Changes")
            self.changes.addItem("Export history is kept for workspace projects only.")
            return
        if last is None:
            self.changes.addItem("This is the first export of this project.")
            return
        try:
            previous = self.project.revision_document(last.revision)
        except Exception as exc:
            self.changes.addItem(f"The previous export cannot be compared ({exc}).")
            return
        diff = diff_rulesets(previous, self.ruleset.to_dict())
        self.changes_title.setText(f"Changes since the last export (revision {last.revision}, {last.time[:16]})")
        lines = diff.lines()
        if not lines:
            self.changes.addItem("No changes since the last export.")
        for line in lines:
            self.changes.addItem(line[:1].upper() + line[1:])

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        self.problem_list.clear()
        for problem in problems:
            item = QListWidgetItem(icon(problem.severity), problem.message)
            item.setData(Qt.ItemDataRole.UserRole, problem)
            self.problem_list.addItem(item)
        errors = self.error_count
        warnings = len(problems) - errors
        if errors:
            self.status.setText(f"{errors} error{'s' if errors != 1 else ''} must be fixed before exporting: "
                                "a chatbot could not load this ruleset.")
            self.status_icon.setPixmap(icon("error").pixmap(20, 20))
        elif warnings:
            self.status.setText(f"{warnings} warning{'s' if warnings != 1 else ''}: the ruleset works, "
                                "but check these before it goes live.")
            self.status_icon.setPixmap(icon("warning").pixmap(20, 20))
        else:
            self.status.setText(f"No problems: {len(self.ruleset.rules)} rules ready to export.")
            self.status_icon.setPixmap(icon("ok").pixmap(20, 20))
        self.problem_list.setVisible(bool(problems))
        self.export_button.setEnabled(not errors)

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems or [] if p.severity == "error")

    @property
    def ready(self) -> bool:
        """Validation finished (the export button reflects its result)."""
        return self.problems is not None

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export ruleset to", self.path_edit.text(), "Rulesets (*.json)")
        if name:
            self.path_edit.setText(name)

    # --- exporting -------------------------------------------------------------------------------

    def export(self) -> None:
        """Refuse on errors, confirm warnings, save the revision, write the file, record it."""
        if self.problems is None or self.writing:
            return
        if self.error_count:
            QMessageBox.warning(self, "Cannot export", "Fix the errors listed first: a chatbot could not "
                                "load a ruleset with errors.")
            return
        if self.problems:
            answer = QMessageBox.question(
                self, "Export with warnings?",
                f"The ruleset has {len(self.problems)} warning(s). Export it anyway?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        text = self.path_edit.text().strip()
        if not text:
            QMessageBox.warning(self, "Choose a file", "Enter the file to export to.")
            return
        path = Path(text).expanduser()
        revision = self.ensure_saved() if self.ensure_saved is not None else None
        if self.ensure_saved is not None and revision is None:
            return  # saving failed and was reported
        document = export_document(self.document.ruleset)
        body = canonical_json(document)
        digest = document["metadata"]["content_hash"]
        self.writing = True
        self.export_button.setEnabled(False)
        self.status.setText(f"Writing {path}…")
        self.failed = False
        run_in_background(lambda: write_text_file(path, body),
                          lambda _: self._written(path, revision, digest), self._failed)

    def _written(self, path: Path, revision: Any, digest: str) -> None:
        self.writing = False
        if self.project is not None and revision is not None:
            try:
                self.project.record_export(path, revision.number, digest)
            except Exception as exc:
                QMessageBox.warning(self, "Export not recorded", f"The file was written, but the export "
                                    f"history could not be updated: {exc}")
        self.exported_to = path
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.writing = False
        self.export_button.setEnabled(True)
        self.status.setText(f"The file was not written: {exc}")
        self.status_icon.setPixmap(icon("error").pixmap(20, 20))  # never the green tick of "ready"
        self.failed = True
        QMessageBox.warning(self, "Export failed", str(exc))
