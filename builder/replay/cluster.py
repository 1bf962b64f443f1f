"""Replay on a Dask cluster: each partition of the archive replays on a worker with the same
engine and comes back as its decisions plus a mergeable metrics partial.

Why Dask: a year of a busy desk is millions of conversations, more than one machine's two
processes replay while a manager waits. By default a `LocalCluster` of worker processes starts
inside the run and stops with it (nothing to install or start); `scheduler="tcp://host:8786"`
uses an existing cluster instead (its workers must see the same files and have this package).

Memory stays flat: only a few partitions per worker are in flight, and each finished
partition's decisions go to `on_decisions` (the output file) and are dropped. The merged
metrics equal a single-process replay's exactly: the partials are counts, and counts add up.
Dask and pyarrow come with the `archive` extra; without it the commands say how to install it.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.format.conversation import LineError
from builder.format.model import Ruleset
from builder.replay.archive import Partition, plan_partitions, read_partition
from builder.replay.metrics import Change, Comparison, Metrics, MetricsBuilder, MetricsPartial, change_kind
from builder.replay.results import ReplayResult, decide

INSTALL_HINT = "replay on a cluster needs Dask: pip install 'handoff-builder[archive]'"


class DaskMissing(ImportError):
    """Dask (the `archive` extra) is not installed."""


class ClusterUnreachable(ConnectionError):
    """The scheduler at the given address does not answer."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskMissing(INSTALL_HINT) from None
    return distributed


@dataclass(frozen=True)
class PartitionOutcome:
    """What one partition gives back: its results (input order), the metric counts, bad lines."""

    partition: Partition
    results: list[ReplayResult]
    partial: MetricsPartial
    errors: list[LineError]
    count: int


@dataclass(frozen=True)
class ArchiveProgress:
    conversations: int
    partitions_done: int
    partitions: int
    errors: int = 0

    @property
    def fraction(self) -> float:
        return self.partitions_done / self.partitions if self.partitions else 1.0


@dataclass
class ArchiveOutcome:
    """The merged result: metrics, bad lines (file, error), whether the run was cancelled."""

    metrics: Metrics
    conversations: int
    errors: list[tuple[str, LineError]] = field(default_factory=list)
    cancelled: bool = False
    workers: int = 0


# --- on the worker -----------------------------------------------------------------------------

_COMPILED: dict[str, Any] = {}


def _compiled(key: str, ruleset: Ruleset) -> Any:
    """The ruleset compiled once per worker process and run (rulesets differ by `key`)."""
    found = _COMPILED.get(key)
    if found is None:
        from builder.engine import compile_ruleset

        if len(_COMPILED) > 4:
            _COMPILED.clear()
        found = _COMPILED[key] = compile_ruleset(ruleset)
    return found


def _results(compiled: Any, partition: Partition, errors: list[LineError]) -> Iterable[ReplayResult]:
    for item in read_partition(partition):
        if isinstance(item, LineError):
            errors.append(item)
        else:
            yield decide(compiled, item, index=item.line)


def replay_partition(key: str, ruleset: Ruleset, partition: Partition, keep_results: bool = True) -> PartitionOutcome:
    """Replay one partition (runs on a worker; also callable in-process). A result's `index` is
    its line in the file."""
    compiled = _compiled(key, ruleset)
    builder = MetricsBuilder(ruleset)
    errors: list[LineError] = []
    results: list[ReplayResult] = []
    count = 0
    for result in _results(compiled, partition, errors):
        builder.add(result)
        count += 1
        if keep_results:
            results.append(result)
    return PartitionOutcome(partition, results, builder.partial, errors, count)


@dataclass(frozen=True)
class PartitionChanges:
    """One partition replayed with two revisions: what changed, the two metrics partials, bad lines."""

    partition: Partition
    changes: dict[str, list[Change]]
    partial_a: MetricsPartial
    partial_b: MetricsPartial
    errors: list[LineError]
    count: int


def compare_partition(key_a: str, ruleset_a: Ruleset, key_b: str, ruleset_b: Ruleset,
                      partition: Partition) -> PartitionChanges:
    """One partition replayed with both revisions and sorted into what changed (runs on a worker)."""
    compiled_a, compiled_b = _compiled(key_a, ruleset_a), _compiled(key_b, ruleset_b)
    builder_a, builder_b = MetricsBuilder(ruleset_a), MetricsBuilder(ruleset_b)
    changes: dict[str, list[Change]] = {"now": [], "no": [], "rule": [], "turn": []}
    errors: list[LineError] = []
    count = 0
    for item in read_partition(partition):
        if isinstance(item, LineError):
            errors.append(item)
            continue
        a, b = decide(compiled_a, item, index=item.line), decide(compiled_b, item, index=item.line)
        builder_a.add(a)
        builder_b.add(b)
        count += 1
        kind = change_kind(a.decision, b.decision)
        if kind is not None:
            changes[kind].append(Change(a.index, a.conversation_id, a.decision, b.decision))
    return PartitionChanges(partition, changes, builder_a.partial, builder_b.partial, errors, count)


# --- on the client -----------------------------------------------------------------------------

def ruleset_key(ruleset: Ruleset) -> str:
    """A name for this exact ruleset, so a worker compiles it once for every run that uses it."""
    return hashlib.sha256(pickle.dumps(ruleset)).hexdigest()


