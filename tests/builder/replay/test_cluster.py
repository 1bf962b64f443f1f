"""Replay on Dask (a LocalCluster of 2 worker processes, started once for this module) gives the
same decisions, metrics and bad lines as the single-process replay of the same library; compare
takes the same path; cancel stops the run; Parquet in and out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.format.model import Ruleset
from builder.paths import example_playbook, sample_conversations
from builder.replay.archive import write_parquet_library
from builder.replay.batch import Replay
from builder.replay.metrics import MetricsBuilder, compare_replays
from builder.replay.results import ReplayResult
from builder.runtime import read_ruleset
from tests.conftest import examples

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

from builder.replay.cluster import ClusterSession, compare_archive, replay_archive  # noqa: E402

TEXTS = ["hello", "I want to talk to a human", "this is ridiculous, third time I ask!!", "refund my invoice please",
         "do you do enterprise pricing for 500 seats?", "thanks, bye", "my account was hacked", "where is my order",
         "I will call my lawyer", "close my account"]


@pytest.fixture(scope="module")
def session() -> Iterator[ClusterSession]:
    with ClusterSession(workers=2) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def playbook() -> Ruleset:
    return read_ruleset(example_playbook())


@st.composite
def libraries(draw: st.DrawFn) -> list[str]:
    """JSON Lines text lines: conversations at any hour of any weekday, some with expectations,
    some lines broken."""
    lines = []
    for i in range(draw(st.integers(1, 40))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["{not json", '{"id": "x"}', '{"id": 3, "events": []}', "[]"])))
            continue
        day, hour, minute = draw(st.integers(1, 7)), draw(st.integers(0, 23)), draw(st.integers(0, 50))
        events = []
        for turn in range(draw(st.integers(1, 4))):
            at = f"2026-12-{day:02d}T{hour:02d}:{minute + turn * 2:02d}:00+01:00"
            events.append({"at": at, "type": "visitor", "text": draw(st.sampled_from(TEXTS))})
            if draw(st.booleans()):
                events.append({"at": at.replace(":00+", ":30+"), "type": "bot", "text": "…",
                               "confidence": draw(st.sampled_from([0.2, 0.5, 0.9])), "fallback": draw(st.booleans())})
        conversation: dict[str, Any] = {"id": f"c{i}", "events": events}
        if draw(st.booleans()):
            conversation["expect"] = {"escalate": draw(st.booleans())}
        lines.append(json.dumps(conversation))
    return lines


def single_process(ruleset: Ruleset, files: list[Path]) -> tuple[list[tuple[str, int, str]], Any, list[Any]]:
    builder = MetricsBuilder(ruleset)
    decisions, errors = [], []
    compiled = _compile(ruleset)
    for path in files:
        run = Replay(compiled, path, processes=1)
        for result in run:
            builder.add(result)
            decisions.append((str(path), result.line, json.dumps(result.decision)))
        errors.extend((str(path), e) for e in run.errors)
    return decisions, builder.metrics(), errors


_COMPILED: dict[int, Any] = {}


def _compile(ruleset: Ruleset) -> Any:
    from builder.engine import compile_ruleset

    if id(ruleset) not in _COMPILED:
        _COMPILED[id(ruleset)] = compile_ruleset(ruleset)
    return _COMPILED[id(ruleset)]


def shards(folder: Path, lines: list[str], cuts: list[int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    bounds = sorted({0, len(lines), *(c % (len(lines) + 1) for c in cuts)})
    files = []
    for n, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        path = folder / f"shard-{n:03d}.jsonl"
        path.write_text("".join(line + "\n" for line in lines[start:end]), encoding="utf-8")
        files.append(path)
    return files


@settings(max_examples=examples(40), deadline=None)
@given(lines=libraries(), cuts=st.lists(st.integers(0, 40), max_size=3), block=st.integers(200, 4000))
def test_cluster_and_single_process_agree(tmp_path_factory: Any, session: ClusterSession, playbook: Ruleset,
                                          lines: list[str], cuts: list[int], block: int) -> None:
    files = shards(tmp_path_factory.mktemp("lib"), lines, cuts)
    got: list[ReplayResult] = []
    outcome = replay_archive(playbook, files, session=session, on_results=got.extend, block_bytes=block)
    want_decisions, want_metrics, want_errors = single_process(playbook, files)
    assert sorted((p, r.line, json.dumps(r.decision)) for p, r in zip(_paths(got, files), got, strict=True)) \
        == sorted(want_decisions)
    assert outcome.metrics == want_metrics
    assert outcome.conversations == want_metrics.total
    assert [(p, e.line, e.message) for p, e in outcome.errors] == [(p, e.line, e.message) for p, e in want_errors]
    assert not outcome.cancelled and outcome.workers == 2


def _paths(results: list[ReplayResult], files: list[Path]) -> list[str]:
    """Each result's file: results carry their line; ids are unique per library, so look them up."""
    where = {}
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                where[(json.loads(line).get("id"), number)] = str(path)
            except (ValueError, AttributeError):
                continue
    return [where[(r.conversation_id, r.line)] for r in results]


