"""The "Workspace in use" question: who has the projects open and since when, in words; no file path,
process id or ISO time; "Open read-only" opens it read-only, "Cancel" does not open it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from builder.workspace import Workspace
from widgets.shell import startup

pytestmark = pytest.mark.gui


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A workspace another window of this app has open for editing."""
    path = tmp_path / "workspace.json"
    with Workspace.open(path):
        yield path


def _answer(qtbot: Any, button_text: str, seen: list[tuple[str, str]]) -> None:
    """When the question shows, note its words and click `button_text`, as the user would."""
    def click() -> None:
        box = next((w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(20, click)
            return
        seen.append((box.windowTitle(), box.text() + "\n" + box.informativeText()))
        button = next((b for b in box.buttons() if b.text() == button_text), None)
        if button is None:  # not the choices asked for: close it, the test then fails on what it got
            box.reject()
            return
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click)


def _opened(path: Path) -> Any:
    return startup.open_workspace(None, path)


def test_lock_by_this_computer_says_another_window_and_since_when(qtbot: Any, held: Path) -> None:
    seen: list[tuple[str, str]] = []
    _answer(qtbot, "Open read-only", seen)
    before = datetime.now(UTC)
    workspace = _opened(held)
    try:
        assert workspace is not None and workspace.read_only
    finally:
        workspace.close()
    [(title, text)] = seen
    owner = json.loads(held.with_name(held.name + ".owner").read_text())
    assert title == "Workspace in use"
    assert "already open for editing in another Handoff Builder window on this computer, since " in text
    local = datetime.strptime(owner["since"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone()
    today = local.date() == before.astimezone().date()
    assert f"since {local:%H:%M} today." in text if today else "since yesterday at" in text
    for raw in (str(held), held.name, str(os.getpid()), owner["since"], "process", "pid"):
        assert raw not in text


def test_lock_by_another_computer_names_it_and_the_user_and_cancel_opens_nothing(qtbot: Any, held: Path) -> None:
    yesterday = datetime.now(UTC) - timedelta(days=1)
    since = yesterday.strftime("%Y-%m-%dT%H:%M:%SZ")
    info = {"pid": 4242, "host": "desk-7", "user": "bo", "app": "handoff-builder", "since": since}
    held.with_name(held.name + ".owner").write_text(json.dumps(info))
    seen: list[tuple[str, str]] = []
    _answer(qtbot, "Cancel", seen)
    assert _opened(held) is None
    [(_title, text)] = seen
    local = yesterday.astimezone()
    assert (f"open for editing in Handoff Builder on the computer \u201cdesk-7\u201d (signed in as bo), "
            f"since yesterday at {local:%H:%M}.") in text
    assert "4242" not in text and since not in text and str(held) not in text
