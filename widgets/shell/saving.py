"""Keeping the user's work: save, the crash-recovery copy, the unsaved-changes question, export.

`SavingWindow` is the main window's base class, kept apart so the window module is about showing
and editing the ruleset, this one about where it is written. Saving goes to the workspace project
(a new revision, in the background) or, for an opened file, back to that file. Opening a project
or a file is `widgets.shell.opening` (it reads the recovery copy written here).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from rules_schema import canonical_json
from widgets.common.background import run_in_background
from widgets.common.error_dialog import show_error

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from builder.editing.document import Document
    from widgets.shell.problems_panel import ProblemsPanel

log = logging.getLogger(__name__)


class SavingWindow(QMainWindow):
    """Save, recovery and export for `MainWindow`, which sets up the attributes declared here."""

    if TYPE_CHECKING:
        workspace: Any
        project: Any
        file_path: Path | None
        document: Document
        undo_stack: QUndoStack
        problems_panel: ProblemsPanel

        def display_name(self) -> str: ...

    def save(self, *, wait: bool = False) -> bool:
        """Save a revision (workspace) or write the file; `wait` saves before returning."""
        if self.project is not None and not self.project.read_only:
            document, index = self.document.ruleset.to_dict(), self.undo_stack.index()
            if wait:
                try:
                    revision = self.project.save(document)
                except Exception as exc:
                    show_error(self, "Could not save", str(exc))
                    return False
                self._saved(revision, index)
                return True
            self.statusBar().showMessage("Saving…")
            project = self.project
            run_in_background(lambda: project.save(document), lambda rev: self._saved(rev, index),
                              lambda exc: show_error(self, "Could not save", str(exc)))
            return True
        path = self.file_path
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Save ruleset as", str(Path.home() / "ruleset.json"),
                                                  "Rulesets (*.json)")
            if not name:
                return False
            path = Path(name)
        # it imports the validator: not at start-up
        from widgets.shell.dialogs.export_dialog import write_text_file

        try:
            write_text_file(path, canonical_json(self.document.ruleset.to_dict()))
        except OSError as exc:
            show_error(self, "Could not save", f"{path}: {exc}")
            return False
        self.file_path = path
        self.undo_stack.setClean()
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def _saved(self, revision: Any, index: int) -> None:
        if self.undo_stack.index() == index:
            self.undo_stack.setClean()
        self.statusBar().showMessage(f"Saved revision {revision.number}.", 5000)

    def write_recovery(self) -> None:
        """Keep unsaved edits where a crash cannot lose them (called when the user pauses)."""
        if self.project is None or self.workspace is None or self.project.read_only:
            return
        try:
            if self.undo_stack.isClean():
                if self.project.recovery() is not None:
                    self.project.clear_recovery()
            else:
                self.project.write_recovery(self.document.ruleset.to_dict())
        except Exception as exc:
            log.warning("could not write the recovery file: %s", exc)

    def _clear_recovery(self) -> None:
        """The user chose to drop their unsaved edits: do not offer them again next time."""
        if self.project is None or self.workspace is None or self.project.read_only:
            return
        try:
            self.project.clear_recovery()
        except Exception as exc:
            log.warning("could not clear the recovery file: %s", exc)

    def export(self) -> None:
        from widgets.shell.dialogs.export_dialog import ExportDialog  # lazy: start-up, as in `save`

        if self.problems_panel.timer.isActive():
            self.problems_panel.validate_now()
        dialog = ExportDialog(self.document, project=self.project,
                              # read-only (workspace, disk or a newer project format): export the
                              # shown ruleset elsewhere without saving a revision or recording it
                              ensure_saved=self._ensure_saved
                              if self.project is not None and not self.project.read_only else None,
                              problems=self.problems_panel.problems if not self.problems_panel.busy else None,
                              parent=self)
        dialog.exec()
        if dialog.exported_to is not None:
            self.rule_editor.fresh_ids.clear()  # exported: from now on every id stays as it is
            for index in range(self.pages.count()):
                getattr(self.pages.widget(index), "fresh_team_ids", set()).clear()
            self.statusBar().showMessage(f"Exported to {dialog.exported_to}", 8000)

    def _ensure_saved(self) -> Any:
        """The revision being exported (saving first if there are unsaved edits)."""
        if not self.undo_stack.isClean() and not self.save(wait=True):
            return None
        return self.project.head() if self.project is not None else None

    def maybe_save(self) -> bool:
        """Ask Save / Discard / Cancel when there are unsaved edits; True means go on."""
        if self.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save your changes to “{self.display_name()}” first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save(wait=True)
        if answer == QMessageBox.StandardButton.Discard:
            self._clear_recovery()
            return True
        return False