def test_the_samples_and_a_parquet_copy_give_the_same_result(tmp_path: Path, session: ClusterSession,
                                                              playbook: Ruleset) -> None:
    lines = [line for line in sample_conversations().read_text(encoding="utf-8").splitlines() if line]
    parquet = tmp_path / "samples.parquet"
    assert write_parquet_library(lines, parquet, rows_per_group=5) == len(lines)  # 4 row groups, 4 partitions
    from_jsonl: list[ReplayResult] = []
    from_parquet: list[ReplayResult] = []
    a = replay_archive(playbook, [sample_conversations()], session=session, on_results=from_jsonl.extend)
    b = replay_archive(playbook, [parquet], session=session, on_results=from_parquet.extend)
    assert a.metrics == b.metrics == metrics_of(playbook, Replay(playbook, sample_conversations()))
    assert sorted((r.line, json.dumps(r.decision)) for r in from_jsonl) \
        == sorted((r.line, json.dumps(r.decision)) for r in from_parquet)


def metrics_of(ruleset: Ruleset, results: Any) -> Any:
    builder = MetricsBuilder(ruleset)
    for result in results:
        builder.add(result)
    return builder.metrics()


def test_cancel_stops_the_run(tmp_path: Path, session: ClusterSession, playbook: Ruleset) -> None:
    lines = [line for line in sample_conversations().read_text(encoding="utf-8").splitlines() if line]
    files = shards(tmp_path / "lib", lines * 10, list(range(0, 180, 6)))  # 30 shards
    seen: list[int] = []
    outcome = replay_archive(playbook, files, session=session, progress=lambda p: seen.append(p.partitions_done),
                             cancel=lambda: len(seen) >= 2)
    assert outcome.cancelled
    assert 2 <= len(seen) < 30 and outcome.conversations < 180


def test_compare_on_the_cluster_matches_compare_in_process(tmp_path: Path, session: ClusterSession,
                                                            playbook: Ruleset) -> None:
    changed = replace(playbook, rules=tuple(r for r in playbook.rules if r.id != "frustration"))
    expected = compare_replays(playbook, changed, sample_conversations())
    comparison, errors, cancelled = compare_archive(playbook, changed, [sample_conversations()], session=session)
    assert not cancelled and errors == []
    assert comparison.a == expected.a and comparison.b == expected.b
    for name in ("now_escalate", "no_longer_escalate", "other_rule", "other_turn"):
        assert [(c.conversation_id, c.before, c.after) for c in getattr(comparison, name)] == \
            [(c.conversation_id, c.before, c.after) for c in getattr(expected, name)]
    assert comparison.changed == expected.changed > 0
