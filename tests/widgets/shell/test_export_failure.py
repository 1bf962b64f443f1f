"""A failed export says so, with the error icon, never the green tick of "ready to export"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.widgets.shell.test_export_dialog import _dialog
from widgets.common.style import icon
from widgets.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_a_failed_export_shows_the_error_icon(qtbot: Any, window: MainWindow, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text: warned.append(title))
    dialog = _dialog(qtbot, window)
    ready = dialog.status_icon.pixmap().toImage()
    assert ready == icon("ok").pixmap(20, 20).toImage()
    dialog.path_edit.setText(str(tmp_path))  # a folder: the file cannot be written there
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.writing, timeout=10000)
    assert warned == ["Export failed"]
    assert "not written" in dialog.status.text()
    assert dialog.status_icon.pixmap().toImage() == icon("error").pixmap(20, 20).toImage()
    assert dialog.exported_to is None
