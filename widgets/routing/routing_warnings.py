"""The routing page's warnings: the validator's problems, analysis findings and the promises a
team's schedule cannot keep (`builder.analysis.promises`, the same ones `handoff-builder validate`
prints), each sorted under the field it concerns: the teams table, the offline box, an SLA row.

Why its own module: sorting and rendering warnings is separate from editing; the routing page
keeps the edits, and the core decides what is wrong.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import escape
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QTableWidget

from builder.analysis.promises import UnkeptPromise
from builder.editing.document import Document
from builder.format.model import PRIORITIES
from rules_schema import Problem
from widgets.common.form_helpers import set_text

ERROR_COLOUR, WARNING_COLOUR = "#dc2626", "#b45309"
TEAM_CODES = {"team_without_schedule", "escalation_unknown_team"}
OFFLINE_CODES = {"offline_callback_disabled", "offline_mode_missing"}


def sample_moment(zone_now: datetime) -> datetime:
    """The next Friday 17:30 after `zone_now` (same zone): the moment promises most often break."""
    days = (4 - zone_now.weekday()) % 7 or 7
    return (zone_now + timedelta(days=days)).replace(hour=17, minute=30, second=0, microsecond=0)


def _line(colour: str, text: str) -> str:
    return f"<span style='color:{colour}'>● {escape(text)}</span>"


class RoutingWarningsMixin:
    """The warnings half of `RoutingEditor` (a mixin so the page keeps one flat set of attributes)."""

    document: Document
    problems: list[Problem]
    findings: list[Any]
    unkept: list[UnkeptPromise]
    team_table: QTableWidget
    team_problems: QLabel
    offline_problems: QLabel
    sla_rows: dict[str, dict[str, Any]]

    def _show_problems(self) -> None:
        ruleset = self.document.ruleset
        team_lines: list[str] = []
        offline_lines: list[str] = []
        sla_lines: dict[str, list[str]] = {p: [] for p in PRIORITIES}
        missing: dict[str, list[str]] = {}
        bad_rows: set[int] = set()
        for problem in self.problems:
            colour = ERROR_COLOUR if problem.severity == "error" else WARNING_COLOUR
            if problem.path.startswith("$.routing.teams"):
                team_lines.append(_line(colour, problem.message))
                found = re.match(r"^\$\.routing\.teams\[(\d+)\]", problem.path)
                if found:
                    bad_rows.add(int(found.group(1)))
            elif problem.code == "ref.team":
                team_lines.append(_line(colour, problem.message))
            elif problem.code == "routing.sla_missing":
                found = re.match(r"^\$\.rules\[(\d+)\]\.actions\[(\d+)\]", problem.path)
                action = ruleset.rules[int(found.group(1))].actions[int(found.group(2))] if found else None
                priority = getattr(action, "priority", None)
                if isinstance(priority, str) and found:
                    missing.setdefault(priority, []).append(ruleset.rules[int(found.group(1))].name)
            elif (
                problem.path.startswith(
                    (
                        "$.routing.sla",
                        "$.routing.offline",
                        "$.routing.callback",
                        "$.routing.backup",
                        "$.settings.default_schedule",
                    )
                )
                or problem.path == "$.routing"
            ):
                offline_lines.append(_line(colour, problem.message))
        for priority, rules in missing.items():
            names = ", ".join(f"“{n}”" for n in rules[:3]) + (f" and {len(rules) - 3} more" if len(rules) > 3 else "")
            sla_lines.setdefault(priority, []).append(
                _line(
                    WARNING_COLOUR,
                    f"{len(rules)} rule(s) hand over with {priority} priority but there is no promise for it: {names}.",
                )
            )
        for finding in self.findings:
            if finding.code in TEAM_CODES:
                team_lines.append(_line(WARNING_COLOUR, finding.message))
                found = re.match(r"^\$\.routing\.teams\[(\d+)\]", finding.path)
                if found:
                    bad_rows.add(int(found.group(1)))
            elif finding.code in OFFLINE_CODES:
                offline_lines.append(_line(WARNING_COLOUR, finding.message))
        for promise in self.unkept:
            sla_lines.setdefault(promise.priority, []).append(_line(WARNING_COLOUR, promise.message))
        self._set_lines(self.team_problems, team_lines)
        self._set_lines(self.offline_problems, offline_lines)
        for priority, fields in self.sla_rows.items():
            self._set_lines(fields["problems"], sla_lines.get(priority, []))
        for index in range(self.team_table.rowCount()):
            combo = self.team_table.cellWidget(index, 1)
            if isinstance(combo, QComboBox):
                wanted = "warning" if index in bad_rows else ""
                if combo.property("problem") != wanted:
                    combo.setProperty("problem", wanted)
                    combo.setToolTip("This team's schedule does not exist: pick one" if wanted else "")
                    combo.setStyleSheet("QComboBox { color: #dc2626; }" if wanted else "")

    def warnings(self) -> list[str]:
        """Every warning line shown, as plain text (for tests and the screen reader)."""
        labels = [self.team_problems, self.offline_problems, *(row["problems"] for row in self.sla_rows.values())]
        text = "<br>".join(label.text() for label in labels if label.text())
        return [
            re.sub(r"<[^>]+>", "", part)
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
            .replace("&#x27;", "'")
            .lstrip("● ")
            .strip()
            for part in text.split("<br>")
            if part
        ]

    @staticmethod
    def _set_lines(label: QLabel, lines: list[str]) -> None:
        set_text(label, "<br>".join(lines))
        if label.isHidden() == bool(lines):
            label.setVisible(bool(lines))
