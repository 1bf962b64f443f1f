"""The diagram: one block per condition and per action, group nodes, redrawn with the rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QGraphicsPathItem

from builder.format.model import Escalate, Group, Leaf, Not, Rule, Ruleset, Tag
from widgets.rules.rule_graph import RuleGraph, describe_action, describe_leaf, format_value

PLAYBOOK = Path(__file__).resolve().parents[3] / "resources" / "examples" / "playbook.json"


def test_leaves_read_as_sentences() -> None:
    assert describe_leaf(Leaf("message.text", "contains_any", ("refund", "cancel"))) == \
        "Latest visitor message contains any of “refund”, “cancel”"
    assert describe_leaf(Leaf("time.silence_seconds", "gt", 120)) == "Seconds of silence is more than 120 seconds"
    assert describe_leaf(Leaf("pages.views_matching", "gte", 1, "/pricing*")) == \
        "Page views matching a URL pattern (/pricing*) is at least 1 views"
    assert describe_leaf(Leaf("cart.abandoned", "is_true")) == "Cart abandoned is yes"


def test_long_lists_are_shortened() -> None:
    assert format_value(tuple("abcdefgh")).endswith("+2 more")
    assert format_value(()) == "(nothing yet)"
    assert format_value((9, 17), "hour") == "9 and 17 hour"


def test_actions_use_names_from_the_ruleset() -> None:
    ruleset = Ruleset.from_dict(json.loads(PLAYBOOK.read_text(encoding="utf-8")))
    team = ruleset.routing.teams[-1]
    assert describe_action(Escalate("email", team.id, "high"), ruleset) == \
        f"Capture e-mail with a promise to {team.name} (High priority)"
    assert describe_action(Tag(("vip",))) == "Tag vip"


@pytest.mark.gui
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_graph_draws_every_condition_and_action(qtbot) -> None:
    graph = RuleGraph()
    qtbot.addWidget(graph)
    rule = Rule("r", "R", "keyword", Group("any", (Leaf("cart.abandoned", "is_true"),
                                                   Not(Group("all", (Leaf("visitor.score", "gt", 5),))))),
                (Escalate(), Tag(("x",))))
    graph.set_rule(rule)
    texts = [block.toPlainText() for block in graph.blocks]
    assert texts[:2] == ["Cart abandoned is yes", "Visitor score is more than 5 points"]
    assert len(texts) == 4  # two conditions, two actions
    labels = {item.toPlainText() for item in graph.scene().items() if hasattr(item, "toPlainText")}
    assert {"ANY", "NOT", "ALL", "THEN"} <= labels
    assert sum(isinstance(i, QGraphicsPathItem) for i in graph.scene().items()) > 6  # blocks and edges
    graph.set_rule(None)
    assert graph.scene().items() == []
