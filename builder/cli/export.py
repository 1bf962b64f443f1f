"""`handoff-builder export WORKSPACE [--project NAME] -o RULESET`: write a validated ruleset file.

WORKSPACE is a workspace file (the project's current revision is exported) or a ruleset file
(re-exported in canonical form, e.g. after hand edits or to migrate an older version). A workspace
another process is editing is opened read-only; then the export is written but not recorded in
the project's history. Exit 1 with every problem listed when the ruleset has errors (nothing is
written), 2 when the input cannot be read or the project is ambiguous.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from builder.cli import EXIT_OK, EXIT_PROBLEMS, UsageError
from builder.cli.validate import format_problem
from builder.format.io import (
    MAX_BYTES,
    ExportResult,
    InvalidRuleset,
    RulesetFileError,
    export_ruleset,
    read_ruleset_file,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workspace", metavar="WORKSPACE", help="workspace file, or a ruleset file to re-export")
    parser.add_argument("--project", metavar="NAME", help="the project to export (needed when there are several)")
    parser.add_argument("-o", "--output", metavar="RULESET", required=True, help="the ruleset file to write")
    parser.add_argument("--stamp", action="store_true",
                        help="write the export time into the metadata (two exports then differ)")


def _is_ruleset_file(path: Path) -> dict[str, Any] | None:
    """The document when `path` is a ruleset file; None when it is a workspace."""
    if path.stat().st_size > MAX_BYTES:
        return None  # rulesets are never that big; workspaces with long histories can be
    try:
        document = read_ruleset_file(path)
    except RulesetFileError as exc:
        raise UsageError(str(exc)) from None
    if "meta" in document and "rules" not in document:
        return None
    return document


def run(args: argparse.Namespace) -> int:
    source, output = Path(args.workspace), Path(args.output)
    if not source.exists():
        raise UsageError(f"{source}: no such workspace or ruleset file")
    if source.is_dir():
        raise UsageError(f"{source}: is a folder; give the workspace file")
    if not output.parent.is_dir():
        raise UsageError(f"{output}: the folder {output.parent} does not exist")
    stamp = datetime.now(UTC) if args.stamp else None
    document = _is_ruleset_file(source)
    if document is None and output.exists() and output.resolve() == source.resolve():
        raise UsageError(f"{output}: would overwrite the workspace")
    if document is not None:
        if args.project:
            raise UsageError(f"{source}: is a ruleset file, so --project does not apply")
        return _export(document, output, stamp, label=str(source))
    return _export_workspace(source, args.project, output, stamp)


def _export(document: Any, output: Path, stamp: datetime | None, *, label: str) -> int:
    result = _write(document, output, stamp)
    if result is None:
        return EXIT_PROBLEMS
    print(f"exported {label} to {output} ({result.content_hash})")
    return EXIT_OK


def _write(document: Any, output: Path, stamp: datetime | None) -> ExportResult | None:
    try:
        result = export_ruleset(document, output, exported_at=stamp)
    except InvalidRuleset as exc:
        for problem in exc.problems:
            print(format_problem(problem))
        errors = sum(1 for p in exc.problems if p.is_error)
        print(f"not exported: the ruleset has {errors} error{'s' if errors != 1 else ''}", file=sys.stderr)
        return None
    except OSError as exc:
        raise UsageError(f"{output}: cannot be written ({exc.strerror or exc})") from None
    for problem in result.warnings:
        print(format_problem(problem))
    return result


def _export_workspace(path: Path, project_name: str | None, output: Path, stamp: datetime | None) -> int:
    # lazy: start-up; re-exporting a ruleset file never needs the workspace store (tinydb, file locks)
    from builder.workspace import Workspace, WorkspaceError, WorkspaceLocked

    notes: list[str] = []
    try:
        try:
            workspace = Workspace.open(path)
        except WorkspaceLocked as exc:
            notes.append(f"note: {exc.message.split(';')[0]}; exported read-only, so the export is not recorded")
            workspace = Workspace.open(path, read_only=True)
    except WorkspaceError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    try:
        names = [info.name for info in workspace.projects()]
        name = _choose(names, project_name, path)
        project = workspace.project(name)
        head, document = project.current_revision()
        revision = head.number
        result = _write(document, output, stamp)
        if result is None:
            return EXIT_PROBLEMS
        if not workspace.read_only:
            project.record_export(os.path.abspath(output), revision, result.content_hash)
        for note in notes:
            print(note, file=sys.stderr)
        print(f"exported project '{name}' (revision {revision}) to {output} ({result.content_hash})")
        return EXIT_OK
    except WorkspaceError as exc:
        raise UsageError(str(exc)) from None
    finally:
        workspace.close()


def _choose(names: list[str], wanted: str | None, path: Path) -> str:
    if wanted is not None:
        if wanted in names:
            return wanted
        listed = ", ".join(f"'{n}'" for n in names) or "none"
        raise UsageError(f"{path}: has no project '{wanted}' (projects: {listed})")
    if not names:
        raise UsageError(f"{path}: the workspace has no projects")
    if len(names) > 1:
        raise UsageError(f"{path}: has {len(names)} projects; choose one with --project "
                         f"({', '.join(repr(n) for n in names)})")
    return names[0]
