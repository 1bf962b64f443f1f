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

from PySide6.QtWidgets import QApplication, QWidget

from builder.format.io import RulesetFileError, ruleset_to_edit
from builder.format.io import read_ruleset_file as read_checked
from builder.format.model import Ruleset
from builder.paths import example_playbook
from widgets.common.error_dialog import install_excepthook, setup_logging, show_error
from widgets.common.style import apply_style
from widgets.shell.dialogs.lock_dialog import ask_read_only
from widgets.shell.dialogs.workspace_notices import tell_startup


class StartWindow(Protocol):
    """What `open_start_project` needs of the window: its workspace, two ways to show a ruleset and
    its project list."""

    @property
    def workspace(self) -> Any: ...

    def open_project(self, name: str) -> bool: ...

    def load_ruleset(self, ruleset: Ruleset) -> None: ...

    def show_projects(self) -> None: ...


def read_ruleset_file(path: Path) -> dict[str, Any]:
    """The parsed ruleset file (size, depth and JSON checks are `builder.format.io`'s); ValueError with
    its one-line message, the one error type the window's callers handle."""
    try:
        return read_checked(path)
    except RulesetFileError as exc:
        raise ValueError(str(exc)) from exc


def open_workspace(window_parent: QWidget | None, path: Path | None) -> Any:
    """Open the workspace, asking about a lock (read-only?); None when it cannot be used at all.

    A damaged index has been moved aside by the workspace and is replaced by its last good copy
    or, without one, by a list rebuilt from the project files; a folder that cannot be written
    opens read-only. Either way the user is told what happened (`workspace_notices`). Any other
    workspace error is explained in a dialog.
    """
    # lazy: start-up; a window opened on a ruleset file never loads the workspace store (~65 ms: tinydb, locks)
    from builder.workspace import (
        Workspace,
        WorkspaceCorrupt,
        WorkspaceError,
        WorkspaceLocked,
        WorkspaceNotWritable,
    )

    try:
        try:
            workspace = Workspace.open(path, use_backup=True)  # damage is repaired; its notice says how
        except WorkspaceLocked as exc:
            if not ask_read_only(window_parent, exc.owner):  # who and since when, in words; no path or PID
                return None
            workspace = Workspace.open(path, read_only=True, use_backup=True)
        except WorkspaceCorrupt:
            workspace = Workspace.open(path, use_backup=True)  # its notice says what was done
        except WorkspaceNotWritable as exc:
            try:
                workspace = Workspace.open(path, read_only=True, use_backup=True)
            except WorkspaceError as again:  # e.g. a first launch: nothing there to show read-only
                raise WorkspaceError(f"{again} {exc}") from again
            workspace.notices.insert(0, str(exc))
    except WorkspaceError as exc:
        show_error(window_parent, "Cannot open the workspace", str(exc))
        return None
    tell_startup(window_parent, workspace)
    return workspace


def open_start_project(window: StartWindow) -> bool:
    """The last project, else the first that opens; on first launch the example playbook
    imported as a new project. When every project is damaged the window still opens, with the
    project list showing them (the damage has been explained by then)."""
    workspace = window.workspace
    names = [p.name for p in workspace.projects()]
    last = workspace.settings.get("last_project")
    order = ([str(last)] if last in names else []) + [n for n in names if n != last]
    for name in order:
        if window.open_project(name):
            return True
    if names:
        window.show_projects()
        return True
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
