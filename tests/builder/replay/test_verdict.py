"""A library is judged as what it is: a test library by its expectations, real traffic by the band."""

from __future__ import annotations

from builder.replay.metrics import compute
from tests.builder.replay.test_metrics import result, ruleset

YES = {"escalate": True, "rule": "human", "turn": 1}


def test_a_test_library_is_judged_by_its_expectations_not_the_rate() -> None:
    library = [result(i, "human", expect=YES, passed=True) for i in range(9)] + [
        result(9, None, expect={"escalate": False}, passed=True)]
    m = compute(library, ruleset())
    assert m.rate == 0.9 and m.rate_status == "too_high"  # the band alone would call this a red flag
    assert m.is_test_library and m.verdict_status == "passed"
    assert m.verdict.startswith("Test library: all 10 ")
    assert "team can" not in m.verdict


def test_a_failed_expectation_fails_the_test_library() -> None:
    library = [result(0, "human", expect=YES, passed=True), result(1, None, expect=YES, passed=False)]
    m = compute(library, ruleset())
    assert m.verdict_status == "failed" and "1 of 2" in m.verdict


def test_real_traffic_is_judged_by_the_healthy_band() -> None:
    library = [result(0, "human", expect=YES, passed=True)] + [result(i) for i in range(1, 10)]
    m = compute(library, ruleset())
    assert not m.is_test_library
    assert m.verdict_status == "healthy" and m.verdict.startswith("Real traffic: ")
