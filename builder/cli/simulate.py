"""`handoff-builder simulate RULESET CONVERSATIONS [-o OUT] [--trace]`: decisions as JSON Lines.

Streams: one conversation is read, decided and written at a time, so memory stays flat however
long the input. Output keeps the input order. A malformed line is reported on stderr with its
line number and skipped (exit 3 at the end); a conversation the engine fails on is named and
skipped too (exit 4), and the others are still decided and written. A progress bar is drawn on
stderr only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys

from builder.cli import EXIT_PROBLEMS
from builder.cli._common import (  # Progress, ProblemExit, load_compiled: also imported from here by others
    ProblemExit,
    Progress,
    Skipped,
    compile_or_report,
    decided,
    load_compiled,
    open_conversations,
    open_output,
    valid_conversations,
)

__all__ = ["Progress", "ProblemExit", "add_arguments", "load_compiled", "open_conversations", "open_output", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="ruleset file (JSON)")
    parser.add_argument("conversations", metavar="CONVERSATIONS", help="conversations, JSON Lines ('-' = stdin)")
    parser.add_argument("-o", "--output", metavar="OUT", help="write decisions here instead of stdout")
    parser.add_argument("--trace", action="store_true", help="include the explanation of the deciding turn")
    parser.add_argument("--schema", action="store_true",
                        help="also run jsonschema itself on every line (slower; the built-in check runs the "
                             "same conversation.v1.schema.json, compiled)")


def run(args: argparse.Namespace) -> int:
    compiled = compile_or_report(args.ruleset)
    if compiled is None:
        return EXIT_PROBLEMS
    skipped = Skipped()
    count = 0
    with open_conversations(args.conversations) as (lines, progress), open_output(args.output) as out:
        try:
            for item in valid_conversations(lines, args.conversations, schema=args.schema, skipped=skipped,
                                            progress=progress):
                decision = decided(compiled, item, trace=args.trace, source=args.conversations, skipped=skipped,
                                   progress=progress)
                if decision is None:
                    continue
                out.write(json.dumps(decision.to_dict(), ensure_ascii=False) + "\n")
                count += 1
                progress.update(count)
        finally:
            progress.close()
    if skipped.count or skipped.internal:
        print(f"{skipped.text()}; {count} conversations decided", file=sys.stderr)
    return skipped.exit_code()
