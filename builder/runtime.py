"""What a chatbot imports: load a ruleset file once, then one session per conversation.

    from builder import runtime

    rules = runtime.load("playbook.json")           # validated and compiled once
    session = rules.session("c-17", {"name": "Ana", "score": 85})
    for event in incoming_events():                 # {"at": "...Z", "type": "visitor", "text": "..."}
        at = datetime.fromisoformat(event["at"])    # one clock: the events' own timestamps
        decision = session.tick(at) or session.observe(event)   # timers due by then, then the event
        if decision is not None:
            hand_over(decision.payload)             # transcript, pages, profile, rule, promise
            break

Between events, a host ticks at `session.next_deadline` so silence and waiting-time rules fire on
time (docs/DEPLOYING.md has a complete service loop).

Importing this module is cheap (no Qt, nothing heavy); the engine, rapidfuzz and the schedule
load inside `load()`. The Decision is the same object `handoff-builder simulate` prints.
Around the Decision: `decision.why` is one plain line for the log ("Visitor asks for a human: the
message mentions “agent”"; made on first read); `decision.payload` is everything the human agent receives (transcript
with the deciding message, pages, profile, rule, summary, promise), ready for
`builder.handoff.payload.notification` (Slack, Teams, e-mail, webhook). `rules.session(...,
on_fire=..., on_decision=...)` reports every firing and Decision as it happens. `rules.content_hash`,
`version`, `exported_at` and `warnings` say which rules run; `RulesetHolder` reloads a file while
conversations are in flight.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from builder.engine import CompiledRuleset, Decision, Firing, Session
    from builder.format.model import Ruleset
    from rules_schema import Problem


class RulesetLoadError(ValueError):
    """The ruleset file cannot be used; the message is readable (a line, or a short list). Every
    way loading can fail ends in this type (or its subclass RulesetUnreadable): a failure inside a
    library (RE2 refusing a pattern set, a value the canonical form cannot write) included."""


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
    except Exception as exc:  # the documented type, whatever failed below
        raise RulesetLoadError(f"{path}: the ruleset cannot be loaded ({_why(exc)})") from exc
    return ruleset


def _why(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


class Runtime:
    """A loaded, compiled ruleset: cheap to share between threads' sessions (sessions are not).

    Identity, for logs and for telling which rules decided: `content_hash` (sha256 of the rules as
    run, the file's `metadata.content_hash` when it was exported unchanged), `version` (the
    ruleset's own `metadata.version`), `exported_at` (when the file was exported, if it says) and
    `warnings` (the validator's warnings — e.g. a hand-edited file whose hash no longer matches —
    plus a ruleset that can never hand over), as `rules_schema.Problem`s: a service logs them at
    start-up instead of finding out from the traffic.
    """

    def __init__(self, ruleset: Ruleset, *, exported_at: datetime | None = None,
                 warnings: tuple[Problem, ...] = ()) -> None:
        from builder.engine import CompileError, compile_ruleset

        try:
            self.compiled: CompiledRuleset = compile_ruleset(ruleset)
        except CompileError as exc:
            raise RulesetLoadError("the ruleset cannot be evaluated:\n" + "\n".join(exc.problems)) from None
        except Exception as exc:  # e.g. RE2 refusing to build a pattern set: still the documented type
            raise RulesetLoadError(f"the ruleset cannot be evaluated ({_why(exc)})") from exc
        self.ruleset = ruleset
        self.exported_at = exported_at
        self.warnings: tuple[Problem, ...] = warnings + _runtime_warnings(self.compiled)

    @cached_property
    def content_hash(self) -> str:
        """`sha256:<hex>` of the canonical ruleset (what export writes as `metadata.content_hash`)."""
        from rules_schema.canonical import content_hash

        digest: str = content_hash(self.ruleset.to_dict())
        return digest

    @property
    def version(self) -> str:
        """The ruleset's own version (`metadata.version`, e.g. "2.0.0")."""
        return self.ruleset.metadata.version

    def session(self, conversation_id: str = "", visitor: Mapping[str, Any] | None = None, *,
                trace: bool = False, on_fire: Callable[[Firing], object] | None = None,
                on_decision: Callable[[Decision], object] | None = None) -> Session:
        """A new conversation: feed it with `observe(event)`, drive timers with `tick(now)`.

        `on_fire(firing)` is called for every rule that fires (a `builder.engine.Firing`: rule id,
        turn, instant, tags, replies, channels, whether it escalated), `on_decision(decision)` for the
        Decision — e.g. to log `decision.why` and post `decision.payload`. Both run in the caller's
        thread once the evaluation is complete; an exception they raise reaches the caller.
        Without them a session costs nothing more."""
        from builder.format.conversation_checks import without_lone_surrogates

        # lone surrogates ("\ud800", legal JSON escapes) become U+FFFD: the payload must encode
        session: Session = self.compiled.session(without_lone_surrogates(conversation_id),
                                                 without_lone_surrogates(visitor), trace=trace)
        if on_fire is not None:
            session.on_fire = on_fire
        if on_decision is not None:
            session.on_decision = on_decision
        return session

    def restore(self, state: Mapping[str, Any], *, trace: bool = False,
                on_fire: Callable[[Firing], object] | None = None,
                on_decision: Callable[[Decision], object] | None = None) -> Session:
        """The session a `Session.to_state()` dict describes (after `json.loads`, in any process that
        loaded the same ruleset): it continues exactly as the one that wrote it would have. Hooks as
        in `session`. Raises SessionStateError for a state of another ruleset or format version, or
        a damaged one."""
        from builder.engine import Session
        from builder.engine.session_state import SessionStateError as Refused

        try:
            session = Session.restore(self.compiled, state, trace=trace)
        except Refused as exc:
            raise SessionStateError(str(exc)) from None
        session.on_fire, session.on_decision = on_fire, on_decision
        return session


def settle() -> None:
    """Take what is alive now out of the garbage collector's way: a full collection, then
    `gc.freeze()`, which moves every surviving object to a generation the collector never
    traverses again. Call it once after loading the ruleset(s) in a long-running service: the
    ruleset, compiled rules, lexicons and imported modules (~hundreds of thousands of objects)
    are otherwise traversed by every full collection, one of which then pauses an `observe` call
    (benchmarks/runtime/gc_bench.py). What the engine loads on first use is loaded first.

    Frozen objects are still freed by reference counting; only garbage cycles among them would
    stay. Sessions hold no reference cycles (tested), so a service may also settle now and then
    (say once a second, between requests) to move long-lived sessions out of the way too: each
    settle then collects only what is newer than the last one. It affects the host's objects too,
    so the host decides when."""
    import gc

    _warm_up()
    gc.collect()
    gc.freeze()


def _warm_up() -> None:
    """Load now what the engine otherwise loads on first use (VADER's lexicon, the handoff
    modules, rapidfuzz): the first conversation that needs them would pause for it (~10-20 ms)."""
    from builder.handoff import routing, templates  # noqa: F401  (imported for their side: loaded)
    from builder.text import sentiment

    sentiment.compound("warm up")
    import rapidfuzz.fuzz  # noqa: F401


def load(path: str | Path) -> Runtime:
    """Read, validate and compile a ruleset file once. Raises RulesetLoadError (readable)."""
    from builder.format.io import RulesetFileError, read_ruleset_file

    try:
        document = read_ruleset_file(path)
    except RulesetFileError as exc:
        raise RulesetUnreadable(str(exc)) from None
    return _runtime(document, f"{path}: ")


def from_document(document: Mapping[str, Any]) -> Runtime:
    """A Runtime from an already-parsed ruleset document (migrated and validated first)."""
    return _runtime(dict(document), "")


def _runtime(document: dict[str, Any], where: str) -> Runtime:
    from builder.format.io import check_document
    from builder.format.model import Ruleset

    try:
        migrated, problems = check_document(document)
    except Exception as exc:  # a document the migration or validator cannot read: the documented type
        raise RulesetLoadError(f"{where}the ruleset cannot be read ({_why(exc)})") from exc
    if any(p.is_error for p in problems):
        raise RulesetLoadError(f"{where}invalid ruleset\n" + _problem_lines(problems))
    metadata = migrated.get("metadata")
    exported = metadata.get("exported_at") if isinstance(metadata, Mapping) else None
    try:
        ruleset = Ruleset.from_dict(migrated)
    except Exception as exc:
        raise RulesetLoadError(f"{where}the ruleset cannot be loaded ({_why(exc)})") from exc
    return Runtime(ruleset, exported_at=_instant(exported), warnings=tuple(p for p in problems if not p.is_error))


def _instant(text: Any) -> datetime | None:
    """`exported_at` as an aware UTC datetime (None when absent; the schema checked the format)."""
    if not isinstance(text, str):
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _runtime_warnings(compiled: CompiledRuleset) -> tuple[Problem, ...]:
    """What only loading reveals: a ruleset that can never hand a visitor over."""
    from rules_schema import WARNING, Problem

    if not compiled.rules:
        return (Problem("$.rules", "no rule is enabled, so no conversation is ever handed over",
                        WARNING, "runtime.no_enabled_rule"),)
    if not any(cr.escalates for cr in compiled.rules):
        return (Problem("$.rules", "no enabled rule hands over to a human, so no conversation is ever "
                        "handed over", WARNING, "runtime.no_escalating_rule"),)
    return ()


# --- reloading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reload:
    """What `RulesetHolder.reload` did: `ok` False (and `error`, readable) when the file could not be
    used and the previous ruleset stays; `changed` when the rules now differ (by content hash)."""

    ok: bool
    changed: bool
    runtime: Runtime
    error: str | None = None


class RulesetHolder:
    """The current ruleset of a file, reloadable while conversations run.

        rules = runtime.RulesetHolder("playbook.json")    # raises RulesetLoadError: nothing to keep
        session = rules.session("c-17", visitor)          # keeps the ruleset it started with
        result = rules.reload()                           # e.g. on SIGHUP, or poll with only_if_modified
        if not result.ok:
            log.error("ruleset not reloaded, still %s: %s", rules.runtime.content_hash, result.error)

    A session holds its own compiled ruleset, so a reload never changes a conversation in flight:
    sessions opened before keep the old rules, sessions opened after get the new ones. A file that
    is missing, not JSON, invalid or not compilable leaves the current ruleset in place and says
    why (`error`, also kept as `last_error` until a reload succeeds). Safe to share between
    threads: reading `runtime` is one attribute read, reloads are serialised by a lock.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp = self._file_stamp()
        self.runtime: Runtime = load(self.path)
        self.last_error: str | None = None

    def session(self, conversation_id: str = "", visitor: Mapping[str, Any] | None = None,
                **options: Any) -> Session:
        """A new conversation on the current ruleset (options as `Runtime.session`)."""
        return self.runtime.session(conversation_id, visitor, **options)

    def reload(self, *, only_if_modified: bool = False) -> Reload:
        """Load the file again; on any problem keep the current ruleset and report it.

        `only_if_modified`: skip the work when the file's size and modification time are those of
        the previous attempt (a cheap check for polling every few seconds)."""
        with self._lock:
            current = self.runtime
            stamp = self._file_stamp()
            if only_if_modified and stamp is not None and stamp == self._stamp:
                return Reload(self.last_error is None, False, current, self.last_error)
            self._stamp = stamp
            try:
                fresh = load(self.path)
            except RulesetLoadError as exc:
                self.last_error = str(exc)
                return Reload(False, False, current, self.last_error)
            self.last_error = None
            self.runtime = fresh  # even when the rules are the same: `exported_at` may be new
            return Reload(True, fresh.content_hash != current.content_hash, fresh)

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size
