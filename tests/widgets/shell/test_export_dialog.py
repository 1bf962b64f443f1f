"""The export dialog: validation first, errors refuse, warnings confirm, atomic file, history, diff."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from builder.format.model import Reply
from rules_schema import content_hash, validate
from widgets.common.undo_commands import ReplaceRuleCommand
from widgets.shell.dialogs.export_dialog import ExportDialog
from widgets.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


def _dialog(qtbot: Any, window: MainWindow) -> ExportDialog:
    dialog = ExportDialog(window.document, project=window.project, ensure_saved=window._ensure_saved, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready, timeout=20000)
    return dialog


def test_export_writes_the_validated_file_and_records_it(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    new_id = window.new_rule()
    dialog = _dialog(qtbot, window)
    assert dialog.export_button.isEnabled()
    assert "first export" in dialog.changes.item(0).text()
    target = tmp_path / "out" / "playbook.json"
    target.parent.mkdir()
    dialog.path_edit.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.exported_to is not None, timeout=10000)

    exported = json.loads(target.read_text(encoding="utf-8"))
    assert new_id in [r["id"] for r in exported["rules"]]
    assert exported["metadata"]["content_hash"] == content_hash(exported)
    assert validate(exported) == []
    assert window.undo_stack.isClean()  # exporting saved the revision it exported
    records = window.project.exports()
    assert len(records) == 1 and Path(records[0].path) == target
    assert records[0].revision == window.project.head().number

    # next time: the diff against that export
    rule = window.document.rules[0]
    window.undo_stack.push(ReplaceRuleCommand(window.document, rule.id, replace(rule, name="Renamed"), "Rename"))
    second = _dialog(qtbot, window)
    lines = [second.changes.item(i).text() for i in range(second.changes.count())]
    assert any("Renamed" in line for line in lines)
    assert second.path_edit.text() == str(target)


def test_export_is_byte_identical_for_the_same_ruleset(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    texts = []
    for name in ("a.json", "b.json"):
        dialog = _dialog(qtbot, window)
        dialog.path_edit.setText(str(tmp_path / name))
        dialog.export()
        qtbot.waitUntil(lambda d=dialog: d.exported_to is not None, timeout=10000)
        texts.append((tmp_path / name).read_bytes())
    assert texts[0] == texts[1]


def test_errors_refuse_the_export(qtbot: Any, window: MainWindow, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rule = window.document.rules[0]
    window.undo_stack.push(ReplaceRuleCommand(window.document, rule.id,
                                              replace(rule, actions=(Reply("missing"),)), "Break"))
    dialog = _dialog(qtbot, window)
    assert not dialog.export_button.isEnabled()
    assert "must be fixed" in dialog.status.text()
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    dialog.path_edit.setText(str(tmp_path / "no.json"))
    dialog.export()
    assert warned and not (tmp_path / "no.json").exists()


@pytest.mark.parametrize("confirm", [False, True])
def test_warnings_ask_before_exporting(qtbot: Any, window: MainWindow, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, confirm: bool) -> None:
    first, second = window.document.rules[:2]
    window.undo_stack.push(ReplaceRuleCommand(window.document, second.id, replace(second, name=first.name),
                                              "Same name"))  # a duplicate name is a warning
    dialog = _dialog(qtbot, window)
    assert dialog.problems and all(p.severity == "warning" for p in dialog.problems)
    assert dialog.export_button.isEnabled()
    asked: list[str] = []
    answer = QMessageBox.StandardButton.Yes if confirm else QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, *a: asked.append(title) or answer)
    target = tmp_path / "warn.json"
    dialog.path_edit.setText(str(target))
    dialog.export()
    assert asked == ["Export with warnings?"]
    if confirm:
        qtbot.waitUntil(lambda: dialog.exported_to is not None, timeout=10000)
    assert target.exists() is confirm


def test_a_long_warning_is_read_whole(qtbot: Any, window: MainWindow) -> None:
    """On a laptop the example playbook's routing warning ran off the list's right edge."""
    first, second = window.document.rules[:2]
    long_name = "Visitor asks for a human after the bot failed twice on the same billing question"
    for rule in (first, second):  # a duplicate name is a warning that names the rule
        window.undo_stack.push(ReplaceRuleCommand(window.document, rule.id, replace(rule, name=long_name), "Rename"))
    dialog = _dialog(qtbot, window)
    dialog.resize(600, 480)
    view = dialog.problem_list
    assert view.count() >= 1
    qtbot.wait(20)
    assert view.horizontalScrollBar().maximum() == 0
    item = view.item(0)
    rect = view.visualItemRect(item)
    lines = rect.height() // view.fontMetrics().lineSpacing()
    width = min(rect.width(), view.viewport().width()) - view.iconSize().width()
    assert view.fontMetrics().horizontalAdvance(item.text()) <= width * max(lines, 1)
