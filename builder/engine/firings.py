"""What a session records of its evaluations: the rules that fired (`Firing`, what the chatbot
should do), each evaluation when tracing (`Evaluation`), and the one definition of a cooldown.

Apart from the session because the trace, the runtime's hooks and the tests read them too, and
they are plain data: nothing here evaluates a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from builder.engine.nodes import CRule


def cooling(cr: CRule, last_turn: int, last_at: float, turn: int, now: float) -> bool:
    """Whether `cr`, which last fired at turn `last_turn`, instant `last_at`, may not fire at
    (`turn`, `now`): the one definition of the cooldown, for the evaluation and for its trace.
    `every_turn` first: the common policy on the hot path."""
    policy = cr.policy
    if policy == "every_turn":
        return last_turn == turn
    if policy == "once":
        return True
    return now - last_at < cr.cooldown_s


class Firing(NamedTuple):
    """A rule that fired (with or without escalating): what the chatbot should do."""

    rule: str
    turn: int
    at: datetime
    tags: tuple[str, ...]
    replies: tuple[str, ...]
    notify: tuple[str, ...]
    escalate: bool


@dataclass(frozen=True)
class Evaluation:
    """One evaluation (a turn or a timer), recorded when the session traces."""

    turn: int
    at: datetime
    timer: bool
    fired: tuple[str, ...]
    trace: tuple[dict[str, Any], ...]
    facts: dict[str, Any]
