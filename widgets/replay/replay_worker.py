"""Runs a replay (or a two-revision comparison) off the UI thread and reports back on it.

Why polling rather than cross-thread signals: the replay runs on a plain Python thread that only
writes its state (counts, the latest metrics snapshot, the outcome) under a lock; a QTimer on the
UI thread reads that state every `interval_ms` and emits the Qt signals from there. So no Python
object crosses threads inside a Qt signal (which some PySide6 versions mishandle), updates are
throttled by construction (at most 1000 / interval_ms a second) and the UI is never flooded.
Large files use the replay's own process pool (`processes=None`: both cores above ~2 MB).

Cancel sets a flag the replay checks between conversations (and every 0.1 s while it waits for
the pool), so a run stops well within half a second. While any run is going, `GC_FREEZE` keeps
the kept results out of the cyclic GC, and undoes that when the last run ends (see
`_FrozenWhileRunning`); nothing else process-wide is changed.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from builder.analysis import analyse
from builder.format.model import Ruleset
from builder.replay.batch import Replay
from builder.replay.errors import ReplayError
from builder.replay.metrics import Comparison, Metrics, MetricsBuilder, compare_replays
from builder.replay.results import ReplayProgress, ReplayResult

if TYPE_CHECKING:
    from builder.replay.cluster import ArchiveProgress  # Dask loads only for a cluster run

__all__ = ["ReplayOutcome", "ReplayWorker"]

FREEZE_EVERY = 20_000  # kept results between two gc.freeze() calls


@dataclass
class ReplayOutcome:
    """What a finished (or cancelled) run leaves: results kept for inspection, final metrics."""

    ruleset: Ruleset
    source: Any
    results: list[ReplayResult] = field(default_factory=list)
    metrics: Metrics | None = None
    comparison: Comparison | None = None
    errors: list[Any] = field(default_factory=list)  # LineError: unreadable lines
    findings: list[Any] = field(default_factory=list)  # builder.analysis findings with the replay counts
    cancelled: bool = False
    seconds: float = 0.0


@dataclass
class _State:
    done: int = 0
    fraction: float | None = None
    errors: int = 0
    snapshot: Metrics | None = None
    snapshot_new: bool = False
    outcome: ReplayOutcome | None = None
    error: str | None = None
    finished: bool = False


class ReplayWorker(QObject):
    """Signals (all emitted on the UI thread): `progress(done, fraction, errors)` (fraction -1 when
    unknown), `metrics_changed(Metrics)` live snapshots, `finished(ReplayOutcome)` when the run
    completed, `cancelled(ReplayOutcome)` with the partial results, `failed(message)`."""

    progress = Signal(int, float, int)
    metrics_changed = Signal(object)
    finished = Signal(object)
    cancelled = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 50,
                 snapshot_seconds: float = 1.0) -> None:
        super().__init__(parent)
        self.snapshot_seconds = snapshot_seconds
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._state = _State()
        self._thread: threading.Thread | None = None
        self._last_progress: tuple[int, int] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._poll)
        self.cancel_requested_at: float | None = None
        self.stopped_at: float | None = None  # monotonic time the worker thread ended

    # --- control ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, ruleset: Ruleset, source: Any, *, fmt: str | None = None, processes: int | None = None,
              keep: bool = True) -> None:
        """Replay `source` (path, stream or list of conversation dicts) with `ruleset`."""
        self._launch(lambda: self._replay(ruleset, source, fmt, processes, keep))

    def start_cluster(self, ruleset: Ruleset, paths: list[Any], *, scheduler: str | None = None, workers: int = 2,
                      keep: bool = True) -> None:
        """Replay JSON Lines or Parquet libraries on Dask: a LocalCluster of `workers` processes
        started for the run, or the cluster at `scheduler`. Progress counts finished partitions."""
        self._launch(lambda: self._cluster_replay(ruleset, paths, scheduler, workers, keep))

    def start_cluster_compare(self, ruleset_a: Ruleset, ruleset_b: Ruleset, paths: list[Any], *,
                              scheduler: str | None = None, workers: int = 2) -> None:
        """`start_compare` on Dask (`compare_archive`); `finished` carries `outcome.comparison`."""
        self._launch(lambda: self._cluster_compare(ruleset_a, ruleset_b, paths, scheduler, workers))

    def start_compare(self, ruleset_a: Ruleset, ruleset_b: Ruleset, source: Any, *, fmt: str | None = None,
                      processes: int | None = 1) -> None:
        """Replay the same library with two rulesets; `finished` carries `outcome.comparison`."""
        self._launch(lambda: self._compare(ruleset_a, ruleset_b, source, fmt, processes))

    def cancel(self) -> None:
        """Ask the run to stop; `cancelled` follows once it has (within a fraction of a second)."""
        if self.running and not self._cancel.is_set():
            self.cancel_requested_at = time.monotonic()
            self._cancel.set()

    def wait(self, timeout: float = 5.0) -> bool:
        """Block until the worker thread ends (tests, closing); signals follow on the next poll."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _launch(self, body: Callable[[], None]) -> None:
        if self.running:
            raise RuntimeError("a replay is already running")
        self._cancel.clear()
        self._state = _State()
        self._last_progress = None
        self.cancel_requested_at = self.stopped_at = None
        self._thread = threading.Thread(target=self._guarded, args=(body,), name="replay", daemon=True)
        self._timer.start()
        self._thread.start()

    # --- the worker thread -----------------------------------------------------------------

    def _guarded(self, body: Callable[[], None]) -> None:
        try:
            with GC_FREEZE.running():
                body()
        except Exception as exc:
            with self._lock:
                self._state.error = _message(exc)
        finally:
            self.stopped_at = time.monotonic()
            with self._lock:
                self._state.finished = True

    def _on_progress(self, p: ReplayProgress) -> None:
        with self._lock:
            self._state.done, self._state.fraction, self._state.errors = p.done, p.fraction, p.errors

    def _on_archive_progress(self, p: ArchiveProgress) -> None:
        with self._lock:
            self._state.done, self._state.fraction, self._state.errors = p.conversations, p.fraction, p.errors

    def _publish_snapshot(self, snapshot: Metrics) -> None:
        """Metrics so far, for the UI thread's next poll."""
        with self._lock:
            self._state.snapshot, self._state.snapshot_new = snapshot, True

    def _finish(self, outcome: ReplayOutcome, metrics: Metrics, errors: list[Any], cancelled: bool, started: float,
                done: int) -> None:
        """Complete `outcome` (with the findings its counts give, unless the run was cancelled) and
        hand it to the UI thread."""
        outcome.metrics, outcome.errors = metrics, errors
        outcome.cancelled = cancelled or self._cancel.is_set()
        outcome.seconds = time.perf_counter() - started
        if not outcome.cancelled:
            outcome.findings = analyse(outcome.ruleset, fired=metrics.by_rule, total=metrics.total)
        with self._lock:
            self._state.done, self._state.errors = done, len(errors)
            self._state.outcome = outcome

    def _replay(self, ruleset: Ruleset, source: Any, fmt: str | None, processes: int | None, keep: bool) -> None:
        started = time.perf_counter()
        run = Replay(ruleset, source, fmt=fmt, processes=processes, cancel=self._cancel.is_set,
                     progress=self._on_progress, progress_every=25)
        builder = MetricsBuilder(ruleset)
        outcome = ReplayOutcome(ruleset, source)
        results = outcome.results
        next_snapshot = time.monotonic() + self.snapshot_seconds
        for result in run:
            builder.add(result)
            if keep:
                results.append(result)
                if len(results) % FREEZE_EVERY == 0:
                    GC_FREEZE.freeze_kept()
            if result.index % 50 == 0 and time.monotonic() >= next_snapshot:
                self._publish_snapshot(builder.metrics())
                next_snapshot = time.monotonic() + self.snapshot_seconds
        self._finish(outcome, builder.metrics(), list(run.errors), run.cancelled, started, run.done)

    def _cluster_replay(self, ruleset: Ruleset, paths: list[Any], scheduler: str | None, workers: int,
                        keep: bool) -> None:
        from builder.replay.cluster import replay_archive  # Dask loads only for this run

        started = time.perf_counter()
        outcome = ReplayOutcome(ruleset, paths[0] if len(paths) == 1 else paths)
        live = MetricsBuilder(ruleset)
        next_snapshot = [time.monotonic() + self.snapshot_seconds]

        def on_results(results: list[ReplayResult]) -> None:
            for result in results:
                live.add(result)
            if keep:
                outcome.results.extend(results)
            if time.monotonic() >= next_snapshot[0]:
                self._publish_snapshot(live.metrics())
                next_snapshot[0] = time.monotonic() + self.snapshot_seconds

        run = replay_archive(ruleset, paths, scheduler=scheduler, workers=workers, on_results=on_results,
                             progress=self._on_archive_progress, cancel=self._cancel.is_set)
        errors = [error for _path, error in run.errors]
        self._finish(outcome, run.metrics, errors, run.cancelled, started, run.conversations)

    def _cluster_compare(self, ruleset_a: Ruleset, ruleset_b: Ruleset, paths: list[Any], scheduler: str | None,
                         workers: int) -> None:
        from builder.replay.cluster import compare_archive  # Dask loads only for this run

        started = time.perf_counter()
        comparison, errors, cancelled = compare_archive(ruleset_a, ruleset_b, paths, scheduler=scheduler,
                                                        workers=workers, progress=self._on_archive_progress,
                                                        cancel=self._cancel.is_set)
        outcome = ReplayOutcome(ruleset_b, paths[0] if len(paths) == 1 else paths, metrics=comparison.b,
                                comparison=comparison, errors=[e for _path, e in errors],
                                cancelled=cancelled or self._cancel.is_set(), seconds=time.perf_counter() - started)
        with self._lock:
            self._state.outcome = outcome

    def _compare(self, ruleset_a: Ruleset, ruleset_b: Ruleset, source: Any, fmt: str | None,
                 processes: int | None) -> None:
        started = time.perf_counter()
        comparison = compare_replays(ruleset_a, ruleset_b, source, fmt=fmt, processes=processes,
                                     cancel=self._cancel.is_set, progress=self._on_progress, progress_every=25)
        outcome = ReplayOutcome(ruleset_b, source, metrics=comparison.b, comparison=comparison,
                                errors=list(comparison.errors), cancelled=self._cancel.is_set(),
                                seconds=time.perf_counter() - started)
        with self._lock:
            self._state.outcome = outcome

    # --- the UI thread -----------------------------------------------------------------------

    def _poll(self) -> None:
        with self._lock:
            state = self._state
            done, fraction, errors = state.done, state.fraction, state.errors
            snapshot = state.snapshot if state.snapshot_new else None
            state.snapshot_new = False
            finished, outcome, error = state.finished, state.outcome, state.error
        if (done, errors) != self._last_progress or finished:
            self._last_progress = (done, errors)
            self.progress.emit(done, -1.0 if fraction is None else float(fraction), errors)
        if snapshot is not None and not finished:
            self.metrics_changed.emit(snapshot)
        if not finished:
            return
        self._timer.stop()
        if self._thread is not None:
            self._thread.join(1.0)
        self._thread = None
        if error is not None:
            self.failed.emit(error)
        elif outcome is not None and outcome.cancelled:
            self.cancelled.emit(outcome)
        elif outcome is not None:
            if outcome.metrics is not None:
                self.metrics_changed.emit(outcome.metrics)
            self.finished.emit(outcome)


