"""Routing: open teams transfer, closed teams capture e-mail with a promise computed from the schedule."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from builder.format.model import Interval, Routing, Ruleset, Schedule, Settings, Sla, Team
from builder.handoff.routing import duration_text, next_open_text, route, team_hours

ROOT = Path(__file__).resolve().parents[3]
BERLIN = ZoneInfo("Europe/Berlin")
UTC = UTC


@pytest.fixture(scope="module")
def playbook() -> Ruleset:
    return Ruleset.from_dict(json.loads((ROOT / "resources/examples/playbook.json").read_text(encoding="utf-8")))


def with_routing(ruleset: Ruleset, **changes: object) -> Ruleset:
    return dataclasses.replace(ruleset, routing=dataclasses.replace(ruleset.routing, **changes))  # type: ignore[arg-type]


def test_weekday_morning_transfers_instantly(playbook: Ruleset) -> None:
    at = datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)  # a Wednesday
    handoff = route(playbook, team="support", priority="high", handoff="instant", at=at)
    assert handoff.mode == "instant"
    assert handoff.open
    assert handoff.team_name == "Support"
    assert handoff.promise == "within 1 hour"
    assert handoff.promise_at == at + timedelta(hours=1)
    assert handoff.next_open_text == "now"
    assert not handoff.callback_offered
    assert handoff.backup_contact is None
    assert "open" in handoff.reason


def test_night_conversation_gets_email_with_the_next_opening(playbook: Ruleset) -> None:
    """02:00 on a Wednesday: e-mail capture, first response counted from the 09:00 opening."""
    at = datetime(2026, 11, 25, 2, 0, tzinfo=BERLIN)
    handoff = route(playbook, team="sales", priority="high", handoff="instant", at=at)
    assert handoff.mode == "email"
    assert not handoff.open
    assert handoff.next_open == datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN)
    assert handoff.next_open_text == "today 09:00"
    assert handoff.promise_at == datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)  # 60 business minutes
    assert handoff.promise == "by today 10:00"
    assert handoff.callback_offered  # the playbook enables callbacks
    assert "closed until today 09:00" in handoff.reason


def test_friday_evening_promises_monday(playbook: Ruleset) -> None:
    at = datetime(2026, 11, 27, 20, 0, tzinfo=BERLIN)  # a Friday
    handoff = route(playbook, team="support", priority="high", handoff="instant", at=at, show_zone=True)
    assert handoff.mode == "email"
    assert handoff.next_open_text == "Monday 08:00 (Europe/Berlin)"
    assert handoff.promise == "by Monday 09:00 (Europe/Berlin)"


def test_no_sla_promises_the_next_opening(playbook: Ruleset) -> None:
    ruleset = with_routing(playbook, sla=())
    evening = datetime(2026, 11, 25, 19, 0, tzinfo=BERLIN)
    assert route(ruleset, team="sales", priority="normal", handoff="instant", at=evening).promise == \
        "by tomorrow 09:00"
    saturday = datetime(2026, 11, 28, 2, 0, tzinfo=BERLIN)
    assert route(ruleset, team="sales", priority="normal", handoff="instant", at=saturday).promise == \
        "by Monday 09:00"
    assert route(ruleset, team="sales", priority="normal", handoff="instant",
                 at=datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)).promise is None


def test_holiday_pushes_the_promise(playbook: Ruleset) -> None:
    at = datetime(2026, 12, 24, 18, 30, tzinfo=BERLIN)  # Christmas Eve evening; 25 and 26 are holidays
    handoff = route(playbook, team="sales", priority="high", handoff="instant", at=at)
    assert handoff.next_open == datetime(2026, 12, 28, 9, 0, tzinfo=BERLIN)
    assert handoff.promise == "by Monday 10:00"


def test_promise_spanning_closing_time_names_the_deadline(playbook: Ruleset) -> None:
    at = datetime(2026, 11, 25, 16, 30, tzinfo=BERLIN)  # sales closes at 17:00
    handoff = route(playbook, team="sales", priority="high", handoff="instant", at=at)
    assert handoff.mode == "instant"
    assert handoff.promise == "by tomorrow 09:30"


def test_deadline_in_the_new_year_uses_the_date(playbook: Ruleset) -> None:
    ruleset = with_routing(playbook, sla=(("low", Sla(5 * 480, "business")),))
    at = datetime(2026, 12, 24, 16, 0, tzinfo=BERLIN)
    # 60 minutes on the 24th; 25 and 26 are holidays, 27 a Sunday; 480 each on 28, 29, 30 and 31;
    # 1 January is a holiday, 2 and 3 a weekend: 420 minutes left on Monday 4 January.
    handoff = route(ruleset, team="sales", priority="low", handoff="instant", at=at)
    assert handoff.promise == "by 4 January 16:00"
    later = route(ruleset, team="sales", priority="low", handoff="instant",
                  at=datetime(2026, 12, 30, 10, 0, tzinfo=BERLIN))
    assert later.promise == "by 7 January 10:00"  # 420 + 480 on 2026, then 4, 5, 6 and 60 minutes


def calendar_urgent(ruleset: Ruleset) -> Ruleset:
    """The urgent promise as 30 minutes of calendar time (the example counts business hours)."""
    return with_routing(ruleset, sla=tuple((p, Sla(30, "calendar") if p == "urgent" else sla)
                                           for p, sla in ruleset.routing.sla))


def test_calendar_clock_with_backup_contact(playbook: Ruleset) -> None:
    teams = tuple(dataclasses.replace(t, backup_contact="+49 30 1234567") if t.id == "support" else t
                  for t in playbook.routing.teams)
    ruleset = with_routing(calendar_urgent(playbook), teams=teams)
    at = datetime(2026, 11, 25, 2, 0, tzinfo=BERLIN)
    handoff = route(ruleset, team="support", priority="urgent", handoff="instant", at=at)
    assert handoff.promise == "by today 02:30"
    assert handoff.backup_contact == "+49 30 1234567"
    assert "backup contact" in handoff.reason
    # Open: the calendar deadline is kept by the team itself, no backup.
    day = route(ruleset, team="support", priority="urgent", handoff="instant",
                at=datetime(2026, 11, 25, 11, 0, tzinfo=BERLIN))
    assert day.promise == "within 30 minutes"
    assert day.backup_contact is None


def test_calendar_deadline_nobody_can_keep_counts_from_the_opening(playbook: Ruleset) -> None:
    at = datetime(2026, 11, 25, 2, 0, tzinfo=BERLIN)
    handoff = route(calendar_urgent(playbook), team="support", priority="urgent", handoff="instant", at=at)
    assert handoff.backup_contact is None
    assert handoff.promise == "by today 08:30"
    assert "counts from the next opening" in handoff.reason


def test_routing_backup_contact_when_the_team_never_opens(playbook: Ruleset) -> None:
    never = Schedule("never", "Never", "Europe/Berlin")
    ruleset = dataclasses.replace(
        playbook,
        schedules=playbook.schedules + (never,),
        routing=dataclasses.replace(playbook.routing, teams=(Team("night", "Night desk", "never"),),
                                    backup_contact="oncall@example.com"),
    )
    handoff = route(ruleset, team="night", priority="high", handoff="instant",
                    at=datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    assert handoff.mode == "email"
    assert handoff.promise is None
    assert handoff.next_open is None
    assert handoff.backup_contact == "oncall@example.com"
    assert "does not open within a year" in handoff.reason


def test_unknown_team_uses_the_default_schedule(playbook: Ruleset) -> None:
    at = datetime(2026, 11, 25, 8, 30, tzinfo=BERLIN)  # support (default) opens 08:00, sales 09:00
    handoff = route(playbook, team="billing", priority="normal", handoff="instant", at=at)
    assert handoff.open
    assert handoff.team_name == "billing"
    hours = team_hours(playbook, "billing")
    assert hours is not None and hours.schedule.id == "support-hours"


def test_no_schedule_at_all_is_treated_as_open_with_backup() -> None:
    ruleset = Ruleset.from_dict({"metadata": {"name": "x"}})
    ruleset = dataclasses.replace(ruleset, settings=Settings(),
                                  routing=Routing(sla=(("high", Sla(120, "business")),), backup_contact="+1 555"))
    at = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    handoff = route(ruleset, team="support", priority="high", handoff="instant", at=at)
    assert handoff.mode == "instant"
    assert handoff.promise == "within 2 hours"
    assert handoff.backup_contact == "+1 555"
    assert "no business hours" in handoff.reason


def test_offline_callback_and_explicit_email(playbook: Ruleset) -> None:
    ruleset = with_routing(playbook, offline_mode="callback", callback_enabled=False)
    night = datetime(2026, 11, 25, 2, 0, tzinfo=BERLIN)
    callback = route(ruleset, team="support", priority="normal", handoff="instant", at=night)
    assert callback.mode == "callback"
    assert callback.callback_offered
    email = route(ruleset, team="support", priority="normal", handoff="email", at=night)
    assert email.mode == "email"
    assert not email.callback_offered


def test_dst_night_promise_uses_local_wall_time(playbook: Ruleset) -> None:
    """Saturday night before the spring-forward Sunday: Monday's opening is still 09:00 local."""
    at = datetime(2026, 3, 28, 23, 0, tzinfo=BERLIN)
    handoff = route(playbook, team="sales", priority="high", handoff="instant", at=at)
    assert handoff.next_open == datetime(2026, 3, 30, 9, 0, tzinfo=BERLIN)
    assert handoff.next_open is not None and handoff.next_open.utcoffset() == timedelta(0)
    assert handoff.promise == "by Monday 10:00"
    assert handoff.to_dict()["next_open"] == "2026-03-30T07:00:00Z"


