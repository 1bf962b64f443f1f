"""What `handoff-builder serve` was asked to do, checked once before anything starts.

Why a frozen dataclass: the supervisor hands it to each worker process (pickled), and every part
of the service reads the same values; a mistake (two workers on the memory store, a token variable
that is not set, an e-mail channel as the timer destination) is refused here with a sentence, before
a port is opened.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A setting that cannot work; the message says which and what to do."""


@dataclass(frozen=True)
class Settings:
    ruleset: str
    host: str = "127.0.0.1"
    port: int = 8700
    workers: int = 1
    store: str = "memory"
    ttl_s: float = 24 * 3600.0  # idle conversations expire after this long
    token: str | None = field(default=None, repr=False)  # from --token-env, never logged
    max_body_bytes: int = 64 * 1024
    callback_url: str | None = None  # timer decisions are posted here
    channel: str | None = None  # or to this ruleset channel (slack, teams, webhook)
    reload_interval_s: float = 2.0  # poll the ruleset file; 0: only on SIGHUP
    timer_poll_s: float = 0.25  # how often a worker looks for due timers in Redis
    settle_s: float = 0.0  # `runtime.settle()` between requests this often (a worker: 1 s); 0: the host decides
    lock_timeout_s: float = 10.0  # a conversation lock is released after this even if its worker died
    log_level: str = "info"
    state_file: str | None = None  # the memory store writes open conversations here at shutdown

    @property
    def uses_redis(self) -> bool:
        return self.store.startswith(("redis://", "rediss://", "unix://"))


WORKER_SETTLE_S = 1.0
"""A worker process settles once a second: live sessions leave the collector's way, so no request
waits for a long full collection (`runtime.settle`, DEPLOYING.md); each settle costs ~1-2 ms."""


def make_settings(*, ruleset: str, host: str, port: int, workers: int, store: str, ttl_s: float,
                  token_env: str | None, max_body_bytes: int, callback_url: str | None, channel: str | None,
                  reload_interval_s: float, log_level: str, state_file: str | None = None) -> Settings:
    """Settings from the command line, or SettingsError with the reason."""
    if workers < 1:
        raise SettingsError("--workers must be 1 or more")
    if not 0 <= port <= 65535:
        raise SettingsError("--port must be from 0 to 65535")
    if store != "memory" and not store.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"--store must be 'memory' or a redis:// URL, not {store!r}")
    if workers > 1 and store == "memory":
        raise SettingsError(f"--workers {workers} needs --store redis://…: with the memory store each worker "
                            "would keep its own conversations, and a visitor's next message could reach a "
                            "worker that never saw the first")
    if ttl_s <= 0:
        raise SettingsError("--ttl must be more than 0 seconds")
    if max_body_bytes < 1024:
        raise SettingsError("--max-body must be at least 1024 bytes")
    token = None
    if token_env:
        token = os.environ.get(token_env)
        if not token:
            raise SettingsError(f"--token-env {token_env}: the environment variable {token_env} is not set or empty")
    if callback_url is not None:
        from builder.handoff.notify import check_url

        problem = check_url(callback_url)
        if problem is not None:
            raise SettingsError(f"--callback-url: {problem}")
    if reload_interval_s < 0:
        raise SettingsError("--reload-interval must be 0 (off) or more seconds")
    if store != "memory" and not urlsplit(store).scheme:
        raise SettingsError(f"--store {store!r} is not a URL")
    if state_file is not None and store != "memory":
        raise SettingsError("--state-file is for the memory store; Redis keeps conversations itself")
    return Settings(ruleset=ruleset, host=host, port=port, workers=workers, store=store, ttl_s=ttl_s,
                    token=token, max_body_bytes=max_body_bytes, callback_url=callback_url, channel=channel,
                    reload_interval_s=reload_interval_s, log_level=log_level,
                    state_file=state_file, settle_s=WORKER_SETTLE_S)
