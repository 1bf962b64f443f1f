"""The problems panel: live, debounced validation; clicking a problem goes to the rule."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit

from builder.editing.document import Document
from builder.format.model import Leaf, Reply, Ruleset
from builder.paths import example_playbook
from rules_schema import Problem, validate
from widgets.common.undo_commands import ReplaceRuleCommand
from widgets.shell.main_window import MainWindow
from widgets.shell.problems_panel import SYNC_RULES, ProblemsPanel, ValidationCache, split_message

pytestmark = pytest.mark.gui

EXAMPLE = json.loads(example_playbook().read_text(encoding="utf-8"))


def _break(document: Document, stack: QUndoStack, index: int) -> str:
    """Point the rule's reply at a template that does not exist (an error)."""
    rule = document.rules[index]
    broken = replace(rule, actions=(*rule.actions, Reply("no-such-template")))
    stack.push(ReplaceRuleCommand(document, rule.id, broken, "Use a missing template"))
    return rule.id


def test_broken_rule_shows_a_problem_and_clicking_it_selects_the_rule(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    panel = window.problems_panel
    qtbot.waitUntil(lambda: not panel.busy and panel.summary.text() != "Checking…")
    assert panel.problems == []  # a new user's example is clean
    focused: list[Problem] = []
    monkeypatch.setattr(window.rule_editor, "focus_problem", focused.append)
    rule_id = _break(window.document, window.undo_stack, 2)
    qtbot.waitUntil(lambda: [p.severity for p in panel.problems] == ["error"])  # the promise waits for a fix
    problem = panel.problems[0]
    assert problem.severity == "error" and problem.rule_id == rule_id
    item = panel.tree.topLevelItem(0)
    assert "no-such-template" in item.text(0)
    assert "error" in panel.summary.text()

    window.rule_list.select_rule(window.document.rules[0].id)
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.rule_list.selected_rule_id() == rule_id
    assert focused == [problem]
    # the rule's row is marked
    row = window.rule_model.row_of(rule_id)
    assert window.rule_model.index(row).data(Qt.ItemDataRole.UserRole + 8) == "error"

    window.undo_action.trigger()
    qtbot.waitUntil(lambda: panel.problems == [])
    assert panel.summary.text() == "No problems: ready to export."


def test_validation_is_debounced(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    document = Document(Ruleset.from_dict(EXAMPLE))
    stack = QUndoStack()
    panel = ProblemsPanel(document)
    qtbot.addWidget(panel)
    calls: list[int] = []
    real = ValidationCache.full
    monkeypatch.setattr(ValidationCache, "full", lambda self, rs: calls.append(1) or real(self, rs))
    rule = document.rules[0]
    for n in range(5):  # five quick keystrokes in the name field
        stack.push(ReplaceRuleCommand(document, rule.id, replace(document.rules[0], name=f"{rule.name} {n}"),
                                      "Rename", merge_key="name"))
    assert panel.busy and calls == []
    qtbot.waitUntil(lambda: not panel.busy)
    assert len(calls) == 1


def _schema(problems: list[Problem]) -> list[Problem]:
    """The validator's problems (copies of one rule also shadow each other: rule-order warnings)."""
    return [p for p in problems if not p.code.startswith("analysis.")]


def _big_ruleset(count: int) -> Ruleset:
    base = Ruleset.from_dict(EXAMPLE)
    rules = tuple(replace(base.rules[i % len(base.rules)], id=f"r{i}", name=f"Rule {i}") for i in range(count))
    return replace(base, rules=rules)


def test_big_ruleset_gets_a_fast_estimate_then_the_full_result(qtbot: Any) -> None:
    document = Document(_big_ruleset(SYNC_RULES + 20))
    stack = QUndoStack()
    panel = ProblemsPanel(document)
    qtbot.addWidget(panel)
    panel.validate_now()  # too big for the UI thread: runs in the background
    qtbot.waitUntil(lambda: not panel.busy, timeout=30000)
    assert _schema(panel.problems) == []
    assert any(p.code == "analysis.shadowed" for p in panel.problems)
    rule_id = _break(document, stack, 70)
    panel.validate_now()
    # the edited rule was checked alone at once; the full pass is still running
    assert [p.rule_id for p in _schema(panel.problems)] == [rule_id]
    assert _schema(panel.problems)[0].path.startswith("$.rules[70]")
    qtbot.waitUntil(lambda: not panel.busy, timeout=30000)
    assert _schema(panel.problems) == validate(document.ruleset.to_dict())


def test_cache_estimate_matches_full_validation_for_rule_edits() -> None:
    ruleset = _big_ruleset(12)
    cache = ValidationCache()
    cache.absorb_full(ruleset, cache.full(ruleset), ruleset)
    rules = list(ruleset.rules)
    rules[3] = replace(rules[3], when=Leaf("message.text", "contains_any", ()))
    rules[7] = replace(rules[7], actions=(Reply("missing"),))
    edited = replace(ruleset, rules=tuple(rules))
    cache.validate_rules(edited, cache.stale_rules(edited))
    assert _schema(cache.problems(edited)) == validate(edited.to_dict())


def test_split_message_handles_colons_in_rule_names() -> None:
    ruleset = Ruleset.from_dict(EXAMPLE)
    rule = replace(ruleset.rules[0], name="Urgent: outage")
    document = Document(replace(ruleset, rules=(rule,)))
    problem = Problem("$.rules[0].actions[1].template", "Rule 'Urgent: outage', action 2: there is no template",
                      "error", "ref.template", rule.id)
    assert split_message(problem, document) == ("Rule 'Urgent: outage', action 2", "there is no template")


def test_a_finding_about_a_rule_with_a_colon_in_its_name_is_one_sentence() -> None:
    ruleset = Ruleset.from_dict(EXAMPLE)
    rule = replace(ruleset.rules[0], name="Urgent: outage")
    document = Document(replace(ruleset, rules=(rule,)))
    sentence = "\u201cUrgent: outage\u201d can never fire: its condition has nothing that can hold."
    problem = Problem("$.rules[0].when", sentence, "warning", "analysis.never_fires", rule.id)
    assert split_message(problem, document) == ("Rule 'Urgent: outage'", sentence)


def test_an_unkept_promise_is_in_the_problems_panel_and_leaves_when_fixed(qtbot: Any, window: MainWindow) -> None:
    # urgent visitors promised 30 minutes of calendar time, but Support is closed all weekend
    ruleset = window.document.ruleset
    sla = tuple((p, replace(s, clock="calendar") if p == "urgent" else s) for p, s in ruleset.routing.sla)
    window.load_ruleset(replace(ruleset, routing=replace(ruleset.routing, sla=sla)), project=window.project)
    panel = window.problems_panel
    qtbot.waitUntil(lambda: any(p.code == "analysis.unkept_promise" for p in panel.problems))
    [promise] = [p for p in panel.problems if p.code == "analysis.unkept_promise"]
    assert promise.severity == "warning" and promise.path == "$.routing.sla.urgent"
    row = panel.problems.index(promise)
    item = panel.tree.topLevelItem(row)
    assert item.text(0).startswith("Closed longer than the 30 minutes calendar-time promise for urgent priority: "
                                   "Support up to ")
    assert item.text(1) == "Routing"
    assert "1 warning" in panel.summary.text()
    status = window.status_problems  # the status bar says it too, in full (not clipped to its first width)
    assert status.text() == "1 warning" and status.width() >= status.sizeHint().width()

    # the list unfolds when the first problem arrives: click once the row is on screen, as a person would
    qtbot.waitUntil(lambda: panel.tree.viewport().rect().contains(panel.tree.visualItemRect(item).center()))
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=panel.tree.visualItemRect(item).center())
    assert window.pages.tabText(window.pages.currentIndex()) == "Routing"
    backup = next(w for w in window.pages.currentWidget().findChildren(QLineEdit)
                  if w.accessibleName() == "Routing backup contact")
    qtbot.keyClicks(backup, "on-call: +49 30 1234567")  # someone to call while the team is closed
    qtbot.waitUntil(lambda: not panel.busy and panel.problems == [])
    assert window.status_problems.text() == "No problems"
    assert "No problems" in panel.summary.text()


def test_the_panel_folds_to_its_summary_line_without_problems_and_unfolds_with_them(
        qtbot: Any, window: MainWindow) -> None:
    panel, dock = window.problems_panel, window.problems_dock
    qtbot.waitUntil(lambda: not panel.busy)
    assert panel.problems == [] and not panel.tree.isVisible()
    folded = dock.height()
    assert folded < 60  # one line: the page below gets the room
    rules = list(window.document.ruleset.rules)
    rules[0] = replace(rules[0], actions=(Reply("missing"),))
    window.load_ruleset(replace(window.document.ruleset, rules=tuple(rules)), project=window.project)
    qtbot.waitUntil(lambda: bool(panel.problems))
    qtbot.waitUntil(lambda: panel.tree.isVisible() and dock.height() >= 140)