def test_next_open_text_helper(playbook: Ruleset) -> None:
    assert next_open_text(playbook, "sales", datetime(2026, 11, 27, 18, 0, tzinfo=BERLIN)) == "Monday 09:00"
    assert next_open_text(playbook, "sales", datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN)) == "now"


@pytest.mark.parametrize(("minutes", "text"), [(1, "1 minute"), (30, "30 minutes"), (60, "1 hour"),
                                               (90, "90 minutes"), (120, "2 hours"),
                                               (150, "2 hours 30 minutes")])
def test_duration_text(minutes: int, text: str) -> None:
    assert duration_text(minutes) == text


def test_a_week_of_shift_work_is_routed_consistently() -> None:
    """Every hour of a week: open ⇔ instant, closed ⇔ offline with a promise at or after the opening."""
    schedule = Schedule("s", "Shift", "America/New_York",
                        (Interval("mon", "22:00", "06:00"), Interval("wed", "09:00", "17:00")))
    ruleset = Ruleset.from_dict({"metadata": {"name": "x"}})
    ruleset = dataclasses.replace(ruleset, schedules=(schedule,), routing=Routing(
        teams=(Team("t", "T", "s"),), sla=(("normal", Sla(45, "business")),)))
    start = datetime(2026, 11, 2, 0, 0, tzinfo=ZoneInfo("America/New_York"))
    for hour in range(7 * 24):
        at = start + timedelta(hours=hour)
        handoff = route(ruleset, team="t", priority="normal", handoff="instant", at=at)
        assert (handoff.mode == "instant") == handoff.open
        assert handoff.next_open is not None and handoff.promise_at is not None
        assert handoff.promise_at >= handoff.next_open >= at
        assert handoff.promise is not None


