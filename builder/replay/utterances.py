"""Measuring a ruleset on labelled one-message utterances (`handoff-builder evaluate`).

A playbook is only as good as its behaviour on real text nobody on the project wrote. Each
utterance (a JSON line with `text` and a `trigger` label, as in the development data's README)
becomes a one-message conversation at 10:00 on a working weekday in the default schedule's time
zone, so business hours never hide a rule; the report gives, per label, how many escalated and by
which trigger kinds and rules. The `none` label holds ordinary questions the chatbot should answer
itself: its escalation rate is the false-alarm rate.

Rows can also be grouped by the dataset's own intent `label` or by the line's `category` (what a
challenge line tests: "typo", "negation", ...); the false-alarm rate is then still measured on every
line labelled `none`, whatever row it falls in.

Lines can be selected by parity (`even` / `odd` line numbers) to keep a held-out half while tuning.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from builder.engine import simulate
from builder.format.conversation import MAX_LINE_BYTES, bounded_lines, refuse_special_file
from builder.format.conversation_checks import without_lone_surrogates
from builder.format.model import Ruleset
from builder.hours.schedule import open_hours

NONE_LABEL = "none"
Half = Literal["all", "even", "odd"]
GroupBy = Literal["trigger", "label", "category"]
# A fixed Wednesday: the measurement must not depend on the day it runs.
REFERENCE_DAY = date(2026, 11, 25)


class UtteranceError(ValueError):
    """A line that is not an utterance; the message names the line."""


@dataclass(frozen=True)
class Utterance:
    """One labelled message: `trigger` is the escalation kind it should cause, or "none"."""

    text: str
    trigger: str
    label: str = ""
    line: int = 0
    category: str = ""

    def group(self, by: GroupBy) -> str:
        """The report row this utterance counts in (a missing label or category falls back to the trigger)."""
        if by == "label":
            return self.label or self.trigger
        if by == "category":
            return self.category or self.trigger
        return self.trigger


@dataclass(frozen=True)
class LineProblem:
    """A skipped line of an utterance file (line numbers count from 1)."""

    line: int
    message: str
    internal: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def parse_utterance(raw: str, line: int) -> Utterance:
    """One JSON line as an Utterance; raises UtteranceError with a readable reason."""
    try:
        data = without_lone_surrogates(json.loads(raw))
    except json.JSONDecodeError as exc:
        raise UtteranceError(f"not JSON ({exc.msg})") from None
    except (ValueError, RecursionError):
        raise UtteranceError("not JSON") from None
    if not isinstance(data, dict):
        raise UtteranceError("an utterance must be a JSON object")
    text, trigger = data.get("text"), data.get("trigger")
    if not isinstance(text, str):
        raise UtteranceError('"text" must be a string')
    if not isinstance(trigger, str) or not trigger:
        raise UtteranceError('"trigger" must be a non-empty string (use "none" for ordinary questions)')
    label, category = data.get("label"), data.get("category")
    return Utterance(text=text, trigger=trigger, label=label if isinstance(label, str) else "", line=line,
                     category=category if isinstance(category, str) else "")


def read_utterances(source: str | Path | IO[str] | Iterable[str]) -> Iterator[Utterance | LineProblem]:
    """Utterances of a JSON Lines file (or stream, or lines); a bad line yields a LineProblem."""
    if isinstance(source, (str, Path)):
        refuse_special_file(source)
        with open(source, "rb") as handle:
            yield from read_utterances(bounded_lines(handle))  # type: ignore[arg-type]
        return
    for number, raw in enumerate(source, start=1):
        if raw is None:
            yield LineProblem(number, f"longer than {MAX_LINE_BYTES // 2**20} MB: skipped")
            continue
        if not raw.strip():
            continue
        try:
            yield parse_utterance(raw, number)
        except UtteranceError as exc:
            yield LineProblem(number, str(exc))


def in_half(utterance: Utterance, half: Half) -> bool:
    """True when the utterance's line number belongs to `half` ("all" keeps every line)."""
    if half == "all":
        return True
    return (utterance.line % 2 == 0) == (half == "even")


