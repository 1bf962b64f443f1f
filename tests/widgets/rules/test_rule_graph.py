"""The diagram: one block per condition and per action, group nodes, redrawn with the rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QGraphicsPathItem

from builder.analysis.summary import describe_leaf as summary_leaf
from builder.analysis.summary import summarize_rule
from builder.format.model import Escalate, Group, Leaf, Not, Rule, Ruleset, Tag
from widgets.rules.rule_graph import RuleGraph, describe_action, describe_leaf

PLAYBOOK = Path(__file__).resolve().parents[3] / "resources" / "examples" / "playbook.json"


def test_blocks_read_as_the_rule_list_does_capitalised() -> None:
    assert describe_leaf(Leaf("message.text", "contains_any", ("refund", "cancel"))) == \
        "Latest visitor message contains any of “refund”, “cancel”"
    assert describe_leaf(Leaf("time.silence_seconds", "gt", 120)) == "Seconds of silence is more than 120"
    assert describe_leaf(Leaf("cart.abandoned", "is_true")) == "Cart abandoned"
    leaf = Leaf("visitor.score", "gt", 80)
    assert describe_leaf(leaf) == summary_leaf(leaf).capitalize()  # one wording, two places


def test_long_lists_are_shortened_later_than_in_the_one_line_summary() -> None:
    leaf = Leaf("message.text", "contains_any", tuple("abcdefgh"))
    assert describe_leaf(leaf).endswith("“f” +2 more")
    assert summary_leaf(leaf).endswith("“b” +6 more")


def test_actions_use_names_from_the_ruleset_and_the_shared_words() -> None:
    ruleset = Ruleset.from_dict(json.loads(PLAYBOOK.read_text(encoding="utf-8")))
    team = ruleset.routing.teams[-1]
    escalate = Escalate("email", team.id, "high")
    assert describe_action(escalate, ruleset).startswith(f"E-mail {team.name} within ")
    assert describe_action(escalate, ruleset).endswith("(high priority)")
    rule = Rule("r", "R", "keyword", Leaf("cart.abandoned", "is_true"), (escalate,))
    assert summarize_rule(rule, ruleset).endswith(describe_action(escalate, ruleset)[1:])
    assert describe_action(Tag(("vip",))) == "Tag vip"
    assert describe_action(Tag(())) == "Tag (no tags yet)"


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
    assert texts[:2] == ["Cart abandoned", "Visitor score is more than 5"]
    assert len(texts) == 4  # two conditions, two actions
    labels = {item.toPlainText() for item in graph.scene().items() if hasattr(item, "toPlainText")}
    assert {"ANY", "NOT", "ALL", "THEN"} <= labels
    assert sum(isinstance(i, QGraphicsPathItem) for i in graph.scene().items()) > 6  # blocks and edges
    graph.set_rule(None)
    assert graph.scene().items() == []


def test_word_groups_are_drawn_by_name(qtbot) -> None:
    from builder.format.model import Metadata, WordGroup

    people = WordGroup("people-by-role", "People we can put you through to", ("human",))
    rule = Rule("r", "Asks", "explicit_request", Leaf("message.text", "contains_any", (), groups=("people-by-role",)),
                (Tag(("x",)),))
    graph = RuleGraph()
    qtbot.addWidget(graph)
    graph.set_rule(rule, Ruleset(Metadata("t"), rules=(rule,), word_groups=(people,)))
    assert graph.blocks[0].toPlainText() == ("Latest visitor message contains any of a word of “People we can put "
                                             "you through to”")


def test_a_tall_rule_stays_readable_on_a_laptop(qtbot) -> None:
    """The example's first rule in the diagram pane of a 1366×768 window (830×260) was drawn at half
    size: its text was about four pixels high. It keeps a readable size and scrolls instead."""
    ruleset = Ruleset.from_dict(json.loads(PLAYBOOK.read_text(encoding="utf-8")))
    view = RuleGraph()
    qtbot.addWidget(view)
    view.resize(830, 260)
    view.show()
    qtbot.waitExposed(view)
    view.set_rule(ruleset.rules[0], ruleset)
    assert view.scene().sceneRect().height() > 2 * view.viewport().height()  # a tall rule
    assert view.transform().m11() >= 0.8 and view.transform().m22() == view.transform().m11()
    assert view.verticalScrollBar().maximum() > 0  # the rest is a scroll away
