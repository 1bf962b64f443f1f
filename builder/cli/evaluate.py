"""`handoff-builder evaluate RULESET UTTERANCES.jsonl [...] [--json]`: a ruleset measured on labelled text.

Each utterance becomes a one-message conversation at 10:00 on a working weekday in the default
schedule's zone; the report lists, per `trigger` label (or per dataset `label` or `category` with
`--by`), how many escalated and which trigger kinds fired, and the escalation rate on lines labelled
`none` (ordinary questions: the false alarms). Several files are pooled. Malformed lines are
reported on stderr with their line number and skipped (exit 3); an
utterance the engine fails on is named and skipped (exit 4).
"""

from __future__ import annotations

import argparse
import json
import sys

from builder.cli import EXIT_OK, EXIT_PROBLEMS, UsageError
from builder.cli._common import Skipped
from builder.cli.simulate import ProblemExit, Progress, load_compiled
from builder.format.conversation import unreadable
from builder.replay.utterances import EvaluationReport, evaluate, format_table, read_utterances


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="ruleset file (JSON)")
    parser.add_argument("utterances", metavar="UTTERANCES", nargs="+",
                        help="JSON Lines with 'text' and 'trigger' (the escalation kind, or 'none')")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    parser.add_argument("--lines", choices=("all", "even", "odd"), default="all",
                        help="only even or odd line numbers (a held-out half while tuning)")
    parser.add_argument("--by", choices=("trigger", "label", "category"), default="trigger",
                        help="group by the trigger mapping (default), the dataset's own intent label, or "
                             "what each line tests ('category', as in the challenge set)")


def run(args: argparse.Namespace) -> int:
    for path in args.utterances:
        why = unreadable(path)
        if why is not None:
            raise UsageError(why)
    try:
        compiled = load_compiled(args.ruleset)
    except ProblemExit as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    progress = Progress(None)
    pooled: EvaluationReport | None = None
    try:
        for path in args.utterances:
            base = pooled.total if pooled is not None else 0

            def advance(n: int, base: int = base) -> None:  # bound now: one file's items after the last
                progress.update(base + n)

            try:
                report = evaluate(compiled, read_utterances(path), half=args.lines, by=args.by, on_item=advance)
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"cannot read {path}: {exc}") from None
            for problem in report.problems:
                progress.close()
                print(f"{path}: {problem}", file=sys.stderr)
            if pooled is None:
                pooled = report
            else:
                pooled.merge(report)
    finally:
        progress.close()
    if pooled is None:  # argparse requires at least one file
        return EXIT_OK
    print(json.dumps(pooled.to_dict(), ensure_ascii=False, indent=2) if args.json else format_table(pooled))
    skipped = Skipped()
    for problem in pooled.problems:
        if problem.internal:
            skipped.internal += 1
        else:
            skipped.count += 1
    if pooled.problems:
        print(skipped.text(), file=sys.stderr)
    return skipped.exit_code(EXIT_OK)
