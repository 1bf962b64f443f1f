"""The window fits a 1366×768 laptop on every page and comes back the way it was left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QScrollArea, QSplitter

pytestmark = pytest.mark.gui

LAPTOP = (1366, 768)


def visit_every_page(window: Any) -> None:
    for index in range(window.pages.count()):
        window.pages.setCurrentIndex(index)
        window.ensure_page(window.pages.tabText(index))


def test_every_page_fits_a_laptop_screen(window: Any, qtbot: Any) -> None:
    window.ensure_page("Simulator")
    window.ensure_page("Replay")
    visit_every_page(window)
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert hint.width() <= LAPTOP[0] and hint.height() <= LAPTOP[1], hint
    window.resize(*LAPTOP)
    qtbot.waitUntil(lambda: window.size().toTuple() == LAPTOP)
    for index in range(window.pages.count()):
        window.pages.setCurrentIndex(index)
        page = window.pages.widget(index)
        scroll = page.parentWidget().parentWidget()
        assert isinstance(scroll, QScrollArea)
        qtbot.waitUntil(lambda scroll=scroll: scroll.viewport().width() > 0)
        # as wide as the screen at most: never a sideways scroll bar on a laptop
        assert page.minimumSizeHint().width() <= scroll.viewport().width(), window.pages.tabText(index)


def test_size_maximised_state_and_splitters_come_back(qtbot: Any, tmp_path: Path) -> None:
    from builder.workspace import Workspace
    from widgets.shell.main_window import MainWindow
    from widgets.shell.startup import open_start_project

    path = tmp_path / "workspace.json"
    first = MainWindow(Workspace.open(path))
    open_start_project(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(760, 560)
    qtbot.waitUntil(lambda: first.size().toTuple() == (760, 560))
    first.rules_page.setSizes([500, 500])
    sizes = first.rules_page.sizes()
    first.pages.setCurrentWidget(first.ensure_page("Simulator"))
    qtbot.waitUntil(first.simulator_page.isVisible)
    simulator_split = first.simulator_page.findChildren(QSplitter)[0]
    simulator_split.setSizes([100, 300])
    simulator_sizes = simulator_split.sizes()
    first.close()

    second = MainWindow(Workspace.open(path))
    open_start_project(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.size().toTuple() == (760, 560)
    assert second.rules_page.sizes() == sizes
    second.pages.setCurrentWidget(second.ensure_page("Simulator"))
    qtbot.waitUntil(second.simulator_page.isVisible)
    assert second.simulator_page.findChildren(QSplitter)[0].sizes() == simulator_sizes
    second.showMaximized()
    qtbot.waitUntil(second.isMaximized)
    second.close()

    third = MainWindow(Workspace.open(path))
    open_start_project(third)
    assert third.windowState() & Qt.WindowState.WindowMaximized
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Discard)
        third.close()


def test_no_page_shows_an_internal_id_field(window: Any) -> None:
    from PySide6.QtWidgets import QLabel

    for title in ("Templates", "Channels"):
        page = window.ensure_page(title)
        window.pages.setCurrentWidget(page)
        shown = [label.text() for label in page.findChildren(QLabel) if label.isVisible()]
        assert "Id" not in shown, title


class _Screen:
    def __init__(self, width: int, height: int) -> None:
        self.size = (width, height)

    def availableGeometry(self) -> Any:
        from PySide6.QtCore import QRect

        return QRect(0, 0, *self.size)


@pytest.mark.parametrize(("free", "maximized"), [
    ((1366, 740), True),  # a 1366×768 laptop with a panel: a 1280×800 window and its title bar do not fit
    ((1366, 768), True),
    ((1920, 1050), False),  # room for 1280×800 and a frame: a normal window
    ((1328, 848), False),  # exactly 1280×800 and the frame allowance
    ((1327, 848), True),
    ((1328, 847), True),
])
def test_a_first_window_opens_maximized_where_it_would_not_fit(
        monkeypatch: pytest.MonkeyPatch, free: tuple[int, int], maximized: bool) -> None:
    from PySide6.QtGui import QGuiApplication

    from widgets.shell import main_window

    monkeypatch.setattr(QGuiApplication, "primaryScreen", staticmethod(lambda: _Screen(*free)))
    assert main_window.opens_maximized() is maximized
