"""`matches` patterns are checked with RE2 (what the engine runs), not Python's `re`."""

from __future__ import annotations

from typing import Any

import pytest

from rules_schema import re2_error, validate
from rules_schema.formats import format_checker, is_re2


@pytest.mark.parametrize("pattern", [r"\brefund\b", r"(?i)cancel(led|ling)?", r"order #?\d{5,8}", r"[a-z]+@[a-z]+\.com",
                                     r"(?P<plan>pro|team)", "é|ü"])
def test_patterns_re2_accepts(pattern: str) -> None:
    assert re2_error(pattern) is None
    assert format_checker().conforms(pattern, "re2")


@pytest.mark.parametrize(("pattern", "words"), [
    (r"(\w+) \1", "back-references"),
    (r"refund(?=ed)", "look-aheads"),
    (r"refund(?!ed)", "look-aheads"),
    (r"(?<=my )refund", "look-behinds"),
    (r"(?<!no )refund", "look-behinds"),
    (r"[a-z", "no matching ]"),
    (r"(refund", "no matching )"),
    (r"a{3,1}", "repetition"),
])
def test_patterns_re2_refuses_with_a_plain_reason(pattern: str, words: str) -> None:
    why = re2_error(pattern)
    assert why is not None and words in why
    assert not is_re2(pattern)


def test_python_re_accepts_what_re2_refuses() -> None:
    import re

    re.compile(r"(\w+) \1")  # proves the check is RE2's, not re's
    assert re2_error(r"(\w+) \1") is not None


def test_non_strings_are_left_to_the_type_check() -> None:
    assert is_re2(3)


def _with_pattern(minimal: dict[str, Any], pattern: str) -> dict[str, Any]:
    minimal["rules"][0]["when"] = {"fact": "message.text", "op": "matches", "value": pattern}
    return minimal


def test_a_lookahead_in_a_rule_is_refused_with_a_message(minimal: dict[str, Any]) -> None:
    [problem] = validate(_with_pattern(minimal, "refund(?=ed)"))
    assert (problem.code, problem.path, problem.severity) == ("re2.invalid", "$.rules[0].when.value", "error")
    assert "look-aheads such as (?=…) are not supported" in problem.message
    assert problem.message.startswith("Rule 'Refund requests', condition on 'Latest visitor message'")


def test_a_backreference_in_a_rule_is_refused(minimal: dict[str, Any]) -> None:
    [problem] = validate(_with_pattern(minimal, r"(a)\1"))
    assert problem.code == "re2.invalid" and "back-references" in problem.message


def test_a_valid_pattern_passes(minimal: dict[str, Any]) -> None:
    assert validate(_with_pattern(minimal, r"\border\s+\d+")) == []


def test_re2_is_checked_on_category_facts_too(minimal: dict[str, Any]) -> None:
    minimal["rules"][0]["when"] = {"fact": "bot.intent", "op": "matches", "value": "(?!billing)"}
    assert [p.code for p in validate(minimal)] == ["re2.invalid"]
