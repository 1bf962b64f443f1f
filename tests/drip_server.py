"""A webhook that answers one byte a second, on 127.0.0.1: in its headers or in its body.

Per-read timeouts never trip on it; only a deadline over the whole exchange does. It stops by
itself when the `with` block ends (and each connection after `limit_s` seconds at the latest).
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Literal

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"


class DripServer:
    def __init__(self, where: Literal["headers", "body"], *, interval: float = 1.0, limit_s: float = 60.0) -> None:
        self.where, self.interval, self.limit_s = where, interval, limit_s
        self.stop = threading.Event()
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"

    def __enter__(self) -> DripServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(5)
        self.listener.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        ends = time.monotonic() + self.limit_s
        with conn:
            conn.settimeout(0.5)
            try:
                conn.recv(65536)  # the request (small enough for one read)
                if self.where == "body":
                    conn.sendall(HEAD)
                    payload = b"x" * 1000
                else:
                    payload = HEAD
                for byte in payload:
                    if self.stop.wait(self.interval) or time.monotonic() > ends:
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return  # the client went away
