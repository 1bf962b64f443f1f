"""Routing: from an escalation (team, priority, preferred mode) and an instant to the handoff the
visitor actually gets, with a promise computed from the schedule and the SLA — never typed.

Choices (so the engine, the simulator and the runtime all say the same thing):

* The team's schedule is `routing.team(id).schedule`; an unknown team or a dangling schedule id
  falls back to `settings.default_schedule`. With no usable schedule the team is treated as open
  (nothing says it is closed), and the backup contact is attached because nothing guarantees
  anyone is there.
* Open: the rule's preferred mode. Closed: `routing.offline_mode`, except that a rule preferring
  e-mail keeps e-mail (it needs nobody present). `callback_enabled` offers a callback while closed.
* SLA per priority: business clock = `at` + N open minutes (counted from the next opening when
  closed); calendar clock = `at` + N minutes. Without an SLA the promise is the next opening.
* The promise reads "within 2 hours" when the team is open and stays open until a deadline on the
  same local day; otherwise "by today 16:30", "by tomorrow 09:00", "by Monday 09:00", "by 2 January
  09:00" — relative to `at` in the team's zone.
* The backup contact (the team's, else routing's) is included when the promise would be missed:
  no opening within a year, a calendar deadline before the team next opens, or no schedule. A
  calendar deadline nobody can keep (no backup contact) becomes the business-clock promise, so the
  visitor is never promised a time the schedule rules out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from builder.format.model import Ruleset, Schedule
from builder.hours.schedule import OpenHours, ScheduleError, open_hours, relative_time
from rules_schema.catalog import catalog

UTC = UTC


@dataclass(frozen=True)
class Handoff:
    """What happens to the visitor, and why. Instants are UTC-aware."""

    mode: str  # instant | callback | email
    team: str
    team_name: str
    priority: str
    open: bool
    promise: str | None
    promise_at: datetime | None
    next_open: datetime | None
    backup_contact: str | None
    reason: str
    callback_offered: bool = False
    timezone: str | None = None
    next_open_text: str | None = None  # "now", "Monday 09:00", None when no opening within a year

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: instants as ISO 8601 strings."""
        return {
            "mode": self.mode,
            "team": self.team,
            "team_name": self.team_name,
            "priority": self.priority,
            "open": self.open,
            "promise": self.promise,
            "promise_at": _iso(self.promise_at),
            "next_open": _iso(self.next_open),
            "next_open_text": self.next_open_text,
            "backup_contact": self.backup_contact,
            "callback_offered": self.callback_offered,
            "timezone": self.timezone,
            "reason": self.reason,
        }


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at is not None else None


def duration_text(minutes: float) -> str:
    """"30 minutes", "90 minutes", "2 hours", "2 hours 30 minutes"."""
    total = int(round(minutes))
    hours, rest = divmod(total, 60)
    if hours == 0 or (hours == 1 and rest):
        return f"{total} minute" + ("" if total == 1 else "s")
    text = f"{hours} hour" + ("" if hours == 1 else "s")
    return f"{text} {rest} minutes" if rest else text


def team_schedule(ruleset: Ruleset, team: str) -> Schedule | None:
    """The schedule a team works by (its own, else the ruleset's default)."""
    found = ruleset.routing.team(team)
    schedule = ruleset.schedule(found.schedule) if found is not None else None
    return schedule if schedule is not None else ruleset.schedule(None)


def team_hours(ruleset: Ruleset, team: str) -> OpenHours | None:
    """OpenHours of the team's schedule; None when there is none or it cannot be evaluated."""
    schedule = team_schedule(ruleset, team)
    if schedule is None:
        return None
    try:
        return open_hours(schedule)
    except ScheduleError:
        return None


def describe_next_open(hours: OpenHours | None, at: datetime, *, show_zone: bool = False,
                       known: tuple[datetime | None] | None = None) -> str | None:
    """The next opening for display: "now", "tomorrow 09:00", "Monday 09:00"; None when the team
    does not open within a year. `known`: the next opening already computed for `at`."""
    if hours is None:
        return "now"
    at = _aware(at)
    when = known[0] if known is not None else hours.next_open(at)
    if when is None:
        return None
    text = "now" if when == at else relative_time(when, at, hours.zone)
    return f"{text} ({hours.zone.key})" if show_zone and text != "now" else text


def next_open_text(ruleset: Ruleset, team: str, at: datetime, *, show_zone: bool = False) -> str | None:
    """`describe_next_open` for a team of a ruleset."""
    return describe_next_open(team_hours(ruleset, team), at, show_zone=show_zone)


def _aware(at: datetime) -> datetime:
    """Conversation clocks carry offsets; a bare time is read as UTC rather than the machine's zone."""
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at).astimezone(UTC)


def _backup(ruleset: Ruleset, team: str) -> str | None:
    found = ruleset.routing.team(team)
    return (found.backup_contact if found is not None else None) or ruleset.routing.backup_contact


