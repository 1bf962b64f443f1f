"""Metrics on small libraries whose numbers can be worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from builder.format.model import Ruleset
from builder.replay.metrics import NONE, UNSPECIFIED, MetricsBuilder, compute, delta, rate_status, select
from builder.replay.results import ReplayResult


def ruleset(default_schedule: bool = True) -> Ruleset:
    def rule(rid: str, trigger: str, enabled: bool = True) -> dict[str, Any]:
        return {"id": rid, "name": rid.title(), "enabled": enabled, "trigger": trigger,
                "when": {"fact": "cart.abandoned", "op": "is_true"},
                "actions": [{"type": "escalate", "handoff": "instant", "team": "support", "priority": "normal"}]}

    settings: dict[str, Any] = {"evaluation_mode": "first_match"}
    if default_schedule:
        settings["default_schedule"] = "office"
    return Ruleset.from_dict({
        "schema_version": 1, "metadata": {"name": "m"}, "settings": settings,
        "rules": [rule("human", "explicit_request"), rule("angry", "emotional"), rule("refund", "complex"),
                  rule("off", "keyword", enabled=False)],
        "templates": [],
        "schedules": [{"id": "office", "name": "Office", "timezone": "Europe/Berlin",
                       "weekly": [{"day": "mon", "start": "09:00", "end": "17:30"},
                                  {"day": "fri", "start": "22:00", "end": "02:00"}]}],
        "routing": {"teams": [], "offline_mode": "email", "sla": {}},
        "channels": [],
    })


TRIGGERS = {"human": "explicit_request", "angry": "emotional", "refund": "complex"}


def result(i: int, rule: str | None = None, *, turn: int = 1, at: str = "2026-11-23T09:30:00Z",
           handoff: str = "instant", open_: bool | None = None, expect: dict[str, Any] | None = None,
           passed: bool | None = None) -> ReplayResult:
    decision: dict[str, Any] = {"id": f"c{i}", "escalated": rule is not None, "rule": rule,
                                "turn": turn if rule else None, "at": at if rule else None,
                                "trigger": TRIGGERS.get(rule or ""), "handoff": handoff if rule else None}
    return ReplayResult(i, f"c{i}", decision, expect, passed, open_ if rule else None)


# 2026-11-23 is a Monday; Berlin is UTC+1 in November.
LIBRARY = [
    result(0, "human", turn=1, at="2026-11-23T09:30:00Z", open_=True),    # 10:30 local
    result(1, "human", turn=3, at="2026-11-23T09:45:00Z", open_=True),    # 10:45
    result(2, "angry", turn=1, at="2026-11-23T20:00:00Z", open_=False, handoff="email"),  # 21:00
    result(3, "refund", turn=2, at="2026-11-24T01:10:00Z", handoff="email"),  # Tue 02:10, no routing answer
    *[result(i) for i in range(4, 20)],
]


def test_rate_and_counts_by_trigger_rule_turn_handoff() -> None:
    m = compute(LIBRARY, ruleset())
    assert (m.total, m.escalated, m.rate) == (20, 4, 0.2)
    assert m.rate_status == "healthy" and not m.rate_warning
    assert m.by_trigger == {"explicit_request": 2, "emotional": 1, "complex": 1, "high_intent": 0,
                            "keyword": 0, "behavioral": 0, "time_based": 0}
    assert m.by_rule == {"human": 2, "angry": 1, "refund": 1, "off": 0}
    assert m.never_fired == ()  # "off" is disabled: not a rule that failed to fire
    assert m.by_turn == {1: 2, 2: 1, 3: 1}
    assert m.by_handoff == {"instant": 2, "callback": 0, "email": 2}


def test_hour_of_day_in_the_default_schedule_zone_and_business_hours() -> None:
    m = compute(LIBRARY, ruleset())
    assert m.timezone == "Europe/Berlin"
    assert [h for h, n in enumerate(m.by_hour) for _ in range(n)] == [2, 10, 10, 21]
    # Routing said open, open, closed; the fourth has no routing answer, and the default schedule
    # is closed on Tuesday 02:10 (the overnight span belongs to Friday).
    assert (m.business, m.offline) == (2, 2)
    assert [h for h, o in enumerate(m.open_hours) if o] == [0, 1, 9, 10, 11, 12, 13, 14, 15, 16, 17, 22, 23]


def test_without_a_default_schedule_hours_are_utc() -> None:
    m = compute(LIBRARY, ruleset(default_schedule=False))
    assert m.timezone == "UTC"
    assert [h for h, n in enumerate(m.by_hour) for _ in range(n)] == [1, 9, 9, 20]
    assert (m.business, m.offline) == (2, 1)  # the fourth has no answer at all
    assert not any(m.open_hours)


def test_rules_that_never_fired() -> None:
    m = compute([result(0, "human"), result(1)], ruleset())
    assert m.never_fired == ("angry", "refund")


@pytest.mark.parametrize(("rate", "status", "warn"), [
    (0.0, "too_low", True), (0.049, "too_low", True), (0.05, "low", False), (0.10, "healthy", False),
    (0.20, "healthy", False), (0.25, "high", False), (0.30, "high", False), (0.31, "too_high", True)])
def test_healthy_band(rate: float, status: str, warn: bool) -> None:
    assert rate_status(rate)[0] == status
    assert (status in ("too_low", "too_high")) is warn


def test_empty_library() -> None:
    m = compute([], ruleset())
    assert m.rate is None and m.rate_status == "empty" and m.overall is None


def test_expectations_precision_recall_and_confusion() -> None:
    items = [
        result(0, "human", expect={"escalate": True, "rule": "human"}, passed=True),
        result(1, "angry", expect={"escalate": True, "rule": "human"}, passed=False),
        result(2, "angry", expect={"escalate": True, "trigger": "emotional"}, passed=True),
        result(3, None, expect={"escalate": True, "rule": "refund"}, passed=False),
        result(4, "refund", expect={"escalate": False}, passed=False),
        result(5, None, expect={"escalate": False}, passed=True),
        result(6, "human"),  # no expectation: not a test
    ]
    m = compute(items, ruleset())
    assert (m.tested, m.passed, m.failed) == (6, 3, 3)
    human, angry, refund = m.scores["explicit_request"], m.scores["emotional"], m.scores["complex"]
    assert (human.expected, human.actual, human.correct) == (2, 1, 1)
    assert (human.precision, human.recall) == (1.0, 0.5)
    assert (angry.expected, angry.actual, angry.correct) == (1, 2, 1)
    assert (angry.precision, angry.recall) == (0.5, 1.0)
    assert (refund.expected, refund.actual, refund.correct) == (1, 1, 0)
    assert (refund.precision, refund.recall) == (0.0, 0.0)
    overall = m.overall
    assert overall is not None and (overall.expected, overall.actual, overall.correct) == (4, 4, 3)
    assert m.confusion == {("human", "human"): 1, ("human", "angry"): 1, (UNSPECIFIED, "angry"): 1,
                           ("refund", NONE): 1, (NONE, "refund"): 1, (NONE, NONE): 1}
    rows, cols = m.confusion_labels()
    assert rows[-1] == NONE and cols[-1] == NONE and set(rows) == {"human", UNSPECIFIED, "refund", NONE}


def test_builder_is_incremental_and_select_finds_the_bars() -> None:
    builder = MetricsBuilder(ruleset())
    for r in LIBRARY[:2]:
        builder.add(r)
    assert builder.metrics().escalated == 2
    for r in LIBRARY[2:]:
        builder.add(r)
    assert builder.metrics().escalated == 4
    assert [r.index for r in select(LIBRARY, trigger="explicit_request")] == [0, 1]
    assert [r.index for r in select(LIBRARY, turn=2)] == [3]
    assert [r.index for r in select(LIBRARY, hour=10, zone="Europe/Berlin")] == [0, 1]
    assert len(select(LIBRARY, escalated=False)) == 16
    assert [r.index for r in select(LIBRARY, team_open=False)] == [2]


def test_delta_between_two_runs() -> None:
    a = compute(LIBRARY, ruleset())
    b = compute([*LIBRARY[:3], *[result(i) for i in range(3, 20)]], ruleset())
    d = delta(a, b)
    assert d.escalated == -1 and d.rate == pytest.approx(-0.05)
    assert d.by_rule["refund"] == -1 and d.by_trigger["complex"] == -1 and d.by_rule["human"] == 0


def test_metrics_as_plain_data() -> None:
    data = compute(LIBRARY, ruleset()).to_dict()
    assert data["rate"] == 0.2 and data["healthy_band"] == [0.1, 0.2] and data["by_turn"] == {"1": 2, "2": 1, "3": 1}
