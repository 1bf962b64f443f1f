"""The worker side of a replay on both cores: each worker process compiles the ruleset once, then
parses and decides the chunks it is sent. Workers come from a fork server (never a fork of a
process running Qt threads)."""

from __future__ import annotations

from dataclasses import replace
from multiprocessing import get_context
from typing import Any

from builder.format.conversation import Conversation, LineError, read_conversations
from builder.format.model import Ruleset
from builder.replay.results import ReplayResult, decide_or_skip

_WORKER: Any = None


def init_worker(ruleset: Ruleset) -> None:
    """Compile the ruleset once per worker process."""
    global _WORKER
    from builder.engine import compile_ruleset  # lazy: as `decide`

    _WORKER = compile_ruleset(ruleset)


def work_lines(first_line: int, lines: list[str | None]) -> list[ReplayResult | LineError]:
    """Parse and decide a chunk of JSON Lines, numbered from `first_line` of the whole file."""
    out: list[ReplayResult | LineError] = []
    for item in read_conversations(lines):
        if isinstance(item, LineError):
            out.append(replace(item, line=item.line + first_line - 1))
        else:
            out.append(decide_or_skip(_WORKER, replace(item, line=item.line + first_line - 1)))
    return out


def work_conversations(items: list[Conversation]) -> list[ReplayResult | LineError]:
    """Decide a chunk of conversations already read (CSV, or conversations given in memory)."""
    return [decide_or_skip(_WORKER, c) for c in items]


def pool_context() -> Any:
    """A fork server (started once, with the engine preloaded, so each pool starts fast and no
    fork ever happens from a process running Qt threads); plain spawn where there is none."""
    try:
        context = get_context("forkserver")
    except ValueError:
        return get_context("spawn")
    context.set_forkserver_preload(
        ["builder.replay.pool", "builder.engine", "builder.handoff.routing", "builder.handoff.templates"]
    )
    return context
