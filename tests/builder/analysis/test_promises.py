"""Promises a team's schedule cannot keep: the routing page and `validate` both report these."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from builder.analysis.promises import unkept_promises
from builder.format.model import Ruleset, Sla
from builder.paths import example_playbook

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday


def playbook(edit: Any = None) -> Ruleset:
    data = json.loads(example_playbook().read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    return Ruleset.from_dict(data)


def calendar_urgent(data: dict[str, Any]) -> None:
    """The urgent promise as 30 minutes of calendar time (the example counts business hours)."""
    data["routing"]["sla"]["urgent"]["clock"] = "calendar"


def test_the_example_playbook_keeps_every_promise() -> None:
    """A new user opens a clean example: its urgent promise counts business hours, which the
    schedules keep across a weekend."""
    assert unkept_promises(playbook(), NOW) == []


def test_a_calendar_promise_shorter_than_a_weekend_is_reported_for_its_priority() -> None:
    [found] = unkept_promises(playbook(calendar_urgent), NOW)
    assert (found.priority, found.path, found.teams) == ("urgent", "$.routing.sla.urgent", ("Support", "Sales"))
    assert found.message.startswith("Closed longer than the 30 minutes calendar-time promise for urgent priority: "
                                    "Support up to ")
    assert "add a backup contact" in found.message
    finding = found.to_finding()
    assert (finding.code, finding.severity, finding.path) == ("unkept_promise", "warning", "$.routing.sla.urgent")


def test_a_promise_longer_than_every_closed_stretch_is_kept() -> None:
    ruleset = playbook()
    routing = replace(ruleset.routing, sla=(("urgent", Sla(4 * 24 * 60, "calendar")),))
    assert unkept_promises(replace(ruleset, routing=routing), NOW) == []


def test_a_backup_contact_bridges_the_closed_stretch() -> None:
    ruleset = playbook(calendar_urgent)
    assert unkept_promises(replace(ruleset, routing=replace(ruleset.routing, backup_contact="on-call@x.io")), NOW) == []
    support = replace(ruleset.routing.teams[0], backup_contact="on-call@x.io")
    only_sales = replace(ruleset.routing, teams=(support, ruleset.routing.teams[1]))
    [found] = unkept_promises(replace(ruleset, routing=only_sales), NOW)
    assert found.teams == ("Sales",)


def test_business_hours_promises_are_never_closed_longer() -> None:
    ruleset = playbook()
    routing = replace(ruleset.routing, sla=(("urgent", Sla(30, "business")),))
    assert unkept_promises(replace(ruleset, routing=routing), NOW) == []


def test_a_team_that_never_opens_breaks_every_priority() -> None:
    def never_open(data: dict[str, Any]) -> None:
        data["schedules"][1]["weekly"] = []

    found = unkept_promises(playbook(never_open), NOW)
    never = [f for f in found if "never opens" in f.message]
    assert [f.priority for f in never] == ["low", "normal", "high", "urgent"]
    assert never[1].message == ("Sales never opens (no opening within a year), so the 4 hours business-hours "
                                "promise for normal priority can never be kept.")
