"""The rulesets a worker runs: the file's current one, and older ones while conversations use them.

Why by content hash: a reload must not change a conversation in flight (it keeps the rules it
started with), and with Redis a conversation may continue on a worker that started after the
reload and never loaded the older file. So every Runtime is kept under its content hash; a hash
this worker does not hold is asked of the store (the Redis store keeps each ruleset document a
conversation still uses). Reloading is `runtime.RulesetHolder`: the new file is validated first and
a bad one keeps the current rules, with the reason in `last_reload` (shown by `/healthz`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from builder import runtime
from builder.engine.decision import iso
from builder.serve.logs import log

Fetch = Callable[[str], Awaitable[dict[str, Any] | None]]


def identity(rules: runtime.Runtime) -> dict[str, Any]:
    """What `/v1/ruleset` says about a ruleset: name, version, content hash, exported_at."""
    return {"name": rules.ruleset.metadata.name, "version": rules.version, "content_hash": rules.content_hash,
            "exported_at": iso(rules.exported_at)}


def document(rules: runtime.Runtime) -> dict[str, Any]:
    """A ruleset as the store keeps it for other workers: its document and when it was exported."""
    return {"document": rules.ruleset.to_dict(), "exported_at": iso(rules.exported_at)}


class Rulesets:
    """The current ruleset (`current`), reloadable, and every ruleset this worker ran, by hash."""

    def __init__(self, path: str) -> None:
        self.holder = runtime.RulesetHolder(path)  # RulesetLoadError: nothing to serve
        self.by_hash: dict[str, runtime.Runtime] = {self.current.content_hash: self.current}
        self.last_reload: dict[str, Any] = {"ok": True, "at": _now_iso(), "error": None}
        self.fetch: Fetch | None = None
        self._stamp = _stamp(self.holder.path)
        for problem in self.current.warnings:
            log(logging.WARNING, "ruleset warning", location=problem.path, message=problem.message)

    @property
    def current(self) -> runtime.Runtime:
        return self.holder.runtime

    def reload(self, *, only_if_modified: bool = False) -> runtime.Reload | None:
        """Load the file again (on SIGHUP, or when it changed); a bad file keeps the current rules.
        None when `only_if_modified` and the file's size and modification time did not change."""
        stamp = _stamp(self.holder.path)
        if only_if_modified and stamp == self._stamp:
            return None
        self._stamp = stamp
        before = self.current.content_hash
        result = self.holder.reload()
        self.last_reload = {"ok": result.ok, "at": _now_iso(), "error": result.error}
        if not result.ok:
            log(logging.ERROR, "ruleset not reloaded; the previous rules stay", error=result.error,
                content_hash=before)
            return result
        self.by_hash[result.runtime.content_hash] = result.runtime
        log(logging.INFO, "ruleset reloaded" if result.changed else "ruleset file read again, rules unchanged",
            **identity(result.runtime), previous=before)
        return result

    async def runtime_for(self, content_hash: str) -> runtime.Runtime | None:
        """The Runtime of a hash: held here, or rebuilt from the store's copy; None when unknown."""
        found = self.by_hash.get(content_hash)
        if found is not None or self.fetch is None:
            return found
        saved = await self.fetch(content_hash)
        if saved is None:
            return None
        try:
            rules = runtime.from_document(saved["document"])
        except runtime.RulesetLoadError as exc:
            log(logging.ERROR, "a stored ruleset cannot be loaded", content_hash=content_hash, error=str(exc))
            return None
        exported = saved.get("exported_at")
        rules.exported_at = datetime.fromisoformat(exported) if isinstance(exported, str) else None
        self.by_hash[rules.content_hash] = rules
        return rules

    def keep_only(self, in_use: set[str]) -> None:
        """Forget older rulesets no conversation uses any more (the current one always stays)."""
        current = self.current.content_hash
        for content_hash in list(self.by_hash):
            if content_hash != current and content_hash not in in_use:
                del self.by_hash[content_hash]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