class ClusterSession:
    """A Dask client on a LocalCluster started here (`workers` processes, one thread each) or on
    an existing scheduler; a context manager that closes what it started."""

    def __init__(self, scheduler: str | None = None, workers: int = 2) -> None:
        distributed = _distributed()
        self.cluster: Any = None
        if scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout="20s")
            except (OSError, ValueError, TimeoutError) as exc:
                raise ClusterUnreachable(f"cannot reach the cluster at {scheduler}: {exc}") from None
        else:  # on this machine only: scheduler, workers and the status page listen on the loopback
            # address, the page on a free port (a second cluster on the machine must not clash on 8787)
            self.cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                    host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=50)
            self.client = distributed.Client(self.cluster)

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> ClusterSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _run(session: ClusterSession, partitions: Sequence[Partition], submit: Callable[[Partition], Any],
         on_result: Callable[[Any], None], cancel: Callable[[], bool]) -> bool:
    """Submit partitions a few at a time, hand each result over as it finishes; False when cancelled."""
    distributed = _distributed()
    limit = max(2, 2 * max(1, session.workers))
    queue = list(reversed(partitions))
    running: set[Any] = set()
    try:
        while queue or running:
            while queue and len(running) < limit:
                running.add(submit(queue.pop()))
            if cancel():
                return False
            try:
                done, _ = distributed.wait(list(running), timeout=0.2, return_when="FIRST_COMPLETED")
            except TimeoutError:
                continue
            for future in done:
                running.discard(future)
                on_result(future.result())
                future.release()
        return True
    finally:
        if running:
            session.client.cancel(list(running))


def replay_archive(ruleset: Ruleset, paths: Iterable[str | Path], *, session: ClusterSession | None = None,
                   scheduler: str | None = None, workers: int = 2,
                   on_results: Callable[[list[ReplayResult]], None] | None = None,
                   progress: Callable[[ArchiveProgress], None] | None = None,
                   cancel: Callable[[], bool] | None = None, block_bytes: int | None = None) -> ArchiveOutcome:
    """Replay the archive on a cluster; the results of each finished partition go to `on_results`
    (in input order within a partition, partitions in the order they finish), and the metrics are
    merged from the partitions' partials."""
    partitions = plan_partitions(paths, **({"block_bytes": block_bytes} if block_bytes else {}))
    own = session is None
    session = session or ClusterSession(scheduler, workers)
    try:
        merged = MetricsBuilder(ruleset)
        outcome = ArchiveOutcome(merged.metrics(), 0, workers=session.workers)
        key = ruleset_key(ruleset)
        [shared] = session.client.scatter([ruleset], broadcast=True, hash=False)
        done = 0

        def submit(partition: Partition) -> Any:
            return session.client.submit(replay_partition, key, shared, partition, on_results is not None,
                                         pure=False)

        def on_result(part: PartitionOutcome) -> None:
            nonlocal done
            merged.merge(part.partial)
            outcome.conversations += part.count
            outcome.errors.extend((part.partition.path, e) for e in part.errors)
            if on_results is not None:
                on_results(part.results)
            done += 1
            if progress is not None:
                progress(ArchiveProgress(outcome.conversations, done, len(partitions), len(outcome.errors)))

        outcome.cancelled = not _run(session, partitions, submit, on_result, cancel or (lambda: False))
        outcome.errors.sort(key=lambda item: (item[0], item[1].line))
        outcome.metrics = merged.metrics()
        return outcome
    finally:
        if own:
            session.close()


def compare_archive(ruleset_a: Ruleset, ruleset_b: Ruleset, paths: Iterable[str | Path], *,
                    session: ClusterSession | None = None, scheduler: str | None = None, workers: int = 2,
                    progress: Callable[[ArchiveProgress], None] | None = None,
                    cancel: Callable[[], bool] | None = None) -> tuple[Comparison, list[tuple[str, LineError]], bool]:
    """`compare` on a cluster: each partition replays with both revisions and is sorted into what
    changed; changes are listed in file order by line (a Change's `index` is its line), metrics
    merged as in `replay_archive`. Returns the comparison, the bad lines (file, error) and whether
    the run was cancelled."""
    partitions = plan_partitions(paths)
    own = session is None
    session = session or ClusterSession(scheduler, workers)
    try:
        merged_a, merged_b = MetricsBuilder(ruleset_a), MetricsBuilder(ruleset_b)
        parts: list[PartitionChanges] = []
        key_a, key_b = ruleset_key(ruleset_a), ruleset_key(ruleset_b)
        shared_a, shared_b = session.client.scatter([ruleset_a, ruleset_b], broadcast=True, hash=False)
        counts = [0, 0, 0]  # conversations, partitions, bad lines

        def submit(partition: Partition) -> Any:
            return session.client.submit(compare_partition, key_a, shared_a, key_b, shared_b, partition, pure=False)

        def on_result(part: PartitionChanges) -> None:
            merged_a.merge(part.partial_a)
            merged_b.merge(part.partial_b)
            parts.append(part)
            counts[0] += part.count
            counts[1] += 1
            counts[2] += len(part.errors)
            if progress is not None:
                progress(ArchiveProgress(counts[0], counts[1], len(partitions), counts[2]))

        finished = _run(session, partitions, submit, on_result, cancel or (lambda: False))
        position = {p: i for i, p in enumerate(partitions)}
        parts.sort(key=lambda part: position[part.partition])
        lists = {name: tuple(c for part in parts for c in part.changes[name]) for name in ("now", "no", "rule", "turn")}
        errors = [(part.partition.path, e) for part in parts for e in part.errors]
        comparison = Comparison(lists["now"], lists["no"], lists["rule"], lists["turn"], merged_a.metrics(),
                                merged_b.metrics(), tuple(e for _, e in errors))
        return comparison, errors, not finished
    finally:
        if own:
            session.close()
