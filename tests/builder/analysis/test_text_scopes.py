"""Rule order on text conditions that read the message differently: word groups count as their
words; typo tolerance and "ignore negated mentions" are compared only with the same reading."""

from __future__ import annotations

from dataclasses import replace

import pytest

from builder.analysis.rules import shadowing_rule
from builder.format.io import load_ruleset
from builder.format.model import Group, Leaf, Ruleset
from builder.paths import example_playbook

PLAYBOOK = load_ruleset(example_playbook())


def _below(rule_id: str, leaf: Leaf) -> Ruleset:
    above = PLAYBOOK.rule(rule_id)
    assert above is not None
    new = replace(above, id="new-rule", name="New rule", when=Group("all", (leaf,)))
    rules = list(PLAYBOOK.rules)
    rules.insert(rules.index(above) + 1, new)
    return replace(PLAYBOOK, rules=tuple(rules))


@pytest.mark.parametrize(("rule_id", "leaf", "shadowed"), [
    # the legal rule ignores negated mentions: a rule that does not ("no lawyer needed") can still fire
    ("legal", Leaf("message.text", "contains_any", ("lawyer",)), False),
    ("legal", Leaf("message.text", "contains_any", ("my lawyer",), ignore_negated=True), True),
    ("legal", Leaf("message.text", "contains_any", ("my lawyer",), ignore_negated=True, typo=False), False),
    # a word group counts as its words: the same group below the rule that uses it is dead
    ("bot-not-helping", Leaf("message.text", "contains_any", (), groups=("bot-failure",)), True),
    ("bot-not-helping", Leaf("message.text", "contains_any", (), groups=("bot-failure",), typo=False), False),
    ("bot-not-helping", Leaf("message.text", "contains_any", ("refund",)), False),
])
def test_a_rule_below_is_dead_only_when_it_reads_the_message_the_same_way(
        rule_id: str, leaf: Leaf, shadowed: bool) -> None:
    above = shadowing_rule(_below(rule_id, leaf), "new-rule")
    assert (above.id if above is not None else None) == (rule_id if shadowed else None)


def test_an_unknown_word_group_is_never_taken_for_an_empty_list() -> None:
    leaf = Leaf("message.text", "contains_any", ("lawyer",), groups=("no-such-group",), ignore_negated=True)
    assert shadowing_rule(_below("legal", leaf), "new-rule") is None
