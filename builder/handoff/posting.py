"""One HTTP POST bounded by a total deadline (connect + headers + body) and cancellable.

Why not a client's own timeout: urllib, urllib3 and httpx all time out each socket operation, so
a server that drips one byte a second (in its headers or its body) never trips them, and nothing
in them bounds the whole exchange. So the exchange runs in a daemon worker thread with urllib3's
`HTTPConnection` / `HTTPSConnection` (a well-kept client: TLS with hostname checks and SNI,
proxy tunnels, chunked and compressed answers), and the caller waits for it until the deadline
or a cancel, then shuts the socket down so the worker ends too. Being a daemon thread, a worker
stuck in a name lookup (which no socket timeout bounds) never keeps the program alive.

Redirects are never followed (a redirect would replay the body, which carries a visitor's
transcript, to an address nobody configured): a 3xx comes back like any other answer.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import getproxies, proxy_bypass

from urllib3.connection import HTTPConnection, HTTPSConnection

CHUNK = 8192


class DeadlinePassed(Exception):
    """The whole exchange did not finish within the deadline."""


class Cancelled(Exception):
    """The caller cancelled the exchange (e.g. its window closed)."""


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    truncated: bool


def _proxy_for(url: str) -> str | None:
    """The proxy the environment names for this URL (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), or None."""
    parts = urlsplit(url)
    proxy = getproxies().get(parts.scheme.lower())
    if not proxy or (parts.hostname and proxy_bypass(parts.hostname)):
        return None
    return proxy


def _connection(url: str, timeout: float) -> tuple[HTTPConnection, str, dict[str, str]]:
    """The connection to open (to the host, or to a proxy), the request target to send and the
    headers the proxy needs (its own credentials, from HTTP(S)_PROXY, never the webhook's)."""
    parts = urlsplit(url)
    https = parts.scheme.lower() == "https"
    host, port = parts.hostname or "", parts.port or (443 if https else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    proxy = _proxy_for(url)
    if proxy is None:
        return (HTTPSConnection if https else HTTPConnection)(host, port, timeout=timeout), target, {}
    via = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    proxy_port = via.port or (443 if via.scheme == "https" else 80)
    auth: dict[str, str] = {}
    if via.username is not None:
        token = f"{unquote(via.username)}:{unquote(via.password or '')}".encode()
        auth["Proxy-Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
    if https:  # a CONNECT tunnel through the proxy; TLS to the host itself
        connection = HTTPSConnection(via.hostname or "", proxy_port, timeout=timeout)
        connection.set_tunnel(host, port, headers=auth or None)
        return connection, target, {}
    return HTTPConnection(via.hostname or "", proxy_port, timeout=timeout), url, auth  # absolute target


class _Exchange:
    """The worker's half: one request, its answer read up to a cap; `abort()` ends it at once."""

    def __init__(self, url: str, data: bytes, headers: Mapping[str, str], timeout: float, limit: int) -> None:
        self.url, self.data, self.headers, self.timeout, self.limit = url, data, dict(headers), timeout, limit
        self.done = threading.Event()
        self.answer: Answer | None = None
        self.error: BaseException | None = None
        self._guard = threading.Lock()
        self._aborted = False
        self._connection: HTTPConnection | None = None

    def run(self) -> None:
        try:
            self.answer = self._exchange()
        except BaseException as exc:  # reported to the caller, who turns it into a sentence
            self.error = exc
        finally:
            self._close()
            self.done.set()

    def _exchange(self) -> Answer:
        connection, target, proxy_headers = _connection(self.url, self.timeout)
        with self._guard:
            if self._aborted:
                raise Cancelled()
            self._connection = connection
        connection.connect()
        with self._guard:
            if self._aborted:  # the caller gave up while this thread was connecting
                raise Cancelled()
        connection.request("POST", target, body=self.data, headers={**self.headers, **proxy_headers},
                           preload_content=False)
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        truncated = False
        while True:
            chunk = response.read(min(CHUNK, self.limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > self.limit:
                truncated = True
                break
        body = b"".join(chunks)[: self.limit]
        return Answer(int(response.status), str(response.reason or ""), dict(response.headers.items()), body,
                      truncated)

    def abort(self) -> None:
        """Stop the worker: shut its socket down (waking a blocked read), or stop it connecting."""
        with self._guard:
            self._aborted = True
            connection = self._connection
        sock = getattr(connection, "sock", None) if connection is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # closing a half-open connection may fail; it is gone either way
                pass


def post(url: str, data: bytes, headers: Mapping[str, str], *, timeout: float, limit: int,
         cancel: threading.Event | None = None) -> Answer:
    """POST `data` to `url` and read at most `limit` bytes of the answer, all within `timeout`
    seconds. Raises DeadlinePassed, Cancelled, or what the connection raised."""
    exchange = _Exchange(url, data, headers, timeout, limit)
    worker = threading.Thread(target=exchange.run, name="handoff-notify-post", daemon=True)
    deadline = time.monotonic() + timeout
    worker.start()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            exchange.abort()
            raise DeadlinePassed()
        if exchange.done.wait(remaining if cancel is None else min(remaining, 0.05)):
            break
        if cancel is not None and cancel.is_set():
            exchange.abort()
            raise Cancelled()
    if exchange.error is not None:
        raise exchange.error
    assert exchange.answer is not None
    return exchange.answer


def header(headers: Mapping[str, Any], name: str) -> str:
    """A header's value whatever its case ("" when absent)."""
    wanted = name.lower()
    return next((str(v) for k, v in headers.items() if k.lower() == wanted), "")
