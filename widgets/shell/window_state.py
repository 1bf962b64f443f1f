"""Remembering where the window was: its size and place, maximised or not, the problems panel's
height and every splitter's position, kept in the workspace settings.

Why: a manager who arranged the window on a laptop should find it the same way next time, not at
a default size that may not even fit the screen.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

log = logging.getLogger(__name__)

SETTING = "window_state"


def _encode(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def _decode(text: Any) -> QByteArray | None:
    if not isinstance(text, str) or not text:
        return None
    return QByteArray.fromBase64(text.encode("ascii"))


def _settings(window: Any) -> Any:
    workspace = getattr(window, "workspace", None)
    if workspace is None or getattr(workspace, "closed", False):
        return None
    return workspace.settings


def splitters_of(page: QWidget) -> list[QSplitter]:
    """The page's splitters in a stable order (the page itself first when it is one)."""
    found = [page] if isinstance(page, QSplitter) else []
    return found + page.findChildren(QSplitter)


def saved_state(window: Any) -> dict[str, Any]:
    settings = _settings(window)
    value = settings.get(SETTING, {}) if settings is not None else {}
    return value if isinstance(value, dict) else {}


def save_window_state(window: QMainWindow, pages: dict[str, QWidget]) -> None:
    """Write the geometry, dock layout and the splitters of the pages built so far (`title → page`)."""
    settings = _settings(window)
    if settings is None or getattr(getattr(window, "workspace", None), "read_only", False):
        return
    splitters = dict(saved_state(window).get("splitters", {}))
    for title, page in pages.items():
        for number, splitter in enumerate(splitters_of(page)):
            splitters[f"{title}/{number}"] = _encode(splitter.saveState())
    state = {"geometry": _encode(window.saveGeometry()), "docks": _encode(window.saveState()),
             "splitters": splitters}
    try:
        settings.set(SETTING, state)
    except Exception as exc:  # a workspace that cannot be written: the layout is not worth an error
        log.warning("window layout not saved: %s", exc)


def restore_window_state(window: QMainWindow) -> bool:
    """Put the window back where it was (True if there was a saved layout)."""
    state = saved_state(window)
    geometry = _decode(state.get("geometry"))
    if geometry is None:
        return False
    window.restoreGeometry(geometry)
    docks = _decode(state.get("docks"))
    if docks is not None:
        window.restoreState(docks)
    return True


def restore_splitters(window: Any, title: str, page: QWidget) -> None:
    """Give a page's splitters their saved positions (called when the page is built)."""
    saved = saved_state(window).get("splitters", {})
    for number, splitter in enumerate(splitters_of(page)):
        data = _decode(saved.get(f"{title}/{number}"))
        if data is not None:
            splitter.restoreState(data)