def _label(table: dict[str, dict[str, str]], key: str) -> str:
    return table.get(key, {}).get("label", key)


@dataclass(frozen=True)
class _TeamPlan:
    """What routing knows of a team before any escalation: its name, hours, zone and backup contact."""

    name: str
    hours: OpenHours | None
    zone: ZoneInfo
    backup: str | None


class Router:
    """`route` for one ruleset: what does not change from one escalation to the next (each team's
    name, schedule, zone and backup contact, the SLA per priority, the mode labels) is looked up
    once, so an escalation costs only its own instant. Rulesets are immutable: a Router never goes
    stale; one per loaded ruleset (the engine keeps one per compiled ruleset)."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self._teams: dict[str, _TeamPlan] = {}
        self._sla = dict(ruleset.routing.sla)
        self._modes = catalog().handoff_modes

    def _team(self, team: str) -> _TeamPlan:
        plan = self._teams.get(team)
        if plan is None:
            found = self.ruleset.routing.team(team)
            hours = team_hours(self.ruleset, team)
            plan = _TeamPlan(found.name if found is not None else team, hours,
                             hours.zone if hours is not None else ZoneInfo("UTC"), _backup(self.ruleset, team))
            self._teams[team] = plan
        return plan

    def route(self, *, team: str, priority: str, handoff: str, at: datetime, show_zone: bool = False) -> Handoff:
        """Choose the handoff for an escalation to `team` at `at` (see the module notes)."""
        at = _aware(at)
        routing = self.ruleset.routing
        plan = self._team(team)
        team_name, hours, zone = plan.name, plan.hours, plan.zone
        if hours is not None:
            is_open, next_open, close = hours.around(at)  # one look at the schedule for all three
        else:
            is_open, next_open, close = True, at, None
        if is_open:
            mode = handoff
        else:
            mode = "email" if handoff == "email" else routing.offline_mode

        sla = self._sla.get(priority)
        promise_at: datetime | None
        missed = hours is None
        note = ""
        if sla is None:
            promise_at = None if is_open else next_open
            missed = missed or promise_at is None
        elif sla.clock == "calendar":
            promise_at = at + timedelta(minutes=sla.minutes)
            missed = missed or next_open is None or next_open >= promise_at
            if missed and hours is not None and not plan.backup:
                # Nobody could keep the calendar deadline: promise what the schedule can keep instead.
                promise_at = hours.add_business_minutes(at, sla.minutes)
                missed = promise_at is None
                note = (f" A {duration_text(sla.minutes)} deadline cannot be met while closed and there is no"
                        " backup contact, so the promise counts from the next opening.")
        else:
            promise_at = hours.add_business_minutes(at, sla.minutes) if hours is not None \
                else at + timedelta(minutes=sla.minutes)
            missed = missed or promise_at is None

        promise: str | None = None
        if promise_at is not None:
            same_day = promise_at.astimezone(zone).date() == at.astimezone(zone).date()
            if sla is not None and is_open and same_day and (close is None or close >= promise_at):
                promise = f"within {duration_text(sla.minutes)}"
            else:
                promise = "by " + relative_time(promise_at, at, zone)
                if show_zone:
                    promise += f" ({zone.key})"

        backup = plan.backup if missed else None
        nxt = describe_next_open(hours, at, show_zone=show_zone, known=(next_open,))
        modes = self._modes
        if hours is None:
            reason = f"{team_name} has no business hours, so it is treated as open: {_label(modes, mode)}."
        elif is_open:
            reason = f"{team_name} is open, so the rule's choice applies: {_label(modes, mode)}."
        elif next_open is None:
            reason = f"{team_name} does not open within a year, so the offline mode applies: {_label(modes, mode)}."
        else:
            reason = f"{team_name} is closed until {nxt}, so the offline mode applies: {_label(modes, mode)}."
        reason += note
        if missed and hours is not None:
            reason += " The schedule cannot keep the promise"
            reason += f"; the backup contact {backup} is included." if backup else " and no backup contact is set."
        elif missed and not backup:
            reason += " No backup contact is set."
        return Handoff(
            mode=mode,
            team=team,
            team_name=team_name,
            priority=priority,
            open=is_open,
            promise=promise,
            promise_at=promise_at,
            next_open=next_open,
            backup_contact=backup,
            reason=reason,
            callback_offered=not is_open and (mode == "callback" or routing.callback_enabled),
            timezone=zone.key,
            next_open_text=nxt,
        )


def route(ruleset: Ruleset, *, team: str, priority: str, handoff: str, at: datetime,
          show_zone: bool = False) -> Handoff:
    """Choose the handoff for an escalation to `team` at `at` (see the module notes); for many
    escalations on one ruleset, keep a `Router`."""
    return Router(ruleset).route(team=team, priority=priority, handoff=handoff, at=at, show_zone=show_zone)
