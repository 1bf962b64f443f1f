"""Reading and writing ruleset files: guarded import, validated, deterministic, atomic export.

Import refuses what should never reach the validator (huge, too deeply nested, not JSON, not an
object) with one readable line. Export goes through the model so the bytes depend only on the
ruleset: same ruleset, byte-identical file (no timestamp unless asked for), which keeps rulesets
diffable in version control; it writes to a temporary file and renames it, so a crash never
leaves half a ruleset behind.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from builder.format.conversation_checks import without_lone_surrogates
from builder.format.model import Ruleset
from rules_schema import Problem, migrate
from rules_schema.canonical import canonical_json, content_hash


def _validate(document: Any) -> list[Problem]:
    """`rules_schema.validate`, imported at first use: the JSON Schema machinery is a fifth of a
    second of start-up, and the window paints before it validates anything."""
    from rules_schema import validate

    return validate(document)

__all__ = [
    "MAX_BYTES", "MAX_DEPTH", "ExportResult", "InvalidRuleset", "RulesetFileError", "atomic_write_text",
    "canonical_document", "canonical_json", "check_document", "content_hash", "export_ruleset", "load_ruleset",
    "read_ruleset_file", "ruleset_to_edit",
]

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64


class RulesetFileError(ValueError):
    """The file cannot be read as a ruleset at all; the message is one line for the user."""


class InvalidRuleset(ValueError):
    """The ruleset has errors; `problems` lists all of them (warnings included)."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        where = f"{source}: " if source else ""
        first = f": {errors[0].message}" if errors else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{where}the ruleset has {len(errors)} error{'s' if len(errors) != 1 else ''}{first}{more}")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    content_hash: str
    document: dict[str, Any]
    warnings: tuple[Problem, ...] = ()


# --- reading -------------------------------------------------------------------------------------

def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key '{key}' appears twice in one object")
        out[key] = value
    return out


def _depth(value: Any) -> int:
    """Nesting depth without recursion (a hostile file must not exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_ruleset_text(text: str, source: str = "the file") -> dict[str, Any]:
    """The JSON object in `text`; RulesetFileError (one line) for anything else."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise RulesetFileError(f"{source}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise RulesetFileError(f"{source}: nested too deeply (more than {MAX_DEPTH} levels)") from None
    except ValueError as exc:
        raise RulesetFileError(f"{source}: not valid JSON ({exc})") from None
    if _depth(data) > MAX_DEPTH:
        raise RulesetFileError(f"{source}: nested too deeply (more than {MAX_DEPTH} levels)")
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(type(data), "a number")
        raise RulesetFileError(f"{source}: holds {kind}, not a ruleset (a JSON object)")
    return data


def read_ruleset_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The parsed document of a ruleset file, refusing oversize, deep, non-JSON and non-object files."""
    source = str(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):  # a FIFO would block forever
            raise RulesetFileError(f"{source}: not a regular file (a pipe or a device), so not a ruleset file")
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise RulesetFileError(f"{source}: too big for a ruleset ({size / 1024 / 1024:.1f} MB; the limit "
                                       f"is {MAX_BYTES // 1024 // 1024} MB)")
            raw = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise RulesetFileError(f"{source}: is a folder, not a ruleset file") from None
    except FileNotFoundError:
        raise RulesetFileError(f"{source}: no such file") from None
    except OSError as exc:
        raise RulesetFileError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise RulesetFileError(f"{source}: too big for a ruleset (the limit is {MAX_BYTES // 1024 // 1024} MB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RulesetFileError(f"{source}: not a text file in UTF-8, so not JSON") from None
    return parse_ruleset_text(text, source)


def check_document(document: Any) -> tuple[dict[str, Any], list[Problem]]:
    """(migrated document, all its problems): what `validate` shows and `load_ruleset` enforces.
    Lone surrogates (`"\ud800"`: legal JSON escapes, not text) become U+FFFD first, so every name
    and message can be printed, hashed and written as UTF-8."""
    migrated = without_lone_surrogates(migrate(document))
    return migrated, _validate(migrated)


def load_ruleset(path: str | os.PathLike[str]) -> Ruleset:
    """The Ruleset of a file: read, migrated to the latest version, validated (InvalidRuleset on errors)."""
    document, problems = check_document(read_ruleset_file(path))
    if any(p.is_error for p in problems):
        raise InvalidRuleset(problems, str(path))
    return Ruleset.from_dict(document)


def ruleset_to_edit(document: Mapping[str, Any]) -> Ruleset:
    """A Ruleset from a document that may have errors (an editor shows them rather than refusing
    the file, unlike `load_ruleset`); ValueError in words when its format version cannot be read
    or its shape is too broken to build the model at all."""
    try:
        migrated = migrate(dict(document))
    except Exception as exc:
        raise ValueError(f"this ruleset's format version cannot be read ({exc})") from exc
    try:
        return Ruleset.from_dict(migrated)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems = [p for p in _validate(migrated) if p.severity == "error"][:5]
        listed = "\n".join(f"• {p.message}" for p in problems)
        raise ValueError(f"the ruleset is too damaged to edit:\n{listed or exc}") from exc


# --- writing -------------------------------------------------------------------------------------

def canonical_document(ruleset_or_doc: Ruleset | Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The canonical document (model key order, export metadata stripped) and its problems.

    A dict is migrated and validated first, then normalised through the model, so a hand-written
    file and the same ruleset built in the editor export to the same bytes. InvalidRuleset when
    there are errors.
    """
    if isinstance(ruleset_or_doc, Ruleset):
        document = ruleset_or_doc.to_dict()
    else:
        migrated, problems = check_document(dict(ruleset_or_doc))
        if any(p.is_error for p in problems):
            raise InvalidRuleset(problems)
        document = Ruleset.from_dict(migrated).to_dict()
    problems = _validate(document)
    if any(p.is_error for p in problems):
        raise InvalidRuleset(problems)
    return document, problems


def export_ruleset(ruleset_or_doc: Ruleset | Mapping[str, Any], path: str | os.PathLike[str], *,
                   exported_at: datetime | None = None) -> ExportResult:
    """Validate, then write the canonical file atomically with its content hash.

    `exported_at` is written only when given (it is outside the hash), so by default two exports
    of the same ruleset are byte-identical. Raises InvalidRuleset (nothing written) on errors.
    """
    document, problems = canonical_document(ruleset_or_doc)
    digest = content_hash(document)
    metadata = dict(document["metadata"])
    if exported_at is not None:
        when = exported_at if exported_at.tzinfo else exported_at.replace(tzinfo=UTC)
        metadata["exported_at"] = when.isoformat(timespec="seconds").replace("+00:00", "Z")
    metadata["content_hash"] = digest
    document["metadata"] = metadata
    target = Path(path)
    atomic_write_text(target, canonical_json(document))
    return ExportResult(target, digest, document, tuple(p for p in problems if not p.is_error))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8) so that `path` holds either the old or the new content, never a mix.

    Temporary file in the same folder (same file system, so the rename is atomic), flushed and
    fsynced, `os.replace`d over the target, then the folder fsynced so the rename survives a crash.
    An existing target that is not a regular file (a device such as /dev/full, a FIFO) is refused
    with IsADirectoryError/OSError: renaming over it would replace the device itself.
    """
    target = Path(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, f"{target} is not a regular file (a folder, a pipe or a device)")
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes the file private; a ruleset is an ordinary file
            os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(folder)


def _mode_for(target: Path) -> int:
    """Keep the permissions of the file being replaced; 0644 for a new one."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o644


def _fsync_dir(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform (Windows); the rename itself is still atomic
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