class _FrozenWhileRunning:
    """Keeps the kept results out of the cyclic GC's sight while replays run, and only then.

    Why: a full collection walks every tracked object, and a run keeps up to hundreds of thousands
    of results, so each full collection stalls the UI (whichever thread triggers it). Measured with
    the dashboard on 100,000 generated conversations (offscreen, 2 shared cores): without freezing,
    5 full collections during the run took 92, 368, 361, 720 and 860 ms (longest UI stall 854 ms);
    with `gc.freeze()` every `FREEZE_EVERY` results, 1-2 took 86-158 ms (longest stall 106-170 ms).

    Confined: `gc.freeze()` is process-wide, and frozen objects that end up in unreachable cycles
    are never collected, so the last run to end (finished, failed or cancelled; runs may overlap)
    calls `gc.unfreeze()` and nothing stays frozen. The first full collection after that walks the
    results once. When something else in the process froze objects first, runs leave the
    collector alone, since unfreezing would undo that freeze too."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._may_freeze = self._frozen = False

    @contextmanager
    def running(self) -> Iterator[None]:
        with self._lock:
            if self._runs == 0:
                self._may_freeze, self._frozen = gc.get_freeze_count() == 0, False
            self._runs += 1
        try:
            yield
        finally:
            with self._lock:
                self._runs -= 1
                if self._runs == 0 and self._frozen:
                    gc.unfreeze()
                    self._frozen = False

    def freeze_kept(self) -> None:
        """Move what is alive (mostly the kept results) out of the cyclic GC's sight until the end;
        they are still freed by reference counting."""
        with self._lock:
            if self._runs and self._may_freeze:
                gc.collect(1)  # young cycles first, so they are not frozen with the rest
                gc.freeze()
                self._frozen = True


GC_FREEZE = _FrozenWhileRunning()


def _message(exc: BaseException) -> str:
    """A sentence for the user: the replay's own errors are already worded for people."""
    if isinstance(exc, (ReplayError, OSError, ValueError, ImportError)) or exc.__class__.__name__ == "ArchiveError":
        return str(exc) or exc.__class__.__name__
    return f"The replay stopped unexpectedly ({exc.__class__.__name__}: {exc})."
