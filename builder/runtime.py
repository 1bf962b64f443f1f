"""What a chatbot imports: load a ruleset file once, then one session per conversation.

    from builder import runtime

    rules = runtime.load("playbook.json")           # validated and compiled once
    session = rules.session("c-17", {"name": "Ana", "score": 85})
    for event in incoming_events():                 # {"at": "...Z", "type": "visitor", "text": "..."}
        decision = session.observe(event)           # a Decision, or None
        if decision is None:
            decision = session.tick(datetime.now(timezone.utc))   # timers (silence, waiting time)
        if decision is not None:
            hand_over(decision.to_dict())           # handoff, team, priority, reply, promise
            break

Importing this module is cheap (no Qt, nothing heavy); the engine, rapidfuzz and the schedule
load inside `load()`. The Decision is the same object `handoff-builder simulate` prints.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from builder.engine import CompiledRuleset, Session
    from builder.model import Ruleset


class RulesetLoadError(ValueError):
    """The ruleset file cannot be used; the message is one readable line (or a short list)."""


def read_ruleset(path: str | Path) -> Ruleset:
    """The validated Ruleset of a file, through `builder.io.load_ruleset` when present."""
    try:
        from builder import io as ruleset_io
    except ImportError:
        ruleset_io = None  # type: ignore[assignment]
    if ruleset_io is not None and hasattr(ruleset_io, "load_ruleset"):
        try:
            ruleset: Ruleset = ruleset_io.load_ruleset(path)
        except Exception as exc:  # RulesetFileError / InvalidRuleset: readable by contract
            problems = getattr(exc, "problems", None)
            if problems:
                lines = [f"{getattr(p, 'path', '')}: {getattr(p, 'message', p)}" for p in problems
                         if getattr(p, "severity", "error") == "error"]
                raise RulesetLoadError(f"{path}: invalid ruleset\n" + "\n".join(lines[:20])) from None
            if isinstance(exc, (OSError, ValueError)) or type(exc).__module__.startswith("builder"):
                raise RulesetLoadError(f"{path}: {exc}") from None
            raise
        return ruleset
    return _read_minimal(path)


def _read_minimal(path: str | Path) -> Ruleset:
    from builder.model import Ruleset

    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesetLoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise RulesetLoadError(f"{path}: not JSON ({exc})") from None
    if not isinstance(document, dict):
        raise RulesetLoadError(f"{path}: a ruleset must be a JSON object")
    try:
        from rules_schema import validate
    except ImportError:
        validate = None  # type: ignore[assignment]
    if validate is not None:
        errors = [p for p in validate(document) if getattr(p, "severity", "error") == "error"]
        if errors:
            lines = [f"{p.path}: {p.message}" for p in errors]
            raise RulesetLoadError(f"{path}: invalid ruleset\n" + "\n".join(lines[:20]))
    try:
        return Ruleset.from_dict(document)
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesetLoadError(f"{path}: invalid ruleset ({exc})") from None


class Runtime:
    """A loaded, compiled ruleset: cheap to share between threads' sessions (sessions are not)."""

    def __init__(self, ruleset: Ruleset) -> None:
        from builder.engine import CompileError, compile_ruleset

        try:
            self.compiled: CompiledRuleset = compile_ruleset(ruleset)
        except CompileError as exc:
            raise RulesetLoadError("the ruleset cannot be evaluated:\n" + "\n".join(exc.problems)) from None
        self.ruleset = ruleset

    def session(self, conversation_id: str = "", visitor: Mapping[str, Any] | None = None, *,
                trace: bool = False) -> Session:
        """A new conversation: feed it with `observe(event)`, drive timers with `tick(now)`."""
        session: Session = self.compiled.session(conversation_id, visitor, trace=trace)
        return session


def load(path: str | Path) -> Runtime:
    """Read, validate and compile a ruleset file once. Raises RulesetLoadError (readable)."""
    return Runtime(read_ruleset(path))


def from_document(document: Mapping[str, Any]) -> Runtime:
    """A Runtime from an already-parsed ruleset document (validated first when possible)."""
    from builder.model import Ruleset

    try:
        from rules_schema import validate
    except ImportError:
        validate = None  # type: ignore[assignment]
    if validate is not None:
        errors = [p for p in validate(dict(document)) if getattr(p, "severity", "error") == "error"]
        if errors:
            raise RulesetLoadError("invalid ruleset\n" + "\n".join(f"{p.path}: {p.message}" for p in errors[:20]))
    return Runtime(Ruleset.from_dict(dict(document)))
