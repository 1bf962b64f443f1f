"""The Replay page driven like a user: run the samples, cancel a large run, click bars, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from builder.editing.document import Document
from builder.format.conversation import read_conversations
from builder.paths import example_playbook, sample_conversations
from builder.replay.batch import Replay
from builder.replay.metrics import compute, select
from builder.runtime import read_ruleset
from tests.widgets.replay.replay_library import write_library

pytestmark = pytest.mark.gui


@pytest.fixture
def ruleset() -> Any:
    return read_ruleset(example_playbook())


@pytest.fixture
def dashboard(qtbot: Any, ruleset: Any) -> Any:
    from widgets.replay.dashboard import ReplayDashboard

    page = ReplayDashboard(Document(ruleset))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    yield page
    page.worker.cancel()
    page.worker.wait(5)


def run_to_end(qtbot: Any, page: Any) -> None:
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.worker.running and page.outcome is not None, timeout=60000)
    qtbot.waitUntil(lambda: not page.drawing, timeout=10000)  # the charts are drawn one by one


def expected_metrics(ruleset: Any, source: Any = None) -> Any:
    return compute(Replay(ruleset, source or sample_conversations()), ruleset)


def test_before_a_run_the_progress_bar_says_so(dashboard: Any) -> None:
    assert dashboard.progress.text() == "not run yet"  # not an empty box beside the cluster field
    for chart in dashboard.escalation_charts.charts.values():  # empty charts show no numbers either
        assert chart.value_axis()._tickLevels == [[]], chart.title  # what setTicks gave the axis


def test_run_the_samples_shows_the_metrics(qtbot: Any, dashboard: Any, ruleset: Any) -> None:
    assert dashboard.library.currentText() == "Sample conversations"
    run_to_end(qtbot, dashboard)
    m = expected_metrics(ruleset)
    assert dashboard.metrics == m
    assert "Replayed" in dashboard.status.text()
    text = dashboard.summary.toPlainText()
    assert f"{m.total:,} conversations, {m.escalated:,} escalated" in text
    assert f"{m.rate:.1%}" in text
    assert f"{m.passed} passed, {m.failed} failed" in text
    assert dashboard.escalation_charts.gauge.rate == m.rate
    assert dashboard.escalation_charts.charts["by_trigger"].values == list(m.by_trigger.values())
    assert dashboard.escalation_charts.charts["by_hour"].values == list(m.by_hour)
    names = {r.id: r.name for r in ruleset.rules}
    assert all(names[r][:20] in text for r in m.never_fired)
    assert dashboard.export_button.isEnabled()


def test_charts_stay_readable_on_a_laptop(qtbot: Any, dashboard: Any) -> None:
    """At 1366×768 the rule chart drew fourteen names over each other and the tallest bars' numbers
    were cut at the top."""
    import pyqtgraph as pg

    dashboard.resize(1280, 480)  # the Replay page under the toolbar, tabs and Problems of a laptop window
    run_to_end(qtbot, dashboard)
    qtbot.wait(50)
    by_rule = dashboard.escalation_charts.charts["by_rule"]
    fired = [rule for rule, count in dashboard.metrics.by_rule.items() if count]
    assert by_rule.keys == fired  # the others are named under "Never fired"
    assert len(fired) < len(dashboard.metrics.by_rule)
    plot_height = by_rule.getPlotItem().getViewBox().sceneBoundingRect().height()
    assert plot_height / len(fired) >= by_rule._row_height() - 2  # one label's height a bar: no overlap
    for key in ("by_turn", "by_hour"):
        chart = dashboard.escalation_charts.charts[key]
        view = chart.getPlotItem().getViewBox().sceneBoundingRect()
        numbers = [i for i in chart.getPlotItem().items if isinstance(i, pg.TextItem)]
        assert numbers and all(n.sceneBoundingRect().top() >= view.top() - 1 for n in numbers), key


# Large enough that the click on Cancel lands mid-run even on a loaded machine with a fast engine.
LARGE = 8000


@pytest.mark.slow
def test_cancel_a_large_run_then_run_again(qtbot: Any, dashboard: Any, tmp_path: Path) -> None:
    library = write_library(tmp_path / "large.jsonl", LARGE)
    dashboard.set_library_file(library)
    assert dashboard.library.currentText() == "large.jsonl"
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    assert dashboard.cancel_button.isEnabled() and not dashboard.run_button.isEnabled()
    qtbot.waitUntil(lambda: dashboard.progress.value() > 0 or "conversations" in dashboard.progress.format(),
                    timeout=60000)
    qtbot.mouseClick(dashboard.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dashboard.worker.running, timeout=10000)
    qtbot.waitUntil(lambda: not dashboard.drawing, timeout=10000)
    assert dashboard.outcome.cancelled
    assert "cancelled" in dashboard.status.text()
    assert "cancelled" in dashboard.progress.format()
    assert len(dashboard.outcome.results) < LARGE
    assert dashboard.run_button.isEnabled() and not dashboard.cancel_button.isEnabled()

    run_to_end(qtbot, dashboard)
    assert not dashboard.outcome.cancelled
    assert dashboard.metrics.total == LARGE
    assert f"{LARGE:,} conversations" in dashboard.summary.toPlainText()


def test_click_a_bar_lists_its_conversations(qtbot: Any, dashboard: Any, ruleset: Any) -> None:
    run_to_end(qtbot, dashboard)
    chart = dashboard.escalation_charts.charts["by_rule"]
    rule = max(dashboard.metrics.by_rule, key=dashboard.metrics.by_rule.get)
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_viewport_pos(rule))
    behind = select(dashboard.outcome.results, rule=rule)
    assert dashboard.conversations.table.rowCount() == len(behind) == dashboard.metrics.by_rule[rule]
    table = dashboard.conversations.table
    listed = {table.item(row, 0).text() for row in range(table.rowCount())}
    assert listed == {r.conversation_id for r in behind}
    assert f"{len(behind)} conversations" in dashboard.conversations.title.text()

    hours = dashboard.escalation_charts.charts["by_hour"]
    hour = max(range(24), key=lambda h: dashboard.metrics.by_hour[h])
    qtbot.mouseClick(hours.viewport(), Qt.MouseButton.LeftButton, pos=hours.bar_viewport_pos(hour))
    assert dashboard.conversations.table.rowCount() == dashboard.metrics.by_hour[hour]


def test_a_click_between_bars_lists_nothing_new(qtbot: Any, dashboard: Any) -> None:
    run_to_end(qtbot, dashboard)
    chart = dashboard.escalation_charts.charts["by_turn"]
    empty = next(t for t, v in zip(chart.keys, chart.values, strict=True) if v == 0)
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_viewport_pos(empty))
    assert dashboard.conversations.table.rowCount() == 0


def test_double_click_opens_the_conversation_in_the_simulator(qtbot: Any, dashboard: Any) -> None:
    run_to_end(qtbot, dashboard)
    kind = max(dashboard.metrics.by_trigger, key=dashboard.metrics.by_trigger.get)
    chart = dashboard.escalation_charts.charts["by_trigger"]
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_viewport_pos(kind))
    assert dashboard.conversations.table.rowCount() >= 1
    wanted = dashboard.conversations.table.item(0, 0).text()
    rect = dashboard.conversations.table.visualItemRect(dashboard.conversations.table.item(0, 0))
    qtbot.mouseClick(dashboard.conversations.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double
    with qtbot.waitSignal(dashboard.open_in_simulator, timeout=5000) as blocker:  # click starts with a press
        qtbot.mouseDClick(dashboard.conversations.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    samples = {c.id: c.to_dict() for c in read_conversations(sample_conversations())}
    assert blocker.args[0] == samples[wanted]


def test_export_writes_html_with_the_numbers_and_png_charts(qtbot: Any, dashboard: Any, tmp_path: Path) -> None:
    run_to_end(qtbot, dashboard)
    files = dashboard.export_report(tmp_path / "report")
    page = files.html.read_text(encoding="utf-8")
    m = dashboard.metrics
    assert f"Conversations<b>{m.total}</b>" in page
    assert f"{m.rate:.1%}" in page
    for key in ("rate", "by_trigger", "by_rule", "by_turn", "by_hour", "by_handoff"):
        png = tmp_path / "report" / "charts" / f"{key}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'src="charts/{key}.png"' in page
    rows = files.csv.read_text(encoding="utf-8").splitlines()
    assert len(rows) == m.total + 1


def test_editing_the_rules_marks_the_numbers_stale(qtbot: Any, dashboard: Any) -> None:
    run_to_end(qtbot, dashboard)
    rule = dashboard.document.rules[0]
    dashboard.document.remove_rule(rule.id)
    assert dashboard.stale
    assert "Run to update" in dashboard.status.text()


def test_the_main_window_has_a_replay_page_wired_to_the_simulator(qtbot: Any, window: Any) -> None:
    if not hasattr(window, "replay_page"):  # the window calls install_pages once that is wired in
        from widgets.shell.pages import install_pages

        install_pages(window)
    page = window.replay_page
    assert window.pages.indexOf(page) >= 0
    assert window.pages.tabText(window.pages.indexOf(page)) == "Replay"
    window.pages.setCurrentWidget(page)
    run_to_end(qtbot, page)
    conversation = next(c.to_dict() for c in read_conversations(sample_conversations()))
    page.open_in_simulator.emit(conversation)
    assert window.pages.currentWidget() is window.simulator_page
    assert window.simulator_page.sim.conversation_id == conversation["id"]


def test_a_project_library_can_be_replayed(qtbot: Any, workspace: Any, ruleset: Any) -> None:
    from widgets.replay.dashboard import ReplayDashboard

    project = workspace.create_project("Shop", json.loads(example_playbook().read_text(encoding="utf-8")))
    samples = [c.to_dict() for c in read_conversations(sample_conversations())][:5]
    for conversation in samples:
        project.add_conversation("regressions", conversation)
    page = ReplayDashboard(Document(ruleset), project_provider=lambda: project)
    qtbot.addWidget(page)
    page.show()
    index = page.library.findText("Project library: regressions")
    assert index > 0
    page.library.setCurrentIndex(index)
    run_to_end(qtbot, page)
    assert page.metrics == compute(Replay(ruleset, samples), ruleset)
    assert page.metrics.total == 5


def test_a_csv_library_with_one_message_a_row(qtbot: Any, dashboard: Any, ruleset: Any, tmp_path: Path) -> None:
    library = tmp_path / "chats.csv"
    library.write_text("conversation_id,at,role,text\n"
                       "a,2026-11-24T09:00:00Z,visitor,hello\n"
                       "b,2026-11-24T10:00:00Z,visitor,I want to talk to a human\n"
                       "a,2026-11-24T09:00:05Z,bot,hi there\n", encoding="utf-8")
    dashboard.set_library_file(library)
    run_to_end(qtbot, dashboard)
    assert dashboard.metrics == compute(Replay(ruleset, library), ruleset)
    assert dashboard.metrics.total == 2
