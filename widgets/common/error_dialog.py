"""Errors the user can read: a dialog with a plain sentence, the details logged, never a traceback.

`install_excepthook()` routes every uncaught exception (including ones raised in Qt slots) here;
`show_error(parent, title, message)` is for the errors the app expects (unreadable file, full disk).
"""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger("handoff_builder")

_showing = False


def log_path() -> Path:
    """Where the app writes its log (the dialog tells the user, so they can send it)."""
    import platformdirs

    return Path(platformdirs.user_log_dir("handoff-builder", "Handoff Builder")) / "handoff-builder.log"


def setup_logging() -> Path | None:
    """Log warnings and errors to a small rotating file; None when that file cannot be written."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    """A modal error with `message` in plain words; `details` sit behind the 'Show Details' button."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(message)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def plain_message(exc: BaseException) -> str:
    """One sentence for an unexpected error, without the Python class names a user cannot act on."""
    text = str(exc).strip() or exc.__class__.__name__
    return text[:1].upper() + text[1:]


def handle_exception(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """Log the traceback; show the user a sentence and where the log is."""
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    details = "".join(traceback.format_exception(kind, value, tb))
    log.error("Unexpected error:\n%s", details)
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        parent = QApplication.activeWindow()
        where = log_path()
        show_error(parent, "Something went wrong",
                   f"{plain_message(value)}\n\n{_what_is_safe()} The details were written to {where}.", details)
    finally:
        _showing = False


def _what_is_safe() -> str:
    """True in the situation: only a shown window can hold edits that saving would keep."""
    if any(widget.isVisible() and hasattr(widget, "undo_stack") for widget in QApplication.topLevelWidgets()):
        return "Your edits are still open; saving now is safe."
    return "No window was open yet, so no edits were lost; your saved projects are not affected."


def install_excepthook() -> None:
    """Send uncaught exceptions to `handle_exception` instead of printing a traceback."""
    sys.excepthook = handle_exception
