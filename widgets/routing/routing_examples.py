"""The routing page's examples: the promise a visitor reads for each priority at a sample moment
(the next Friday 17:30, when promises most often break), and what a visitor gets on a Saturday
morning when most teams are closed.

Why its own module: examples only ask `builder.handoff.routing.route` and show its answer; they edit
nothing, and the page's `now` (fixed in tests and screenshots) is their only input besides the
document.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtWidgets import QLabel

from builder.editing.document import Document
from builder.format.model import Ruleset
from builder.handoff.routing import route, team_hours
from rules_schema.catalog import catalog
from widgets.common.form_helpers import set_text
from widgets.routing.routing_warnings import sample_moment


class RoutingExamplesMixin:
    """The examples part of `RoutingEditor` (a mixin so the page keeps one flat set of attributes)."""

    document: Document
    now: datetime | None
    example_note: QLabel
    closed_example: QLabel
    sla_rows: dict[str, dict[str, Any]]

    def _now(self) -> datetime:
        return self.now if self.now is not None else datetime.now(UTC)

    def _show_examples(self) -> None:
        ruleset = self.document.ruleset
        team = ruleset.routing.teams[0] if ruleset.routing.teams else None
        hours = team_hours(ruleset, team.id) if team else None
        zone = hours.zone if hours is not None else UTC
        at = sample_moment(self._now().astimezone(zone))
        set_text(self.example_note, f"The promise a visitor reads (→) when {team.name} gets a handoff on "
                 f"{at.strftime('%A %H:%M')} ({zone}):"
                 if team else "Add a team to see example promises.")
        self._show_closed_example(ruleset, team.id if team else None, zone)
        for priority, row in self.sla_rows.items():
            text = ""
            if team is not None and ruleset.routing.sla_for(priority) is not None:
                handoff = route(ruleset, team=team.id, priority=priority, handoff="instant", at=at)
                text = f"→ {handoff.promise or 'no promise'}" + (
                    f" (backup contact {handoff.backup_contact} included)" if handoff.backup_contact else "")
            set_text(row["example"], text)

    def _show_closed_example(self, ruleset: Ruleset, team_id: str | None, zone: Any) -> None:
        """What a visitor gets on a Saturday morning, when most teams are closed."""
        if team_id is None:
            set_text(self.closed_example, "")
            return
        local = self._now().astimezone(zone)
        saturday = (local + timedelta(days=(5 - local.weekday()) % 7 or 7)).replace(hour=11, minute=0, second=0,
                                                                                   microsecond=0)
        handoff = route(ruleset, team=team_id, priority="normal", handoff="instant", at=saturday)
        label = catalog().handoff_modes.get(handoff.mode, {}).get("label", handoff.mode)
        parts = [f"Example: a visitor asking {handoff.team_name} for a live chat on Saturday 11:00 gets "
                 f"“{label}”" + (f", promised “{handoff.promise}”" if handoff.promise else "")]
        if handoff.callback_offered and handoff.mode != "callback":
            parts.append("a callback is offered too")
        if handoff.open:
            parts.append(f"({handoff.team_name} is open then)")
        set_text(self.closed_example, ", ".join(parts[:2]) + (" " + parts[2] if len(parts) > 2 else "") + ".")
