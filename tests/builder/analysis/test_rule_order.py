"""The live rule-order check: the findings the problems panel shows while editing, and the rule
that blocks a shadowed one (for the "move above" fix)."""

from __future__ import annotations

from builder.analysis import rule_order, shadowing_rule
from builder.format.model import Ruleset
from tests.builder.analysis.test_analysis import document, leaf, rule

WIDE = leaf("message.text", "contains_any", ["lawyer", "court"])
NARROW = leaf("message.text", "contains_any", ["my lawyer says"])


def test_a_narrower_rule_below_a_wider_one_is_reported_with_its_blocker() -> None:
    ruleset = Ruleset.from_dict(document(rule("legal", WIDE), rule("new-rule", NARROW)))
    found = rule_order(ruleset)
    assert [(f.code, f.rule_ids) for f in found] == [("shadowed", ("new-rule", "legal"))]
    assert "can never fire" in found[0].message and "Legal" in found[0].message
    blocker = shadowing_rule(ruleset, "new-rule")
    assert blocker is not None and blocker.id == "legal"
    assert shadowing_rule(ruleset, "legal") is None


def test_in_the_other_order_nothing_is_blocked() -> None:
    ruleset = Ruleset.from_dict(document(rule("new-rule", NARROW), rule("legal", WIDE)))
    assert rule_order(ruleset) == []
    assert shadowing_rule(ruleset, "legal") is None


def test_every_matching_rule_mode_has_no_shadowing() -> None:
    ruleset = Ruleset.from_dict(document(rule("legal", WIDE), rule("new-rule", NARROW), mode="all_matches"))
    assert shadowing_rule(ruleset, "new-rule") is None
