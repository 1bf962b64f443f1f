"""Where a validation problem points inside a rule, and its message as shown next to that field.

Problems come from `rules_schema` and `builder.analysis` with a path such as
`$.rules[2].when.all[0].value`; the rule editor shows each one beside the field it names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from builder.format.model import Rule

RULE_PATH = re.compile(r"^\$\.rules\[(\d+)\](.*)$")


def problem_rule_id(problem: Any, rules: Sequence[Rule]) -> str | None:
    """The id of the rule `problem` is about (its `rule_id`, else the rule its path names), or None."""
    rule_id = getattr(problem, "rule_id", None)
    match = RULE_PATH.match(getattr(problem, "path", "") or "")
    if rule_id is None and match and int(match.group(1)) < len(rules):
        rule_id = rules[int(match.group(1))].id
    return rule_id if isinstance(rule_id, str) else None


def path_in_rule(problem: Any) -> str:
    """The part of the problem's path after `$.rules[i]` (`.when.all[0].value`), or ""."""
    match = RULE_PATH.match(getattr(problem, "path", "") or "")
    return match.group(2) if match else ""


def inline_text(message: str, rule_name: str | None) -> str:
    """Next to the field, "Rule 'X', condition on 'Y': the phrase list is empty" says too much:
    keep what follows the validator's location prefix for the shown rule."""
    owner = f"Rule '{rule_name}'" if rule_name is not None else None
    if owner and message.startswith(owner):
        _, sep, words = message[len(owner) :].partition(": ")
        if sep and words:
            return words[0].upper() + words[1:]
    return message
