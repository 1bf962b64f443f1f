"""Fixtures for widget tests: a main window on a throw-away workspace, seeded like a first launch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Any]:
    from builder.workspace import Workspace

    ws = Workspace.open(tmp_path / "workspace.json")
    yield ws
    if not ws.closed:
        ws.close()


@pytest.fixture
def window(qtbot: Any, workspace: Any) -> Iterator[Any]:
    """The main window after a first launch: the example playbook imported as a project."""
    from widgets.shell.main_window import MainWindow
    from widgets.shell.startup import open_start_project

    win = MainWindow(workspace)  # closed below, not by qtbot (whose close would run first and may ask)
    assert open_start_project(win)
    for title in ("Templates", "Business hours", "Routing", "Channels"):  # lazy pages, as if visited
        win.ensure_page(title)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    qtbot.waitUntil(lambda: not win.problems_panel.busy, timeout=20000)
    with pytest.MonkeyPatch.context() as patch:  # closing at teardown never waits on a question
        patch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Discard)
        win.close()
    win.deleteLater()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen platform warns on every top-level window with size constraints; not our bug."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"))
