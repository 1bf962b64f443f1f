"""Import… on the Replay page, driven like a user: pick CSV, choose the export, adjust the column
mapping's role words, import, read the summary, and replay the new library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from widgets.common.background import pending_tasks

pytestmark = pytest.mark.gui
DATA = Path(__file__).resolve().parents[2] / "builder" / "importers" / "data"




def test_import_a_csv_with_its_column_mapping_then_replay_it(qtbot: Any, page: Any, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    export = tmp_path / "chat_export.csv"
    shutil.copy(DATA / "chat_export.csv", export)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.import_dialog
    qtbot.waitExposed(dialog)
    assert not dialog.import_button.isEnabled()  # nothing chosen yet
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.mapping.isVisible()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kw: ([str(export)], ""))
    choose = next(b for b in dialog.findChildren(type(dialog.import_button)) if b.text() == "Choose…")
    qtbot.mouseClick(choose, Qt.MouseButton.LeftButton)
    assert dialog.output.text() == str(tmp_path / "chat_export.library.jsonl")
    assert [dialog.mapping.columns[k].currentText() for k in ("conversation", "at", "role", "text")] == \
        ["Ticket", "Sent", "Who", "Message"]  # guessed from the header
    bot_words = dialog.mapping.roles["bot"]
    bot_words.setFocus()
    bot_words.end(False)
    qtbot.keyClicks(bot_words, ", Robot")
    assert dialog.mask.isChecked()  # masking is on unless the user unticks it
    with qtbot.waitSignal(dialog.imported, timeout=10000) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    library = Path(imported.args[0])
    rows = [json.loads(line) for line in library.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["T-1", "T-2"]
    assert rows[0]["events"][0]["text"] == "I was charged twice, email me at [email]"
    summary = dialog.result.toPlainText()
    assert summary.startswith("Read 2 conversations, 5 events, 2 visitors.")
    assert "chat_export.csv: line 7: the row has no time" in summary
    assert "line 8: conversation T-3 has no visitor message" in summary  # Robot now counts as the bot
    assert page.library.currentData() == f"file:{library}"
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.worker.running and page.outcome is not None, timeout=60000)
    qtbot.waitUntil(lambda: not page.drawing, timeout=10000)
    assert page.metrics.total == 2


def test_a_column_mapping_can_be_changed_and_masking_turned_off(qtbot: Any, page: Any, tmp_path: Path) -> None:
    from widgets.replay.import_dialog import ImportDialog

    export = tmp_path / "chat_export.csv"
    shutil.copy(DATA / "chat_export.csv", export)
    dialog = ImportDialog(page)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.set_files([export])
    dialog.mapping.columns["text"].setCurrentIndex(dialog.mapping.columns["text"].findText("Channel"))
    qtbot.mouseClick(dialog.mask, Qt.MouseButton.LeftButton)
    assert not dialog.mask.isChecked()
    options = dialog.options()
    assert options.csv is not None and options.csv.text == "Channel" and options.mask is False
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pending_tasks() == 0)
    rows = [json.loads(line) for line in Path(dialog.output.text()).read_text(encoding="utf-8").splitlines()]
    assert {e["text"] for r in rows for e in r["events"]} == {"web"}  # the text came from the chosen column


def test_a_json_export_hides_the_csv_mapping_and_reports_a_broken_file(qtbot: Any, page: Any,
                                                                        tmp_path: Path) -> None:
    from widgets.replay.import_dialog import ImportDialog

    broken = tmp_path / "trackers.json"
    broken.write_text("[{\"sender_id\": ", encoding="utf-8")
    dialog = ImportDialog(page)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.format.setCurrentIndex(dialog.format.findData("rasa"))
    assert not dialog.mapping.isVisible()
    dialog.set_files([broken])
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running and pending_tasks() == 0, timeout=10000)
    text = dialog.result.toPlainText()
    assert text.startswith("Read 0 conversations") and "trackers.json: line 1: not valid JSON" in text
    assert page.library.currentData() != f"file:{dialog.output.text()}"  # nothing to replay: not chosen
