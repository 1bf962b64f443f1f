"""The headless command line: `handoff-builder SUBCOMMAND …` and `python -m builder …`.

Each subcommand lives in its own module under `builder.cli` with two functions,
`add_arguments(parser)` and `run(args) -> int`; only the chosen one is imported, so a command
starts fast and never loads Qt. Exit codes (ARCHITECTURE.md, CLI contract version 2): see
`EXIT_CODES`; no command ever ends in a traceback, whatever its input or output.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_SKIPPED, EXIT_INTERNAL = 0, 1, 2, 3, 4
CLI_CONTRACT_VERSION = 2
"""Version 2 added exit codes 3 and 4 (version 1: a skipped line exited 1, a crash exited 1)."""

EXIT_CODES = f"""exit codes (CLI contract version {CLI_CONTRACT_VERSION}):
  0  ok
  1  the input has problems (an invalid ruleset) or a test failed
  2  usage error, unreadable input or unwritable output (a partial output file is removed)
  3  some input was skipped (each skipped line is named on stderr); everything else was done
  4  internal error: a bug met on some input (named on stderr and skipped); please report it
when several apply, the highest wins."""

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


class _Version(argparse._VersionAction):
    """`--version`, looked up only when asked for (not on every start)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        self.version = f"handoff-builder {version()}"
        super().__call__(parser, namespace, values, option_string)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def is_subcommand(argv: Sequence[str]) -> bool:
    """True when argv asks for the CLI rather than the window."""
    return bool(argv) and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version"))


def version() -> str:
    """The installed package's version (what a bug report should quote)."""
    from importlib import metadata  # lazy: ~20 ms of every command's start-up, read only for --version

    try:
        return metadata.version("handoff-builder")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    parser = _Parser(prog="handoff-builder", description="Handoff Builder: chatbot-to-human escalation rules.",
                     epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = argv[0] if argv and argv[0] in COMMANDS else None
    modules = {}
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=EXIT_CODES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        if name == chosen:
            try:
                modules[name] = importlib.import_module(f"builder.cli.{MODULES.get(name, name)}")
            except KeyboardInterrupt:  # Ctrl-C while the command loads (a tenth of a second): no traceback
                print("interrupted", file=sys.stderr)
                return 130
            modules[name].add_arguments(p)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = modules[args.command].run(args)
        sys.stdout.flush()  # inside the guard: a full disk is reported here, not at interpreter exit
    except UsageError as exc:
        print(f"handoff-builder {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:  # writing stdout failed (disk full, /dev/full)
        _silence_stdout()
        print(f"handoff-builder {args.command}: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except RecursionError:
        print(f"handoff-builder {args.command}: the input is nested too deeply", file=sys.stderr)
        return EXIT_PROBLEMS
    except MemoryError:
        print(f"handoff-builder {args.command}: out of memory (the input is too large)", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the last guard: one line, never a traceback
        detail = " ".join(str(exc).split())[:300]
        print(f"handoff-builder {args.command}: internal error ({type(exc).__name__}: {detail}); "
              "please report it", file=sys.stderr)
        return EXIT_INTERNAL
    return code


def _tolerant_streams() -> None:
    """Text that cannot be encoded for this terminal is replaced, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a closed or exotic stream
                pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush of what could not be written
    does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout is not a real file
        pass
