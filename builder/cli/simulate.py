"""`handoff-builder simulate RULESET CONVERSATIONS [-o OUT] [--trace] [--jobs N]`: decisions as JSON Lines.

Streams: the input is read in blocks of whole lines (`line_blocks`), each decided and written
before more is read than the workers need, so memory stays flat however long the input. Output
keeps the input order. A malformed line is reported on stderr with its line number and skipped
(exit 3 at the end); a conversation the engine fails on is named and skipped too (exit 4), and
the others are still decided and written. A progress bar is drawn on stderr only when stderr is
a terminal.

`--jobs N` decides the blocks in N worker processes forked after the ruleset is compiled
(`_workers`); every block goes through the same `BlockDecider` as in one process, and results
are written in input order, so the output, the messages, their line numbers and the exit code
are the same bytes whatever N.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import closing

from builder.cli import EXIT_PROBLEMS
from builder.cli._blocks import BlockDecider
from builder.cli._common import (  # Progress, ProblemExit, load_compiled: also imported from here by others
    ProblemExit,
    Progress,
    Skipped,
    compile_or_report,
    load_compiled,
    open_blocks,
    open_conversations,
    open_output,
)
from builder.cli._workers import add_jobs_argument, in_order, jobs_for

__all__ = ["Progress", "ProblemExit", "add_arguments", "load_compiled", "open_conversations", "open_output", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="ruleset file (JSON)")
    parser.add_argument("conversations", metavar="CONVERSATIONS", help="conversations, JSON Lines ('-' = stdin)")
    parser.add_argument("-o", "--output", metavar="OUT", help="write decisions here instead of stdout")
    parser.add_argument("--trace", action="store_true", help="include the explanation of the deciding turn")
    parser.add_argument("--schema", action="store_true",
                        help="also run jsonschema itself on every line (slower; the built-in check runs the "
                             "same conversation.v1.schema.json, compiled)")
    add_jobs_argument(parser)


def run(args: argparse.Namespace) -> int:
    compiled = compile_or_report(args.ruleset)
    if compiled is None:
        return EXIT_PROBLEMS
    decide = BlockDecider(compiled, trace=args.trace, schema=args.schema)
    skipped = Skipped()
    count = 0
    with open_blocks(args.conversations) as (blocks, progress), open_output(args.output) as out, \
            closing(in_order(decide, blocks, jobs_for(args.jobs, args.conversations))) as results:
        try:
            for _, decided in results:  # closed on the way out: a failed write or Ctrl-C stops the workers now
                for problem in decided.problems:
                    skipped.report(args.conversations, problem, progress)
                if decided.count:
                    out.write(decided.text)
                    count += decided.count
                    progress.update(count)
        finally:
            progress.close()
    if skipped.count or skipped.internal:
        print(f"{skipped.text()}; {count} conversations decided", file=sys.stderr)
    return skipped.exit_code()
