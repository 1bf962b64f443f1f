"""The channels page's test send, run on a daemon thread that can be cancelled.

Why not `widgets.common.background.run_in_background`: Qt's thread pool is waited for when the
application quits, so a send still talking to a slow server would keep the app alive after its
window closed. Here the send runs on a daemon thread (never waited for at exit) with a total
deadline (`builder.handoff.notify.send`), and quitting or closing the page cancels it. The outcome
comes back on the UI thread through a queued call, as in `run_in_background`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QMetaObject, QObject, Qt, Slot

from builder.handoff.notify import SendResult, send

_pending: set[BackgroundSend] = set()  # alive until they report back on the UI thread
_cancels: set[threading.Event] = set()  # every running send's cancel, set when the app quits


_hooked: list[QCoreApplication] = []


def _cancel_when_quitting() -> None:
    app = QCoreApplication.instance()
    if app is not None and app not in _hooked:
        app.aboutToQuit.connect(cancel_all)
        _hooked.append(app)


def cancel_all() -> None:
    """Stop every running test send (the app is quitting)."""
    for cancel in list(_cancels):
        cancel.set()


class BackgroundSend(QObject):
    """One test send: `on_done(result)` runs on the UI thread, unless cancelled first."""

    def __init__(self, url: str, body: Mapping[str, Any], timeout: float,
                 on_done: Callable[[SendResult], None]) -> None:
        super().__init__()
        self.cancel = threading.Event()
        self.result: SendResult | None = None
        self._on_done: Callable[[SendResult], None] | None = on_done
        self._thread = threading.Thread(target=self._run, args=(url, dict(body), timeout),
                                        name="handoff-test-send", daemon=True)
        _cancel_when_quitting()

    def start(self) -> None:
        _pending.add(self)
        _cancels.add(self.cancel)
        self._thread.start()

    def stop(self) -> None:
        """Cancel: the send returns at once and its outcome is not reported."""
        self._on_done = None
        self.cancel.set()

    def _run(self, url: str, body: dict[str, Any], timeout: float) -> None:
        try:
            self.result = send(url, body, timeout=timeout, cancel=self.cancel)
        except Exception as exc:  # send never raises; a bug still must not vanish silently
            self.result = SendResult(False, None, f"The test could not be sent: {exc}", 0.0)
        _cancels.discard(self.cancel)
        QMetaObject.invokeMethod(self, "_report", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _report(self) -> None:
        _pending.discard(self)
        if self._on_done is not None and self.result is not None:
            self._on_done(self.result)


def running_sends() -> int:
    """Test sends that have not reported back yet (tests wait for zero)."""
    return len(_pending)
