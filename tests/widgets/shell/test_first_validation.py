"""The first check of the ruleset runs once the window has painted, as soon as the loop is idle:
not before the paint (the manager would look at nothing longer) and not a debounce later (it then
ran inside the first page the manager opened)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication

from builder.editing.document import Document
from builder.format.model import Ruleset
from builder.paths import example_playbook
from widgets.common import first_paint
from widgets.shell.problems_panel import ProblemsPanel

pytestmark = pytest.mark.gui


@pytest.fixture
def first_window(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This test's panel belongs to the process's first window: work waits for its first paint."""
    monkeypatch.setattr(first_paint, "_held", False)
    monkeypatch.setattr(first_paint, "_pending", None)
    assert first_paint.hold_until_painted()
    yield
    first_paint.painted()  # never leave work held for the next test


def watched_panel(qtbot: Any) -> tuple[ProblemsPanel, list[object]]:
    """A Problems panel on the example playbook, and the list of every result it shows."""
    panel = ProblemsPanel(Document(Ruleset.from_dict(json.loads(example_playbook().read_text("utf-8")))))
    qtbot.addWidget(panel)
    checked: list[object] = []
    panel.problems_changed.connect(checked.append)
    return panel, checked


def test_the_first_check_waits_for_the_paint_then_runs_at_the_first_idle_moment(qtbot: Any, first_window: None) -> None:
    panel, checked = watched_panel(qtbot)
    panel.schedule_validation()
    QCoreApplication.processEvents()
    assert panel.busy and checked == []  # not painted yet: nothing is checked
    assert not panel.timer.isActive()

    first_paint.painted()
    QCoreApplication.processEvents()  # the zero-timers the paint queued; no 150 ms debounce on top
    assert len(checked) == 1 and not panel.busy
    assert panel.summary.text() != "Checking…"


def test_an_edit_after_the_paint_keeps_its_debounce(qtbot: Any, first_window: None) -> None:
    panel, checked = watched_panel(qtbot)
    panel.schedule_validation()
    first_paint.painted()
    panel.schedule_validation()  # typing between the paint and its queued check: the debounce decides
    QCoreApplication.processEvents()
    assert checked == [] and panel.timer.isActive()
    qtbot.waitUntil(lambda: len(checked) == 1 and not panel.busy)
