"""`handoff-builder compare RULESET_A RULESET_B CONVERSATIONS`: what changes between two revisions.

Replays the same library (JSON Lines or CSV) with both rulesets, in step, and prints the
conversations that now escalate, no longer escalate, escalate by another rule or at another
turn, then the metric deltas. `--json` prints the same as one JSON object. Exit 0 whatever
changed; 1 when a ruleset is invalid; 2 when a file cannot be read; 3 when malformed lines were
skipped, 4 when a conversation met an internal error (each named on stderr, the rest compared).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO, Any

from builder.cli import EXIT_OK, EXIT_PROBLEMS, UsageError
from builder.cli._common import Skipped
from builder.cli.simulate import Progress
from builder.engine import CompileError
from builder.replay.errors import ReplayError
from builder.replay.metrics import compare_replays
from builder.replay.results import ReplayProgress
from builder.runtime import RulesetLoadError, read_ruleset


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset_a", metavar="RULESET_A", help="the ruleset before (JSON)")
    parser.add_argument("ruleset_b", metavar="RULESET_B", help="the ruleset after (JSON)")
    parser.add_argument("conversations", metavar="CONVERSATIONS", help="conversations, JSON Lines or .csv")
    parser.add_argument("--format", choices=("jsonl", "csv"), help="input format (default: by file suffix)")
    parser.add_argument("--limit", type=int, default=20, metavar="N",
                        help="list at most N conversations per kind of change (default 20; 0 = all)")
    parser.add_argument("--json", action="store_true", help="print the comparison as one JSON object")
    parser.add_argument("-j", "--processes", type=int, default=1, metavar="N",
                        help="worker processes per replay (default 1)")
    parser.add_argument("--cluster", action="store_true",
                        help="replay on a local Dask cluster, as 'replay' does (JSON Lines or Parquet libraries)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="replay on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (implies --cluster)")
    parser.add_argument("--workers", type=int, default=2, metavar="N",
                        help="worker processes of the local cluster (default 2)")


def _load(path: str) -> Any:
    if not Path(path).is_file():
        raise UsageError(f"cannot read {path}: no such file")
    try:
        return read_ruleset(path)
    except RulesetLoadError as exc:
        raise _Invalid(str(exc)) from None


class _Invalid(Exception):
    """A ruleset that cannot be used: exit 1."""


def _who(decision: dict[str, Any]) -> str:
    if not decision.get("escalated"):
        return "no escalation"
    return f"{decision.get('rule')} at turn {decision.get('turn')}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _signed(value: int) -> str:
    return f"{value:+d}" if value else "0"


def _print_text(comparison: Any, limit: int, out: IO[str]) -> None:
    a, b, d = comparison.a, comparison.b, comparison.delta
    out.write(f"Compared {a.total} conversations: {comparison.changed} decided differently.\n")
    sections = (("Now escalate", comparison.now_escalate), ("No longer escalate", comparison.no_longer_escalate),
                ("Escalate by another rule", comparison.other_rule),
                ("Same rule, another turn", comparison.other_turn))
    for title, changes in sections:
        out.write(f"\n{title} ({len(changes)}):\n")
        shown = changes if limit <= 0 else changes[:limit]
        for change in shown:
            out.write(f"  {change.conversation_id}: {_who(change.before)} -> {_who(change.after)}\n")
        if len(shown) < len(changes):
            out.write(f"  … and {len(changes) - len(shown)} more (--limit 0 lists all)\n")
    out.write("\nMetrics (A -> B):\n")
    points = "" if d.rate is None else f" ({d.rate * 100:+.1f} points)"
    out.write(f"  escalation rate: {_pct(a.rate)} -> {_pct(b.rate)}{points}; {b.rate_message}\n")
    out.write(f"  escalations: {a.escalated} -> {b.escalated} ({_signed(d.escalated)})\n")
    for kind, change in d.by_trigger.items():
        if a.by_trigger.get(kind) or b.by_trigger.get(kind):
            out.write(f"  trigger {kind}: {a.by_trigger.get(kind, 0)} -> {b.by_trigger.get(kind, 0)} "
                      f"({_signed(change)})\n")
    for rule, change in d.by_rule.items():
        before, after = a.by_rule.get(rule), b.by_rule.get(rule)
        text_a = "absent" if before is None else str(before)
        text_b = "absent" if after is None else str(after)
        out.write(f"  rule {rule}: {text_a} -> {text_b} ({_signed(change)})\n")
    if a.tested or b.tested:
        out.write(f"  expectations: {a.passed} passed, {a.failed} failed -> {b.passed} passed, {b.failed} failed\n")


def _as_json(comparison: Any) -> dict[str, Any]:
    def changes(items: Any) -> list[dict[str, Any]]:
        return [{"id": c.conversation_id, "index": c.index, "before": c.before, "after": c.after} for c in items]

    d = comparison.delta
    return {
        "now_escalate": changes(comparison.now_escalate),
        "no_longer_escalate": changes(comparison.no_longer_escalate),
        "other_rule": changes(comparison.other_rule),
        "other_turn": changes(comparison.other_turn),
        "a": comparison.a.to_dict(), "b": comparison.b.to_dict(),
        "delta": {"rate": d.rate, "escalated": d.escalated, "by_trigger": d.by_trigger, "by_rule": d.by_rule,
                  "passed": d.passed, "failed": d.failed},
    }


def _on_cluster(args: argparse.Namespace, ruleset_a: Any, ruleset_b: Any, bar: Progress) -> Any:
    """The same comparison with each partition replayed on a Dask worker (`replay`'s path)."""
    from builder.engine import compile_ruleset
    from builder.replay.archive import ArchiveError
    from builder.replay.cluster import ClusterUnreachable, DaskMissing, compare_archive

    compile_ruleset(ruleset_a), compile_ruleset(ruleset_b)  # a broken ruleset stops before a cluster starts

    def progress(state: Any) -> None:
        bar.done_bytes = int(state.fraction * 1000)
        bar.update(state.conversations)

    try:
        comparison, _errors, _cancelled = compare_archive(ruleset_a, ruleset_b, [args.conversations],
                                                          scheduler=args.scheduler, workers=max(1, args.workers),
                                                          progress=progress)
    except (DaskMissing, ArchiveError, ClusterUnreachable) as exc:
        raise UsageError(str(exc)) from None
    return comparison


def run(args: argparse.Namespace) -> int:
    try:
        ruleset_a, ruleset_b = _load(args.ruleset_a), _load(args.ruleset_b)
    except _Invalid as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    bar = Progress(1000)  # drawn on a terminal only; the two runs advance in step

    def progress(state: ReplayProgress) -> None:
        bar.done_bytes = int((state.fraction or 0.0) * 1000)
        bar.update(state.done)

    try:
        if args.cluster or args.scheduler:
            comparison = _on_cluster(args, ruleset_a, ruleset_b, bar)
        else:
            comparison = compare_replays(ruleset_a, ruleset_b, args.conversations, fmt=args.format,
                                         processes=max(1, args.processes), progress=progress)
    except CompileError as exc:
        print("a ruleset cannot be evaluated:\n" + "\n".join(exc.problems), file=sys.stderr)
        return EXIT_PROBLEMS
    except ReplayError as exc:
        raise UsageError(str(exc)) from None
    finally:
        bar.close()
    skipped = Skipped()
    for error in comparison.errors:
        skipped.report(args.conversations, error)
    if args.json:
        sys.stdout.write(json.dumps(_as_json(comparison), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_text(comparison, args.limit, sys.stdout)
    return skipped.exit_code(EXIT_OK)
