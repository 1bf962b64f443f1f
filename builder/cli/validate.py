"""`handoff-builder validate RULESET`: every problem of a ruleset file, one a line.

Each line is `location: severity: message [code]`, in document order, where the location is the
JSON path of the field (`$.rules[2].when.all[0].value`). A summary goes to stderr so stdout stays
one problem per line for scripts.

After the validator's problems come the response-time promises a team's schedule cannot keep
(`builder.analysis.promises`, the warnings the routing page shows under each priority), as
`$.routing.sla.<priority>: warning: … [analysis.unkept_promise]`. They are judged from today
(the machine's clock: a promise is broken by the coming weekends and holidays) and only for a file
without errors, since a broken file cannot be read as a ruleset. Like every analysis finding they
are warnings: an export is never blocked by them, so neither is this exit code.

A file without errors is then loaded as the runtime loads it (compiled: pattern sets, phrase
automata, time zones), so "valid" means "loads"; anything that refuses is an error
`$: … cannot be loaded [ruleset.cannot_load]`.

Exit 0 when there are no errors (warnings, unkept promises included, are printed but do not
fail), 1 when there are errors, 2 when the file cannot be read as JSON at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from builder.analysis.promises import unkept_promises
from builder.cli import EXIT_OK, EXIT_PROBLEMS, UsageError
from builder.format.io import RulesetFileError, check_document, read_ruleset_file
from builder.format.model import Ruleset
from rules_schema import ERROR, Problem


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="ruleset file (JSON)")
    parser.add_argument("--json", action="store_true",
                        help="print each problem as a JSON object (path, severity, code, message, rule_id)")


def format_problem(problem: Problem) -> str:
    """`location: severity: message [code]` on one line (newlines in messages are flattened)."""
    message = " ".join(problem.message.split())
    return f"{problem.path}: {problem.severity}: {message} [{problem.code}]"


def summary(source: str, problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if not problems:
        return f"{source}: valid, no problems"
    parts = [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{source}: {'invalid' if errors else 'valid'}, {' and '.join(parts)}"


def promise_warnings(document: dict[str, Any], problems: list[Problem], now: datetime) -> list[Problem]:
    """The unkept promises of a document without errors, as warnings (none when it has errors)."""
    if any(p.is_error for p in problems):
        return []
    ruleset = Ruleset.from_dict(document)
    return [promise.to_finding().to_problem() for promise in unkept_promises(ruleset, now)]


def load_problems(document: dict[str, Any], problems: list[Problem]) -> list[Problem]:
    """An error when a document without errors still cannot be loaded by the runtime (none when it
    loads, or when it has errors already: those say what to fix)."""
    from builder.runtime import RulesetLoadError, Runtime

    if any(p.is_error for p in problems):
        return []
    try:
        Runtime(Ruleset.from_dict(document))
    except RulesetLoadError as exc:
        return [Problem("$", f"passes every check but cannot be loaded: {' '.join(str(exc).split())}", ERROR,
                        "ruleset.cannot_load")]
    return []


def run(args: argparse.Namespace) -> int:
    try:
        document = read_ruleset_file(args.ruleset)
    except RulesetFileError as exc:
        raise UsageError(str(exc)) from None
    migrated, problems = check_document(document)
    problems = problems + load_problems(migrated, problems)
    problems = problems + promise_warnings(migrated, problems, datetime.now(UTC))
    for problem in problems:
        if args.json:
            print(json.dumps({"path": problem.path, "severity": problem.severity, "code": problem.code,
                              "message": problem.message, "rule_id": problem.rule_id}, ensure_ascii=False))
        else:
            print(format_problem(problem))
    print(summary(args.ruleset, problems), file=sys.stderr)
    return EXIT_PROBLEMS if any(p.is_error for p in problems) else EXIT_OK