def test_engine_decision_carries_the_routing(playbook: Ruleset) -> None:
    """The sample conversation of ARCHITECTURE.md through the engine: at 02:00 local an e-mail
    capture whose promise follows the next opening, at 10:00 on a weekday an instant transfer."""
    from builder.engine import compile_ruleset, simulate

    compiled = compile_ruleset(playbook)

    def conversation(local_time: datetime) -> dict[str, object]:
        at = local_time.astimezone(UTC)
        stamp = at.isoformat().replace("+00:00", "Z")
        return {"id": "c-17", "visitor": {"name": "Ana", "email": "ana@example.com"},
                "events": [{"at": stamp, "type": "visitor", "text": "Do you do enterprise pricing?"}]}

    night = datetime(2026, 11, 25, 2, 0, tzinfo=BERLIN)  # Wednesday 02:00 local
    decision = simulate(compiled, conversation(night)).to_dict()
    expected = route(playbook, team="sales", priority="high", handoff="instant", at=night)
    assert decision["handoff"] == "email"
    assert expected.next_open == datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN)
    assert decision["promise"] == expected.promise == "by today 10:00"
    assert "by today 10:00" in decision["reply"]
    day = simulate(compiled, conversation(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))).to_dict()
    assert day["handoff"] == "instant"
    assert day["promise"] == "within 1 hour"


def test_one_router_answers_every_escalation_as_a_fresh_route_does(playbook: Ruleset) -> None:
    """The engine keeps one Router per ruleset (its teams worked out once): over a week of
    instants, for every team, priority and mode, it answers exactly as `route` on its own."""
    from builder.handoff.routing import Router

    router = Router(playbook)
    teams = [t.id for t in playbook.routing.teams] + ["no-such-team"]
    start = datetime(2026, 12, 18, 0, 3, tzinfo=UTC)  # a Friday, then the weekend and the week after
    for step in range(0, 7 * 24 * 60, 47):
        at = start + timedelta(minutes=step)
        for team in teams:
            for priority in ("low", "normal", "high", "urgent"):
                for mode in ("instant", "email", "callback"):
                    assert router.route(team=team, priority=priority, handoff=mode, at=at) == \
                        route(playbook, team=team, priority=priority, handoff=mode, at=at)