def evaluation_instant(ruleset: Ruleset, hour: int = 10) -> datetime:
    """10:00 local time on a working weekday in the default schedule's zone.

    Starts from a fixed Wednesday and moves on past days the schedule is closed at that hour
    (a public holiday), so the result is the same on every machine and every day.
    """
    schedule = ruleset.schedule(None) or (ruleset.schedules[0] if ruleset.schedules else None)
    try:
        zone = ZoneInfo(schedule.timezone) if schedule is not None else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    first = datetime.combine(REFERENCE_DAY, time(hour), tzinfo=zone)
    if schedule is None:
        return first
    try:
        hours = open_hours(schedule)
    except Exception:  # a schedule the hours module cannot read: keep the plain weekday
        return first
    for offset in range(21):
        candidate = datetime.combine(REFERENCE_DAY + timedelta(days=offset), time(hour), tzinfo=zone)
        if candidate.weekday() < 5 and hours.is_open(candidate):
            return candidate
    return first


def utterance_conversation(utterance: Utterance, at: datetime, conversation_id: str = "") -> dict[str, Any]:
    """The one-message conversation an utterance stands for."""
    return {
        "id": conversation_id or f"u-{utterance.line}",
        "events": [{"at": at.isoformat(), "type": "visitor", "text": utterance.text}],
    }


@dataclass
class LabelStats:
    """How one label fared: counts, and which trigger kinds and rules fired."""

    label: str
    count: int = 0
    escalated: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)  # the trigger labels of this row's lines

    @property
    def rate(self) -> float:
        return self.escalated / self.count if self.count else 0.0

    def kind_rate(self, kind: str) -> float:
        """Share of this label's utterances escalated by a rule of trigger kind `kind`."""
        return self.kinds[kind] / self.count if self.count else 0.0

    def add(self, other: LabelStats) -> None:
        """Pool `other`'s counts into this row."""
        self.count += other.count
        self.escalated += other.escalated
        self.kinds.update(other.kinds)
        self.rules.update(other.rules)
        self.expected.update(other.expected)

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "escalated": self.escalated,
            "rate": round(self.rate, 4),
            "kinds": by_count(self.kinds),
            "rules": by_count(self.rules),
            "expected": by_count(self.expected),
        }


