"""Entry point of `handoff-builder`: a subcommand goes to the headless CLI, none opens the window.

`run_app` lives here, at the top of the widgets' layers, because it is the one place that builds
the window and hands it to the start-up pieces below it (`widgets.shell.startup`).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from builder.cli import is_subcommand
from builder.cli import main as cli_main


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if is_subcommand(args):
        return cli_main(args)
    missing = missing_gui_package()
    if missing is not None:
        print(f"handoff-builder: the desktop app needs {missing}, which is not installed: "
              f'pip install "handoff-builder[gui]" (subcommands such as validate and simulate work without it)',
              file=sys.stderr)
        return 2
    return run_app(args)


#: What the window needs beyond the core: the `gui` extra of pyproject.toml.
GUI_PACKAGES = ("PySide6", "pyqtgraph")


def missing_gui_package() -> str | None:
    """The first package of the `gui` extra that cannot be found (None: the window can open).

    `pip install handoff-builder` installs the runtime and the CLI only, so a bare
    `handoff-builder` says how to get the window instead of failing with an ImportError."""
    for name in GUI_PACKAGES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # ValueError: blocked with sys.modules[name] = None
            found = False
        if not found:
            return name
    return None


def _parse_args(args: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="handoff-builder", description="Open the Handoff Builder window.")
    parser.add_argument("ruleset", nargs="?", type=Path, help="a ruleset JSON file to open")
    parser.add_argument("--workspace", type=Path, default=None, help="workspace file (default: your user data)")
    parser.add_argument("--project", default=None, help="project to open")
    return parser.parse_args(list(args))


def run_app(args: Sequence[str]) -> int:
    """Open the window (on a file, the last workspace project or the example) and run until closed.

    Qt is imported only here, when a window is wanted, so a CLI subcommand never loads it."""
    from widgets.shell.main_window import MainWindow, opens_maximized
    from widgets.shell.startup import create_application, open_start_project, open_workspace

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
        # a project named on the command line that cannot be opened (the reason was shown) falls
        # back to the usual start; the window opens even when every project is damaged
        opened = bool(options.project) and window.open_project(options.project)
        if not opened and not open_start_project(window):
            window.show_projects()
    if not window.restored and opens_maximized():
        window.showMaximized()
    else:
        window.show()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
