"""Fuzz target: the runtime's `Session.observe` and `tick` (issue #23, problems 1 and 2). Any
sequence of events gives Decisions or None; the only error is `EventTimeError` (a ValueError) for
a time the clock cannot take, and it changes nothing; every Decision and payload encodes as UTF-8
JSON."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder import runtime
from builder.engine import EventTimeError
from builder.paths import example_playbook
from tests.fuzz.harness import CASES, guarded
from tests.fuzz.strategies import ODD_VALUES, events

AT = "2026-11-24T09:00:00Z"
REPRODUCTIONS = [
    [{"at": "9999-12-31T23:59:00-05:00", "type": "visitor", "text": "I want a human"}],
    [{"at": "0001-01-01T00:10:00+05:00", "type": "visitor", "text": "I want a human"}],
    [{"at": AT, "type": "visitor", "text": "human \ud800 please"}],
    [{"at": AT, "type": "visitor", "text": "where is my order number 5"}] * 50,
]


@pytest.fixture(scope="module")
def rules() -> runtime.Runtime:
    return runtime.load(example_playbook())


@settings(max_examples=CASES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(events(), max_size=8), visitor=st.dictionaries(st.sampled_from(
    ["name", "email", "score", "returning", "attributes", "\ud800"]), ODD_VALUES, max_size=3), trace=st.booleans())
@example(sequence=REPRODUCTIONS[0], visitor={}, trace=False)
@example(sequence=REPRODUCTIONS[1], visitor={}, trace=True)
@example(sequence=REPRODUCTIONS[2], visitor={"name": "\udc00"}, trace=True)
@example(sequence=REPRODUCTIONS[3], visitor={}, trace=False)
def test_any_events_give_decisions_or_the_documented_error(rules: runtime.Runtime, sequence: list[dict[str, Any]],
                                                          visitor: dict[str, Any], trace: bool) -> None:
    with guarded("runtime observe"):
        session = rules.session("c", visitor, trace=trace)
        for event in sequence:
            before = session.to_state()
            try:
                decision = session.observe(event)
            except EventTimeError:
                assert session.to_state() == before
                continue
            if decision is not None:
                json.dumps(decision.to_dict(), ensure_ascii=False).encode("utf-8")
                json.dumps(decision.payload, ensure_ascii=False, default=str).encode("utf-8")
                decision.why.encode("utf-8")
        deadline = session.next_deadline
        if deadline is not None:
            try:
                session.tick(deadline + timedelta(seconds=1))
            except EventTimeError:  # a deadline past 2200 (the clock's last year): refused, documented
                pass
