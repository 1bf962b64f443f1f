"""Small documents for workspace tests (imported by the tests of this folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from builder.workspace.disk.lock import WorkspaceLock


def lock_is_free(ws_path: Path) -> bool:
    """Nobody holds the workspace's OS lock and no owner file is left behind.

    (The lock file itself stays: removing a flocked file races with a process opening it.)"""
    return WorkspaceLock(ws_path).owner() is None and not ws_path.with_name(ws_path.name + ".owner").exists()


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
