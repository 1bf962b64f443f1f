"""The headless command line: `handoff-builder SUBCOMMAND …` and `python -m builder …`.

Each subcommand lives in its own module under `builder.cli` with two functions,
`add_arguments(parser)` and `run(args) -> int`; only the chosen one is imported, so a command
starts fast and never loads Qt. Exit codes (ARCHITECTURE.md): 0 ok, 1 the input has problems or
a test failed, 2 usage error or unreadable file.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib import metadata

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

COMMANDS: dict[str, str] = {
    "validate": "check a ruleset file and list its problems",
    "export": "write a validated ruleset file from a workspace project",
    "simulate": "run conversations through a ruleset and print decisions as JSON Lines",
    "test": "run conversations with expectations and report N passed, N failed",
    "evaluate": "measure a ruleset on labelled one-message utterances",
    "compare": "replay conversations with two rulesets and show what changed",
    "serve": "run the decision service: chatbots post events over HTTP and get decisions",
    "import": "turn a chat platform's export into a conversation library (JSON Lines)",
    "replay": "replay conversation libraries on a Dask cluster: decisions and the metrics summary",
}
MODULES = {"import": "import_"}  # a subcommand whose name is a Python keyword


class UsageError(Exception):
    """A bad argument or unreadable file: one line to stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def is_subcommand(argv: Sequence[str]) -> bool:
    """True when argv asks for the CLI rather than the window."""
    return bool(argv) and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version"))


def version() -> str:
    """The installed package's version (what a bug report should quote)."""
    try:
        return metadata.version("handoff-builder")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _Parser(prog="handoff-builder", description="Handoff Builder: chatbot-to-human escalation rules.")
    parser.add_argument("--version", action="version", version=f"handoff-builder {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = argv[0] if argv and argv[0] in COMMANDS else None
    modules = {}
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            modules[name] = importlib.import_module(f"builder.cli.{MODULES.get(name, name)}")
            modules[name].add_arguments(p)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = modules[args.command].run(args)
    except UsageError as exc:
        print(f"handoff-builder {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code
