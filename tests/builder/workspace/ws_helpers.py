"""Small documents for workspace tests (imported by the tests of this folder)."""

from __future__ import annotations

from typing import Any


def small_ruleset(*rule_ids: str, name: str = "Test") -> dict[str, Any]:
    """A tiny ruleset document (the workspace stores drafts; it need not validate)."""
    return {
        "schema_version": 1,
        "metadata": {"name": name},
        "rules": [
            {"id": rid, "name": f"Rule {rid}", "enabled": True, "trigger": "keyword",
             "when": {"all": [{"fact": "message.text", "op": "contains_any", "value": [rid]}]},
             "actions": [{"type": "escalate", "handoff": "instant", "team": "support",
                          "priority": "normal"}]}
            for rid in rule_ids
        ],
        "templates": [], "schedules": [], "routing": {"teams": []}, "channels": [],
    }
