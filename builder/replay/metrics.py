"""Metrics of a replayed library, as plain data a chart or a report reads.

`MetricsBuilder` accumulates `ReplayResult`s one at a time (memory flat, so a dashboard can
update while a replay runs); `compute(results, ruleset)` is the one-call form. Hours are local
to the ruleset's default schedule (UTC without one); "business hours" is whether the team was
open when the escalation happened (routing's answer), else the default schedule's.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from builder.format.model import HANDOFF_MODES, TRIGGER_KINDS, Ruleset
from builder.hours.schedule import open_hours
from builder.replay.batch import Replay
from builder.replay.results import ReplayResult

HEALTHY_LOW, HEALTHY_HIGH = 0.10, 0.20  # the field's healthy escalation rate
WARN_LOW, WARN_HIGH = 0.05, 0.30  # beyond these, warn
NONE = "(none)"  # "did not escalate" in the confusion table
UNSPECIFIED = "(any rule)"  # expected to escalate, rule not named


def rate_status(rate: float | None) -> tuple[str, str]:
    """(status, plain sentence) for an escalation rate: too_low, low, healthy, high, too_high."""
    if rate is None:
        return "empty", "No conversations were replayed."
    pct = f"{rate:.1%}"
    if rate < WARN_LOW:
        return "too_low", (f"Only {pct} of conversations escalate (below {WARN_LOW:.0%}): visitors who "
                           f"need a person may be stuck with the bot.")
    if rate < HEALTHY_LOW:
        return "low", f"{pct} of conversations escalate, a little under the healthy 10-20%."
    if rate <= HEALTHY_HIGH:
        return "healthy", f"{pct} of conversations escalate, inside the healthy 10-20%."
    if rate <= WARN_HIGH:
        return "high", f"{pct} of conversations escalate, a little over the healthy 10-20%."
    return "too_high", (f"{pct} of conversations escalate (above {WARN_HIGH:.0%}): the rules hand over "
                        f"more than the team can usually take.")


@dataclass(frozen=True)
class KindScore:
    """Escalation precision/recall for one trigger kind over conversations with expectations."""

    expected: int
    actual: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.actual if self.actual else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None


@dataclass(frozen=True)
class Metrics:
    total: int
    escalated: int
    by_trigger: dict[str, int]
    by_rule: dict[str, int]
    never_fired: tuple[str, ...]
    by_turn: dict[int, int]
    by_hour: tuple[int, ...]
    open_hours: tuple[bool, ...]  # hours of the day the default schedule is open on some day
    business: int
    offline: int
    by_handoff: dict[str, int]
    timezone: str
    tested: int = 0
    passed: int = 0
    failed: int = 0
    scores: dict[str, KindScore] = field(default_factory=dict)
    overall: KindScore | None = None
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return self.escalated / self.total if self.total else None

    @property
    def rate_status(self) -> str:
        return rate_status(self.rate)[0]

    @property
    def rate_message(self) -> str:
        return rate_status(self.rate)[1]

    @property
    def rate_warning(self) -> bool:
        return self.rate_status in ("too_low", "too_high")

    @property
    def is_test_library(self) -> bool:
        """Every conversation says what it expects: a library built to exercise the rules, whose
        escalation rate says nothing about real traffic (so the healthy band does not apply)."""
        return self.total > 0 and self.tested == self.total

    @property
    def verdict_status(self) -> str:
        """"passed" / "failed" for a test library, else the rate's status against the healthy band."""
        if self.is_test_library:
            return "failed" if self.failed else "passed"
        return self.rate_status

    @property
    def verdict(self) -> str:
        """One sentence that says which kind of library this is and how it did."""
        if self.is_test_library:
            if self.failed:
                return (f"Test library: {self.failed} of {self.tested} conversations did not get the outcome "
                        f"they expect (judged by their expectations, not by the escalation rate).")
            return (f"Test library: all {self.tested} conversations got the outcome they expect (judged by "
                    f"their expectations, not by the escalation rate).")
        return f"Real traffic: {self.rate_message}" if self.total else self.rate_message

    def confusion_labels(self) -> tuple[list[str], list[str]]:
        """Row labels (expected) and column labels (actual) of the confusion table."""
        rows = sorted({e for e, _ in self.confusion}, key=lambda r: (r == NONE, r))
        cols = sorted({a for _, a in self.confusion}, key=lambda c: (c == NONE, c))
        return rows, cols

    def to_dict(self) -> dict[str, Any]:
        def score(s: KindScore | None) -> dict[str, Any] | None:
            if s is None:
                return None
            return {"expected": s.expected, "actual": s.actual, "correct": s.correct,
                    "precision": s.precision, "recall": s.recall}

        return {
            "total": self.total, "escalated": self.escalated, "rate": self.rate,
            "rate_status": self.rate_status, "rate_message": self.rate_message,
            "library": "tests" if self.is_test_library else "traffic", "verdict": self.verdict,
            "verdict_status": self.verdict_status,
            "healthy_band": [HEALTHY_LOW, HEALTHY_HIGH], "warn_band": [WARN_LOW, WARN_HIGH],
            "by_trigger": self.by_trigger, "by_rule": self.by_rule, "never_fired": list(self.never_fired),
            "by_turn": {str(k): v for k, v in self.by_turn.items()}, "by_hour": list(self.by_hour),
            "open_hours": list(self.open_hours), "business": self.business, "offline": self.offline,
            "by_handoff": self.by_handoff, "timezone": self.timezone,
            "tested": self.tested, "passed": self.passed, "failed": self.failed,
            "scores": {k: score(v) for k, v in self.scores.items()}, "overall": score(self.overall),
            "confusion": [{"expected": e, "actual": a, "count": n} for (e, a), n in sorted(self.confusion.items())],
        }


