"""The rule list's one-line sentences read like plain language built from catalog labels."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from builder.analysis.summary import describe_condition, describe_leaf, format_minutes, rule_facts, summarize_rule
from builder.format.model import Escalate, Group, Leaf, Not, Notify, Reply, Routing, Rule, Ruleset, Sla, Tag, Team
from builder.paths import example_playbook


@pytest.fixture(scope="module")
def playbook() -> Ruleset:
    return Ruleset.from_dict(json.loads(example_playbook().read_text(encoding="utf-8")))


def _rule(when: Leaf | Group | Not, *actions: object) -> Rule:
    return Rule(id="r", name="R", trigger="keyword", when=when, actions=tuple(actions))  # type: ignore[arg-type]


@pytest.mark.parametrize(("minutes", "text"), [
    (45, "45 min"), (60, "1 h"), (240, "4 h"), (90, "1 h 30 min"), (1440, "1 day"), (2880, "2 days"), (0, "0 min"),
])
def test_format_minutes(minutes: int, text: str) -> None:
    assert format_minutes(minutes) == text


def test_leaf_uses_catalog_labels() -> None:
    leaf = Leaf("message.text", "contains_any", ("refund", "chargeback", "cancel", "charged twice"))
    assert (
        describe_leaf(leaf)
        == "latest visitor message contains any of \u201crefund\u201d, \u201cchargeback\u201d +2 more"
    )


def test_number_leaf_keeps_unit_once() -> None:
    assert describe_leaf(Leaf("time.silence_seconds", "gt", 120)) == "seconds of silence is more than 120"
    assert describe_leaf(Leaf("visitor.score", "between", (50, 80))) == "visitor score is between 50 and 80"


def test_boolean_leaves_read_as_statements() -> None:
    assert describe_leaf(Leaf("message.frustration", "is_true")) == "latest message sounds frustrated"
    assert describe_leaf(Leaf("conversation.resolved", "is_false")) == "not marked as resolved"


def test_label_with_capitals_is_not_lowercased() -> None:
    assert describe_leaf(Leaf("message.caps_ratio", "gte", 0.7)).startswith("share of CAPITALS")


def test_nested_groups_are_bracketed_and_long_groups_shortened() -> None:
    tree = Group(
        "any",
        (
            Leaf("visitor.returning", "is_true"),
            Group("all", (Leaf("visitor.score", "gt", 80), Leaf("cart.abandoned", "is_true"))),
            Leaf("message.frustration", "is_true"),
        ),
    )
    assert describe_condition(tree) == (
        "returning visitor or (visitor score is more than 80 and cart abandoned) or 1 more"
    )
    assert describe_condition(Not(tree.children[1])).startswith("not (visitor score")


def test_escalation_mentions_offline_promise_from_sla() -> None:
    routing = Routing(teams=(Team("support", "Support", "h"),), offline_mode="email", sla=(("normal", Sla(240)),))
    ruleset = Ruleset(metadata=replace(Ruleset.from_dict({}).metadata), routing=routing)
    rule = _rule(Leaf("message.frustration", "is_true"), Escalate("instant", "support", "normal"))
    assert summarize_rule(rule, ruleset) == (
        "When latest message sounds frustrated → transfer now to Support (normal priority), "
        "or e-mail within 4 h when closed"
    )


def test_callback_offline_mode() -> None:
    routing = Routing(teams=(Team("sales", "Sales", "h"),), offline_mode="callback", callback_enabled=True)
    ruleset = Ruleset(metadata=Ruleset.from_dict({}).metadata, routing=routing)
    rule = _rule(Leaf("cart.abandoned", "is_true"), Escalate("instant", "sales", "high"))
    assert summarize_rule(rule, ruleset).endswith(
        "transfer now to Sales (high priority), or offer a callback when closed"
    )


def test_rule_without_escalation_lists_its_actions(playbook: Ruleset) -> None:
    rule = _rule(Leaf("cart.abandoned", "is_true"), Reply("handoff-ack"), Tag(("cart",)), Notify("slack-support"))
    assert summarize_rule(rule, playbook) == (
        "When cart abandoned → reply “Handoff acknowledgement”, tag cart, notify Support Slack"
    )


def test_every_playbook_rule_has_a_sentence(playbook: Ruleset) -> None:
    for rule in playbook.rules:
        text = summarize_rule(rule, playbook)
        assert text.startswith("When ") and " → " in text
        assert "_" not in text.split(" → ")[1]  # no raw identifiers in the action half


def test_rule_facts_in_order_without_repeats(playbook: Ruleset) -> None:
    rule = playbook.rule("explicit-human")
    assert rule is not None
    assert rule_facts(rule) == ["message.text"]
    pricing = playbook.rule("enterprise-pricing")
    assert pricing is not None
    assert rule_facts(pricing) == ["message.text", "visitor.score", "pages.views_matching"]


def test_word_groups_are_named_not_shown_by_id() -> None:
    from builder.format.model import Metadata, NearSide, WordGroup

    people = WordGroup("people-by-role", "People we can put you through to", ("human",))
    verbs = WordGroup("contact-verbs", "Contact verbs", ("talk",))
    near = Leaf("message.text", "near", (), groups=("contact-verbs",), near=NearSide((), ("people-by-role",)))
    rule = Rule("r", "Asks", "explicit_request", Group("all", (near, Leaf("visitor.score", "gt", 3))), (Tag(("x",)),))
    ruleset = Ruleset(Metadata("t"), rules=(rule,), word_groups=(people, verbs))
    line = summarize_rule(rule, ruleset)
    assert line.startswith("When latest visitor message mentions a word of “Contact verbs” within 4 words of a "
                           "word of “People we can put you through to” and ")
    assert "people-by-role" not in line and "contact-verbs" not in line
