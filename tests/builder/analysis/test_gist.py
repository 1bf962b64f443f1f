"""A rule's one-sentence gist: the action, the top-level condition, the exceptions."""

from __future__ import annotations

import json

from builder.analysis.gist import condition_depth, rule_gist
from builder.format.model import Group, Leaf, Not, Rule, Ruleset
from builder.paths import example_playbook

PLAYBOOK = Ruleset.from_dict(json.loads(example_playbook().read_text(encoding="utf-8")))


def test_every_shipped_rule_has_a_short_gist() -> None:
    for rule in PLAYBOOK.rules:
        gist = rule_gist(rule, PLAYBOOK)
        assert gist.endswith(".") and len(gist) < 500, gist  # group names are longer than their ids
        assert "-" not in rule.id or rule.id not in gist  # ids never shown (a one-word id may be a phrase)


def test_exceptions_read_as_unless() -> None:
    rule = Rule(id="r", name="R", trigger="keyword", when=Group("all", (
        Leaf("message.text", "contains_any", ("human",)), Not(Leaf("message.text", "contains_any", ("no human",))))),
        actions=PLAYBOOK.rules[0].actions)
    gist = rule_gist(rule, PLAYBOOK)
    assert gist.startswith("Hands over (")
    assert "“human”" in gist and ", unless " in gist and "“no human”" in gist.split("unless", 1)[1]


def test_depth_counts_groups() -> None:
    leaf = Leaf("message.text", "contains_any", ("x",))
    assert condition_depth(leaf) == 0
    assert condition_depth(Group("all", (Group("any", (Not(Group("all", (leaf,))),)),))) == 3
    assert condition_depth(Not(leaf)) == 0 and condition_depth(Group("any", (leaf, Group("all", (leaf,))))) == 2


def test_word_groups_read_by_their_names_never_their_ids() -> None:
    for rule in PLAYBOOK.rules:
        gist = rule_gist(rule, PLAYBOOK)
        for group in PLAYBOOK.word_groups:
            assert f"“{group.id}”" not in gist or group.id == group.name, (rule.id, gist)
    gist = rule_gist(PLAYBOOK.rule("explicit-human"), PLAYBOOK)
    assert "a word of “People we can put you through to”" in gist