def _zone(ruleset: Ruleset) -> ZoneInfo:
    schedule = ruleset.schedule(None)
    try:
        return ZoneInfo(schedule.timezone) if schedule is not None else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _open_hours(ruleset: Ruleset) -> tuple[bool, ...]:
    """Hours (0-23) that some weekly interval of the default schedule covers, for shading."""
    hours = [False] * 24
    schedule = ruleset.schedule(None)
    for interval in schedule.weekly if schedule is not None else ():
        start = int(interval.start[:2]) * 60 + int(interval.start[3:])
        end = int(interval.end[:2]) * 60 + int(interval.end[3:])
        if end <= start:
            end += 24 * 60
        for hour in range(start // 60, -(-end // 60)):  # every hour slot the interval touches
            hours[hour % 24] = True
    return tuple(hours)


@dataclass
class MetricsPartial:
    """The counts behind the metrics of part of a library, plain data: partials of separate parts
    (a cluster's partitions) merge into exactly the counts of the whole."""

    total: int = 0
    escalated: int = 0
    business: int = 0
    offline: int = 0
    tested: int = 0
    passed: int = 0
    by_trigger: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    by_turn: Counter[int] = field(default_factory=Counter)
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_handoff: Counter[str] = field(default_factory=Counter)
    expected_kind: Counter[str] = field(default_factory=Counter)
    actual_kind: Counter[str] = field(default_factory=Counter)
    correct_kind: Counter[str] = field(default_factory=Counter)
    overall: list[int] = field(default_factory=lambda: [0, 0, 0])  # expected, actual, correct escalations
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    _SUMS = ("total", "escalated", "business", "offline", "tested", "passed")
    _COUNTERS = ("by_trigger", "by_rule", "by_turn", "by_handoff", "expected_kind", "actual_kind", "correct_kind",
                 "confusion")

    def merge(self, other: MetricsPartial) -> None:
        """Add another part's counts to these."""
        for name in self._SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in self._COUNTERS:
            getattr(self, name).update(getattr(other, name))
        self.by_hour = [a + b for a, b in zip(self.by_hour, other.by_hour, strict=True)]
        self.overall = [a + b for a, b in zip(self.overall, other.overall, strict=True)]


class MetricsBuilder:
    """Add results one at a time; `metrics()` at any moment (e.g. while a replay runs). Its counts
    are a `MetricsPartial` (`partial`), so builders of separate parts merge (`merge`)."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.zone = _zone(ruleset)
        self.rule_trigger = {r.id: r.trigger for r in ruleset.rules}
        self._hours: Any = None
        self.partial = MetricsPartial()

    def merge(self, partial: MetricsPartial) -> None:
        """Add the counts of another part of the library (another builder's `partial`)."""
        self.partial.merge(partial)

    def _default_open(self, at: datetime) -> bool | None:
        schedule = self.ruleset.schedule(None)
        if schedule is None:
            return None
        if self._hours is None:
            self._hours = open_hours(schedule)
        return bool(self._hours.is_open(at))

    def add(self, result: ReplayResult) -> None:
        p = self.partial
        p.total += 1
        decision = result.decision
        if decision.get("escalated"):
            p.escalated += 1
            p.by_trigger[str(decision.get("trigger"))] += 1
            p.by_rule[str(decision.get("rule"))] += 1
            p.by_turn[int(decision.get("turn") or 0)] += 1
            p.by_handoff[str(decision.get("handoff"))] += 1
            at_text = decision.get("at")
            if at_text:
                at = datetime.fromisoformat(str(at_text).replace("Z", "+00:00"))
                if at.tzinfo is None:
                    at = at.replace(tzinfo=UTC)
                p.by_hour[at.astimezone(self.zone).hour] += 1
                is_open = result.open if result.open is not None else self._default_open(at)
                if is_open is True:
                    p.business += 1
                elif is_open is False:
                    p.offline += 1
        if result.expect is not None:
            self._add_expectation(result.expect, decision, result.passed)

    def _add_expectation(self, expect: Mapping[str, Any], decision: Mapping[str, Any], passed: bool | None) -> None:
        p = self.partial
        p.tested += 1
        p.passed += bool(passed)
        want = bool(expect.get("escalate"))
        got = bool(decision.get("escalated"))
        want_rule = expect.get("rule")
        want_kind = expect.get("trigger") or (self.rule_trigger.get(str(want_rule)) if want_rule else None)
        got_kind = decision.get("trigger") if got else None
        p.overall[0] += want
        p.overall[1] += got
        p.overall[2] += want and got
        if want and want_kind:
            p.expected_kind[str(want_kind)] += 1
        if got_kind:
            p.actual_kind[str(got_kind)] += 1
        if want and got and want_kind and want_kind == got_kind:
            p.correct_kind[str(want_kind)] += 1
        expected_label = (str(want_rule) if want_rule else UNSPECIFIED) if want else NONE
        p.confusion[(expected_label, str(decision.get("rule")) if got else NONE)] += 1

    def metrics(self) -> Metrics:
        p = self.partial
        rules = self.ruleset.rules
        by_rule = {r.id: p.by_rule.get(r.id, 0) for r in rules}
        by_rule.update({k: v for k, v in p.by_rule.items() if k not in by_rule})
        kinds = set(p.expected_kind) | set(p.actual_kind)
        scores = {k: KindScore(p.expected_kind[k], p.actual_kind[k], p.correct_kind[k])
                  for k in TRIGGER_KINDS if k in kinds}
        return Metrics(
            total=p.total, escalated=p.escalated,
            by_trigger={k: p.by_trigger.get(k, 0) for k in TRIGGER_KINDS},
            by_rule=by_rule,
            never_fired=tuple(r.id for r in rules if r.enabled and not p.by_rule.get(r.id)),
            by_turn=dict(sorted(p.by_turn.items())),
            by_hour=tuple(p.by_hour), open_hours=_open_hours(self.ruleset),
            business=p.business, offline=p.offline,
            by_handoff={m: p.by_handoff.get(m, 0) for m in HANDOFF_MODES},
            timezone=self.zone.key,
            tested=p.tested, passed=p.passed, failed=p.tested - p.passed,
            scores=scores,
            overall=KindScore(*p.overall) if p.tested else None,
            confusion=dict(p.confusion),
        )


def compute(results: Iterable[ReplayResult], ruleset: Ruleset) -> Metrics:
    """Metrics of a whole set of results."""
    builder = MetricsBuilder(ruleset)
    for result in results:
        builder.add(result)
    return builder.metrics()


def select(results: Iterable[ReplayResult], *, trigger: str | None = None, rule: str | None = None,
           turn: int | None = None, hour: int | None = None, handoff: str | None = None,
           escalated: bool | None = None, passed: bool | None = None, team_open: bool | None = None,
           zone: str = "UTC") -> list[ReplayResult]:
    """The results behind one bar of a chart (every given criterion must match); `hour` is local
    to `zone` (pass `Metrics.timezone`), `team_open` is routing's answer at the escalation."""
    tz = ZoneInfo(zone)
    out = []
    for r in results:
        d = r.decision
        if escalated is not None and bool(d.get("escalated")) != escalated:
            continue
        if trigger is not None and (not d.get("escalated") or d.get("trigger") != trigger):
            continue
        if rule is not None and (not d.get("escalated") or d.get("rule") != rule):
            continue
        if turn is not None and (not d.get("escalated") or int(d.get("turn") or 0) != turn):
            continue
        if handoff is not None and (not d.get("escalated") or d.get("handoff") != handoff):
            continue
        if hour is not None:
            at = d.get("at")
            if not at or datetime.fromisoformat(str(at).replace("Z", "+00:00")).astimezone(tz).hour != hour:
                continue
        if passed is not None and r.passed is not passed:
            continue
        if team_open is not None and r.open is not team_open:
            continue
        out.append(r)
    return out


@dataclass(frozen=True)
class MetricsDelta:
    """B minus A for the headline numbers (what changed between two revisions)."""

    rate: float | None
    escalated: int
    by_trigger: dict[str, int]
    by_rule: dict[str, int]
    passed: int
    failed: int


def delta(a: Metrics, b: Metrics) -> MetricsDelta:
    rules = list(dict.fromkeys([*a.by_rule, *b.by_rule]))
    return MetricsDelta(
        rate=(b.rate - a.rate) if a.rate is not None and b.rate is not None else None,
        escalated=b.escalated - a.escalated,
        by_trigger={k: b.by_trigger.get(k, 0) - a.by_trigger.get(k, 0) for k in TRIGGER_KINDS},
        by_rule={r: b.by_rule.get(r, 0) - a.by_rule.get(r, 0) for r in rules},
        passed=b.passed - a.passed, failed=b.failed - a.failed,
    )


# --- comparing two revisions on the same library -----------------------------------------------

@dataclass(frozen=True)
class Change:
    """One conversation decided differently by revision B than by revision A."""

    index: int
    conversation_id: str
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class Comparison:
    now_escalate: tuple[Change, ...]
    no_longer_escalate: tuple[Change, ...]
    other_rule: tuple[Change, ...]
    other_turn: tuple[Change, ...]  # same rule, earlier or later
    a: Metrics
    b: Metrics
    errors: tuple[Any, ...] = ()  # unreadable lines of the library (LineError), reported once

    @property
    def delta(self) -> MetricsDelta:
        return delta(self.a, self.b)

    @property
    def changed(self) -> int:
        return len(self.now_escalate) + len(self.no_longer_escalate) + len(self.other_rule) + len(self.other_turn)


def change_kind(da: Mapping[str, Any], db: Mapping[str, Any]) -> str | None:
    """How B's decision differs from A's: "now", "no" (longer), another "rule", another "turn", or None."""
    if not da.get("escalated") and db.get("escalated"):
        return "now"
    if da.get("escalated") and not db.get("escalated"):
        return "no"
    if da.get("escalated") and da.get("rule") != db.get("rule"):
        return "rule"
    if da.get("escalated") and da.get("turn") != db.get("turn"):
        return "turn"
    return None


def compare_results(pairs: Iterable[tuple[ReplayResult, ReplayResult]], ruleset_a: Ruleset,
                    ruleset_b: Ruleset) -> Comparison:
    """Sort each (A, B) pair of results for the same conversation into what changed."""
    ma, mb = MetricsBuilder(ruleset_a), MetricsBuilder(ruleset_b)
    lists: dict[str, list[Change]] = {"now": [], "no": [], "rule": [], "turn": []}
    for ra, rb in pairs:
        ma.add(ra)
        mb.add(rb)
        kind = change_kind(ra.decision, rb.decision)
        if kind is not None:
            lists[kind].append(Change(ra.index, ra.conversation_id, ra.decision, rb.decision))
    return Comparison(tuple(lists["now"]), tuple(lists["no"]), tuple(lists["rule"]), tuple(lists["turn"]),
                      ma.metrics(), mb.metrics())


def compare_replays(ruleset_a: Ruleset, ruleset_b: Ruleset, source: Any, **options: Any) -> Comparison:
    """Replay the same library (a path, read twice in step) with two revisions and compare."""
    if hasattr(source, "read"):  # a stream can be read once: keep its text for both runs
        text = source.read()
        src_a: Any = io.StringIO(text)
        src_b: Any = io.StringIO(text)
    elif isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        src_a = src_b = source
    else:
        src_a = src_b = list(source)  # an in-memory library is iterated twice
    run_a, run_b = Replay(ruleset_a, src_a, **options), Replay(ruleset_b, src_b, **options)
    comparison = compare_results(_in_step(iter(run_a), iter(run_b)), ruleset_a, ruleset_b)
    internal_b = tuple(e for e in run_b.errors if getattr(e, "internal", False))
    return replace(comparison, errors=tuple(run_a.errors) + internal_b)


def _in_step(run_a: Iterator[ReplayResult],
             run_b: Iterator[ReplayResult]) -> Iterator[tuple[ReplayResult, ReplayResult]]:
    """Pairs of results for the same input line; a conversation only one run could decide (the
    other met an internal error on it) is left out of the comparison, never paired with the next."""
    a, b = next(run_a, None), next(run_b, None)
    while a is not None and b is not None:
        if a.line == b.line:
            yield a, b
            a, b = next(run_a, None), next(run_b, None)
        elif a.line < b.line:
            a = next(run_a, None)
        else:
            b = next(run_b, None)
