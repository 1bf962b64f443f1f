"""What a saved test expects, in words ("hands over by “Legal threats” at message 2")."""

from __future__ import annotations

from typing import Any


def expectation_text(expect: Any, rule_names: dict[str, str]) -> str:
    """`expect` of a conversation as a sentence fragment; rules by their name, never their id."""
    if not isinstance(expect, dict):
        return ""
    if not expect.get("escalate"):
        return "expects no handover"
    rule = expect.get("rule")
    by = f" by \u201c{rule_names.get(str(rule), 'a rule that no longer exists')}\u201d" if rule else ""
    turn = expect.get("turn")
    at = f" at visitor message {turn}" if isinstance(turn, int) else ""
    return f"expects a handover{by}{at}"
