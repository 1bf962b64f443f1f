"""The incremental rule-order check gives exactly the full check's findings, edit after edit.

Differential: one `RuleOrderCheck` follows a random sequence of edits (a condition changed, a rule
turned off, added, deleted, moved, renamed, made to escalate or not, word groups and evaluation
mode changed) and after each edit its findings must equal `rule_order` on the same ruleset, the
full check that tests every pair afresh.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.analysis import rule_order
from builder.analysis.order_check import RuleOrderCheck
from builder.format.model import (
    Escalate,
    Group,
    Leaf,
    Not,
    Rule,
    Ruleset,
    Tag,
    WordGroup,
    condition_from_dict,
)
from builder.paths import example_playbook
from tests.builder.analysis.test_analysis import document

PHRASES = ["refund", "refund now", "lawyer", "my lawyer says", "cancel*", "cancel my order", "human"]
GROUPS = (WordGroup("people", "People", ("human", "agent")), WordGroup("legal", "Legal", ("lawyer",), ("people",)))


def leaves() -> st.SearchStrategy[Leaf]:
    phrases = st.lists(st.sampled_from(PHRASES), min_size=1, max_size=3, unique=True).map(tuple)
    text = st.builds(Leaf, st.sampled_from(["message.text", "conversation.text"]),
                     st.sampled_from(["contains_any", "contains_none"]), phrases,
                     groups=st.sampled_from([(), ("people",), ("legal",), ("unknown",)]), typo=st.booleans())
    number = st.builds(Leaf, st.sampled_from(["visitor.score", "message.sentiment"]),
                       st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"]),
                       st.sampled_from([-2, -1, 0, 0.5, 1, 50, 80]))
    between = st.builds(Leaf, st.just("visitor.score"), st.just("between"),
                        st.tuples(st.sampled_from([0, 20, 50]), st.sampled_from([10, 60, 90])))
    truth = st.builds(Leaf, st.sampled_from(["visitor.returning", "cart.abandoned"]),
                      st.sampled_from(["is_true", "is_false"]))
    choice = st.builds(Leaf, st.just("bot.intent"), st.sampled_from(["eq", "in", "ne", "not_in"]),
                       st.sampled_from(["pricing", ("pricing", "refund"), ("refund",)]))
    opaque = st.builds(Leaf, st.just("message.text"), st.sampled_from(["matches", "similar_to"]),
                       st.sampled_from(["ref.nd", "talk to someone"]))
    return st.one_of(text, number, between, truth, choice, opaque)


def conditions() -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves(),
        lambda inner: st.one_of(
            st.builds(Group, st.sampled_from(["all", "any"]), st.lists(inner, max_size=3).map(tuple)),
            st.builds(Not, inner)),
        max_leaves=5)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    number = draw(st.integers(0, 10_000))
    escalates = draw(st.booleans())
    actions = (Escalate("instant", "support", "normal"),) if escalates else (Tag(("seen",)),)
    return Rule(id=f"r{number}", name=f"Rule {number}", trigger="keyword", when=draw(conditions()),
                actions=actions, enabled=draw(st.integers(0, 4)) > 0)


def edit(draw: st.DrawFn, ruleset: Ruleset) -> Ruleset:
    """One random edit, as the editor makes them: a new value for what changed, the rest kept."""
    rules_now = list(ruleset.rules)
    kind = draw(st.sampled_from(["condition", "enabled", "insert", "delete", "move", "rename", "escalate",
                                 "groups", "mode", "same"]))
    index = draw(st.integers(0, max(len(rules_now) - 1, 0)))
    if kind == "insert" or not rules_now:
        rules_now.insert(draw(st.integers(0, len(rules_now))), draw(rules()))
    elif kind == "condition":
        rules_now[index] = replace(rules_now[index], when=draw(conditions()))
    elif kind == "enabled":
        rules_now[index] = replace(rules_now[index], enabled=not rules_now[index].enabled)
    elif kind == "delete":
        del rules_now[index]
    elif kind == "move":
        rules_now.insert(draw(st.integers(0, len(rules_now) - 1)), rules_now.pop(index))
    elif kind == "rename":
        rules_now[index] = replace(rules_now[index], name=f"{rules_now[index].name}!")
    elif kind == "escalate":
        escalates = rules_now[index].escalation is not None
        rules_now[index] = replace(rules_now[index], actions=(Tag(("seen",)),) if escalates
                                   else (Escalate("email", "support", "high"),))
    elif kind == "groups":
        return replace(ruleset, word_groups=draw(st.sampled_from([(), GROUPS, GROUPS[:1],
                                                                   (replace(GROUPS[0], words=("refund",)),)])))
    elif kind == "mode":
        mode = "all_matches" if ruleset.settings.evaluation_mode == "first_match" else "first_match"
        return replace(ruleset, settings=replace(ruleset.settings, evaluation_mode=mode))
    elif kind == "same":  # the same condition again, as a new but equal value (an undo, a paste)
        when = json.loads(json.dumps(rules_now[index].when.to_dict()))
        rules_now[index] = replace(rules_now[index], when=condition_from_dict(when))
    return replace(ruleset, rules=tuple(rules_now))


def outcome(check: Any, ruleset: Ruleset) -> Any:
    """The findings, or the kind of error (a ruleset the analysis cannot read fails both ways)."""
    try:
        return check(ruleset)
    except Exception as exc:
        return type(exc)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_after_every_edit_the_incremental_check_equals_the_full_one(data: st.DataObject) -> None:
    start = Ruleset.from_dict(document())
    groups = data.draw(st.sampled_from([(), GROUPS]))
    ruleset = replace(start, rules=tuple(data.draw(st.lists(rules(), max_size=6))), word_groups=groups)
    check = RuleOrderCheck()
    for _ in range(data.draw(st.integers(1, 12))):
        assert outcome(check.check, ruleset) == outcome(rule_order, ruleset)
        ruleset = edit(data.draw, ruleset)
    assert outcome(check.check, ruleset) == outcome(rule_order, ruleset)


def test_findings_point_at_where_the_rule_stands_now() -> None:
    """A cached normal form is found once per condition; its paths follow the rule when it moves."""
    never = Group("all", (Leaf("visitor.score", "gt", 80), Leaf("visitor.score", "lt", 10)))
    wide = Leaf("message.text", "contains_any", ("lawyer",))
    narrow = Leaf("message.text", "contains_any", ("my lawyer says",))
    escalate = (Escalate("instant", "support", "normal"),)
    base = Ruleset.from_dict(document())
    ruleset = replace(base, rules=(Rule("a", "A", "keyword", wide, escalate), Rule("b", "B", "keyword", narrow,
                                                                                     escalate),
                                   Rule("c", "C", "keyword", never, escalate)))
    check = RuleOrderCheck()
    first = check.check(ruleset)
    assert [(f.code, f.path) for f in first] == [("never_fires", "$.rules[2].when.all[1]"), ("shadowed", "$.rules[1]")]
    moved = replace(ruleset, rules=(ruleset.rules[2], ruleset.rules[0], ruleset.rules[1]))
    assert [(f.code, f.path) for f in check.check(moved)] == [("never_fires", "$.rules[0].when.all[1]"),
                                                             ("shadowed", "$.rules[2]")]
    assert check.check(moved) == rule_order(moved)
    off = replace(moved, settings=replace(moved.settings, evaluation_mode="all_matches"))
    assert check.check(off) == rule_order(off) == [f for f in rule_order(moved) if f.code == "never_fires"]


def test_the_example_playbook_and_many_copies_of_its_rules_agree() -> None:
    """Copies of one rule shadow each other: hundreds of findings, each the same as the full check's."""
    playbook = Ruleset.from_dict(json.loads(example_playbook().read_text("utf-8")))
    many = tuple(replace(playbook.rules[i % len(playbook.rules)], id=f"rule-{i}", name=f"Rule {i}")
                 for i in range(60))
    big = replace(playbook, rules=many)
    check = RuleOrderCheck()
    found = check.check(big)
    assert len(found) > 40 and found == rule_order(big)
    edited = replace(big, rules=(*big.rules[:3], replace(big.rules[3], enabled=False), *big.rules[4:]))
    assert check.check(edited) == rule_order(edited)


def test_a_changed_word_group_is_seen_by_every_rule_using_it() -> None:
    """A group's words belong to each condition naming it: changing them changes what shadows what."""
    wide = Leaf("message.text", "contains_any", ("refund",), groups=("people",))
    narrow = Leaf("message.text", "contains_any", ("agent",))
    escalate = (Escalate("instant", "support", "normal"),)
    ruleset = replace(Ruleset.from_dict(document()), word_groups=GROUPS,
                      rules=(Rule("a", "A", "keyword", wide, escalate), Rule("b", "B", "keyword", narrow, escalate)))
    check = RuleOrderCheck()
    assert [f.code for f in check.check(ruleset)] == ["shadowed"] == [f.code for f in rule_order(ruleset)]
    fewer = replace(ruleset, word_groups=(replace(GROUPS[0], words=("refund",)),))
    assert check.check(fewer) == rule_order(fewer) == []