def by_count(counter: Counter[str]) -> dict[str, int]:
    """A counter as a dict, most frequent first (ties alphabetically)."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass
class EvaluationReport:
    """Per-label results of one evaluation run, plus the lines that could not be read."""

    at: datetime
    labels: dict[str, LabelStats] = field(default_factory=dict)
    problems: list[LineProblem] = field(default_factory=list)
    by: GroupBy = "trigger"
    ordinary: LabelStats = field(default_factory=lambda: LabelStats(NONE_LABEL))  # every line labelled "none"

    @property
    def total(self) -> int:
        return sum(s.count for s in self.labels.values())

    @property
    def none_rate(self) -> float | None:
        """Escalation rate on ordinary questions (the false alarms), None without such lines."""
        return self.ordinary.rate if self.ordinary.count else None

    def stats(self, label: str) -> LabelStats:
        """The results of `label` (empty when the label did not occur)."""
        return self.labels.get(label) or LabelStats(label)

    def merge(self, other: EvaluationReport) -> None:
        """Pool `other` (another file, same ruleset and instant) into this report."""
        for name, theirs in other.labels.items():
            self.labels.setdefault(name, LabelStats(name)).add(theirs)
        self.ordinary.add(other.ordinary)
        self.problems.extend(other.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "by": self.by,
            "total": self.total,
            "none_rate": None if self.none_rate is None else round(self.none_rate, 4),
            "labels": {name: self.labels[name].to_dict() for name in sorted_labels(self.labels)},
            "skipped": [str(p) for p in self.problems],
        }


def sorted_labels(labels: dict[str, LabelStats]) -> list[str]:
    """Row names alphabetically, with "none" and rows of ordinary questions only last (the control rows)."""
    def control(name: str) -> bool:
        return name == NONE_LABEL or set(labels[name].expected) == {NONE_LABEL}

    return sorted(labels, key=lambda name: (control(name), name))


Decide = Callable[[dict[str, Any]], Any]


def evaluate(
    compiled: Any,
    utterances: Iterable[Utterance | LineProblem],
    *,
    at: datetime | None = None,
    half: Half = "all",
    by: GroupBy = "trigger",
    on_item: Callable[[int], None] | None = None,
) -> EvaluationReport:
    """Run each utterance as a one-message conversation through `compiled` (a CompiledRuleset).

    `by="label"` groups by the dataset's own intent label instead of the trigger mapping, `by="category"`
    by what each line tests (the challenge set's `category`).
    `on_item(n)` is called after each utterance (progress bars).
    """
    instant = at if at is not None else evaluation_instant(compiled.ruleset)
    report = EvaluationReport(at=instant, by=by)
    done = 0
    for item in utterances:
        if isinstance(item, LineProblem):
            report.problems.append(item)
            continue
        if not in_half(item, half):
            continue
        try:
            decision = simulate(compiled, utterance_conversation(item, instant))
        except Exception as exc:  # isolation: one utterance that meets a bug never loses the others
            detail = " ".join(str(exc).split())[:200]
            report.problems.append(LineProblem(item.line, f"internal error ({type(exc).__name__}: {detail}); "
                                               "skipped, please report it", internal=True))
            continue
        key = item.group(by)
        stats = report.labels.get(key)
        if stats is None:
            stats = report.labels[key] = LabelStats(key)
        rows = [stats, report.ordinary] if item.trigger == NONE_LABEL else [stats]
        for row in rows:
            row.count += 1
            row.expected[item.trigger] += 1
            if decision.escalated:
                row.escalated += 1
                row.kinds[decision.trigger or "?"] += 1
                row.rules[decision.rule or "?"] += 1
        done += 1
        if on_item is not None:
            on_item(done)
    return report


def format_table(report: EvaluationReport) -> str:
    """A plain-text table: one row per label, then the false-alarm line.

    Grouped by label or category, a row mixes trigger labels: a "labelled" column says which.
    """
    mixed = report.by != "trigger"
    header = ["category" if report.by == "category" else "label", "count", "escalated", "rate"]
    rows = [header + (["labelled"] if mixed else []) + ["trigger kinds that fired"]]
    for name in sorted_labels(report.labels):
        s = report.labels[name]
        labelled = [", ".join(f"{k} {n}" for k, n in by_count(s.expected).items())] if mixed else []
        kinds = ", ".join(f"{k} {n}" for k, n in by_count(s.kinds).items())
        rows.append([name, str(s.count), str(s.escalated), f"{100 * s.rate:.1f}%", *labelled, kinds or "-"])
    columns = len(rows[0]) - 1  # the last column is not padded
    widths = [max(len(r[i]) for r in rows) for i in range(columns)]
    lines = []
    for i, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [r[k].rjust(widths[k]) for k in (1, 2, 3)]
        cells += [r[k].ljust(widths[k]) for k in range(4, columns)] + [r[-1]]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(r[-1]))
    none_rate = report.none_rate
    lines.append("")
    lines.append(f"{report.total} utterances at {report.at.strftime('%a %Y-%m-%d %H:%M %Z')}; "
                 + ("escalation rate on 'none': " + f"{100 * none_rate:.1f}%" if none_rate is not None
                    else "no 'none' utterances (false-alarm rate unknown)"))
    return "\n".join(lines)
