"""One conversation's replay result: the decision, checked against the conversation's `expect` the
way `handoff-builder test` checks it, and the progress a run reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from builder.format.conversation import Conversation, LineError

COMPARED = ("escalate", "rule", "turn", "trigger", "handoff", "team", "priority", "tags")


@dataclass(frozen=True)
class ReplayResult:
    """One conversation's outcome. `passed` is None when the conversation has no `expect`."""

    index: int
    conversation_id: str
    decision: dict[str, Any]
    expect: dict[str, Any] | None = None
    passed: bool | None = None
    open: bool | None = None  # was the team open at the escalation (None: no escalation)
    line: int = 0
    misses: tuple[tuple[str, Any, Any], ...] = ()

    @property
    def escalated(self) -> bool:
        return bool(self.decision.get("escalated"))


@dataclass(frozen=True)
class ReplayProgress:
    done: int
    fraction: float | None  # share of the input read, when its size is known
    errors: int = 0


def expectation_misses(expect: Mapping[str, Any], decision: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, expected, actual) for each expectation the decision misses (same as `test`)."""
    actual = {"escalate": decision.get("escalated"), **decision}
    misses = []
    for key in COMPARED:
        if key in expect:
            want, got = expect[key], actual.get(key)
            same = sorted(want or []) == sorted(got or []) if key == "tags" else want == got
            if not same:
                misses.append((key, want, got))
    return misses


def decide(compiled: Any, conversation: Conversation, index: int = 0) -> ReplayResult:
    """Run one conversation (the one implementation the CLI path and the pool share)."""
    # lazy: the dashboard imports this module on the GUI thread to list libraries; the engine loads
    # in the replay's thread (or preloaded in the fork server), not on the page's first show
    from builder.engine import simulate

    decision = simulate(compiled, conversation)
    data = decision.to_dict(trace=False)
    expect = dict(conversation.expect) if conversation.expect is not None else None
    misses = tuple(expectation_misses(expect, data)) if expect is not None else ()
    routing = decision.routing
    return ReplayResult(
        index=index,
        conversation_id=conversation.id,
        decision=data,
        expect=expect,
        passed=None if expect is None else not misses,
        open=bool(routing.open) if decision.escalated and routing is not None else None,
        line=conversation.line,
        misses=misses,
    )


def decide_or_skip(compiled: Any, conversation: Conversation, index: int = 0) -> ReplayResult | LineError:
    """`decide`, or an `internal` LineError naming the conversation when the engine fails on it: one
    conversation that meets a bug never loses the others."""
    try:
        return decide(compiled, conversation, index)
    except Exception as exc:  # isolation: reported and counted, never silent
        return internal_error(conversation, exc)


def internal_error(conversation: Conversation, exc: BaseException) -> LineError:
    """The report of a conversation the engine failed on (a bug to report, not bad input)."""
    detail = " ".join(str(exc).split())[:200]
    return LineError(conversation.line, f"conversation {conversation.id!r}: internal error "
                     f"({type(exc).__name__}: {detail}); skipped, please report it", internal=True)
