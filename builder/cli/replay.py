"""`handoff-builder replay RULESET LIBRARY… [--scheduler ADDRESS] [-o DECISIONS]`: a big archive on Dask.

Runs on a `LocalCluster` of worker processes started for the run (the default: nothing to
start) or on an existing cluster (`--scheduler tcp://host:8786`, whose workers see the same
files). Libraries are JSON Lines files or Parquet files (column `conversation`), or folders of
such shards. `-o` writes the decisions as JSON Lines in exactly `simulate`'s form (partitions in
the order they finish), or as Parquet when the name ends in `.parquet`; `--report DIR` writes
the HTML report and `decisions.csv` from the merged result. The metrics summary goes to stdout
(`--json`: as one JSON object). Ctrl-C cancels: the cluster stops and what was written stays.
Exit 0 ok, 1 bad lines were skipped or a ruleset is invalid, 2 usage or unreadable file,
130 cancelled.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from builder.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_SKIPPED, UsageError
from builder.cli._common import ProblemExit, Progress, load_compiled
from builder.format.model import Ruleset
from builder.replay.archive import ArchiveError
from builder.replay.metrics import Metrics
from builder.replay.results import ReplayResult

CANCELLED = 130


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="ruleset file (JSON)")
    parser.add_argument("libraries", metavar="LIBRARY", nargs="+",
                        help="conversation libraries: JSON Lines or Parquet files, or folders of shards")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="an existing Dask cluster's scheduler, e.g. tcp://10.0.0.5:8786 (default: a local "
                             "cluster started for this run)")
    parser.add_argument("--workers", type=int, default=2, metavar="N",
                        help="worker processes of the local cluster (default 2)")
    parser.add_argument("-o", "--output", metavar="DECISIONS",
                        help="write decisions here: JSON Lines as simulate writes them, or Parquet (*.parquet)")
    parser.add_argument("--report", metavar="DIR", help="write report.html and decisions.csv into this folder")
    parser.add_argument("--json", action="store_true", help="print the metrics as one JSON object")


def summary_text(m: Metrics, workers: int) -> str:
    """The metrics summary a manager reads at the end of a replay."""
    rate = "–" if m.rate is None else f"{m.rate:.1%}"
    lines = [f"Replayed {m.total:,} conversations on {workers} worker{'s' * (workers != 1)}: "
             f"{m.escalated:,} escalated ({rate}).", m.rate_message]
    kinds = ", ".join(f"{k} {v:,}" for k, v in m.by_trigger.items() if v)
    lines.append(f"By trigger kind: {kinds or 'none'}")
    lines.append("By rule: " + (", ".join(f"{k} {v:,}" for k, v in m.by_rule.items() if v) or "none"))
    if m.never_fired:
        lines.append("Never fired: " + ", ".join(m.never_fired))
    lines.append("Handoff modes: " + ", ".join(f"{k} {v:,}" for k, v in m.by_handoff.items()))
    lines.append(f"Hours ({m.timezone}): {m.business:,} in business hours, {m.offline:,} offline")
    if m.tested:
        lines.append(f"Expectations: {m.passed:,} passed, {m.failed:,} failed")
    return "\n".join(lines) + "\n"


@contextmanager
def _text_out(path: str) -> Iterator[IO[str]]:
    try:
        handle = open(path, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    with handle:
        yield handle


Writer = Callable[[list[ReplayResult]], None]


def result_writers(stack: ExitStack, output: str | None, report: str | None) -> list[Writer]:
    """Writers the results of each finished partition go through: decisions (JSON Lines or
    Parquet) and the report's decisions.csv."""
    from builder.replay.archive import DecisionParquetWriter, write_decision_lines
    from builder.replay.report import CSV_COLUMNS, decision_row

    writers: list[Writer] = []
    if output and output.lower().endswith(".parquet"):
        try:
            parquet = DecisionParquetWriter(output)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc}") from None
        stack.callback(parquet.close)
        writers.append(lambda results: parquet.write([r.decision for r in results]))
    elif output:
        out = stack.enter_context(_text_out(output))

        def lines(results: list[ReplayResult]) -> None:
            write_decision_lines((r.decision for r in results), out)

        writers.append(lines)
    if report:
        import csv

        Path(report).mkdir(parents=True, exist_ok=True)
        rows = csv.writer(stack.enter_context(_text_out(str(Path(report) / "decisions.csv"))), lineterminator="\n")
        rows.writerow(CSV_COLUMNS)
        writers.append(lambda results: rows.writerows(decision_row(r) for r in results))
    return writers


def run(args: argparse.Namespace) -> int:
    from builder.replay.archive import plan_partitions
    from builder.replay.cluster import ClusterUnreachable, DaskMissing, replay_archive  # Dask loads when a run starts

    try:
        ruleset: Ruleset = load_compiled(args.ruleset).ruleset  # a broken ruleset stops before a cluster starts
    except ProblemExit as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        plan_partitions(args.libraries)  # unreadable input is a usage error before a cluster starts
    except ArchiveError as exc:
        raise UsageError(str(exc)) from None
    bar = Progress(1000)
    done = [0]

    def progress(state: Any) -> None:
        bar.done_bytes = int(state.fraction * 1000)
        done[0] = state.conversations
        bar.update(state.conversations)

    with ExitStack() as stack:
        writers = result_writers(stack, args.output, args.report)

        def on_results(results: list[ReplayResult]) -> None:
            for write in writers:
                write(results)

        try:
            outcome = replay_archive(ruleset, args.libraries, scheduler=args.scheduler, workers=max(1, args.workers),
                                     on_results=on_results if writers else None, progress=progress)
        except (DaskMissing, ArchiveError, ClusterUnreachable) as exc:
            raise UsageError(str(exc)) from None
        except KeyboardInterrupt:
            bar.close()
            print(f"cancelled after {done[0]:,} conversations" +
                  (f"; the decisions so far are in {args.output}" if args.output else ""), file=sys.stderr)
            return CANCELLED
        finally:
            bar.close()
    for source, error in outcome.errors:
        print(f"{source}: {error}", file=sys.stderr)
    if args.report:
        from builder.replay.report import write_html_report

        write_html_report(args.report, outcome.metrics, ruleset, library=", ".join(args.libraries))
    if args.json:
        sys.stdout.write(json.dumps({"workers": outcome.workers, "metrics": outcome.metrics.to_dict()},
                                    ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(summary_text(outcome.metrics, outcome.workers))
    if outcome.errors:
        count = len(outcome.errors)
        print(f"{count} malformed line{'s' * (count != 1)} skipped; {outcome.conversations:,} conversations decided",
              file=sys.stderr)
        return EXIT_SKIPPED
    return EXIT_OK
