"""The top of the rule editor: the rule's name, description, trigger kind, on/off switch, how often it
may fire (cooldown) and whether it stops later rules, with the message of a problem about them.

It shows a rule and reports each edit as `field_edited`; the editor turns edits into undo commands."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from builder.format.model import Cooldown, Rule
from rules_schema.catalog import catalog
from widgets.common.style import icon

COOLDOWNS = (("once", "once per conversation"), ("every_turn", "at every matching message"),
             ("after_minutes", "again after"))


def _trigger_icon(kind: str, colour: str) -> QIcon:
    """The app's icon for the trigger kind in its catalog colour (as in the rule list), else a dot."""
    bundled = icon(kind, colour)
    return bundled if not bundled.isNull() else _dot(colour)


def _dot(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 12, 12)
    painter.end()
    return QIcon(pixmap)


class RuleHeader(QFrame):
    """Signals: `renamed(name: str)` — the name was typed; `field_edited(field: str, value, text: str,
    merge: str | None)` — another field changed (`text` names the undo step, `merge` its merge key)."""

    renamed = Signal(str)
    field_edited = Signal(str, object, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        cat = catalog()
        self.setObjectName("ruleHeader")
        grid = QVBoxLayout(self)
        grid.setContentsMargins(12, 8, 12, 10)
        grid.setSpacing(6)
        top = QHBoxLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("ruleName")
        self.name_edit.setPlaceholderText("Rule name")
        self.name_edit.setAccessibleName("Rule name")
        self.name_edit.textEdited.connect(self.renamed.emit)
        self.enabled_box = QCheckBox("Enabled")
        self.enabled_box.setObjectName("enabledSwitch")
        self.enabled_box.toggled.connect(
            lambda on: self._edit("enabled", on, "Switch rule on" if on else "Switch rule off"))
        top.addWidget(self.name_edit, 1)
        top.addWidget(self.enabled_box)
        grid.addLayout(top)
        self.description_edit = QLineEdit()
        self.description_edit.setObjectName("ruleDescription")
        self.description_edit.setPlaceholderText("What this rule is for (optional)")
        self.description_edit.setAccessibleName("Rule description")
        self.description_edit.textEdited.connect(
            lambda t: self._edit("description", t, "Edit description", "description")
        )
        grid.addWidget(self.description_edit)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(QLabel("Trigger"))
        self.trigger_combo = QComboBox()
        self.trigger_combo.setObjectName("triggerCombo")
        self.trigger_combo.setAccessibleName("Trigger kind")
        for kind, info in cat.trigger_kinds.items():
            self.trigger_combo.addItem(_trigger_icon(kind, info.get("colour", "#64748b")), info["label"], kind)
        self.trigger_combo.currentIndexChanged.connect(
            lambda _i: self._edit("trigger", self.trigger_combo.currentData(), "Change trigger kind")
        )
        row.addWidget(self.trigger_combo)
        row.addSpacing(12)
        row.addWidget(QLabel("Fires"))
        self.cooldown_combo = QComboBox()
        self.cooldown_combo.setObjectName("cooldownCombo")
        self.cooldown_combo.setAccessibleName("How often the rule may fire")
        for policy, label in COOLDOWNS:
            self.cooldown_combo.addItem(label, policy)
        self.cooldown_combo.currentIndexChanged.connect(self._cooldown_edited)
        row.addWidget(self.cooldown_combo)
        self.cooldown_minutes = QDoubleSpinBox()
        self.cooldown_minutes.setObjectName("cooldownMinutes")
        self.cooldown_minutes.setAccessibleName("Cooldown minutes")
        self.cooldown_minutes.setRange(1, 10_080)
        self.cooldown_minutes.setDecimals(0)
        self.cooldown_minutes.setSuffix(" min")
        self.cooldown_minutes.valueChanged.connect(self._cooldown_edited)
        row.addWidget(self.cooldown_minutes)
        row.addSpacing(12)
        self.stop_box = QCheckBox("Stop other rules when it fires")
        self.stop_box.setObjectName("stopSwitch")
        self.stop_box.setToolTip("When the rule fires, later rules are not evaluated at this message.")
        self.stop_box.toggled.connect(lambda on: self._edit("stop", on, "Change stop processing"))
        row.addWidget(self.stop_box)
        row.addStretch(1)
        grid.addLayout(row)
        self.header_problem = QLabel()
        self.header_problem.setObjectName("headerProblem")
        self.header_problem.setWordWrap(True)
        self.header_problem.hide()
        grid.addWidget(self.header_problem)

    def _edit(self, field: str, value: Any, text: str, merge: str | None = None) -> None:
        self.field_edited.emit(field, value, text, merge)

    def _cooldown_edited(self, *_: Any) -> None:
        policy = self.cooldown_combo.currentData()
        minutes = float(self.cooldown_minutes.value()) if policy == "after_minutes" else None
        self.cooldown_minutes.setVisible(policy == "after_minutes")
        self._edit("cooldown", Cooldown(policy, minutes), "Change how often the rule fires", "cooldown")

    def show_rule(self, rule: Rule) -> None:
        """Show `rule`'s fields without reporting them as edits (a field being typed in keeps its cursor)."""
        if self.name_edit.text() != rule.name:
            self.name_edit.setText(rule.name)
            if not self.name_edit.hasFocus():
                self.name_edit.setCursorPosition(0)
        if self.description_edit.text() != rule.description:
            self.description_edit.setText(rule.description)
            if not self.description_edit.hasFocus():
                self.description_edit.setCursorPosition(0)  # show the start of a long description
        for widget, setter in (
            (self.enabled_box, lambda: self.enabled_box.setChecked(rule.enabled)),
            (self.stop_box, lambda: self.stop_box.setChecked(rule.stop)),
            (self.trigger_combo, lambda: self.trigger_combo.setCurrentIndex(self.trigger_combo.findData(rule.trigger))),
            (
                self.cooldown_combo,
                lambda: self.cooldown_combo.setCurrentIndex(max(0, self.cooldown_combo.findData(rule.cooldown.policy))),
            ),
            (self.cooldown_minutes, lambda: self.cooldown_minutes.setValue(rule.cooldown.minutes or 10)),
        ):
            widget.blockSignals(True)
            setter()
            widget.blockSignals(False)
        self.cooldown_minutes.setVisible(rule.cooldown.policy == "after_minutes")

    def field_at(self, rest: str) -> QWidget:
        """The field a problem path (after `$.rules[i]`) names; the name field when none fits."""
        fields: dict[str, QWidget] = {
            ".name": self.name_edit,
            ".description": self.description_edit,
            ".trigger": self.trigger_combo,
            ".enabled": self.enabled_box,
            ".stop": self.stop_box,
            ".cooldown": self.cooldown_combo,
            ".cooldown.minutes": self.cooldown_minutes,
        }
        return fields.get(rest, fields.get(rest.split(".minutes")[0], self.name_edit))
