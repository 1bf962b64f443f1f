"""`handoff-builder import FORMAT FILE… -o LIBRARY`: a chat platform's export as a conversation library.

Formats: rasa, chatwoot, zendesk (Sunshine Conversations), intercom, csv (with `--columns` to
say which column holds what). Personal data (e-mails, phone numbers, card numbers) is masked
unless `--keep-personal-data`. A record that cannot be used is reported on stderr with its file
and line and left out; the summary (conversations, events, visitors read; records dropped) ends
the run. Exit 0 when nothing was dropped, 1 when something was, 2 when a file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from builder.cli import EXIT_OK, EXIT_SKIPPED, UsageError
from builder.importers import FORMATS, ImportOptions, ImportSummary, import_files, write_library
from builder.importers.csv_mapped import CsvMapping, csv_header, guess_mapping

COLUMN_KEYS = ("conversation", "at", "role", "text")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", metavar="FORMAT", choices=list(FORMATS),
                        help="; ".join(f"{name}: {label}" for name, (label, _) in FORMATS.items()))
    parser.add_argument("files", metavar="FILE", nargs="+", help="export files (JSON, JSON Lines or CSV)")
    parser.add_argument("-o", "--output", metavar="LIBRARY", required=True, help="the library to write (JSON Lines)")
    parser.add_argument("--keep-personal-data", action="store_true",
                        help="do not mask e-mails, phone numbers and card numbers (masked by default)")
    parser.add_argument("--timezone", metavar="ZONE", default="UTC",
                        help="time zone of times written without an offset (default UTC), e.g. Europe/Berlin")
    parser.add_argument("--columns", metavar="KEY=COLUMN,…",
                        help="CSV only: which column holds what, e.g. conversation=Ticket,at=Sent,role=Who,text=Message"
                             " (default: guessed from the header)")
    parser.add_argument("--role", action="append", default=[], metavar="KIND=WORD,…",
                        help="CSV only: extra author words for visitor, bot or agent, e.g. bot=Robot,Fin")


def _mapping(args: argparse.Namespace) -> CsvMapping:
    path = Path(args.files[0])
    mapping = guess_mapping(csv_header(path)) if path.is_file() else CsvMapping()
    changes: dict[str, object] = {}
    for pair in (args.columns or "").split(","):
        if not pair.strip():
            continue
        key, sep, column = pair.partition("=")
        if not sep or key.strip() not in COLUMN_KEYS:
            raise UsageError(f"--columns: {pair!r} is not KEY=COLUMN with KEY one of {', '.join(COLUMN_KEYS)}")
        changes[key.strip()] = column.strip()
    for spec in args.role:
        kind, sep, words = spec.partition("=")
        if not sep or kind.strip() not in ("visitor", "bot", "agent"):
            raise UsageError(f"--role: {spec!r} is not KIND=WORD,… with KIND visitor, bot or agent")
        field = f"{kind.strip()}_roles"
        changes[field] = (*getattr(mapping, field), *(w.strip() for w in words.split(",") if w.strip()))
    return replace(mapping, **changes)  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    for name in args.files:
        if not Path(name).is_file():
            raise UsageError(f"cannot read {name}: no such file")
    try:
        zone = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--timezone: unknown time zone {args.timezone!r}") from None
    options = ImportOptions(mask=not args.keep_personal_data, zone=zone,
                            csv=_mapping(args) if args.format == "csv" else None)
    summary = ImportSummary()
    try:
        write_library(import_files(args.format, args.files, options, summary), args.output)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(summary.text(), file=sys.stderr)
    return EXIT_SKIPPED if summary.dropped else EXIT_OK
