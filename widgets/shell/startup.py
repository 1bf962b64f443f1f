"""Start-up pieces: reading a ruleset file, opening the workspace and the first project, the
QApplication.

Below the window: the window imports `read_ruleset_file` from here, and `open_start_project` is
handed the window (anything that can open a project or load a ruleset), so nothing here imports
the window. `widgets.app.run_app` builds the window and puts these pieces together.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from builder.format.io import RulesetFileError, ruleset_to_edit
from builder.format.io import read_ruleset_file as read_checked
from builder.format.model import Ruleset
from builder.paths import example_playbook
from widgets.common.error_dialog import install_excepthook, setup_logging, show_error
from widgets.common.style import apply_style


class StartWindow(Protocol):
    """What `open_start_project` needs of the window: its workspace and two ways to show a ruleset."""

    @property
    def workspace(self) -> Any: ...

    def open_project(self, name: str) -> bool: ...

    def load_ruleset(self, ruleset: Ruleset) -> None: ...


def read_ruleset_file(path: Path) -> dict[str, Any]:
    """The parsed ruleset file (size, depth and JSON checks are `builder.format.io`'s); ValueError with
    its one-line message, the one error type the window's callers handle."""
    try:
        return read_checked(path)
    except RulesetFileError as exc:
        raise ValueError(str(exc)) from exc


def open_workspace(window_parent: QWidget | None, path: Path | None) -> Any:
    """Open the workspace, asking about a lock (read-only?) or damage; None when it cannot be used.

    A damaged file has been moved aside by the workspace: with a good backup that copy is
    opened, without one an empty workspace is started. Any other workspace error (a file from a
    newer version, a folder that cannot be written) is explained in a dialog.
    """
    # lazy: start-up; a window opened on a ruleset file never loads the workspace store (~65 ms: tinydb, locks)
    from builder.workspace import (
        Workspace,
        WorkspaceCorrupt,
        WorkspaceError,
        WorkspaceLocked,
    )

    try:
        try:
            return Workspace.open(path)
        except WorkspaceLocked as exc:
            answer = QMessageBox.question(window_parent, "Workspace in use", str(exc) + "\n\nOpen it read-only?")
            if answer == QMessageBox.StandardButton.Yes:
                return Workspace.open(path, read_only=True)
            return None
        except WorkspaceCorrupt as exc:
            if exc.backup is not None:
                then = "Opening the last good copy."
            else:
                kept = f" as {exc.moved_to.name}" if exc.moved_to is not None else ""
                then = f"Starting with an empty workspace; the damaged file is kept aside{kept}."
            QMessageBox.warning(window_parent, "Workspace damaged", f"{exc}\n\n{then}")
            return Workspace.open(path, use_backup=True)
    except WorkspaceError as exc:
        show_error(window_parent, "Cannot open the workspace", str(exc))
        return None


def open_start_project(window: StartWindow) -> bool:
    """The last project, or on first launch the example playbook imported as a new project."""
    workspace = window.workspace
    names = [p.name for p in workspace.projects()]
    last = workspace.settings.get("last_project")
    if last in names:
        return window.open_project(str(last))
    if names:
        return window.open_project(names[0])
    document = read_ruleset_file(example_playbook())
    name = str(document.get("metadata", {}).get("name") or "Example playbook")
    if workspace.read_only:
        window.load_ruleset(ruleset_to_edit(document))
        return True
    workspace.create_project(name, document, "Imported the example playbook")
    return window.open_project(name)


def create_application(argv: Sequence[str] = ()) -> QApplication:
    """The QApplication with names, style and error handling set up (reused if one exists)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(["handoff-builder", *argv])
    QApplication.setApplicationName("Handoff Builder")
    QApplication.setOrganizationName("Handoff Builder")
    QApplication.setApplicationDisplayName("Handoff Builder")
    setup_logging()
    install_excepthook()
    apply_style(app)
    return app
