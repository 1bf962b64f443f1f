"""Files and start-up: reading a ruleset file, opening the workspace and first project, `run_app`.

Kept apart from the window so the window module is only the window; `widgets.app` imports
`run_app` from here when a window is wanted. Nothing here imports the window at module level
(the window imports `read_ruleset_file` / `ruleset_from` from here).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from builder.format.model import Ruleset

if TYPE_CHECKING:
    from widgets.shell.main_window import MainWindow




def read_ruleset_file(path: Path) -> dict[str, Any]:
    """The parsed ruleset file (size, depth and JSON checks are `builder.format.io`'s); ValueError with
    its one-line message, the one error type the window's callers handle."""
    from builder.format.io import RulesetFileError
    from builder.format.io import read_ruleset_file as read_checked

    try:
        return read_checked(path)
    except RulesetFileError as exc:
        raise ValueError(str(exc)) from exc


def ruleset_from(document: dict[str, Any]) -> Ruleset:
    """A Ruleset from a document; ValueError in words when its shape is too broken to edit."""
    try:
        from rules_schema import migrate

        document = migrate(document)
    except Exception as exc:  # noqa: BLE001 - a newer or unknown version is explained below
        raise ValueError(f"this ruleset's format version cannot be read ({exc})") from exc
    try:
        return Ruleset.from_dict(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        from rules_schema import validate

        problems = [p for p in validate(document) if p.severity == "error"][:5]
        listed = "\n".join(f"• {p.message}" for p in problems)
        raise ValueError(f"the ruleset is too damaged to edit:\n{listed or exc}") from exc


def open_workspace(window_parent: QWidget | None, path: Path | None) -> Any:
    """Open the workspace, asking about a lock (read-only?) or damage; None when it cannot be used.

    A damaged file has been moved aside by the workspace: with a good backup that copy is
    opened, without one an empty workspace is started. Any other workspace error (a file from a
    newer version, a folder that cannot be written) is explained in a dialog.
    """
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
        from widgets.common.error_dialog import show_error

        show_error(window_parent, "Cannot open the workspace", str(exc))
        return None


def open_start_project(window: MainWindow) -> bool:
    """The last project, or on first launch the example playbook imported as a new project."""
    from builder.paths import example_playbook

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
        window.load_ruleset(ruleset_from(document))
        return True
    workspace.create_project(name, document, "Imported the example playbook")
    return window.open_project(name)


def _parse_args(args: Sequence[str]) -> Any:
    import argparse

    parser = argparse.ArgumentParser(prog="handoff-builder", description="Open the Handoff Builder window.")
    parser.add_argument("ruleset", nargs="?", type=Path, help="a ruleset JSON file to open")
    parser.add_argument("--workspace", type=Path, default=None, help="workspace file (default: your user data)")
    parser.add_argument("--project", default=None, help="project to open")
    return parser.parse_args(list(args))


def create_application(argv: Sequence[str] = ()) -> QApplication:
    """The QApplication with names, style and error handling set up (reused if one exists)."""
    from widgets.common.error_dialog import install_excepthook, setup_logging
    from widgets.common.style import apply_style

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


def run_app(args: Sequence[str]) -> int:
    """Open the window (on a file, the last workspace project or the example) and run until closed."""
    from widgets.shell.main_window import MainWindow

    options = _parse_args(args)
    app = create_application()
    if options.ruleset is not None:
        window = MainWindow()
        if not window.open_file(options.ruleset):
            return 2
    else:
        workspace = open_workspace(None, options.workspace)
        if workspace is None:
            return 0
        window = MainWindow(workspace)
        opened = window.open_project(options.project) if options.project else open_start_project(window)
        if not opened:
            workspace.close()
            return 1
    window.show()
    return int(app.exec())
