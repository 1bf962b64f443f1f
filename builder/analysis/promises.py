"""Response-time promises a team's schedule cannot keep.

Why in the core: it is a question about schedules and SLAs, and both the routing page (which
shows each sentence under its priority's row) and `handoff-builder validate` (which prints it as a
warning) must give the same answer. Routing (`builder.handoff.routing.route`) never promises a
time the schedule rules out, so a promise that cannot be kept turns silently into "by Monday
09:00"; this names it beforehand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from builder.analysis.finding import Finding
from builder.analysis.wording import priority_label
from builder.format.model import Ruleset, Sla
from builder.handoff.routing import duration_text, team_hours

LOOKAHEAD_DAYS = 14  # closed stretches are looked for in the next two weeks (a weekend, a holiday)


@dataclass(frozen=True)
class UnkeptPromise:
    """One priority's promise and why it cannot be kept; `path` is the SLA's JSON path."""

    priority: str
    message: str
    teams: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"$.routing.sla.{self.priority}"

    def to_finding(self) -> Finding:
        """As an analysis finding (a warning: an export is never blocked by it)."""
        return Finding("unkept_promise", "warning", self.message, (), self.path)


def unkept_promises(ruleset: Ruleset, now: datetime) -> list[UnkeptPromise]:
    """Promises a team's schedule cannot keep, from `now` on: a team that never opens (no opening
    within a year), or a calendar-time promise shorter than the team's longest closed stretch
    with no backup contact to bridge it (the visitor is then promised the next opening instead).

    A team without usable hours is left to the `team_without_schedule` finding."""
    out: list[UnkeptPromise] = []
    routing = ruleset.routing
    for priority, sla in routing.sla:
        never: list[str] = []
        gaps: list[tuple[str, str]] = []
        for team in routing.teams:
            hours = team_hours(ruleset, team.id)
            if hours is None:
                continue
            if hours.next_open(now) is None:
                never.append(team.name)
                continue
            if sla.clock != "calendar" or team.backup_contact or routing.backup_contact:
                continue
            longest, start, previous = timedelta(0), None, None
            for begin, end in hours.spans(now, days=LOOKAHEAD_DAYS):
                if previous is not None and begin - previous > longest:
                    longest, start = begin - previous, previous
                previous = end
            if start is not None and longest > timedelta(minutes=sla.minutes):
                local = start.astimezone(hours.zone)
                gaps.append((team.name, f"{team.name} up to {duration_text(longest.total_seconds() / 60)} "
                                        f"(from {local.strftime('%A %H:%M')})"))
        promise = _promise(priority, sla)
        if never:
            verb = "opens" if len(never) == 1 else "open"
            out.append(UnkeptPromise(priority, (
                f"{_names(never)} never {verb} (no opening within a year), so the {promise} can never be kept."),
                tuple(never)))
        if gaps:
            out.append(UnkeptPromise(priority, (
                f"Closed longer than the {promise}: {'; '.join(text for _, text in gaps)}. With no backup "
                "contact, visitors are then promised the next opening instead: add a backup contact or "
                "count business hours."), tuple(name for name, _ in gaps)))
    return out


def _promise(priority: str, sla: Sla) -> str:
    """"30 minutes calendar-time promise for urgent priority"."""
    clock = "calendar-time" if sla.clock == "calendar" else "business-hours"
    return f"{duration_text(sla.minutes)} {clock} promise for {priority_label(priority)} priority"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
