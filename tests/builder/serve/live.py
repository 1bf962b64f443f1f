"""Live servers for the service's tests: `handoff-builder serve` and `redis-server` as real
processes on free ports of 127.0.0.1, stopped by the tests that start them.

Why real processes: the claims under test (several workers share conversations, a killed worker
loses nothing acknowledged, a timer fires once) are about processes, sockets and Redis; an
in-process imitation would prove nothing about them.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A running `handoff-builder serve`; `request` speaks HTTP/1.1 to it."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log

    def request(self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None,
                raw: bytes | None = None, timeout: float = 10.0) -> tuple[int, Any, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
            connection.request(method, path, body=data, headers={"Content-Type": "application/json",
                                                                  **(headers or {})})
            response = connection.getresponse()
            content = response.read()
            found = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        parsed: Any = content
        if found.get("content-type", "").startswith("application/json"):
            parsed = json.loads(content)
        return response.status, parsed, found

    def post_event(self, cid: str, event: dict[str, Any], **envelope: Any) -> dict[str, Any]:
        status, body, _ = self.request("POST", f"/v1/conversations/{cid}/events", {"event": event, **envelope})
        assert status == 200, (status, body)
        return dict(body)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                return self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                return self.process.wait(10)
        return int(self.process.returncode)

    def log_lines(self) -> list[dict[str, Any]]:
        out = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"event": "not JSON", "line": line})
        return out


@contextmanager
def serve(ruleset: str | Path, *args: str, env: dict[str, str] | None = None,
          ready_workers: int = 1) -> Iterator[Server]:
    """`handoff-builder serve RULESET --port 0 ARGS…`, ready when its workers said so; stopped after."""
    folder = Path(tempfile.mkdtemp(prefix="handoff-serve-"))
    log = folder / "serve.log"
    with log.open("wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "builder", "serve", str(ruleset), "--port", "0", *args],
                                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                                   env={**os.environ, **(env or {})})
    server = Server(process, 0, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            lines = server.log_lines()
            listening = [line for line in lines if line.get("event") == "listening"]
            ready = [line for line in lines if line.get("event") == "worker ready"]
            if listening and len(ready) >= ready_workers:
                server.port = int(listening[0]["port"])
                break
            if process.poll() is not None:
                raise AssertionError(f"serve exited {process.returncode}: {log.read_text()}")
            time.sleep(0.05)
        else:
            raise AssertionError(f"serve did not start: {log.read_text()}")
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """A fresh `redis-server` on a free local port (no persistence), its URL; skips when absent."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):  # .ci/run installs it: in CI a missing server is a failure, not a skip
            pytest.fail("redis-server is not installed, though .ci/run installs it")
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run installs it)")
    folder = tempfile.mkdtemp(prefix="handoff-redis-")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records the JSON bodies posted to it (the callback)."""

    def __init__(self) -> None:
        received: list[dict[str, Any]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/handoffs"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def samples() -> list[dict[str, Any]]:
    with open(ROOT / "resources" / "conversations" / "samples.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def simulated(ruleset: Path) -> dict[str, dict[str, Any]]:
    """`handoff-builder simulate` on the samples: the decisions the service must match, by id."""
    result = subprocess.run([sys.executable, "-m", "builder", "simulate", str(ruleset),
                             str(ROOT / "resources" / "conversations" / "samples.jsonl")],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    return {d["id"]: d for d in map(json.loads, result.stdout.splitlines())}


def outcome(server: Server, cid: str) -> dict[str, Any]:
    """What the service decided for a conversation, in `simulate`'s terms."""
    status, body, _ = server.request("GET", f"/v1/conversations/{cid}")
    assert status == 200, body
    if body["decision"] is not None:
        return dict(body["decision"])
    return {"id": cid, "escalated": False, "tags": body["tags"]}


def expected(decision: dict[str, Any]) -> dict[str, Any]:
    if decision["escalated"]:
        return decision
    return {"id": decision["id"], "escalated": False, "tags": decision["tags"]}
