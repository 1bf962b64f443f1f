"""The template editor's preview panel: a sample visitor, the rule that sends it and a moment.

Why its own module: the preview is the larger half of the template page and reads only the shown
template (`self.template()`), the document and `self.users()`; everything else on the page is the
form. It renders with `builder.handoff.templates.sample_context` at the picked moment, read in the time
zone of the chosen rule's team, so the manager reads the sentence the visitor would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from builder.editing.document import Document
from builder.format.model import Rule, Ruleset, Template
from builder.handoff.templates import render_template, sample_context, slack_shown_text
from widgets.common.form_helpers import set_text

VISITOR_PRESETS: tuple[tuple[str, str, str], ...] = (
    ("Ana, with e-mail", "Ana", "ana@example.com"),
    ("Bob, no e-mail given", "Bob", ""),
    ("Anonymous visitor", "", ""),
)

def schedule_zone(ruleset: Ruleset, rule: Rule | None) -> str:
    """The time zone a moment is read in: the rule's team's schedule, else the default schedule."""
    escalation = rule.escalation if rule is not None else None
    team = ruleset.routing.team(escalation.team) if escalation else None
    schedule = ruleset.schedule(team.schedule if team else None)
    return schedule.timezone if schedule is not None else "UTC"


def _zone(name: str) -> timezone | ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


class TemplatePreviewMixin:
    """The preview half of `TemplateEditor` (a mixin so the page keeps one flat set of attributes)."""

    document: Document
    _rule_combo_key: tuple[object, object, str | None] | None

    if TYPE_CHECKING:  # provided by the page
        def template(self) -> Template | None: ...

        def users(self) -> list[tuple[str, str, str]]: ...

    def _build_preview(self) -> QWidget:
        box = QGroupBox("Preview")
        layout = QVBoxLayout(box)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.visitor_combo = QComboBox()
        self.visitor_combo.setAccessibleName("Sample visitor")
        for label, name, email in VISITOR_PRESETS:
            self.visitor_combo.addItem(label, (name, email))
        self.visitor_combo.activated.connect(self._visitor_preset)
        form.addRow("Visitor", self.visitor_combo)
        self.visitor_name_edit = QLineEdit(VISITOR_PRESETS[0][1])
        self.visitor_name_edit.setPlaceholderText("no name given")
        self.visitor_email_edit = QLineEdit(VISITOR_PRESETS[0][2])
        self.visitor_email_edit.setPlaceholderText("no e-mail given")
        for edit in (self.visitor_name_edit, self.visitor_email_edit):
            edit.textEdited.connect(lambda _t: self.update_preview())
        form.addRow("Name", self.visitor_name_edit)
        form.addRow("E-mail", self.visitor_email_edit)
        self.rule_combo = QComboBox()
        self.rule_combo.setAccessibleName("Sent by rule")
        self.rule_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.rule_combo.setMinimumContentsLength(18)  # a long rule name must not widen the page past a laptop
        self.rule_combo.activated.connect(lambda _i: self._rule_chosen())
        form.addRow("Sent by rule", self.rule_combo)
        moment = QHBoxLayout()
        self.moment_edit = QDateTimeEdit()
        self.moment_edit.setCalendarPopup(True)
        self.moment_edit.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.moment_edit.setAccessibleName("Moment")
        self.moment_edit.dateTimeChanged.connect(lambda _d: self.update_preview())
        moment.addWidget(self.moment_edit, 1)
        self.now_button = QToolButton()
        self.now_button.setText("Now")
        self.now_button.setToolTip("Preview at the current time")
        self.now_button.clicked.connect(lambda: self.set_moment(datetime.now(UTC).replace(second=0, microsecond=0)))
        moment.addWidget(self.now_button)
        self.zone_label = QLabel()
        self.zone_label.setObjectName("previewNote")
        moment.addWidget(self.zone_label)
        form.addRow("At", moment)
        layout.addLayout(form)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        self.preview_subject = QLabel()
        self.preview_subject.setObjectName("previewSubject")
        self.preview_subject.setWordWrap(True)
        self.preview_subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.preview_subject)
        self.preview_body = QPlainTextEdit()
        self.preview_body.setObjectName("previewBody")
        self.preview_body.setReadOnly(True)
        self.preview_body.setAccessibleName("Preview")
        layout.addWidget(self.preview_body, 1)
        self.preview_note = QLabel()
        self.preview_note.setObjectName("previewNote")
        self.preview_note.setWordWrap(True)
        layout.addWidget(self.preview_note)
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        self._set_moment_silently(now)
        return box

    # --- preview -----------------------------------------------------------------------------------

    def _fill_rule_combo(self, *, reset: bool) -> None:
        ruleset = self.document.ruleset
        template = self.template()
        previous = None if reset else self.rule_combo.currentData()
        key = (ruleset.rules, ruleset.routing, template.id if template else None)
        previous_key = self._rule_combo_key
        if not reset and previous_key is not None and key[0] is previous_key[0] and key[1] is previous_key[1] \
                and key[2] == previous_key[2]:  # unchanged (e.g. while typing): keep the combo
            self._update_zone()
            return
        self._rule_combo_key = key
        users = {user.id for user in self.users() if user.kind == "rule"}
        escalating = [r for r in ruleset.rules if r.escalation is not None]
        ordered = [r for r in escalating if r.id in users] + [r for r in escalating if r.id not in users]
        self.rule_combo.blockSignals(True)
        self.rule_combo.clear()
        for rule in ordered:
            escalation = rule.escalation
            team = ruleset.routing.team(escalation.team) if escalation else None
            detail = f"{team.name if team else escalation.team if escalation else ''}, {escalation.priority}" \
                if escalation else ""
            self.rule_combo.addItem(f"{rule.name} ({detail})", rule.id)
        if not ordered:
            self.rule_combo.addItem("No rule hands over yet", None)
        index = self.rule_combo.findData(previous) if previous else 0
        self.rule_combo.setCurrentIndex(max(index, 0))
        self.rule_combo.blockSignals(False)
        self._update_zone()

    def _rule_chosen(self) -> None:
        self._update_zone()
        self.update_preview()

    def preview_rule(self) -> Rule | None:
        rule_id = self.rule_combo.currentData()
        return self.document.ruleset.rule(str(rule_id)) if rule_id else None

    def _update_zone(self) -> None:
        zone = schedule_zone(self.document.ruleset, self.preview_rule())
        if zone != self.zone_label.text():
            moment = self.moment()  # the same instant (read in UTC before any zone was shown) …
            self.zone_label.setText(zone)
            self._set_moment_silently(moment)  # … as wall time in the zone now shown

    def moment(self) -> datetime:
        """The chosen moment as an aware datetime (its wall time read in the shown time zone)."""
        value = self.moment_edit.dateTime()
        date, time = value.date(), value.time()
        return datetime(date.year(), date.month(), date.day(), time.hour(), time.minute(),
                        tzinfo=_zone(self.zone_label.text() or "UTC"))

    def set_moment(self, at: datetime) -> None:
        """Preview at `at` (any time zone; shown in the team's)."""
        self._set_moment_silently(at)
        self.update_preview()

    def _set_moment_silently(self, at: datetime) -> None:
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        local = at.astimezone(_zone(self.zone_label.text() or "UTC"))
        self.moment_edit.blockSignals(True)
        self.moment_edit.setDateTime(QDateTime.fromString(local.strftime("%Y-%m-%d %H:%M"), "yyyy-MM-dd HH:mm"))
        self.moment_edit.blockSignals(False)

    def _visitor_preset(self, index: int) -> None:
        name, email = self.visitor_combo.itemData(index)
        self.visitor_name_edit.setText(name)
        self.visitor_email_edit.setText(email)
        self.update_preview()

    def sample_visitor(self) -> dict[str, Any]:
        return {"name": self.visitor_name_edit.text().strip() or None,
                "email": self.visitor_email_edit.text().strip() or None, "score": 85, "returning": True}

    def update_preview(self) -> None:
        """Render the shown template for the chosen visitor, rule and moment."""
        template = self.template()
        if template is None:
            self.preview_subject.hide()
            self.preview_body.setPlainText("")
            self.preview_note.setText("Select a template, or add one.")
            return
        ruleset = self.document.ruleset
        rule = self.preview_rule()
        context = sample_context(ruleset, self.moment(), rule_id=rule.id if rule else None,
                                 visitor=self.sample_visitor())
        rendered = render_template(template, context)
        if self.preview_subject.isHidden() != (rendered.subject is None):
            self.preview_subject.setVisible(rendered.subject is not None)
        set_text(self.preview_subject, f"Subject: {rendered.subject}" if rendered.subject is not None else "")
        shown = slack_shown_text(rendered.body) if template.channel == "slack" else rendered.body  # as Slack shows it
        if self.preview_body.toPlainText() != shown:
            self.preview_body.setPlainText(shown)
        promise = context.get("promise") or "no promise"
        set_text(self.preview_note,
                 f"Promise at this moment: {promise}. {len(rendered.body):,} characters once filled in.")

    def preview_text(self) -> str:
        return self.preview_body.toPlainText()
