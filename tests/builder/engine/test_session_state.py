"""Resumable sessions: a state saved at any event, sent through JSON into another Runtime loaded from
the same file, continues exactly as the unsplit session; states of other rulesets or versions are refused."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder import runtime
from builder.engine import Session
from builder.engine.session_state import NOT_KEPT, SCALARS, STRUCTURED
from builder.engine.state import State
from builder.format.conversation import Conversation, read_conversations
from builder.format.io import export_ruleset
from builder.format.model import Ruleset
from builder.paths import example_playbook, sample_conversations
from tests.builder.engine.reference_engine import events, make_ruleset
from tests.builder.engine.test_engine_reference import conversations, rules

UTC = UTC
START = "2026-11-24T09:00:00Z"
BERLIN = {"id": "berlin", "name": "Berlin", "timezone": "Europe/Berlin",
          "weekly": [{"day": d, "start": "08:00", "end": "18:00"} for d in ("mon", "tue", "wed", "thu", "fri")]}
ROUTING = {"teams": [{"id": "support", "name": "Support", "schedule": "berlin"}], "offline_mode": "email", "sla": {}}
TEMPLATES = [{"id": "ack", "name": "Ack", "channel": "chat",
              "body": "Hi {{visitor.name | there}}. {{last_message}} / {{transcript}}"}]
PLAN_RULE = {"when": {"all": [{"fact": "visitor.attribute", "param": "plan", "op": "eq", "value": "enterprise"},
                              {"fact": "visitor.score", "op": "gte", "value": 80}]},
             "actions": [{"type": "tag", "tags": ["vip"]}], "stop": False, "cooldown": {"policy": "once"}}


def full_ruleset(rule_list: list[dict[str, Any]], **settings_: Any) -> Ruleset:
    """A ruleset that validates (teams, a schedule) and whose escalations render a reply."""
    for rule in rule_list:
        if any(a["type"] == "escalate" for a in rule.get("actions", [])):
            rule["actions"] = [*rule["actions"], {"type": "reply", "template": "ack"}]
    return make_ruleset(rule_list, routing=ROUTING, schedules=[BERLIN], default_schedule="berlin",
                        templates=TEMPLATES, **settings_)


@contextmanager
def two_runtimes(ruleset: Ruleset) -> Iterator[tuple[runtime.Runtime, runtime.Runtime]]:
    """Two Runtimes loaded from one exported file, as two worker processes would."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.json"
        export_ruleset(ruleset, path)
        yield runtime.load(path), runtime.load(path)


Op = tuple[str, Any]  # ("event", event) or ("tick", datetime)


def run(session: Session, ops: list[Op]) -> list[dict[str, Any] | None]:
    out = []
    for kind, value in ops:
        decision = session.observe(value) if kind == "event" else session.tick(value)
        out.append(decision.to_dict() if decision is not None else None)
    return out


@st.composite
def operations(draw: Any) -> tuple[dict[str, Any], list[Op]]:
    """A generated conversation with profile and context updates inserted, and live ticks between events."""
    conversation = draw(conversations())
    ops: list[Op] = []
    for event in conversation["events"]:
        at = datetime.fromisoformat(event["at"])
        extra = draw(st.integers(0, 5))
        if extra == 1:
            ops.append(("event", {"at": event["at"], "type": "profile", "score": draw(st.integers(0, 100)),
                                  "attributes": {"plan": draw(st.sampled_from(["enterprise", "free"]))}}))
        elif extra == 2:
            ops.append(("event", {"at": event["at"], "type": "context",
                                  "values": {"plan": draw(st.sampled_from(["enterprise", "free", None]))}}))
        elif extra == 3:
            ops.append(("tick", at - timedelta(seconds=draw(st.integers(0, 90)))))
        ops.append(("event", event))
    if draw(st.booleans()):
        ops.append(("tick", datetime.fromisoformat(conversation["events"][-1]["at"]) + timedelta(minutes=10)))
    return conversation, ops


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(rules(), min_size=1, max_size=4), st.booleans(), st.sampled_from(["first_match", "all_matches"]),
       operations())
