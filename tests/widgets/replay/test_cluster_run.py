"""The Replay page on a cluster: tick "On a cluster", give a scheduler's address, Run; the
metrics equal the single-process replay's; a CSV library is refused with a plain sentence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from builder.paths import example_playbook, sample_conversations
from builder.replay.batch import Replay
from builder.replay.metrics import MetricsBuilder
from builder.runtime import read_ruleset

pytestmark = pytest.mark.gui
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """An existing cluster for the page to use (in this process: threads, starts in a second)."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0",
                                  silence_logs=50) as cluster:
        yield cluster.scheduler_address




def test_run_on_a_cluster_gives_the_single_process_metrics(qtbot: Any, page: Any, scheduler: str) -> None:
    assert not page.scheduler.isEnabled()
    qtbot.mouseClick(page.on_cluster, Qt.MouseButton.LeftButton)
    assert page.scheduler.isEnabled()
    qtbot.keyClicks(page.scheduler, scheduler)
    page.set_library_file(sample_conversations())
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert page.cancel_button.isEnabled() and not page.on_cluster.isEnabled()
    qtbot.waitUntil(lambda: not page.worker.running and page.outcome is not None, timeout=60000)
    qtbot.waitUntil(lambda: not page.drawing, timeout=10000)
    ruleset = read_ruleset(example_playbook())
    builder = MetricsBuilder(ruleset)
    for result in Replay(ruleset, sample_conversations()):
        builder.add(result)
    assert page.metrics == builder.metrics()
    assert len(page.outcome.results) == 18 and "Replayed 18 conversations" in page.status.text()
    assert page.progress.format() == "18 conversations"


def test_a_csv_library_is_not_sent_to_a_cluster(qtbot: Any, page: Any, tmp_path: Path) -> None:
    export = tmp_path / "library.csv"
    export.write_text("conversation_id,at,role,text\nc1,2026-12-01T10:00:00Z,visitor,hi\n", encoding="utf-8")
    page.set_library_file(export)
    qtbot.mouseClick(page.on_cluster, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert not page.worker.running and page.run_button.isEnabled()
    assert "JSON Lines or Parquet" in page.status.text()


def test_cancel_a_cluster_run(qtbot: Any, page: Any, scheduler: str, tmp_path: Path) -> None:
    library = tmp_path / "big.jsonl"
    library.write_text(sample_conversations().read_text(encoding="utf-8") * 100, encoding="utf-8")
    page.set_library_file(library)
    qtbot.mouseClick(page.on_cluster, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.scheduler, scheduler)
    with qtbot.waitSignal(page.worker.cancelled, timeout=10000):
        qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert page.outcome.cancelled and len(page.outcome.results) < 1800
    assert page.status.text().startswith("Replay cancelled after") and page.run_button.isEnabled()


def test_compare_revisions_on_the_cluster(qtbot: Any, page: Any, scheduler: str, tmp_path: Path) -> None:
    from builder.replay.metrics import compare_replays

    full = tmp_path / "full.json"
    full.write_text(example_playbook().read_text(encoding="utf-8"), encoding="utf-8")
    first_rule = page.document.ruleset.rules[0].id
    page.document.remove_rule(first_rule)  # B: the current edits without rule 1
    page.set_library_file(sample_conversations())
    qtbot.mouseClick(page.on_cluster, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.scheduler, scheduler)
    qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    dialog = page.compare_dialog
    assert dialog.cluster == scheduler
    dialog.set_side_file(dialog.side_a, full)
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.worker.running and dialog.compare_button.isEnabled(), timeout=60000)
    expected = compare_replays(read_ruleset(example_playbook()), page.document.ruleset, sample_conversations())
    got = dialog.comparison
    assert got is not None and got.a == expected.a and got.b == expected.b and got.changed == expected.changed > 0
    assert [c.conversation_id for c in got.no_longer_escalate] \
        == [c.conversation_id for c in expected.no_longer_escalate]
    dialog.close()
