"""A tiny plain-Python signal, so the Qt-free model can announce changes that views mirror.

Why weak: the document outlives every view (the window keeps one document while editors, pages
and dialogs come and go). Holding a view's bound method strongly would keep a closed editor alive
and reacting to every edit. So a bound method is held through `weakref.WeakMethod`: once nothing
else holds the view it is collected and its callback quietly dropped. A plain function or a lambda
has no owner to die with, so it is held strongly until its `Subscription` is disconnected; views
that can be destroyed while still referenced (a Qt widget whose C++ half is deleted) disconnect
their handles explicitly (`widgets.common.editor_page.subscribe` does it on `destroyed`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from types import MethodType
from typing import Any

Callback = Callable[..., Any]


class Subscription:
    """One connected callback; `disconnect()` stops it (safe to call twice, or after the
    callback's owner was collected)."""

    __slots__ = ("_event", "_ref", "__weakref__")

    def __init__(self, event: Event, callback: Callback) -> None:
        self._event: Event | None = event
        self._ref: Callable[[], Callback | None]
        if isinstance(callback, MethodType):
            self._ref = weakref.WeakMethod(callback, self._collected)
        else:
            self._ref = lambda: callback

    @property
    def callback(self) -> Callback | None:
        """The callback, or None once its owner has been collected."""
        return self._ref()

    @property
    def connected(self) -> bool:
        return self._event is not None and self._ref() is not None

    def disconnect(self) -> None:
        event, self._event = self._event, None
        if event is not None:
            event._forget(self)

    def _collected(self, _ref: Any) -> None:
        self.disconnect()


class Event:
    """Callbacks connected to one kind of change; `emit` calls them in connection order.

    `connect` returns a `Subscription`; bound methods are held weakly (see the module notes)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._subscriptions: list[Subscription] = []

    def connect(self, callback: Callback) -> Subscription:
        subscription = Subscription(self, callback)
        self._subscriptions.append(subscription)
        return subscription

    def disconnect(self, callback: Callback) -> None:
        """Disconnect the first subscription of `callback`; ValueError when it is not connected."""
        for subscription in self._subscriptions:
            if subscription.callback == callback:
                subscription.disconnect()
                return
        raise ValueError(f"{callback!r} is not connected to {self.name}")

    def emit(self, *args: Any) -> None:
        for subscription in list(self._subscriptions):
            callback = subscription.callback
            if callback is not None and subscription._event is self:
                callback(*args)

    def receivers(self) -> int:
        """How many callbacks are connected (collected owners no longer count)."""
        return sum(1 for s in self._subscriptions if s.connected)

    def _forget(self, subscription: Subscription) -> None:
        self._subscriptions = [s for s in self._subscriptions if s is not subscription]
