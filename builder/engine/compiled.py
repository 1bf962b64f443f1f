"""A compiled ruleset as sessions, traces and the index read it: data only.

`builder.engine.compile` fills it (and its `CompiledRuleset` adds opening sessions); the session
module reads it. Keeping the data below both is what lets the session module build sessions from
a compiled ruleset without the compiler and the session importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builder.engine.nodes import CRule, Gates, Getter, Test
from builder.engine.sources import Sources
from builder.format.model import Ruleset, Settings


def _no_gates(st: object) -> set[int]:
    return set()


@dataclass
class Compiled:
    """The compiled rules (in rule order, enabled ones only), their hot-loop view and timers."""

    ruleset: Ruleset
    sources: Sources
    rules: tuple[CRule, ...] = ()
    has_timers: bool = False
    timer_points: tuple[tuple[float, str, int], ...] = ()  # (offset seconds, base, rule position), sorted
    start_keys: tuple[float, ...] = ()  # offsets (s) after the start at which a timer leaf crosses, sorted
    start_points: tuple[int, ...] = ()  # ... and the rule position of each
    silence_keys: tuple[float, ...] = ()  # the same after the latest message
    silence_points: tuple[int, ...] = ()
    # The hot loop's view (see `builder.engine.index`): per rule position its closure, and the same
    # specialised for a message without phrase hits (None: cannot hold then); rules without a gate;
    # the generated function finding the positions of the rules whose gate holds (and its source).
    tests: tuple[Test, ...] = ()
    quiet_tests: tuple[Test | None, ...] = ()
    always: tuple[int, ...] = ()
    gates: Gates = _no_gates
    gates_source: str = ""
    # what the trace lists as an evaluation's facts: (fact key, reader), core signals first
    snapshot: tuple[tuple[str, Getter], ...] = ()
    # (content hash, engine fingerprint) a session state names, worked out on first use (`session_state`)
    identity: tuple[str, str] | None = None
    # the `Decider` making this ruleset's Decisions, made at the first escalation (`session`)
    decider: Any = None

    @property
    def settings(self) -> Settings:
        return self.ruleset.settings
