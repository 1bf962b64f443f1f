"""Opening a workspace project or a ruleset file in the main window, and bringing back unsaved edits.

Why a module: what can go wrong while opening (a damaged project with or without a backup, a
project open elsewhere or of a newer format, so read-only; an unreadable file; edits a crashed
session left behind) is explained here, in one place; the window only shows what was opened
(`MainWindow.load_ruleset`). Saving and the recovery copy it reads are `widgets.shell.saving`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from builder.format.io import ruleset_to_edit
from rules_schema import content_hash
from widgets.common.error_dialog import show_error
from widgets.common.undo_commands import SetRulesetCommand
from widgets.shell.dialogs.workspace_notices import ask_open_backup, tell_damaged_project
from widgets.shell.startup import read_ruleset_file

log = logging.getLogger(__name__)


def open_project(window: Any, name: str) -> bool:
    """Open a workspace project in `window` (a `MainWindow`); offers the unsaved edits of a crashed
    session if there are any. False when it could not be opened (the user has been told why)."""
    from builder.workspace import ProjectCorrupt, WorkspaceError  # lazy: start-up, see startup.open_workspace

    try:
        try:
            project = window.workspace.project(name)
        except ProjectCorrupt as exc:
            if exc.backup is None:  # nothing to open instead: say so, and where it is listed
                tell_damaged_project(window, exc)
                return False
            if not ask_open_backup(window, exc):
                return False
            project = window.workspace.project(name, use_backup=True)
        ruleset = ruleset_to_edit(project.current())
    except (WorkspaceError, ValueError) as exc:
        show_error(window, "Cannot open the project", str(exc))
        return False
    window.load_ruleset(ruleset, project=project)
    if not project.read_only:
        window.workspace.settings.set("last_project", name)
    if project.read_only_reason:
        window.statusBar().showMessage(project.read_only_reason, 15000)
        QMessageBox.information(window, "Opened read-only", project.read_only_reason)
    offer_recovery(window)
    return True


def offer_recovery(window: Any) -> None:
    """If edits from a session that did not end cleanly exist, offer to bring them back (one undo step)."""
    project = window.project
    if project is None:
        return
    try:
        recovered = project.recovery()
    except Exception as exc:
        log.warning("recovery unreadable: %s", exc)
        return
    if recovered is None or content_hash(recovered) == content_hash(window.document.ruleset.to_dict()):
        return
    answer = QMessageBox.question(
        window, "Restore unsaved changes?",
        f"Handoff Builder closed without saving your last changes to “{project.name}”.\n\n"
        "Restore them? (You can still undo the restore.)",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
    if answer == QMessageBox.StandardButton.Yes:
        try:
            ruleset = ruleset_to_edit(recovered)
        except ValueError as exc:
            show_error(window, "Cannot restore", str(exc))
            return
        window.undo_stack.push(SetRulesetCommand(window.document, ruleset, "Restore unsaved changes"))
        window.statusBar().showMessage("Restored the unsaved changes. Save to keep them.", 8000)
    else:
        window._clear_recovery()


def open_file(window: Any, path: Path) -> bool:
    """Open a ruleset JSON file in `window`; Save then writes back to it."""
    try:
        ruleset = ruleset_to_edit(read_ruleset_file(path))
    except ValueError as exc:
        show_error(window, "Cannot open the file", f"{path.name}: {exc}")
        return False
    window.load_ruleset(ruleset, file_path=path)
    window.statusBar().showMessage(f"Opened {path}", 5000)
    return True


def open_file_dialog(window: Any) -> None:
    """File ▸ Open ruleset file…, after the unsaved-changes question."""
    if not window.maybe_save():
        return
    name, _ = QFileDialog.getOpenFileName(window, "Open ruleset", str(Path.home()), "Rulesets (*.json)")
    if name:
        open_file(window, Path(name))
