"""`handoff-builder test RULESET CASES`: conversations with `expect`, checked against the engine.

For each failure: expected vs actual and the explanation of the deciding turn (or of the last
turn when nothing escalated). Ends with the line `N passed, N failed`; exit 1 when any failed,
3 when a line could not be read (reported and skipped), 4 when the engine failed on a case (named
and skipped). Conversations without `expect` are not tests and are skipped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any

from builder.cli import EXIT_OK, EXIT_PROBLEMS
from builder.cli._common import Skipped, compile_or_report, decided, open_conversations, valid_conversations
from builder.engine import render_trace

COMPARED = ("escalate", "rule", "turn", "trigger", "handoff", "team", "priority", "tags")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="ruleset file (JSON)")
    parser.add_argument("cases", metavar="CASES", help="conversations with `expect`, JSON Lines ('-' = stdin)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list the cases that passed")
    parser.add_argument("--schema", action="store_true",
                        help="also run jsonschema itself on every line (the built-in check runs the same "
                             "schema, compiled)")


def compare(expect: Mapping[str, Any], decision: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, expected, actual) for every expectation the decision misses."""
    actual = {"escalate": decision["escalated"], **decision}
    misses: list[tuple[str, Any, Any]] = []
    for key in COMPARED:
        if key not in expect:
            continue
        want, got = expect[key], actual.get(key)
        if key == "tags":
            if sorted(want) != sorted(got or []):
                misses.append((key, want, got))
        elif want != got:
            misses.append((key, want, got))
    return misses


def _describe(decision: Mapping[str, Any]) -> str:
    if not decision["escalated"]:
        return "no escalation"
    return f"escalate by {decision['rule']} at turn {decision['turn']} ({decision['at']})"


def run(args: argparse.Namespace) -> int:
    compiled = compile_or_report(args.ruleset)
    if compiled is None:
        return EXIT_PROBLEMS
    passed = failed = 0
    skipped = Skipped()
    out = sys.stdout
    with open_conversations(args.cases) as (lines, progress):
        for item in valid_conversations(lines, args.cases, schema=args.schema, skipped=skipped):
            if item.expect is None:
                continue
            decision = decided(compiled, item, trace=True, source=args.cases, skipped=skipped, progress=progress)
            if decision is None:
                continue
            result = decision.to_dict()
            misses = compare(item.expect, result)
            progress.update(passed + failed + 1)
            if not misses:
                passed += 1
                if args.verbose:
                    out.write(f"PASS {item.id}: {_describe(result)}\n")
                continue
            failed += 1
            progress.close()  # clear the bar (a terminal only) before the report
            out.write(f"FAIL {item.id} (line {item.line})\n")
            for key, want, got in misses:
                out.write(f"  {key}: expected {want!r}, got {got!r}\n")
            out.write(f"  actual: {_describe(result)}\n")
            out.write("  trace:\n" + render_trace(result.get("trace"), indent="    ") + "\n")
        progress.close()
    if skipped.count or skipped.internal:
        print(skipped.text(), file=sys.stderr)
    out.write(f"{passed} passed, {failed} failed\n")
    return skipped.exit_code(EXIT_PROBLEMS if failed else EXIT_OK)
