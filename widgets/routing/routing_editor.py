"""The routing editor: teams and their schedules, the response-time promise per priority, and
what happens while a team is closed — with the warnings that matter shown where they apply.

Why warnings inline: a routing mistake is silent at runtime (a team with no hours counts as always
open, so after-hours visitors are "transferred" to nobody; a 30-minute calendar promise is made
at 2 a.m. on a Sunday). The editor shows, next to the field that causes it, what
`builder.analysis` (team without schedule, offline callback disabled…), `rules_schema.validate`
(unknown schedule, no promise for a priority a rule uses), `builder.analysis.promises` (a promise the
schedule cannot keep) and `builder.handoff.routing` (the promise a visitor would get) say. Every
promise example is computed by `builder.handoff.routing.route`.

Every edit is one `SetRulesetCommand` (typing in a field merges); the view mirrors the document.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from builder.analysis.promises import UnkeptPromise, unkept_promises
from builder.analysis.references import offline_branches, offline_mode_missing
from builder.editing.document import Document
from builder.editing.naming import id_from_name
from builder.format.model import PRIORITIES, Escalate, Ruleset, Sla, Team
from rules_schema import Problem, validate
from rules_schema.catalog import catalog
from widgets.common.editor_page import debounce_timer, problems_label, push_ruleset, subscribe
from widgets.common.form_helpers import set_text, unique_id, unique_name
from widgets.common.placeholder_highlighter import route_undo_to_window
from widgets.common.style import icon
from widgets.routing.routing_examples import RoutingExamplesMixin
from widgets.routing.routing_warnings import RoutingWarningsMixin, sample_moment  # noqa: F401 - re-exported

ERROR_COLOUR, WARNING_COLOUR, MUTED_COLOUR = "#dc2626", "#b45309", "#64748b"
CLOCKS = (("business", "business hours"), ("calendar", "calendar time"))
UNITS = (("minutes", 1), ("hours", 60))


class RoutingEditor(RoutingWarningsMixin, RoutingExamplesMixin, QWidget):
    """Teams table, SLA per priority, offline behaviour and backup contact, with inline warnings."""

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("routingEditor")
        self.document, self.undo_stack = document, undo_stack
        self._loading = False
        self._stale = False
        self._structure: object = None
        #: Teams added since the last export: their id follows their name (never shown).
        self.fresh_team_ids: set[str] = set()
        self.problems: list[Problem] = []
        self.findings: list[Any] = []
        self.unkept: list[UnkeptPromise] = []
        self._validated: Ruleset | None = None
        self.now: datetime | None = None  # the moment examples are computed from (None: the clock)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        left = QVBoxLayout()
        left.addWidget(self._build_teams(), 3)
        left.addWidget(self._build_offline(), 2)
        layout.addLayout(left, 5)
        layout.addWidget(self._build_sla(), 6)

        self.validate_timer = debounce_timer(self, self.validate_now)
        subscribe(self, [(document.changed, self._on_changed)])
        self.refresh()  # lazily, when first shown (examples and checks read schedules and holidays)

    # --- building -----------------------------------------------------------------------------------

    def _build_teams(self) -> QWidget:
        box = QGroupBox("Teams")
        layout = QVBoxLayout(box)
        self.team_table = QTableWidget(0, 4)
        self.team_table.setAccessibleName("Teams")
        self.team_table.setHorizontalHeaderLabels(["Name", "Works by schedule", "Backup contact", "Rules"])
        self.team_table.verticalHeader().setVisible(False)
        self.team_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.team_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.team_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.team_table, 1)
        row = QHBoxLayout()
        self.add_team_button = QPushButton(icon("new"), "Add team")
        self.add_team_button.clicked.connect(lambda: self.add_team())
        self.delete_team_button = QPushButton(icon("delete"), "Delete team")
        self.delete_team_button.clicked.connect(self.delete_team)
        row.addWidget(self.add_team_button)
        row.addWidget(self.delete_team_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.team_problems = self._problem_label("teamProblems")
        layout.addWidget(self.team_problems)
        return box

    def _build_offline(self) -> QWidget:
        box = QGroupBox("When a team is closed")
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        modes = catalog().handoff_modes
        self.email_radio = QRadioButton(modes.get("email", {}).get("label", "E-mail capture"))
        self.callback_radio = QRadioButton(modes.get("callback", {}).get("label", "Callback"))
        self.offline_group = QButtonGroup(self)
        self.offline_group.addButton(self.email_radio)
        self.offline_group.addButton(self.callback_radio)
        self.email_radio.toggled.connect(
            lambda on: self._set_routing("offline_mode", "email", "Offline: e-mail") if on else None
        )
        self.callback_radio.toggled.connect(
            lambda on: self._set_routing("offline_mode", "callback", "Offline: callback") if on else None
        )
        modes_row = QHBoxLayout()
        modes_row.addWidget(self.email_radio)
        modes_row.addWidget(self.callback_radio)
        modes_row.addStretch(1)
        form.addRow("Offline mode", modes_row)
        self.callback_check = QCheckBox("Offer a callback while closed")
        self.callback_check.toggled.connect(
            lambda on: self._set_routing("callback_enabled", on, "Offer callbacks" if on else "No callbacks")
        )
        form.addRow("", self.callback_check)
        self.default_combo = QComboBox()
        self.default_combo.setAccessibleName("Default schedule")
        self.default_combo.activated.connect(self._default_chosen)
        form.addRow("Default schedule", self.default_combo)
        self.backup_edit = QLineEdit()
        self.backup_edit.setAccessibleName("Routing backup contact")
        self.backup_edit.setPlaceholderText("e.g. on-call: +49 30 1234567 or oncall@example.com")
        self.backup_edit.textEdited.connect(
            lambda text: self._set_routing(
                "backup_contact", text.strip() or None, "Edit backup contact", "routing:backup_contact"
            )
        )
        form.addRow("Backup contact", self.backup_edit)
        self.closed_example = QLabel()
        self.closed_example.setObjectName("previewNote")
        self.closed_example.setWordWrap(True)
        form.addRow(self.closed_example)
        self.offline_problems = self._problem_label("offlineProblems")
        form.addRow(self.offline_problems)
        route_undo_to_window(self.backup_edit)
        return box

    def _build_sla(self) -> QWidget:
        box = QGroupBox("Response-time promise per priority")
        outer = QVBoxLayout(box)
        note = QLabel(
            "What the visitor is promised when a rule hands over with this priority. Business hours count "
            "only while the team is open; calendar time counts every minute."
        )
        note.setObjectName("previewNote")
        note.setWordWrap(True)
        outer.addWidget(note)
        self.example_note = QLabel()
        self.example_note.setObjectName("previewNote")
        self.example_note.setWordWrap(True)
        outer.addWidget(self.example_note)
        grid = QGridLayout()
        grid.setColumnStretch(4, 1)
        self.sla_rows: dict[str, dict[str, Any]] = {}
        labels = catalog().priorities
        for row, priority in enumerate(PRIORITIES):
            check = QCheckBox(labels.get(priority, {}).get("label", priority))
            check.setAccessibleName(f"Promise for {priority} priority")
            value = QSpinBox()
            value.setRange(1, 100000)
            value.setAccessibleName(f"{priority} promise amount")
            unit = QComboBox()
            for text, factor in UNITS:
                unit.addItem(text, factor)
            unit.setAccessibleName(f"{priority} promise unit")
            clock = QComboBox()
            for key, text in CLOCKS:
                clock.addItem(text, key)
            clock.setAccessibleName(f"{priority} promise clock")
            example = QLabel()
            example.setObjectName("previewNote")
            example.setWordWrap(True)
            problems = self._problem_label(f"slaProblems_{priority}")
            check.toggled.connect(lambda on, p=priority: self._sla_toggled(p, on))
            value.valueChanged.connect(lambda _v, p=priority: self._sla_edited(p, "amount"))
            unit.activated.connect(lambda _i, p=priority: self._sla_edited(p, "unit"))
            clock.activated.connect(lambda _i, p=priority: self._sla_edited(p, "clock"))
            base = row * 3
            grid.addWidget(check, base, 0)
            grid.addWidget(value, base, 1)
            grid.addWidget(unit, base, 2)
            grid.addWidget(clock, base, 3)
            grid.addWidget(example, base + 1, 1, 1, 4)
            grid.addWidget(problems, base + 2, 0, 1, 5)
            self.sla_rows[priority] = {
                "check": check,
                "value": value,
                "unit": unit,
                "clock": clock,
                "example": example,
                "problems": problems,
            }
        outer.addLayout(grid)
        outer.addStretch(1)
        return box

    def _problem_label(self, name: str) -> QLabel:
        return problems_label(name, visible=False)

    # --- mirroring the document ---------------------------------------------------------------------

    def _on_changed(self) -> None:
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self, force: bool = False) -> None:
        if not force and not self.isVisible():
            self._stale = True
            return
        self._stale = False
        ruleset = self.document.ruleset
        self._loading = True
        try:
            self._fill_teams(ruleset)
            self._fill_offline(ruleset)
            self._fill_sla(ruleset)
        finally:
            self._loading = False
        self._show_examples()
        self.validate_timer.start()

    def _fill_teams(self, ruleset: Ruleset) -> None:
        routing = ruleset.routing
        schedules = tuple((s.id, s.name) for s in ruleset.schedules)
        structure = (tuple(t.id for t in routing.teams), schedules, tuple(t.schedule for t in routing.teams))
        table = self.team_table
        if structure != self._structure:
            self._structure = structure
            selected = table.currentRow()
            table.setRowCount(len(routing.teams))
            for row, team in enumerate(routing.teams):
                name = QLineEdit(team.name)
                name.setAccessibleName(f"Name of team {team.id}")
                name.textEdited.connect(lambda text, tid=team.id: self._team_edit(tid, "name", text))
                name.editingFinished.connect(lambda tid=team.id: self._team_named(tid))
                combo = QComboBox()
                combo.setAccessibleName(f"Schedule of team {team.id}")
                for schedule_id, schedule_name in schedules:
                    combo.addItem(schedule_name, schedule_id)
                if combo.findData(team.schedule) < 0:
                    combo.addItem(f"⚠ unknown schedule '{team.schedule}'", team.schedule)
                combo.setCurrentIndex(combo.findData(team.schedule))
                combo.activated.connect(
                    lambda i, tid=team.id, c=combo: self._team_edit(tid, "schedule", str(c.itemData(i)))
                )
                backup = QLineEdit(team.backup_contact or "")
                backup.setPlaceholderText("as below")  # a narrow column: "uses the routing ba…" was cut
                backup.setToolTip("Empty: the backup contact under “When a team is closed” is used")
                backup.setAccessibleName(f"Backup contact of team {team.id}")
                backup.textEdited.connect(
                    lambda text, tid=team.id: self._team_edit(tid, "backup_contact", text.strip() or None)
                )
                route_undo_to_window(name, backup)
                for column, widget in enumerate((name, combo, backup)):
                    table.setCellWidget(row, column, widget)
            if 0 <= selected < table.rowCount():
                table.selectRow(selected)
        users = {t.id: 0 for t in routing.teams}
        for rule in ruleset.rules:
            escalation = rule.escalation
            if rule.enabled and escalation is not None and escalation.team in users:
                users[escalation.team] += 1
        for row, team in enumerate(routing.teams):
            count = table.item(row, 3)
            if count is None:
                count = QTableWidgetItem()
                count.setFlags(Qt.ItemFlag.ItemIsEnabled)
                count.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(row, 3, count)
            if count.text() != str(users[team.id]):
                count.setText(str(users[team.id]))
                count.setToolTip(f"{users[team.id]} enabled rule(s) hand over to {team.name}")
            name_field, backup_field = table.cellWidget(row, 0), table.cellWidget(row, 2)
            if isinstance(name_field, QLineEdit):
                set_text(name_field, team.name)
            if isinstance(backup_field, QLineEdit):
                set_text(backup_field, team.backup_contact or "")
        self.delete_team_button.setEnabled(bool(routing.teams))

    def _fill_offline(self, ruleset: Ruleset) -> None:
        routing = ruleset.routing
        radio = self.email_radio if routing.offline_mode == "email" else self.callback_radio
        if not radio.isChecked():
            with QSignalBlocker(self.email_radio), QSignalBlocker(self.callback_radio):
                radio.setChecked(True)
        if self.callback_check.isChecked() != routing.callback_enabled:
            with QSignalBlocker(self.callback_check):
                self.callback_check.setChecked(routing.callback_enabled)
        set_text(self.backup_edit, routing.backup_contact or "")
        with QSignalBlocker(self.default_combo):
            self.default_combo.clear()
            self.default_combo.addItem("None (teams without a schedule count as always open)", None)
            for schedule in ruleset.schedules:
                self.default_combo.addItem(schedule.name, schedule.id)
            default = ruleset.settings.default_schedule
            if default is not None and self.default_combo.findData(default) < 0:
                self.default_combo.addItem(f"⚠ unknown schedule '{default}'", default)
            self.default_combo.setCurrentIndex(max(0, self.default_combo.findData(default)) if default else 0)

    def _fill_sla(self, ruleset: Ruleset) -> None:
        for priority, row in self.sla_rows.items():
            sla = ruleset.routing.sla_for(priority)
            check, value, unit, clock = row["check"], row["value"], row["unit"], row["clock"]
            if check.isChecked() != (sla is not None):
                with QSignalBlocker(check):
                    check.setChecked(sla is not None)
            for widget in (value, unit, clock):
                widget.setEnabled(sla is not None)
            if sla is None:
                continue
            shown = value.value() * int(unit.currentData())
            if shown != sla.minutes:  # only when the fields do not already say it (no unit flip while typing)
                factor = 60 if sla.minutes % 60 == 0 else 1
                with QSignalBlocker(value), QSignalBlocker(unit):
                    unit.setCurrentIndex(unit.findData(factor))
                    value.setValue(sla.minutes // factor)
            if clock.currentData() != sla.clock:
                with QSignalBlocker(clock):
                    clock.setCurrentIndex(clock.findData(sla.clock))

    # --- edits --------------------------------------------------------------------------------------

    def _push(self, ruleset: Ruleset, text: str, merge_key: str | None = None) -> None:
        if ruleset != self.document.ruleset:
            push_ruleset(self.undo_stack, self.document, ruleset, text, merge_key)

    def _set_routing(self, field: str, value: Any, text: str, merge_key: str | None = None) -> None:
        ruleset = self.document.ruleset
        if self._loading or getattr(ruleset.routing, field) == value:
            return
        self._push(replace(ruleset, routing=replace(ruleset.routing, **{field: value})), text, merge_key)

    def _team_edit(self, team_id: str, field: str, value: Any) -> None:
        ruleset = self.document.ruleset
        team = ruleset.routing.team(team_id)
        if self._loading or team is None or getattr(team, field) == value or (field == "name" and not value.strip()):
            return
        new = replace(team, **{field: value})
        teams = tuple(new if t.id == team_id else t for t in ruleset.routing.teams)
        words = {"name": "Rename team", "schedule": "Change schedule of", "backup_contact": "Edit backup contact of"}
        self._push(
            replace(ruleset, routing=replace(ruleset.routing, teams=teams)),
            f"{words[field]} '{team.name}'",
            f"team:{team_id}:{field}" if field != "schedule" else None,
        )

    def _default_chosen(self, index: int) -> None:
        ruleset = self.document.ruleset
        value = self.default_combo.itemData(index)
        if value != ruleset.settings.default_schedule:
            self._push(
                replace(ruleset, settings=replace(ruleset.settings, default_schedule=value)), "Change default schedule"
            )

    def _sla_toggled(self, priority: str, on: bool) -> None:
        if self._loading:
            return
        ruleset = self.document.ruleset
        sla = dict(ruleset.routing.sla)
        if on:
            row = self.sla_rows[priority]
            sla[priority] = Sla(
                max(1, row["value"].value()) * int(row["unit"].currentData()), str(row["clock"].currentData())
            )  # type: ignore[arg-type]
        else:
            sla.pop(priority, None)
        self._set_sla(sla, f"{'Promise' if on else 'No promise'} for {priority} priority")

    def _sla_edited(self, priority: str, part: str) -> None:
        if self._loading:
            return
        row = self.sla_rows[priority]
        if not row["check"].isChecked():
            return
        sla = dict(self.document.ruleset.routing.sla)
        sla[priority] = Sla(row["value"].value() * int(row["unit"].currentData()), str(row["clock"].currentData()))  # type: ignore[arg-type]
        self._set_sla(
            sla, f"Change promise for {priority} priority", f"sla:{priority}:amount" if part == "amount" else None
        )

    def _set_sla(self, sla: dict[str, Sla], text: str, merge_key: str | None = None) -> None:
        ordered = tuple((p, sla[p]) for p in PRIORITIES if p in sla)
        self._set_routing("sla", ordered, text, merge_key)

    def _team_named(self, team_id: str) -> None:
        """A team added since the last export takes an id spelled like its name once it is typed
        (never shown; its rules follow), in the same undo step as the rename."""
        ruleset = self.document.ruleset
        team = ruleset.routing.team(team_id)
        if team is None or team_id not in self.fresh_team_ids:
            return
        new_id = id_from_name(team.name, [t.id for t in ruleset.routing.teams if t.id != team_id], "team")
        if new_id == team_id:
            return
        self.fresh_team_ids.add(new_id)
        teams = tuple(replace(t, id=new_id) if t.id == team_id else t for t in ruleset.routing.teams)
        rules = tuple(replace(r, actions=tuple(replace(a, team=new_id) if isinstance(a, Escalate) and a.team == team_id
                                               else a for a in r.actions)) for r in ruleset.rules)
        self._push(replace(ruleset, rules=rules, routing=replace(ruleset.routing, teams=teams)),
                   f"Rename team '{team.name}'", f"team:{team_id}:name")

    def add_team(self, name: str = "New team") -> str:
        ruleset = self.document.ruleset
        name = unique_name(name, {t.name for t in ruleset.routing.teams})
        team_id = unique_id(name, {t.id for t in ruleset.routing.teams}, "team")
        default = ruleset.schedule(None) or next(iter(ruleset.schedules), None)
        team = Team(team_id, name, default.id if default else "")
        self.fresh_team_ids.add(team_id)
        self._push(
            replace(ruleset, routing=replace(ruleset.routing, teams=(*ruleset.routing.teams, team))),
            f"Add team '{name}'",
        )
        self.team_table.selectRow(len(self.document.ruleset.routing.teams) - 1)
        return team_id

    def delete_team(self) -> None:
        ruleset = self.document.ruleset
        row = self.team_table.currentRow()
        teams = ruleset.routing.teams
        if not 0 <= row < len(teams):
            row = len(teams) - 1
        if row < 0:
            return
        team = teams[row]
        rest = tuple(t for t in teams if t.id != team.id)
        self._push(replace(ruleset, routing=replace(ruleset.routing, teams=rest)), f"Delete team '{team.name}'")

    # --- warnings -----------------------------------------------------------------------------------

    def validate_now(self) -> None:
        if not self.isVisible():
            self._stale = True
            return
        ruleset = self.document.ruleset
        document = ruleset.to_dict()
        self.problems = validate(document)
        self.findings = offline_mode_missing(document) + offline_branches(ruleset)
        self.unkept = unkept_promises(ruleset, self._now())
        self._validated = ruleset
        self._show_problems()

    def focus_problem(self, problem: Problem) -> bool:
        """Focus the routing field a `$.routing…` problem points at; False when it is not ours."""
        match = re.match(r"^\$\.routing(?:\.(\w+))?(?:\[(\d+)\])?", problem.path)
        if match is None:
            return False
        part, index = match.group(1) or "", match.group(2)
        if part == "teams" and index is not None and int(index) < self.team_table.rowCount():
            self.team_table.selectRow(int(index))
            widget = self.team_table.cellWidget(int(index), 1 if problem.path.endswith(".schedule") else 0)
            if widget is not None:
                widget.setFocus()
        elif part == "sla":
            self.sla_rows["normal"]["check"].setFocus()
        elif part in ("offline_mode", "callback_enabled"):
            self.email_radio.setFocus()
        elif part == "backup_contact":
            self.backup_edit.setFocus()
        return True
