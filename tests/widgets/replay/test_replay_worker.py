"""ReplayWorker: a replay off the UI thread with progress, live metrics, cancel and errors."""

from __future__ import annotations

import gc
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builder.paths import example_playbook, sample_conversations
from builder.replay.batch import Replay
from builder.replay.metrics import compute
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
    assert [r.conversation_id for r in outcome.results] == [
        r.conversation_id for r in Replay(ruleset, sample_conversations())
    ]
    assert not outcome.cancelled
    assert seen and seen[-1][0] == expected.total
    assert not worker.running


class GatedLibrary:
    """Conversations handed out one by one; after `stop_at` of them it waits at a gate, so a test
    can act while the replay is known to have kept exactly `stop_at` results (nothing timed)."""

    def __init__(self, stop_at: int, total: int = 5000) -> None:
        self.stop_at, self.total = stop_at, total
        self.reached, self.gate = threading.Event(), threading.Event()
        self.lines = sample_conversations().read_text(encoding="utf-8").splitlines()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i in range(self.total):
            if i == self.stop_at:
                self.reached.set()  # the replay asks for the next one only after keeping the last
                self.gate.wait(30)
            conversation = json.loads(self.lines[i % len(self.lines)])
            conversation["id"] = f"{conversation['id']}-{i}"
            yield conversation


def test_cancel_stops_the_replay_where_it_was_and_reports_cancelled(qtbot: Any, worker: Any) -> None:
    ruleset = read_ruleset(example_playbook())
    library = GatedLibrary(stop_at=120)
    worker.start(ruleset, library, processes=1)
    qtbot.waitUntil(library.reached.is_set, timeout=30000)
    with qtbot.waitSignal(worker.cancelled, timeout=30000) as blocker:
        worker.cancel()
        library.gate.set()  # the next conversation arrives only after cancel was asked
    outcome = blocker.args[0]
    assert outcome.cancelled
    assert len(outcome.results) == 120  # exactly what was kept before cancel: nothing after
    assert outcome.metrics is not None and outcome.metrics.total == 120
    assert outcome.findings == []  # a cancelled run is not analysed
    assert not worker.running


def test_kept_results_are_frozen_only_while_the_replay_runs(
    qtbot: Any, worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from widgets.replay import replay_worker

    monkeypatch.setattr(replay_worker, "FREEZE_EVERY", 50)
    switch = sys.getswitchinterval()
    assert gc.get_freeze_count() == 0
    library = GatedLibrary(stop_at=120)
    worker.start(read_ruleset(example_playbook()), library, processes=1)
    qtbot.waitUntil(library.reached.is_set, timeout=30000)
    assert gc.get_freeze_count() > 0  # the kept results are out of the collector's sight meanwhile
    assert sys.getswitchinterval() == switch  # nothing else process-wide is touched
    with qtbot.waitSignal(worker.cancelled, timeout=30000):
        worker.cancel()
        library.gate.set()
    assert gc.get_freeze_count() == 0  # cancel: nothing stays frozen


def test_a_finished_and_a_failed_replay_leave_nothing_frozen(
    qtbot: Any, worker: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from widgets.replay import replay_worker

    monkeypatch.setattr(replay_worker, "FREEZE_EVERY", 5)
    with qtbot.waitSignal(worker.finished, timeout=30000):
        worker.start(read_ruleset(example_playbook()), sample_conversations(), processes=1)
    assert gc.get_freeze_count() == 0
    with qtbot.waitSignal(worker.failed, timeout=30000):
        worker.start(read_ruleset(example_playbook()), tmp_path / "missing.jsonl")
    assert gc.get_freeze_count() == 0


def test_a_freeze_made_by_someone_else_is_left_alone(qtbot: Any, worker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from widgets.replay import replay_worker

    monkeypatch.setattr(replay_worker, "FREEZE_EVERY", 5)
    gc.freeze()
    try:
        theirs = gc.get_freeze_count()
        with qtbot.waitSignal(worker.finished, timeout=30000):
            worker.start(read_ruleset(example_playbook()), sample_conversations(), processes=1)
        # not frozen further (it would grow) nor unfrozen by the run (0); frozen objects may be freed
        assert 0 < gc.get_freeze_count() <= theirs
    finally:
        gc.unfreeze()


def test_overlapping_runs_unfreeze_once_the_last_ends() -> None:
    from widgets.replay.replay_worker import _FrozenWhileRunning

    freeze = _FrozenWhileRunning()
    with pytest.raises(RuntimeError), freeze.running():
        with freeze.running():
            freeze.freeze_kept()
        assert gc.get_freeze_count() > 0  # the other run still goes
        raise RuntimeError("replay failed")
    assert gc.get_freeze_count() == 0  # the error path unfroze
    freeze.freeze_kept()  # outside any run: nothing happens
    assert gc.get_freeze_count() == 0


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
