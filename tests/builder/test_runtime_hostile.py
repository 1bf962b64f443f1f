"""Issue #23 at the runtime: an event time the clock cannot take is refused with the documented
error and changes nothing, visitor text always encodes, traces and problem lists are capped."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from builder import runtime
from builder.engine import EventTimeError
from builder.engine.explain.trace import TRACE_MATCHES, TRACE_TEXT_CHARS
from builder.paths import example_playbook
from rules_schema.validation import MAX_PROBLEMS, validate


@pytest.fixture(scope="module")
def rules() -> runtime.Runtime:
    return runtime.load(example_playbook())


@pytest.mark.parametrize("at", ["9999-12-31T23:59:00-05:00", "0001-01-01T00:10:00+05:00",
                                "2026-11-24T09:00:00+15:00", "2201-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
                                "not a time"])
def test_an_event_time_out_of_bounds_is_refused_and_changes_nothing(rules: runtime.Runtime, at: str) -> None:
    session = rules.session("c")
    session.observe({"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "hello there"})
    before = session.to_state()
    with pytest.raises(EventTimeError):
        session.observe({"at": at, "type": "visitor", "text": "I want to talk to a human"})
    assert isinstance(EventTimeError("x"), ValueError)  # what observe always raised for a bad time
    assert session.to_state() == before
    assert session.observe({"at": "2026-11-24t09:01:00z", "type": "visitor", "text": "I want a human"}) is not None


def test_tick_refuses_an_instant_out_of_bounds(rules: runtime.Runtime) -> None:
    session = rules.session("c")
    session.observe({"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": "hello there"})
    with pytest.raises(EventTimeError):
        session.tick(datetime(9999, 12, 31, tzinfo=UTC))


def test_lone_surrogates_in_visitor_text_never_reach_the_payload(rules: runtime.Runtime) -> None:
    session = rules.session("c\ud800")
    decision = session.observe({"at": "2026-11-24T09:00:00Z", "type": "visitor",
                                "text": "I want to talk to a human \ud800 now"})
    assert decision is not None
    text = json.dumps(decision.payload, ensure_ascii=False, default=str)
    assert "\ud800 now" not in text and "\ufffd now" in text


def test_a_trace_copies_at_most_a_bounded_text(rules: runtime.Runtime) -> None:
    session = rules.session("c", trace=True)
    word = "please, I want a human now! " * 200  # 5.6 KB, 200 matches (sentiment is slow on more: wip-speed)
    decision = session.observe({"at": "2026-11-24T09:00:00Z", "type": "visitor", "text": word})
    assert decision is not None
    trace = decision.to_dict()["trace"]
    size = len(json.dumps(trace))
    assert size < 150_000, size  # 11 MB for one 300 KB token before

    def leaves(node: dict) -> list[dict]:  # type: ignore[type-arg]
        if "fact" in node:
            return [node]
        return [x for c in node.get("conditions", []) for x in leaves(c)]

    for rule in trace:
        for leaf in leaves(rule["conditions"][0]):
            assert not isinstance(leaf.get("actual"), str) or len(leaf["actual"]) <= TRACE_TEXT_CHARS
            assert len(leaf.get("matches", [])) <= TRACE_MATCHES


def test_problems_are_capped() -> None:
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    document["rules"] = [{}] * 20_000  # 120,000 problems: minutes and gigabytes to describe before
    problems = validate(document)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].code == "validation.more_problems" and problems[-1].is_error
