"""Compare two revisions: pick revisions (or files), replay the same library, see what changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from builder.editing.document import Document
from builder.paths import example_playbook, sample_conversations
from builder.replay.metrics import compare_replays
from builder.runtime import read_ruleset

pytestmark = pytest.mark.gui


def open_dialog(qtbot: Any, document: Document, project: Any = None) -> Any:
    from widgets.replay.compare_dialog import CompareDialog

    dialog = CompareDialog(document, sample_conversations(), "Sample conversations",
                           project_provider=lambda: project)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def compare_and_wait(qtbot: Any, dialog: Any) -> None:
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.worker.running and dialog.compare_button.isEnabled(), timeout=60000)


def test_before_a_compare_the_progress_bar_says_so(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Document(read_ruleset(example_playbook())))
    assert dialog.progress.text() == "not compared yet"


def test_a_saved_revision_against_the_current_edits(qtbot: Any, workspace: Any) -> None:
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    project = workspace.create_project("Shop", document)
    before = read_ruleset(example_playbook())
    removed = before.rules[0]
    current = Document(before)
    current.remove_rule(removed.id)  # the unsaved edit: the first rule is gone

    dialog = open_dialog(qtbot, current, project)
    assert dialog.side_a.currentText().startswith("Revision")
    assert dialog.side_b.currentText() == "Current edits"
    compare_and_wait(qtbot, dialog)

    expected = compare_replays(before, current.ruleset, sample_conversations())
    assert dialog.comparison == expected
    no_longer = dialog.tables["no_longer_escalate"]
    other = dialog.tables["other_rule"]
    assert no_longer.rowCount() == len(expected.no_longer_escalate)
    assert other.rowCount() == len(expected.other_rule)
    assert no_longer.rowCount() + other.rowCount() >= 1
    listed = {no_longer.item(r, 0).text() for r in range(no_longer.rowCount())}
    assert listed == {c.conversation_id for c in expected.no_longer_escalate}
    tab = dialog.tabs.tabText(dialog.tabs.indexOf(no_longer))
    assert f"({len(expected.no_longer_escalate)})" in tab
    deltas = {dialog.deltas.item(r, 0).text(): dialog.deltas.item(r, 3).text() for r in range(dialog.deltas.rowCount())}
    assert deltas["Escalated"] == f"{expected.delta.escalated:+d}"
    assert f"Rule: {removed.name}" in deltas
    assert f"{expected.changed:,} decided differently" in dialog.status.text()


def test_two_ruleset_files(qtbot: Any, tmp_path: Path) -> None:
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    first = tmp_path / "a.json"
    first.write_text(json.dumps(document), encoding="utf-8")
    document["rules"] = document["rules"][::-1]  # another order: other rules win first-match
    second = tmp_path / "b.json"
    second.write_text(json.dumps(document), encoding="utf-8")
    dialog = open_dialog(qtbot, Document(read_ruleset(example_playbook())))
    dialog.set_side_file(dialog.side_a, first)
    dialog.set_side_file(dialog.side_b, second)
    assert dialog.side_a.currentText() == "File: a.json"
    compare_and_wait(qtbot, dialog)
    expected = compare_replays(read_ruleset(first), read_ruleset(second), sample_conversations())
    assert dialog.comparison == expected
    for key in ("now_escalate", "no_longer_escalate", "other_rule", "other_turn"):
        assert dialog.tables[key].rowCount() == len(getattr(expected, key))


def test_an_unreadable_file_is_explained_and_nothing_runs(qtbot: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    dialog = open_dialog(qtbot, Document(read_ruleset(example_playbook())))
    dialog.set_side_file(dialog.side_a, broken)
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    assert "broken.json" in dialog.status.text()
    assert not dialog.worker.running and dialog.comparison is None


def test_double_click_a_change_opens_it_in_the_simulator(qtbot: Any, tmp_path: Path) -> None:
    ruleset = read_ruleset(example_playbook())
    full = tmp_path / "full.json"
    full.write_text(example_playbook().read_text(encoding="utf-8"), encoding="utf-8")
    current = Document(ruleset)
    current.remove_rule(ruleset.rules[0].id)
    dialog = open_dialog(qtbot, current)
    dialog.set_side_file(dialog.side_a, full)  # A: the whole playbook; B: the edits without rule 1
    compare_and_wait(qtbot, dialog)
    key = "no_longer_escalate" if dialog.comparison.no_longer_escalate else "other_rule"
    table = dialog.tables[key]
    dialog.tabs.setCurrentWidget(table)
    rect = table.visualItemRect(table.item(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(dialog.open_in_simulator, timeout=5000) as blocker:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0]["id"] == table.item(0, 0).text()
    assert blocker.args[0]["events"]