def test_a_session_split_at_any_event_decides_as_the_unsplit_one(
        rule_list: list[dict[str, Any]], plan_rule: bool, mode: str,
        generated: tuple[dict[str, Any], list[Op]]) -> None:
    conversation, ops = generated
    ruleset = full_ruleset(rule_list + ([dict(PLAN_RULE)] if plan_rule else []), evaluation_mode=mode)
    with two_runtimes(ruleset) as (first, second):
        whole = first.session("c", conversation["visitor"])
        expected = run(whole, ops)
        expected_fired = [tuple(f) for f in whole.fired]
        for split in range(len(ops) + 1):
            before = first.session("c", conversation["visitor"])
            got = run(before, ops[:split])
            saved = json.loads(json.dumps(before.to_state()))
            after = second.restore(saved)
            assert after.next_deadline == before.next_deadline
            got += run(after, ops[split:])
            assert got == expected, f"split at {split}"
            assert [tuple(f) for f in after.fired] == expected_fired
            assert after.to_state() == whole.to_state()


def test_the_state_names_the_format_and_the_exported_files_content_hash(tmp_path: Path) -> None:
    ruleset = full_ruleset([{"when": {"fact": "time.silence_seconds", "op": "gt", "value": 60}}])
    result = export_ruleset(ruleset, tmp_path / "rules.json")
    session = runtime.load(tmp_path / "rules.json").session("c")
    state = session.to_state()
    assert (state["format"], state["version"], state["ruleset"]) == ("handoff-builder/session", 1, result.content_hash)
    assert state["facts"] == {}  # a new session: nothing differs from the defaults


def test_a_state_for_another_ruleset_or_version_is_refused(tmp_path: Path) -> None:
    one = runtime.from_document(full_ruleset([{"when": {"fact": "message.text", "op": "contains_any",
                                                        "value": ["human"]}}]).to_dict())
    other = runtime.from_document(full_ruleset([{"when": {"fact": "message.text", "op": "contains_any",
                                                          "value": ["person"]}}]).to_dict())
    session = one.session("c")
    session.observe({"at": START, "type": "visitor", "text": "hello"})
    state = json.loads(json.dumps(session.to_state()))
    with pytest.raises(runtime.SessionStateError, match="another ruleset"):
        other.restore(state)
    with pytest.raises(runtime.SessionStateError, match="version 2"):
        one.restore({**state, "version": 2})
    with pytest.raises(runtime.SessionStateError, match="another version of the engine"):
        one.restore({**state, "engine": "0" * 16})
    with pytest.raises(runtime.SessionStateError, match="not a session state"):
        one.restore({"id": "c"})
    with pytest.raises(runtime.SessionStateError, match="facts.turn"):
        one.restore({**state, "facts": {**state["facts"], "turn": "1"}})
    with pytest.raises(runtime.SessionStateError, match="firing"):
        one.restore({**state, "fired": [[5, 1, 0.0, True]]})
    assert isinstance(runtime.SessionStateError("x"), ValueError)
    assert one.restore(state).turn == 1


def test_every_state_field_is_kept_or_said_to_be_derived() -> None:
    """A field added to the State must be saved (or listed as derived), or restored sessions forget it."""
    assert set(State.__slots__) == set(SCALARS) | set(STRUCTURED) | set(NOT_KEPT)
    compiled = runtime.load(example_playbook()).compiled
    fresh = State(compiled.sources, None)
    assert {name: getattr(fresh, name) for name in SCALARS} == {name: d for name, (d, _) in SCALARS.items()}


