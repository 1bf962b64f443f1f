"""The one way the GUI runs slow work (save, export, validation of big rulesets, replay) off the UI thread.

`run_in_background(fn, on_done, on_error)` runs `fn()` on Qt's global thread pool and calls
`on_done(result)` or `on_error(exception)` back on the UI thread, so callers never touch widgets
from a worker thread and every failure reaches one place that can show it to the user.
The worker keeps its outcome on the task and only signals "finished" (no Python objects cross
threads inside a signal, which some PySide6 versions mishandle).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMetaObject, QObject, QRunnable, Qt, QThreadPool, Slot

log = logging.getLogger(__name__)

_pending: set[_Task] = set()  # keeps tasks (and their bridges) alive until they report back


class _Bridge(QObject):
    """Lives in the UI thread; its slot runs there when the worker signals (queued connection)."""

    def __init__(self, task: _Task) -> None:
        super().__init__()
        self._task = task

    @Slot()
    def _report(self) -> None:
        self._task.report()


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None,
                 on_error: Callable[[BaseException], None] | None) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn, self.on_done, self.on_error = fn, on_done, on_error
        self.result: Any = None
        self.error: BaseException | None = None
        self.bridge = _Bridge(self)

    def run(self) -> None:
        try:
            self.result = self.fn()
        except Exception as exc:
            self.error = exc
        QMetaObject.invokeMethod(self.bridge, "_report", Qt.ConnectionType.QueuedConnection)

    def report(self) -> None:
        _pending.discard(self)
        if self.error is not None:
            (self.on_error or _default_error)(self.error)
        elif self.on_done is not None:
            self.on_done(self.result)


def _default_error(exc: BaseException) -> None:
    log.error("background task failed: %s", exc, exc_info=exc)


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None) -> None:
    """Run `fn` on a worker thread; call `on_done(result)` or `on_error(exc)` on the UI thread."""
    task = _Task(fn, on_done, on_error)
    _pending.add(task)
    QThreadPool.globalInstance().start(task)


def pending_tasks() -> int:
    """How many background tasks have not reported back yet (tests wait for zero)."""
    return len(_pending)
