"""Slow pages are built on first visit, with a busy cursor and a word while they are built."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def test_simulator_and_replay_wait_for_their_first_visit(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.pages.placeholder("Simulator") is not None
    placeholder = window.pages.placeholder("Replay")
    assert placeholder is not None and "Opening the Replay page" in placeholder.text()
    seen: list[Any] = []
    from widgets.replay import dashboard

    real = dashboard.install_dashboard
    monkeypatch.setattr(dashboard, "install_dashboard",
                        lambda w: (seen.append(QApplication.overrideCursor().shape()
                                               if QApplication.overrideCursor() else None), real(w))[1])
    page = window.ensure_page("Replay")
    assert seen == [Qt.CursorShape.BusyCursor]
    assert QApplication.overrideCursor() is None
    assert window.pages.placeholder("Replay") is None and page is window.replay_page