def test_a_decided_session_stays_decided() -> None:
    rules = runtime.load(example_playbook())
    session = rules.session("c-1", {"name": "Ana"})
    decision = session.observe({"at": START, "type": "visitor", "text": "Can I talk to a human?"})
    assert decision is not None
    restored = rules.restore(json.loads(json.dumps(session.to_state())))
    assert restored.decision is not None and restored.decision.to_dict() == decision.to_dict()
    assert restored.decision.rule_name == decision.rule_name
    assert restored.next_deadline is None
    assert restored.observe({"at": START, "type": "visitor", "text": "hello?"}) is None


def test_only_the_last_minute_of_message_instants_is_kept() -> None:
    rules = runtime.from_document(full_ruleset([{"when": {"fact": "conversation.messages_per_minute",
                                                          "op": "gte", "value": 3}}]).to_dict())
    session = rules.session("c")
    for event in events(START, (0, "visitor", {"text": "a"}), (30, "visitor", {"text": "b"}),
                        (100, "visitor", {"text": "c"})):
        assert session.observe(event) is None
    assert session.to_state()["facts"]["recent"] == [datetime.fromisoformat(START).timestamp() + 100]
    restored = rules.restore(session.to_state())
    assert restored.observe(events(START, (110, "visitor", {"text": "d"}))[0]) is None  # 2 in the last minute
    assert restored.observe(events(START, (120, "visitor", {"text": "e"}))[0]) is not None  # 3


def test_samples_split_everywhere_match_simulate() -> None:
    first, second = runtime.load(example_playbook()), runtime.load(example_playbook())
    from builder.engine import simulate

    for conversation in read_conversations(sample_conversations()):
        assert isinstance(conversation, Conversation)
        expected = simulate(first.compiled, conversation).to_dict()
        for split in range(len(conversation.events) + 1):
            session = first.session(conversation.id, conversation.visitor)
            decision = None
            for event in conversation.events[:split]:
                decision = decision or session.observe(event)
            restored = second.restore(json.loads(json.dumps(session.to_state())))
            for event in conversation.events[split:]:
                decision = decision or restored.observe(event)
            outcome = decision.to_dict() if decision is not None else None
            assert outcome == (expected if expected["escalated"] else None), (conversation.id, split)


@pytest.mark.parametrize("leaf", [
    {"fact": "message.text", "op": "contains_any", "value": ["refund"]},
    {"fact": "message.text", "op": "matches", "value": r"order \d+"},
])
def test_a_timer_after_a_restore_still_reads_the_latest_message(leaf: dict[str, Any]) -> None:
    """The phrase and pattern hits are not saved: they are found again in the saved text."""
    rules = runtime.from_document(full_ruleset([{"when": {"all": [
        leaf, {"fact": "time.silence_seconds", "op": "gt", "value": 60}]}}]).to_dict())
    session = rules.session("c")
    assert session.observe({"at": START, "type": "visitor", "text": "refund for order 1234 please"}) is None
    restored = rules.restore(json.loads(json.dumps(session.to_state())))
    decision = restored.tick(datetime.fromisoformat(START) + timedelta(minutes=5))
    assert decision is not None and decision.at == datetime.fromisoformat(START) + timedelta(seconds=60)


def test_cooldowns_continue_across_a_restore() -> None:
    rules = runtime.from_document(full_ruleset([{"when": {"fact": "message.text", "op": "contains_any",
                                                          "value": ["help"]},
                                                 "actions": [{"type": "tag", "tags": ["asked"]}],
                                                 "cooldown": {"policy": "after_minutes", "minutes": 2}}]).to_dict())
    session = rules.session("c")
    session.observe(events(START, (0, "visitor", {"text": "help"}))[0])
    restored = rules.restore(json.loads(json.dumps(session.to_state())))
    for event in events(START, (60, "visitor", {"text": "help"}), (130, "visitor", {"text": "help"})):
        restored.observe(event)
    assert [f.turn for f in restored.fired] == [1, 3]  # not at turn 2: one minute after the first
