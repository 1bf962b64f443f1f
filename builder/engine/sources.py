"""What a conversation's facts are read with: the phrase matcher, the RE2 patterns, URL patterns,
the accumulators a ruleset needs, the time zone and business hours.

The fact readers fill it while the rules compile and the `State` reads it at every event. It is
the part of a compiled ruleset that sits below the State, so that neither needs the compiled rules
(`builder.engine.compiled`) nor the module compiling them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from builder.format.model import Ruleset, Settings
from builder.text.matching import PhraseMatcher
from builder.text.patterns import PatternSet

# the phrase anchors and RE2 patterns of a message in one pass
Scan = Callable[[str], tuple[frozenset[int] | set[int], frozenset[int] | None]]


@dataclass
class Needs:
    """Which accumulators a ruleset needs; the rest is never computed."""

    conv_hits: bool = False
    repeat: bool = False
    per_minute: bool = False
    lowest_sentiment: bool = False


@dataclass
class Sources:
    """The readers' shared parts, filled while compiling; read-only once compiled."""

    ruleset: Ruleset
    matcher: PhraseMatcher = field(default_factory=PhraseMatcher)
    patterns: PatternSet = field(default_factory=PatternSet)
    frustration_ids: frozenset[int] = frozenset()
    url_patterns: list[tuple[bool, Callable[[str], Any]]] = field(default_factory=list)  # (whole URL?, match)
    url_pattern_ids: dict[str, int] = field(default_factory=dict)
    conv_pattern_ids: list[int] = field(default_factory=list)
    conv_similar_leaves: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    needs: Needs = field(default_factory=Needs)
    zone: Any = UTC
    per_message: bool = False  # some conversation-level signal must be updated at every message
    similarity_scorer: Any = None
    scan: Scan | None = None  # None: no patterns to combine with the phrases
    hours: dict[str, Any] = field(default_factory=dict)  # schedule id -> open hours, filled on use

    @property
    def settings(self) -> Settings:
        return self.ruleset.settings

    def is_open(self, schedule_id: str, at: datetime) -> bool | None:
        """Business hours through `builder.hours.schedule` (the seam: one place asks the schedule)."""
        hours = self.hours.get(schedule_id)
        if hours is None:
            from builder.hours.schedule import open_hours  # lazy: start-up (runtime.load), as the registry

            schedule = self.ruleset.schedule(schedule_id or None)
            if schedule is None:
                return None
            hours = self.hours[schedule_id] = open_hours(schedule)
        return bool(hours.is_open(at))
