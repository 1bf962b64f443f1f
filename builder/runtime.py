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

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from builder.engine import CompiledRuleset, Session
    from builder.format.model import Ruleset


class RulesetLoadError(ValueError):
    """The ruleset file cannot be used; the message is readable (a line, or a short list)."""


class RulesetUnreadable(RulesetLoadError):
    """The file is missing, not JSON, too big or too deep (as opposed to a ruleset with errors)."""


class SessionStateError(ValueError):
    """A saved session state that cannot continue on this Runtime: made for another ruleset, by
    another format version, or damaged. The message says which."""


def _problem_lines(problems: Any) -> str:
    errors = [p for p in problems if getattr(p, "is_error", getattr(p, "severity", "error") == "error")]
    lines = [f"{p.path}: {p.message}" for p in errors[:20]]
    if len(errors) > 20:
        lines.append(f"... and {len(errors) - 20} more")
    return "\n".join(lines)


def read_ruleset(path: str | Path) -> Ruleset:
    """The validated Ruleset of a file (read, migrated, validated by `builder.format.io.load_ruleset`)."""
    from builder.format.io import InvalidRuleset, RulesetFileError, load_ruleset

    try:
        ruleset: Ruleset = load_ruleset(path)
    except RulesetFileError as exc:
        raise RulesetUnreadable(str(exc)) from None
    except InvalidRuleset as exc:
        raise RulesetLoadError(f"{path}: invalid ruleset\n" + _problem_lines(exc.problems)) from None
    return ruleset


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

    def restore(self, state: Mapping[str, Any], *, trace: bool = False) -> Session:
        """The session a `Session.to_state()` dict describes (after `json.loads`, in any process that
        loaded the same ruleset): it continues exactly as the one that wrote it would have.
        Raises SessionStateError for a state of another ruleset or format version, or a damaged one."""
        from builder.engine import Session
        from builder.engine.session_state import SessionStateError as Refused

        try:
            return Session.restore(self.compiled, state, trace=trace)
        except Refused as exc:
            raise SessionStateError(str(exc)) from None


def load(path: str | Path) -> Runtime:
    """Read, validate and compile a ruleset file once. Raises RulesetLoadError (readable)."""
    return Runtime(read_ruleset(path))


def from_document(document: Mapping[str, Any]) -> Runtime:
    """A Runtime from an already-parsed ruleset document (migrated and validated first)."""
    from builder.format.io import check_document
    from builder.format.model import Ruleset

    migrated, problems = check_document(dict(document))
    if any(getattr(p, "is_error", False) for p in problems):
        raise RulesetLoadError("invalid ruleset\n" + _problem_lines(problems))
    return Runtime(Ruleset.from_dict(migrated))
