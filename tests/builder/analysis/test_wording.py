"""The one wording of conditions and actions that the rule list, the diagram and findings share."""

from __future__ import annotations

import json

import pytest

from builder.analysis.describe import literal_text
from builder.analysis.logic import Literal
from builder.analysis.wording import (
    action_text,
    actions_text,
    condition_text,
    escalation_text,
    leaf_text,
    lower_first,
    reading_text,
    sentence_case,
    value_text,
)
from builder.format.model import Escalate, Leaf, Notify, Reply, Routing, Ruleset, SetPriority, Sla, Tag, Team
from builder.paths import example_playbook


@pytest.fixture(scope="module")
def playbook() -> Ruleset:
    return Ruleset.from_dict(json.loads(example_playbook().read_text(encoding="utf-8")))


@pytest.mark.parametrize(("leaf", "text"), [
    (Leaf("message.text", "contains_any", ("refund", "cancel")),
     "latest visitor message contains any of \u201crefund\u201d, \u201ccancel\u201d"),
    (Leaf("visitor.score", "gt", 80), "visitor score is more than 80"),  # "points" is left unsaid
    (Leaf("visitor.score", "between", (50, 80)), "visitor score is between 50 and 80"),
    (Leaf("time.silence_seconds", "gt", 120.0), "seconds of silence is more than 120"),  # unit already in the label
    (Leaf("bot.fallback_count", "gte", 2), "bot fallbacks (\"I didn't understand\") is at least 2 times"),
    (Leaf("message.caps_ratio", "gte", 0.7), "share of CAPITALS in the latest message is at least 0.7"),
    (Leaf("cart.abandoned", "is_true"), "cart abandoned"),
    (Leaf("conversation.resolved", "is_false"), "not marked as resolved"),
    (Leaf("bot.intent", "eq", "pricing"), "intent the chatbot recognised is \u201cpricing\u201d"),
    (Leaf("visitor.attribute", "in", ("enterprise", "business"), "plan"),
     "visitor attribute (plan) is one of \u201centerprise\u201d, \u201cbusiness\u201d"),
    (Leaf("message.text", "contains_any", ()), "latest visitor message contains any of (nothing yet)"),
])
def test_condition_words(leaf: Leaf, text: str) -> None:
    assert leaf_text(leaf) == text


def test_lists_are_shortened_only_when_asked() -> None:
    leaf = Leaf("message.text", "contains_any", ("a", "b", "c", "d"))
    assert leaf_text(leaf).endswith("\u201cc\u201d, \u201cd\u201d")
    assert leaf_text(leaf, max_items=3).endswith("\u201cc\u201d +1 more")
    assert leaf_text(leaf, max_items=4) == leaf_text(leaf)


def test_negated_opaque_tests_read_as_their_opposite() -> None:
    assert condition_text("message.text", "matches", "ref.*", negated=True) == \
        "latest visitor message does not match the pattern \u201cref.*\u201d"
    assert condition_text("visitor.email_known", "is_set", negated=True) == "visitor's e-mail is known is not known"


def test_findings_word_a_literal_as_the_rule_list_words_the_leaf() -> None:
    leaf = Leaf("visitor.score", "lte", 20)
    assert literal_text(Literal("visitor.score", None, "lte", 20, "$")) == leaf_text(leaf)


def test_case_helpers_keep_capitals() -> None:
    assert lower_first("Share of CAPITALS") == "share of CAPITALS"
    assert lower_first("SLA breach") == "SLA breach"
    assert sentence_case("cart abandoned") == "Cart abandoned"
    assert value_text(True) == "yes" and value_text(3.0, unit="times") == "3 times"


def test_escalation_words_name_team_priority_and_offline_path() -> None:
    routing = Routing(teams=(Team("support", "Support", "h"),), offline_mode="email", sla=(("normal", Sla(240)),))
    ruleset = Ruleset(metadata=Ruleset.from_dict({}).metadata, routing=routing)
    assert escalation_text(Escalate("instant", "support", "normal"), ruleset) == \
        "transfer now to Support (normal priority), or e-mail within 4 h when closed"
    assert escalation_text(Escalate("email", "support", "normal"), ruleset) == \
        "e-mail Support within 4 h (normal priority)"
    assert escalation_text(Escalate("callback", "nobody", "high")) == "offer a callback to nobody (high priority)"


def test_other_actions_use_the_ruleset_names(playbook: Ruleset) -> None:
    assert action_text(Reply("handoff-ack"), playbook) == "reply \u201cHandoff acknowledgement\u201d"
    assert action_text(Notify("slack-support"), playbook) == "notify Support Slack"
    assert action_text(Tag(("vip", "cart"))) == "tag vip, cart"
    assert action_text(SetPriority("urgent")) == "set priority to urgent"
    assert actions_text((Tag(("x",)), Notify("slack-support")), playbook) == "tag x, notify Support Slack"
    assert actions_text(()) == "do nothing"


@pytest.mark.parametrize(("fact", "value", "words"), [
    ("message.sentiment", -0.6249, "−0.62"), ("message.caps_ratio", 0.8, "0.80"),
    ("conversation.repeated_question_count", 3, "3×"), ("time.silence_seconds", 125.4, "125 s"),
    ("time.in_business_hours", False, "no"), ("visitor.score", None, "unknown"), ("visitor.score", 85, "85"),
    ("bot.intent", "x" * 70, "x" * 57 + "…"),
])
def test_a_reading_is_worded_with_its_unit(fact: str, value: object, words: str) -> None:
    assert reading_text(fact, value) == words
