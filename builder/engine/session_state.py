"""A session's state as a small, versioned JSON document, and the parts a restored session is built from.

Why: a conversation must survive a restart and move between workers, and a compiled ruleset cannot
be pickled (RE2 sets, closures). The document holds only what the next evaluation reads:

- `format`, `version`: which document this is (a newer layout gets a new version);
- `ruleset`: the content hash of the ruleset (`rules_schema.canonical.content_hash` of its canonical
  document, the hash an export writes), and `engine`: a short fingerprint of how this engine
  numbered the ruleset's phrases, patterns and rules; a state made for another ruleset or by an
  engine that numbers them otherwise is refused, since the ids in it would mean something else;
- the session: conversation id, the clock, the next deadline (always worked out when a call
  returns, so there is no "to be rescheduled" flag to keep), the firings (rule position, turn,
  instant, escalated: cooldowns, tags, priority and `once` deadlines are derived from them), the
  Decision once made (its contract fields; the routing object is not kept);
- the facts' accumulators (`State`): counters, the latest visitor message's text (a timer
  evaluation still reads it; its phrase hits are found again on restore), the repeat count (the
  earlier questions it compares with are the transcript's visitor messages), the message
  instants of the last minute, the phrases and patterns seen so far, the visitor profile and
  context as merged by events. Values equal to a new session's are left out, which keeps a short
  conversation's state short;
- the transcript (visitor and bot events: instant, type, text; a `url` if one is there): the
  reply templates render it and the handoff payload carries it; a bot event's confidence or
  intent is already in the facts. Page views, cart and other events are not kept: the rules read
  only their counters and the current URL.

Not kept: traces and per-evaluation records (a restored session may trace from then on), caches.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from builder.engine.compiled import Compiled
from builder.engine.decision import Decision
from builder.engine.state import State
from rules_schema.canonical import content_hash

FORMAT = "handoff-builder/session"
VERSION = 1

# (rule position, turn, instant, escalated) per firing, as the session logs them
FiredLog = list[tuple[int, int, float, bool]]

# State values written as they are, with the value a new session has (left out when equal) and
# what a restored one accepts: "num" a number, "int" a whole number, "str", "bool"; `None` allowed
# where the default is None.
SCALARS: dict[str, tuple[Any, str]] = {
    "now": (0.0, "num"), "start": (None, "num"), "last_msg": (None, "num"), "text": ("", "str"),
    "turn": (0, "int"), "conv_nonempty": (False, "bool"), "message_count": (0, "int"),
    "visitor_count": (0, "int"), "lowest": (None, "num"), "resolved": (False, "bool"), "fallbacks": (0, "int"),
    "last_conf": (None, "num"), "last_fallback": (False, "bool"), "intent": (None, "str"), "url": (None, "str"),
    "views": (0, "int"), "cart_abandoned": (False, "bool"),
}
# State slots written in a form of their own (below), and those derived or cached (not written).
STRUCTURED = ("conv_hits", "conv_first", "conv_patterns", "conv_similar", "repeat", "recent", "pattern_views",
              "visitor", "context")
NOT_KEPT = ("src", "eps", "_words", "_tokens", "patterns_found", "hits", "msg", "score", "returning", "prev_failed",
            "email_known", "attributes", "_local_at", "_local", "_open", "record_spans")


class SessionStateError(ValueError):
    """A state that cannot continue here: another ruleset, engine or format version, or damaged."""


def identity(compiled: Compiled) -> tuple[str, str]:
    """(content hash of the ruleset, fingerprint of the engine's numbering), computed once per ruleset."""
    if compiled.identity is None:
        src = compiled.sources
        layout = [src.matcher.phrases, src.patterns.patterns, list(src.url_pattern_ids), src.conv_pattern_ids,
                  [list(leaf) for leaf in src.conv_similar_leaves], [cr.rule.id for cr in compiled.rules]]
        engine = hashlib.sha256(json.dumps(layout, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
        compiled.identity = (content_hash(compiled.ruleset.to_dict()), engine)
    return compiled.identity


# --- writing ----------------------------------------------------------------------------------

# What the reply templates and the handoff payload read of a transcript event (confidence, intent...
# are already in the facts).
TRANSCRIPT_FIELDS = ("at", "type", "text", "url")


def _event(event: Mapping[str, Any]) -> dict[str, Any]:
    """A transcript event as JSON values, with the fields that are read (a host may give `at` as a datetime)."""
    out = {key: event[key] for key in TRANSCRIPT_FIELDS if key in event}
    at = out.get("at")
    if isinstance(at, datetime):
        out["at"] = at.isoformat()
    return out


def facts_state(st: State) -> dict[str, Any]:
    """The State's accumulators, without the values a new session has."""
    out: dict[str, Any] = {}
    for name, (default, _) in SCALARS.items():
        value = getattr(st, name)
        if value != default or type(value) is not type(default):
            out[name] = value
    if st.conv_hits:
        out["conv_hits"] = sorted(st.conv_hits)
    for name in ("conv_first", "conv_patterns"):
        spans: dict[int, tuple[int, int, int]] = getattr(st, name)
        if spans:
            out[name] = [[key, *span] for key, span in sorted(spans.items())]
    if st.conv_similar:
        out["conv_similar"] = [[key, score] for key, score in sorted(st.conv_similar.items())]
    if st.repeat is not None and st.repeat.count:
        out["repeat"] = st.repeat.count  # its earlier questions are the transcript's (`_earlier`)
    cutoff = st.now - 60.0  # older instants never count again: the clock only moves forward
    recent = [t for t in st.recent if t > cutoff]
    if recent:
        out["recent"] = recent
    if any(st.pattern_views):
        out["pattern_views"] = list(st.pattern_views)
    if st.visitor:
        out["visitor"] = dict(st.visitor)
    if st.context:
        out["context"] = dict(st.context)
    return out


def session_document(compiled: Compiled, st: State, *, conversation_id: str, clock: float | None,
                     deadline: float | None, fired: FiredLog,
                     transcript: list[Mapping[str, Any]], decision: Decision | None) -> dict[str, Any]:
    """The whole state document of a session (see the module's docstring for what is kept)."""
    ruleset_hash, engine = identity(compiled)
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "ruleset": ruleset_hash, "engine": engine,
                           "id": conversation_id, "clock": clock}
    if deadline is not None:
        out["deadline"] = deadline
    if fired:
        out["fired"] = [[pos, turn, at, esc] for pos, turn, at, esc in fired]
    if decision is not None:
        out["decision"] = decision.to_dict(trace=False)
    if transcript:
        out["transcript"] = [_event(e) for e in transcript]
    out["facts"] = facts_state(st)
    return out


# --- reading ----------------------------------------------------------------------------------

def _damaged(what: str) -> SessionStateError:
    return SessionStateError(f"the session state is damaged: {what}")


def _is(kind: str, value: Any) -> bool:
    if kind == "num":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str if kind == "str" else bool)


def _number(value: Any, what: str, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if not _is("num", value):
        raise _damaged(f"{what} must be a number")
    return float(value)


def _ints(value: Any, what: str) -> list[int]:
    if not isinstance(value, list) or not all(_is("int", v) for v in value):
        raise _damaged(f"{what} must be a list of whole numbers")
    return value


def _spans(value: Any, what: str) -> dict[int, tuple[int, int, int]]:
    if not isinstance(value, list) or not all(isinstance(v, list) and len(v) == 4 for v in value):
        raise _damaged(f"{what} must be a list of [id, turn, start, end]")
    return {int(v[0]): (int(v[1]), int(v[2]), int(v[3])) for v in value}


def _earlier(transcript: list[Mapping[str, Any]]) -> list[str]:
    """The visitor messages of a transcript, in order (the repeat tracker refills from them)."""
    return [e["text"] for e in transcript if e.get("type") == "visitor" and isinstance(e.get("text"), str)]


def fill_facts(st: State, facts: Any, transcript: list[Mapping[str, Any]]) -> None:
    """Set a new session's State from `facts_state` output (SessionStateError when it is not that)."""
    if not isinstance(facts, Mapping):
        raise _damaged("'facts' must be an object")
    for name, value in facts.items():
        spec = SCALARS.get(name)
        if spec is not None:
            default, kind = spec
            if not (value is None and default is None) and not _is(kind, value):
                raise _damaged(f"facts.{name} has the wrong type")
            setattr(st, name, float(value) if kind == "num" and value is not None else value)
        elif name not in STRUCTURED:
            raise _damaged(f"unknown fact state '{name}'")
    st.conv_hits = set(_ints(facts.get("conv_hits", []), "facts.conv_hits"))
    st.conv_first = _spans(facts.get("conv_first", []), "facts.conv_first")
    st.conv_patterns = _spans(facts.get("conv_patterns", []), "facts.conv_patterns")
    similar = facts.get("conv_similar", [])
    if not isinstance(similar, list) or not all(isinstance(v, list) and len(v) == 2 for v in similar):
        raise _damaged("facts.conv_similar must be a list of [key, score]")
    st.conv_similar = {int(k): float(s) for k, s in similar}
    if st.repeat is not None:
        count = facts.get("repeat", 0)
        if not _is("int", count):
            raise _damaged("facts.repeat must be a whole number")
        st.repeat.count = count
        st.repeat.refill(_earlier(transcript))
    recent = facts.get("recent", [])
    if not isinstance(recent, list):
        raise _damaged("facts.recent must be a list")
    st.recent.extend(_number(t, "facts.recent[]") or 0.0 for t in recent)
    views = facts.get("pattern_views")
    if views is not None:
        if len(_ints(views, "facts.pattern_views")) != len(st.pattern_views):
            raise _damaged("facts.pattern_views does not match the ruleset's URL patterns")
        st.pattern_views = list(views)
    context, visitor = facts.get("context", {}), facts.get("visitor", {})
    if not isinstance(context, Mapping) or not isinstance(visitor, Mapping):
        raise _damaged("facts.visitor and facts.context must be objects")
    st.context = dict(context)
    st.set_visitor(dict(visitor))
    st.reread_message()


@dataclass
class Saved:
    """A state document, checked against the compiled ruleset it is restored into."""

    conversation_id: str
    clock: float | None
    deadline: float | None
    fired: FiredLog
    transcript: list[Mapping[str, Any]]
    decision: Decision | None
    facts: Mapping[str, Any]


def _decision(data: Any, compiled: Compiled) -> Decision | None:
    if data is None:
        return None
    if not isinstance(data, Mapping) or not isinstance(data.get("escalated"), bool):
        raise _damaged("'decision' must be a decision object")
    known = {f.name for f in fields(Decision)} - {"routing", "trace", "extra"}
    values = {k: v for k, v in data.items() if k in known}
    try:
        values["at"] = datetime.fromisoformat(data["at"]) if data.get("at") else None
    except (TypeError, ValueError):
        raise _damaged("decision.at must be an ISO 8601 instant") from None
    values["tags"] = tuple(data.get("tags") or ())
    values["notify"] = tuple(data.get("notify") or ())
    rule = compiled.ruleset.rule(data["rule"]) if isinstance(data.get("rule"), str) else None
    values["rule_name"] = rule.name if rule is not None else None
    return Decision(**values)


def read_document(compiled: Compiled, data: Any) -> Saved:
    """Check a state document against `compiled`; SessionStateError says why it cannot continue here."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise SessionStateError("not a session state (made by Session.to_state)")
    version = data.get("version")
    if version != VERSION:
        raise SessionStateError(f"session state format version {version!r} cannot be restored by this "
                                f"version of Handoff Builder (it reads version {VERSION})")
    ruleset_hash, engine = identity(compiled)
    if data.get("ruleset") != ruleset_hash:
        raise SessionStateError(f"the session state was made for another ruleset ({data.get('ruleset')}); "
                                f"this one is {ruleset_hash}")
    if data.get("engine") != engine:
        raise SessionStateError("the session state was made by another version of the engine for this "
                                "ruleset (its phrases and rules are numbered differently)")
    cid = data.get("id")
    if not isinstance(cid, str):
        raise _damaged("'id' must be a text")
    n = len(compiled.rules)
    fired: FiredLog = []
    for entry in data.get("fired", []):
        if (not isinstance(entry, list) or len(entry) != 4 or not _is("int", entry[0]) or not 0 <= entry[0] < n
                or not _is("int", entry[1]) or not isinstance(entry[3], bool)):
            raise _damaged(f"a firing {entry!r} does not fit this ruleset")
        fired.append((entry[0], entry[1], _number(entry[2], "a firing's instant") or 0.0, entry[3]))
    transcript = data.get("transcript", [])
    if not isinstance(transcript, list) or not all(isinstance(e, Mapping) and "type" in e for e in transcript):
        raise _damaged("'transcript' must be a list of events")
    return Saved(cid, _number(data.get("clock"), "'clock'", optional=True),
                 _number(data.get("deadline"), "'deadline'", optional=True),
                 fired, transcript, _decision(data.get("decision"), compiled), data.get("facts", {}))
