"""Entry point of `handoff-builder`: a subcommand goes to the headless CLI, none opens the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from builder.cli import is_subcommand
    from builder.cli import main as cli_main

    if is_subcommand(args):
        return cli_main(args)
    from widgets.shell.startup import run_app  # imported only when a window is wanted

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
