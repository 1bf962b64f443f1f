"""The handoff payload and its Slack / Teams / e-mail / webhook shapes, validated against schemas of
the receivers' documented formats (the schemas are checked against documented examples first)."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from builder.format.model import Channel, Ruleset, Template
from builder.handoff.payload import (
    build_payload,
    email_message,
    notification,
    slack_message,
    teams_card,
    webhook_body,
)
from builder.handoff.routing import route
from tests.conftest import examples

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def validator(name: str) -> Draft202012Validator:
    schema = load(FIXTURES / name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


SLACK = validator("slack_message.schema.json")
TEAMS = validator("teams_message.schema.json")
PAYLOAD = validator("handoff_payload.schema.json")


def errors(v: Draft202012Validator, doc: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(doc)]


@pytest.fixture(scope="module")
def playbook() -> Ruleset:
    return Ruleset.from_dict(load(ROOT / "resources/examples/playbook.json"))


CONVERSATION: dict[str, Any] = {
    "id": "c-17",
    "visitor": {"name": "Ana", "email": "ana@example.com", "score": 85, "returning": True,
                "previous_chat_failed": True, "attributes": {"plan": "enterprise"}},
    "events": [
        {"at": "2026-11-27T01:58:00Z", "type": "page_view", "url": "/pricing"},
        {"at": "2026-11-27T01:59:00Z", "type": "visitor", "text": "Hi there"},
        {"at": "2026-11-27T01:59:02Z", "type": "bot", "text": "Hello! How can I help?", "confidence": 0.9},
        {"at": "2026-11-27T01:59:30Z", "type": "visitor", "text": "What does the <Pro> plan cost?"},
        {"at": "2026-11-27T01:59:40Z", "type": "page_view", "url": "/pricing/enterprise"},
        {"at": "2026-11-27T02:00:00Z", "type": "visitor", "text": "I want a plan for 500 seats"},
        {"at": "2026-11-27T02:00:05Z", "type": "visitor", "text": "Do you do enterprise pricing?"},
        {"at": "2026-11-27T02:00:06Z", "type": "bot", "text": "Let me find someone.", "fallback": True},
        {"at": "2026-11-27T02:03:00Z", "type": "cart", "action": "abandon"},
    ],
}


def decision_for(ruleset: Ruleset, at: str = "2026-11-27T02:00:05Z", turn: int = 4) -> tuple[dict[str, Any], Any]:
    when = datetime.fromisoformat(at.replace("Z", "+00:00"))
    handoff = route(ruleset, team="sales", priority="high", handoff="instant", at=when)
    decision = {"id": "c-17", "escalated": True, "turn": turn, "at": at, "rule": "enterprise-pricing",
                "trigger": "high_intent", "handoff": handoff.mode, "team": "sales", "priority": "high",
                "reply": "Great question", "promise": handoff.promise, "tags": ["pricing"]}
    return decision, handoff


def test_generic_payload(playbook: Ruleset) -> None:
    decision, handoff = decision_for(playbook)
    payload = build_payload(decision, CONVERSATION, ruleset=playbook, handoff=handoff)
    assert errors(PAYLOAD, payload) == []
    assert payload["conversation_id"] == "c-17"
    assert payload["rule"] == {"id": "enterprise-pricing", "name": "Enterprise pricing interest"}
    assert payload["trigger"] == {"kind": "high_intent", "label": "High intent"}
    assert payload["handoff"]["mode"] == "email"  # 02:00 UTC is 03:00 in Berlin: sales is closed
    assert payload["handoff"]["team_name"] == "Sales"
    assert payload["handoff"]["promise"] == "by today 10:00"
    assert payload["handoff"]["next_open"] == "2026-11-27T08:00:00Z"
    assert payload["handoff"]["callback_offered"] is True
    # The transcript stops at the decision: the bot's answer at 02:00:06 has not happened yet.
    assert [m["role"] for m in payload["transcript"]] == ["visitor", "bot", "visitor", "visitor", "visitor"]
    assert payload["transcript"][0] == {"at": "2026-11-27T01:59:00Z", "role": "visitor", "text": "Hi there"}
    assert [p["url"] for p in payload["pages"]] == ["/pricing", "/pricing/enterprise"]
    assert payload["visitor"] == {"name": "Ana", "email": "ana@example.com", "returning": True,
                                  "previous_chat_failed": True}
    assert payload["qualification"] == {"score": 85, "attributes": {"plan": "enterprise"}}
    # Extractive summary: the deciding message (turn 4) and the two visitor messages before it.
    assert [m["text"] for m in payload["summary"]] == [
        "What does the <Pro> plan cost?", "I want a plan for 500 seats", "Do you do enterprise pricing?"]
    assert payload["tags"] == ["pricing"]


def test_summary_follows_the_turn(playbook: Ruleset) -> None:
    decision, _ = decision_for(playbook, at="2026-11-27T02:00:05Z", turn=2)
    payload = build_payload(decision, CONVERSATION)
    assert [m["text"] for m in payload["summary"]] == ["Hi there", "What does the <Pro> plan cost?"]
    decision["turn"] = 0  # a timer fired before the visitor wrote
    assert build_payload(decision, CONVERSATION)["summary"] == []
    # Without ruleset or routing the payload still names what the decision says.
    assert build_payload(decision, CONVERSATION)["rule"]["name"] == "enterprise-pricing"


def test_payload_tolerates_a_sparse_conversation() -> None:
    payload = build_payload({"id": "x", "escalated": True, "turn": 1, "rule": "r"},
                            {"id": "x", "events": [{"at": "later", "type": "visitor", "text": "hi"},
                                                   {"type": "mystery"}]})
    assert errors(PAYLOAD, payload) == []
    assert payload["transcript"] == [{"at": "later", "role": "visitor", "text": "hi"}]
    assert errors(SLACK, slack_message(payload)) == []
    assert errors(TEAMS, teams_card(payload)) == []


# --- the schemas are not vacuous ------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted((FIXTURES / "slack" / "valid").glob("*.json")), ids=lambda p: p.stem)
def test_documented_slack_examples_validate(path: Path) -> None:
    assert errors(SLACK, load(path)) == []


@pytest.mark.parametrize("path", sorted((FIXTURES / "slack" / "invalid").glob("*.json")), ids=lambda p: p.stem)
def test_broken_slack_messages_fail(path: Path) -> None:
    assert errors(SLACK, load(path)) != []


@pytest.mark.parametrize("path", sorted((FIXTURES / "teams" / "valid").glob("*.json")), ids=lambda p: p.stem)
def test_documented_teams_examples_validate(path: Path) -> None:
    assert errors(TEAMS, load(path)) == []


@pytest.mark.parametrize("path", sorted((FIXTURES / "teams" / "invalid").glob("*.json")), ids=lambda p: p.stem)
def test_broken_teams_messages_fail(path: Path) -> None:
    assert errors(TEAMS, load(path)) != []


def test_slack_limits_are_in_the_schema() -> None:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    assert errors(SLACK, {"text": "x", "blocks": [block] * 50}) == []
    assert errors(SLACK, {"text": "x", "blocks": [block] * 51}) != []
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    assert errors(SLACK, {"text": "x", "blocks": [long_section]}) != []


# --- our messages validate ------------------------------------------------------------------------

def test_slack_message_validates(playbook: Ruleset) -> None:
    decision, handoff = decision_for(playbook)
    payload = build_payload(decision, CONVERSATION, ruleset=playbook, handoff=handoff)
    message = slack_message(payload)
    assert errors(SLACK, message) == []
    assert message["text"] == "New high handoff for Sales: Enterprise pricing interest"
    kinds = [b["type"] for b in message["blocks"]]
    assert kinds[0] == "header" and kinds[-1] == "context" and "section" in kinds
    fields = next(b["fields"] for b in message["blocks"] if "fields" in b)
    assert {"type": "mrkdwn", "text": "*Promise*\nby today 10:00"} in fields
    summary = next(b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "text" in b)
    assert "> What does the &lt;Pro&gt; plan cost?" in summary  # escaped for Slack


def test_slack_message_respects_limits_with_huge_content(playbook: Ruleset) -> None:
    decision, handoff = decision_for(playbook)
    decision["rule_name"] = "R" * 400
    conversation = copy.deepcopy(CONVERSATION)
    for event in conversation["events"]:
        if event["type"] == "visitor":
            event["text"] = "<&>" * 3000
    conversation["visitor"]["name"] = "N" * 5000
    payload = build_payload(decision, conversation, handoff=handoff)
    message = slack_message(payload, text="T" * 10000)
    assert errors(SLACK, message) == []
    assert len(message["text"]) == 3000 and message["text"].endswith("…")
    assert errors(TEAMS, teams_card(payload, text="T" * 100000)) == []


def test_teams_card_validates(playbook: Ruleset) -> None:
    decision, handoff = decision_for(playbook)
    payload = build_payload(decision, CONVERSATION, ruleset=playbook, handoff=handoff)
    message = teams_card(payload, text="New high handoff")
    assert errors(TEAMS, message) == []
    attachment = message["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["version"] == "1.4"
    facts = next(e["facts"] for e in card["body"] if e["type"] == "FactSet")
    assert {"title": "Team", "value": "Sales"} in facts
    assert any(e["type"] == "TextBlock" and "500 seats" in e["text"] for e in card["body"])


def test_email_message(playbook: Ruleset) -> None:
    decision, handoff = decision_for(playbook)
    conversation = copy.deepcopy(CONVERSATION)
    conversation["visitor"]["name"] = "Ana\r\nBcc: evil@example.com"
    payload = build_payload(decision, conversation, ruleset=playbook, handoff=handoff)
    subject, body = email_message(payload)
    assert "\n" not in subject and "\r" not in subject
    assert subject.startswith("New high handoff for Sales: Enterprise pricing interest")
    assert "Promise: by today 10:00" in body
    assert "> Do you do enterprise pricing?" in body
    assert "- /pricing/enterprise (2026-11-27T01:59:40Z)" in body
    assert "[2026-11-27T01:59:02Z] Bot: Hello! How can I help?" in body


def test_webhook_body_is_the_payload_as_json(playbook: Ruleset) -> None:
    decision, handoff = decision_for(playbook)
    payload = build_payload(decision, CONVERSATION, ruleset=playbook, handoff=handoff)
    body = webhook_body(payload)
    assert json.loads(json.dumps(body)) == body
    assert body.pop("event") == "handoff.created"
    assert body == payload
    assert errors(PAYLOAD, webhook_body(payload)) == []


def test_notifications_per_channel(playbook: Ruleset) -> None:
    decision, handoff = decision_for(playbook)
    payload = build_payload(decision, CONVERSATION, ruleset=playbook, handoff=handoff)
    slack_channel = playbook.channel("slack-support")
    assert slack_channel is not None
    slack = notification(playbook, slack_channel, payload)
    assert errors(SLACK, slack) == []
    assert slack["text"] == "New high handoff for Sales: Enterprise pricing interest\n> Do you do enterprise pricing?"
    teams = notification(playbook, Channel("t", "Teams", "teams", url_env="TEAMS_URL"), payload)
    assert errors(TEAMS, teams) == []
    email = notification(playbook, Channel("e", "Mail", "email", address="sales@example.com",
                                           template="offline-email"), payload)
    assert email["to"] == "sales@example.com"
    assert email["subject"] == "We'll get back to you by today 10:00"
    assert email["body"].startswith("Hi Ana,")
    templated = Ruleset(playbook.metadata, templates=(
        Template("hook", "Hook", "webhook", '{"ticket": "{{conversation_id}}", "text": "{{last_message}}"}'),))
    hook = notification(templated, Channel("w", "Hook", "webhook", url_env="HOOK", template="hook"), payload)
    assert hook == {"ticket": "c-17", "text": "Do you do enterprise pricing?"}
    plain = notification(playbook, Channel("w", "Hook", "webhook", url_env="HOOK"), payload)
    assert plain["event"] == "handoff.created"


def test_a_visitor_cannot_ping_a_slack_channel_through_a_chat_template(playbook: Ruleset) -> None:
    """A channel may announce with any kind of template; values are escaped for where they go."""
    decision, handoff = decision_for(playbook)
    conversation = {**CONVERSATION, "visitor": {"name": "<!channel> R&D", "email": "ana@example.com"}}
    payload = build_payload(decision, conversation, ruleset=playbook, handoff=handoff)
    slack = notification(playbook, Channel("s", "Slack", "slack", url_env="SLACK_URL", template="handoff-ack"), payload)
    assert slack["text"].startswith("Hi &lt;!channel&gt; R&amp;D,") and "<!channel>" not in json.dumps(slack)
    with_slack_text = Ruleset(playbook.metadata, templates=(Template("who", "Who", "slack", "From {{visitor.name}}"),))
    email = notification(with_slack_text, Channel("e", "Mail", "email", address="team@example.com", template="who"),
                         payload)
    assert email["body"].startswith("From <!channel> R&D\n") and "&lt;" not in email["body"]


@settings(max_examples=examples(30), deadline=None)
@given(st.lists(st.text(min_size=1, max_size=4000), min_size=1, max_size=6), st.text(max_size=300))
def test_any_conversation_gives_valid_slack_and_teams(messages: list[str], name: str) -> None:
    events = [{"at": f"2026-11-27T02:00:{i:02d}Z", "type": "visitor", "text": t} for i, t in enumerate(messages)]
    payload = build_payload(
        {"id": "p", "escalated": True, "turn": len(messages), "at": "2026-11-27T02:00:59Z", "rule": name or "r",
         "rule_name": name, "trigger": "keyword", "handoff": "instant", "team": name, "priority": "urgent",
         "promise": name, "tags": [name]},
        {"id": "p", "visitor": {"name": name}, "events": events})
    assert errors(SLACK, slack_message(payload, text=name or None)) == []
    assert errors(TEAMS, teams_card(payload, text=name or None)) == []
