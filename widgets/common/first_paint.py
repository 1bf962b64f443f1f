"""Work that waits until the window has painted once: validation, the first reply preview.

Why: on start-up the window's first paint waits for the window system to expose it; a 150 ms
timer (debounced validation) or any other queued job would otherwise run first and keep the
manager looking at nothing for another half second. Only the first window of the process holds
work back, and never for longer than `LONGEST_WAIT_MS` (a window that is never shown).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer

LONGEST_WAIT_MS = 3000

_pending: list[Callable[[], object]] | None = None
_held = False


def hold_until_painted() -> bool:
    """Start holding work back (the first call in a process only); True if this call started it."""
    global _pending, _held
    if _held:
        return False
    _held, _pending = True, []
    QTimer.singleShot(LONGEST_WAIT_MS, painted)
    return True


def after_first_paint(callback: Callable[[], object]) -> None:
    """Run `callback` now, or just after the first paint when the first window has not painted yet."""
    if _pending is None:
        callback()
    else:
        _pending.append(callback)


def painted() -> None:
    """The first window has painted: run what waited, each from the event loop."""
    global _pending
    callbacks, _pending = _pending or [], None
    for callback in callbacks:
        QTimer.singleShot(0, callback)


def waiting() -> bool:
    return _pending is not None
