"""Compiled condition nodes: the hot-path closure of each node next to what explains it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from builder.engine.state import State
from builder.format.model import Leaf, Rule

Test = Callable[[State], bool]
Getter = Callable[[State], Any]
Gates = Callable[[State], "set[int]"]  # the generated function finding the candidate rules (`builder.engine.index`)


class CompileError(ValueError):
    """The ruleset cannot be evaluated; `problems` are readable `location: message` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems) if len(problems) <= 3 else
                         "; ".join(problems[:3]) + f" (and {len(problems) - 3} more)")


# --- compiled condition nodes ---------------------------------------------------------------

@dataclass
class CLeaf:
    """A compiled leaf: `test` is the fast closure; `actual` reads the value for explanations
    (`inline`: the same reading as an expression over `st`, for the generated gate function)."""

    leaf: Leaf
    path: str
    test: Test
    actual: Getter
    phrase_ids: frozenset[int] = frozenset()
    pattern_id: int | None = None
    conversation: bool = False
    # (getter, comparison, threshold) of a numeric comparison: groups test several in one loop
    spec: tuple[Getter, Callable[[Any, Any], bool], float] | None = None
    inline: str | None = None


@dataclass
class CGroup:
    kind: str  # all | any | not
    children: tuple[CNode, ...]
    test: Test
    path: str


CNode = CLeaf | CGroup


@dataclass(slots=True)
class CRule:
    rule: Rule
    index: int  # in the ruleset (disabled rules included)
    test: Test
    root: CNode
    leaves: tuple[CLeaf, ...]
    timer_leaves: tuple[tuple[str, float, float], ...]  # (base, seconds per unit, threshold)
    escalates: bool = False
    stop: bool = True
    policy: str = "once"
    cooldown_s: float = 0.0
    tags: tuple[str, ...] = ()
    replies: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    set_priority: str | None = None
    position: int = 0  # in the compiled (enabled) rules
