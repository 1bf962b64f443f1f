"""Running the service: one worker in this process, or a supervisor of several.

Why our own supervisor rather than uvicorn's `--workers`: uvicorn restarts every worker on SIGHUP,
and a worker restarted on a bad ruleset file would not start at all; here SIGHUP is passed to the
workers, which reload in place and keep the old rules when the new file is bad. The supervisor
binds the socket once and hands it to each worker (spawned, not forked), restarts a worker that
dies, and on SIGTERM or SIGINT asks every worker to finish its requests and flush, then waits.

The socket is bound before anything is served, and its address logged as
`{"event": "listening", "host", "port"}`: with `--port 0` the system picks a free port and the log
says which (the tests rely on it).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

from builder import runtime
from builder.serve.logs import log, setup
from builder.serve.settings import Settings

STOP_GRACE_S = 20.0
YOUNG_S, RESTART_PAUSE_S = 5.0, 2.0  # a worker that dies this young is restarted only after a pause


def bind(settings: Settings) -> socket.socket:
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve_worker(settings: Settings, sock: socket.socket, app: Any = None) -> None:
    """One worker: the app on uvicorn (uvloop and httptools when installed), on the bound socket."""
    import uvicorn

    from builder.serve.app import create_app

    setup(settings.log_level)
    if app is None:
        app = create_app(settings)
    config = uvicorn.Config(app, loop="auto", http="auto", lifespan="on", log_config=None,
                            access_log=False, timeout_graceful_shutdown=int(STOP_GRACE_S) - 5,
                            backlog=2048, server_header=False)
    # uvicorn raises the stopping signal again once it has shut down gracefully; with a handler of our
    # own installed, that ends the process normally (exit 0) instead of by the signal.
    for sig in (signal.SIGTERM, signal.SIGINT):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, lambda *_: None)
    runtime.settle()  # the loaded rules live as long as the worker: out of every collection (DEPLOYING.md)
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    if not server.started:  # the lifespan refused to start (e.g. the store does not answer); it logged why
        raise SystemExit(3)


def _worker_main(settings: Settings, sock: socket.socket) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the supervisor decides
    try:
        serve_worker(settings, sock)
    except Exception as exc:  # e.g. the ruleset became unreadable between two restarts
        log(logging.CRITICAL, "worker cannot start", error=str(exc))
        raise SystemExit(3) from None


def run(settings: Settings) -> int:
    setup(settings.log_level)
    app = None
    if settings.workers == 1:
        from builder.serve.app import create_app

        app = create_app(settings)  # a ruleset that cannot be served is refused before a port is opened
    with bind(settings) as sock:
        host, port = sock.getsockname()[:2]
        log(logging.INFO, "listening", host=host, port=port, workers=settings.workers,
            store=_shown_store(settings))
        if app is not None:
            serve_worker(settings, sock, app)
            return 0
        return Supervisor(settings, sock).run()


def _shown_store(settings: Settings) -> str:
    """The store URL without a password."""
    if "@" in settings.store:
        scheme, _, rest = settings.store.partition("://")
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return settings.store


class Supervisor:
    def __init__(self, settings: Settings, sock: socket.socket) -> None:
        self.settings = settings
        self.sock = sock
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[BaseProcess] = []
        self.signals: list[int] = []
        self.metrics_dir = tempfile.mkdtemp(prefix="handoff-metrics-")
        self.started: dict[int, float] = {}  # pid -> when it was started
        self.not_before = 0.0  # restarts wait until then after a worker that died young

    def _start(self) -> BaseProcess:
        process = self.context.Process(target=_worker_main, args=(self.settings, self.sock), daemon=False)
        process.start()
        self.started[process.pid or 0] = time.monotonic()
        return process

    def run(self) -> int:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = self.metrics_dir
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._received)
        try:
            self.workers = [self._start() for _ in range(self.settings.workers)]
            while True:
                while self.signals:
                    received = self.signals.pop(0)
                    if received == signal.SIGHUP:
                        log(logging.INFO, "reload asked; passing it to the workers")
                        for process in self.workers:
                            if process.pid is not None and process.is_alive():
                                os.kill(process.pid, signal.SIGHUP)
                    else:
                        return self._stop()
                self._replace_dead()
                time.sleep(0.2)
        finally:
            shutil.rmtree(self.metrics_dir, ignore_errors=True)

    def _received(self, sig: int, frame: FrameType | None) -> None:
        self.signals.append(sig)

    def _replace_dead(self) -> None:
        for index, process in enumerate(self.workers):
            if process.is_alive() or time.monotonic() < self.not_before:
                continue
            if time.monotonic() - self.started.pop(process.pid or 0, 0.0) < YOUNG_S:
                self.not_before = time.monotonic() + RESTART_PAUSE_S  # e.g. Redis is down: no restart storm
            log(logging.ERROR, "worker died; starting another", pid=process.pid, exit_code=process.exitcode)
            if process.pid is not None:
                from prometheus_client import multiprocess

                multiprocess.mark_process_dead(process.pid, self.metrics_dir)
            self.workers[index] = self._start()

    def _stop(self) -> int:
        log(logging.INFO, "stopping: workers finish their requests and save")
        for process in self.workers:
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for process in self.workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log(logging.ERROR, "worker did not stop in time; killed", pid=process.pid)
                process.kill()
                process.join()
        log(logging.INFO, "stopped")
        return 0
