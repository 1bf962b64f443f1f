"""Messages name a rule by its name, or by its place when it has none: never by its internal id."""

from __future__ import annotations

import json

from builder.paths import example_playbook
from rules_schema import validate


def test_a_rule_without_a_name_is_named_by_its_place() -> None:
    doc = json.loads(example_playbook().read_text(encoding="utf-8"))
    doc["rules"][2]["name"] = ""
    rule_id = doc["rules"][2]["id"]
    messages = [p.message for p in validate(doc) if p.path.startswith("$.rules[2]")]
    assert messages, "an empty name is a problem"
    assert all(rule_id not in m for m in messages)
    assert any(m.startswith("Rule 3") for m in messages)
