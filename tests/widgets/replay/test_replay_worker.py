"""ReplayWorker: a replay off the UI thread with progress, live metrics, cancel and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from builder.replay.metrics import compute
from builder.paths import example_playbook, sample_conversations
from builder.replay.batch import Replay
from builder.runtime import read_ruleset
from tests.widgets.replay.replay_library import write_library

pytestmark = pytest.mark.gui


@pytest.fixture
def worker(qtbot: Any) -> Any:
    from widgets.replay.replay_worker import ReplayWorker

    w = ReplayWorker()
    yield w
    w.cancel()
    w.wait(5)


def test_replay_finishes_with_the_same_metrics_as_the_core(qtbot: Any, worker: Any) -> None:
    ruleset = read_ruleset(example_playbook())
    seen: list[tuple[int, float, int]] = []
    worker.progress.connect(lambda done, fraction, errors: seen.append((done, fraction, errors)))
    with qtbot.waitSignal(worker.finished, timeout=30000) as blocker:
        worker.start(ruleset, sample_conversations())
    outcome = blocker.args[0]
    expected = compute(Replay(ruleset, sample_conversations()), ruleset)
    assert outcome.metrics == expected
    assert [r.conversation_id for r in outcome.results] == [r.conversation_id for r in Replay(ruleset, sample_conversations())]
    assert not outcome.cancelled
    assert seen and seen[-1][0] == expected.total
    assert not worker.running


def test_cancel_stops_a_large_replay_and_reports_cancelled(qtbot: Any, worker: Any, tmp_path: Path) -> None:
    ruleset = read_ruleset(example_playbook())
    library = write_library(tmp_path / "big.jsonl", 5000)
    worker.progress.connect(lambda done, *_: worker.cancel() if done > 0 else None)
    with qtbot.waitSignal(worker.cancelled, timeout=60000) as blocker:
        worker.start(ruleset, library)
    outcome = blocker.args[0]
    assert outcome.cancelled
    assert 0 < len(outcome.results) < 5000
    assert outcome.metrics is not None and outcome.metrics.total == len(outcome.results)
    assert not worker.running


def test_live_metrics_snapshots_arrive_while_running(qtbot: Any, tmp_path: Path) -> None:
    from widgets.replay.replay_worker import ReplayWorker

    worker = ReplayWorker(snapshot_seconds=0.0)
    snapshots: list[Any] = []
    worker.metrics_changed.connect(snapshots.append)
    library = write_library(tmp_path / "mid.jsonl", 600)
    with qtbot.waitSignal(worker.finished, timeout=60000):
        worker.start(read_ruleset(example_playbook()), library, processes=1)
    totals = [m.total for m in snapshots]
    assert totals[-1] == 600
    assert totals == sorted(totals)


def test_an_unreadable_library_is_reported_as_a_sentence(qtbot: Any, worker: Any, tmp_path: Path) -> None:
    with qtbot.waitSignal(worker.failed, timeout=30000) as blocker:
        worker.start(read_ruleset(example_playbook()), tmp_path / "missing.jsonl")
    assert "missing.jsonl" in blocker.args[0]
    assert "Traceback" not in blocker.args[0]


def test_compare_runs_in_the_worker(qtbot: Any, worker: Any) -> None:
    from dataclasses import replace

    ruleset = read_ruleset(example_playbook())
    without_first = replace(ruleset, rules=ruleset.rules[1:])
    with qtbot.waitSignal(worker.finished, timeout=30000) as blocker:
        worker.start_compare(ruleset, without_first, sample_conversations())
    comparison = blocker.args[0].comparison
    removed = ruleset.rules[0].id
    assert comparison.a.by_rule[removed] > 0
    assert all(c.before.get("rule") == removed for c in comparison.no_longer_escalate + comparison.other_rule)
    assert comparison.changed >= comparison.a.by_rule[removed]


def test_the_switch_interval_is_restored_after_runs(qtbot: Any, worker: Any) -> None:
    import sys

    before = sys.getswitchinterval()
    with qtbot.waitSignal(worker.finished, timeout=30000):
        worker.start(read_ruleset(example_playbook()), sample_conversations())
    assert sys.getswitchinterval() == before
