"""The engine's side of every catalog fact: one `Signal` each, from which everything else is derived.

The catalog (`rules_schema/catalog.json`) says what a fact *is*: name, label, type, operators,
unit, param, timer. Its Signal says how the engine *reads* it: a State attribute or method, a
reader built per condition, or phrases of the message; what a reading costs; whether the rule
index may read it at every evaluation; the instant a timer counts from; whether the trace always
shows it. From the two come the fact readers (`builder.engine.facts`), the index classes
(`builder.engine.index`: thresholds of a number, a true boolean, a category's values, the
message's phrases, all by the catalog type), the evaluation order (`builder.engine.fast`), the
timer deadlines (`builder.engine.compile`) and the trace's evidence and snapshot
(`builder.engine.explain.trace`).

Adding a fact is one catalog entry plus one Signal (and the State field it reads, if it is new);
`registry_problems`, run by the tests, names a fact without a Signal, with two, a Signal the
catalog does not know, and a Signal that cannot read its fact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from operator import attrgetter

from builder.engine.nodes import Getter
from builder.engine.sources import Needs, Sources
from builder.engine.state import State
from builder.format.model import WEEKDAYS, Leaf
from builder.text.signals import url_matcher
from rules_schema.catalog import Catalog

# A fact's reader, and the same reading as a Python expression over `st` when it is a plain read
# (the generated gate function writes it out instead of calling the reader).
Reading = tuple[Getter, str | None]
# Builds the reader of one condition (a param, ids known at compile time); None after adding a problem.
ReaderFactory = Callable[[Sources, Leaf, str, list[str]], Reading | None]
# How many seconds one unit of a timer fact is (the catalog's `unit`).
SECONDS_PER_UNIT = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0}


@dataclass(frozen=True)
class Signal:
    """How the engine reads one catalog fact. Text facts are read by the text operators
    (`builder.engine.facts`), so their Signal only says whether they span the conversation."""

    fact: str
    attribute: str | None = None  # read as `st.<attribute>` (a dotted path allowed)
    method: str | None = None  # read as `st.<method>()`
    reader: ReaderFactory | None = None  # built per condition
    phrases: Callable[[Sources], frozenset[int]] | None = None  # true when one is in the message
    inline: str | None = None  # the gate function's reading when not `st.<attribute>` / `st.<method>()`
    conversation: bool = False  # a text fact over every visitor message so far
    cost: int = 2  # rough price of one reading (2: a slot), to test cheap conditions first
    indexed: bool = True  # the gate function may read it at every evaluation (False: too costly)
    never_none: bool = False  # a count or a clock reading: the gate function needs no None check
    needs: str | None = None  # the `Needs` accumulator it reads
    timer: str | None = None  # "start" | "silence": the instant a timer fact counts from
    snapshot: bool = False  # always in the trace's facts (the core emotion signals)


# --- readers built per condition --------------------------------------------------------------

def _business_hours(src: Sources, leaf: Leaf, where: str, problems: list[str]) -> Reading | None:
    schedule_id = leaf.param or src.settings.default_schedule or ""
    schedule = src.ruleset.schedule(schedule_id or None)
    if schedule is None:
        problems.append(f"{where}: no schedule '{schedule_id}'" if schedule_id else
                        f"{where}: business hours need a schedule (name one, or set a default schedule)")
        return None
    # lazy: start-up; runtime.load() reads the schedule module only for rulesets that ask about business hours
    from builder.hours.schedule import ScheduleError, open_hours

    try:
        src.hours[schedule_id] = open_hours(schedule)
    except ScheduleError as exc:
        problems.append(f"{where}: schedule '{schedule_id}' cannot be used: {exc}")
        return None
    return (lambda st: st.in_hours(schedule_id)), None


def _weekday(src: Sources, leaf: Leaf, where: str, problems: list[str]) -> Reading:
    return (lambda st: WEEKDAYS[st.local().weekday()]), None


def _hour(src: Sources, leaf: Leaf, where: str, problems: list[str]) -> Reading:
    return (lambda st: st.local().hour), None


def _visitor_attribute(src: Sources, leaf: Leaf, where: str, problems: list[str]) -> Reading | None:
    attr = leaf.param
    if not attr:
        problems.append(f"{where}: say which visitor attribute (param), e.g. plan")
        return None
    return (lambda st: st.attributes.get(attr, st.visitor.get(attr))), None


def _views_matching(src: Sources, leaf: Leaf, where: str, problems: list[str]) -> Reading | None:
    pattern = leaf.param
    if not pattern:
        problems.append(f"{where}: give a URL pattern (param), e.g. /pricing*")
        return None
    i = src.url_pattern_ids.get(pattern)
    if i is None:
        i = src.url_pattern_ids[pattern] = len(src.url_patterns)
        src.url_patterns.append(url_matcher(pattern))
    return (lambda st: st.pattern_views[i]), f"st.pattern_views[{i}]"


# --- the registry -----------------------------------------------------------------------------

# The clocks written out (the same arithmetic as `State.minutes_since_start` / `silence`): in the
# generated gate function a method call would cost more than the reading itself.
_SINCE_START = "(0.0 if st.start is None else (st.now - st.start + st.eps) / 60.0)"
_SILENCE = ("(0.0 if (st.last_msg if st.last_msg is not None else st.start) is None "
            "else st.now - (st.last_msg if st.last_msg is not None else st.start) + st.eps)")

SIGNALS: tuple[Signal, ...] = (
    Signal("message.text"),
    Signal("message.sentiment", method="sentiment", cost=60, indexed=False, snapshot=True),
    Signal("message.caps_ratio", method="caps", cost=6, snapshot=True),
    Signal("message.frustration", phrases=lambda src: src.frustration_ids, snapshot=True),
    Signal("conversation.text", conversation=True),
    Signal("conversation.message_count", attribute="message_count", never_none=True),
    Signal("conversation.visitor_message_count", attribute="visitor_count", never_none=True),
    Signal("conversation.repeated_question_count", attribute="repeat.count", needs="repeat"),
    Signal("conversation.messages_per_minute", method="per_minute", needs="per_minute", cost=4, indexed=False),
    Signal("conversation.lowest_sentiment", attribute="lowest", needs="lowest_sentiment"),
    Signal("conversation.resolved", attribute="resolved"),
    Signal("bot.fallback_count", attribute="fallbacks", never_none=True),
    Signal("bot.last_confidence", attribute="last_conf"),
    Signal("bot.last_fallback", attribute="last_fallback"),
    Signal("bot.intent", attribute="intent"),
    Signal("time.minutes_since_start", method="minutes_since_start", inline=_SINCE_START, never_none=True,
           timer="start"),
    Signal("time.silence_seconds", method="silence", inline=_SILENCE, never_none=True, timer="silence"),
    Signal("time.in_business_hours", reader=_business_hours, cost=30, indexed=False),
    Signal("time.local_weekday", reader=_weekday, cost=8, indexed=False),
    Signal("time.local_hour", reader=_hour, cost=8, indexed=False),
    Signal("visitor.score", attribute="score"),
    Signal("visitor.returning", attribute="returning"),
    Signal("visitor.previous_chat_failed", attribute="prev_failed"),
    Signal("visitor.email_known", attribute="email_known"),
    Signal("visitor.attribute", reader=_visitor_attribute, indexed=False),
    Signal("pages.current_url", attribute="url"),
    Signal("pages.views_matching", reader=_views_matching, never_none=True),
    Signal("pages.view_count", attribute="views", never_none=True),
    Signal("cart.abandoned", attribute="cart_abandoned"),
)
BY_FACT: dict[str, Signal] = {s.fact: s for s in SIGNALS}


def signal(fact: str) -> Signal | None:
    return BY_FACT.get(fact)


def reading(sig: Signal, src: Sources, leaf: Leaf, where: str, problems: list[str]) -> Reading | None:
    """The reader of a non-text fact for one condition, or None (with a problem) when it cannot be read."""
    if sig.needs is not None:
        setattr(src.needs, sig.needs, True)
    if sig.attribute is not None:
        return attrgetter(sig.attribute), sig.inline or f"st.{sig.attribute}"
    if sig.method is not None:
        method: Getter = getattr(State, sig.method)
        return method, sig.inline or f"st.{sig.method}()"
    if sig.phrases is not None:
        ids = sig.phrases(src)
        return (lambda st: not ids.isdisjoint(st.hits)), None
    if sig.reader is not None:
        return sig.reader(src, leaf, where, problems)
    problems.append(f"{where}: the engine has no signal for fact '{leaf.fact}'")
    return None


def timer_base(fact: str, cat: Catalog) -> tuple[str, float] | None:
    """(the instant a timer fact counts from, seconds per unit of its value), None for other facts."""
    sig = BY_FACT.get(fact)
    entry = cat.fact(fact)
    if sig is None or sig.timer is None or entry is None:
        return None
    return sig.timer, SECONDS_PER_UNIT[entry.unit or "seconds"]


def registry_problems(signals: Iterable[Signal], cat: Catalog) -> list[str]:
    """Why `signals` do not cover the catalog one to one, or cannot read their facts ([] when they do)."""
    signals = tuple(signals)
    problems: list[str] = []
    counts = Counter(s.fact for s in signals)
    problems += [f"{name}: no Signal" for name in cat.facts if name not in counts]
    problems += [f"{name}: {n} Signals" for name, n in counts.items() if n > 1]
    problems += [f"{name}: a Signal for a fact the catalog does not know" for name in counts if name not in cat.facts]
    needs = {f.name for f in fields(Needs)}
    for s in signals:
        fact = cat.fact(s.fact)
        if fact is None:
            continue
        ways = [w for w in (s.attribute, s.method, s.reader, s.phrases) if w is not None]
        if fact.type == "text":
            if ways or s.inline is not None:
                problems.append(f"{s.fact}: a text fact is read by the text operators, not by its Signal")
        elif len(ways) != 1:
            problems.append(f"{s.fact}: read {len(ways)} ways "
                            "(needs exactly one of attribute, method, reader, phrases)")
        if s.conversation and fact.type != "text":
            problems.append(f"{s.fact}: only a text fact spans the conversation")
        if fact.param is not None and s.reader is None:
            problems.append(f"{s.fact}: a fact with a param ({fact.param}) needs a reader")
        if s.attribute is not None and s.attribute.split(".")[0] not in State.__slots__:
            problems.append(f"{s.fact}: the State has no attribute '{s.attribute}'")
        if s.method is not None and not callable(getattr(State, s.method, None)):
            problems.append(f"{s.fact}: the State has no method '{s.method}'")
        if s.never_none and fact.type != "number":
            problems.append(f"{s.fact}: only a number can be never None")
        if s.needs is not None and s.needs not in needs:
            problems.append(f"{s.fact}: no accumulator '{s.needs}'")
        if (s.timer is not None) != fact.timer:
            problems.append(f"{s.fact}: the catalog {'says' if fact.timer else 'does not say'} it is a timer")
        elif s.timer is not None and (s.timer not in ("start", "silence") or fact.unit not in SECONDS_PER_UNIT):
            problems.append(f"{s.fact}: a timer counts from 'start' or 'silence' in {', '.join(SECONDS_PER_UNIT)}")
    return problems
