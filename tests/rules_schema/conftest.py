"""Fixtures for the format's tests: a minimal ruleset that validates clean, and the example playbook."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = ROOT / "resources" / "examples" / "playbook.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

MINIMAL: dict[str, Any] = {
    "$schema": "https://handoff-builder.example/schemas/ruleset.v2.schema.json",
    "schema_version": 2,
    "metadata": {"name": "Minimal", "version": "1.0.0"},
    "settings": {"evaluation_mode": "first_match", "default_schedule": "office"},
    "rules": [
        {
            "id": "refunds",
            "name": "Refund requests",
            "enabled": True,
            "trigger": "keyword",
            "when": {"all": [{"fact": "message.text", "op": "contains_any", "value": ["refund"]}]},
            "actions": [
                {"type": "escalate", "handoff": "instant", "team": "support", "priority": "normal"},
                {"type": "reply", "template": "ack"},
                {"type": "notify", "channel": "slack"},
            ],
            "stop": True,
            "cooldown": {"policy": "once"},
        }
    ],
    "templates": [
        {"id": "ack", "name": "Acknowledgement", "channel": "chat", "body": "Hi {{visitor.name | there}}, {{promise}}"},
        {"id": "alert", "name": "Slack alert", "channel": "slack", "body": "{{rule}}: {{last_message}}"},
    ],
    "schedules": [
        {
            "id": "office",
            "name": "Office hours",
            "timezone": "Europe/Berlin",
            "weekly": [{"day": "mon", "start": "09:00", "end": "17:00"}],
            "holidays": {"country": "DE", "subdivision": "BE"},
        }
    ],
    "routing": {
        "teams": [{"id": "support", "name": "Support", "schedule": "office"}],
        "offline_mode": "email",
        "callback_enabled": False,
        "sla": {"normal": {"minutes": 60, "clock": "business"}},
    },
    "channels": [
        {"id": "slack", "name": "Support Slack", "type": "slack", "url_env": "SLACK_URL", "template": "alert"}
    ],
}


@pytest.fixture
def minimal() -> dict[str, Any]:
    """A small ruleset with one of everything; validates without any problem."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def playbook() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(PLAYBOOK.read_text(encoding="utf-8"))
    return document
