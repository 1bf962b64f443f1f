"""The simulator's inputs: the clock bar, the visitor profile and the event panel.

They only collect what the manager sets and emit it; the page turns it into engine calls.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

STEPS = (("+30 s", timedelta(seconds=30)), ("+2 min", timedelta(minutes=2)), ("+10 min", timedelta(minutes=10)))


class ClockBar(QFrame):
    """Start instant and zone, the current simulated time (open/closed), buttons to advance it.

    Signals: `start_changed()` (start or zone edited), `advance(timedelta)`, `next_opening()`."""

    start_changed = Signal()
    advance = Signal(object)
    next_opening = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("simulatorClock")
        self.start_edit = QDateTimeEdit(self)
        self.start_edit.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setAccessibleName("Start time")
        self.start_edit.setTimeZone(QTimeZone.utc())  # a wall-clock field: no DST gaps of the machine's zone
        self.zone = QComboBox(self)
        self.zone.setEditable(True)
        self.zone.setAccessibleName("Time zone")
        self.zone.addItems(sorted(available_timezones()))
        self.zone.setMaximumWidth(170)
        self.now_label = QLabel(self)
        self.now_label.setObjectName("simulatedNow")
        self.now_label.setAccessibleName("Simulated time")
        self.now_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.now_label.setMinimumWidth(200)
        self.buttons: dict[str, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Start", self))
        layout.addWidget(self.start_edit)
        layout.addWidget(self.zone)
        layout.addSpacing(12)
        layout.addWidget(self.now_label, 1)
        for text, delta in STEPS:
            button = QPushButton(text, self)
            button.setToolTip(f"Let {text[1:]} pass on the simulated clock (timers fire at their deadline)")
            button.clicked.connect(lambda _=False, d=delta: self.advance.emit(d))
            layout.addWidget(button)
            self.buttons[text] = button
        self.next_button = QPushButton("Next opening", self)
        self.next_button.setToolTip("Jump to when the default schedule next opens")
        self.next_button.clicked.connect(self.next_opening.emit)
        layout.addWidget(self.next_button)
        self.custom = QSpinBox(self)
        self.custom.setRange(1, 60 * 24 * 14)
        self.custom.setValue(60)
        self.custom.setSuffix(" min")
        self.custom.setMaximumWidth(90)
        self.custom.setAccessibleName("Custom time step")
        custom_button = QPushButton("Advance", self)
        custom_button.clicked.connect(lambda: self.advance.emit(timedelta(minutes=self.custom.value())))
        layout.addWidget(self.custom)
        layout.addWidget(custom_button)
        self.buttons["custom"] = custom_button
        self.start_edit.editingFinished.connect(self.start_changed.emit)
        self.zone.activated.connect(lambda _: self.start_changed.emit())

    def set_start(self, start: datetime, zone: ZoneInfo) -> None:
        """Show `start` in `zone` without emitting `start_changed`."""
        self.start_edit.blockSignals(True)
        self.zone.blockSignals(True)
        self.zone.setCurrentText(zone.key)
        local = start.astimezone(zone)
        self.start_edit.setDateTime(wall_time(local))
        self.start_edit.blockSignals(False)
        self.zone.blockSignals(False)

    def selected_zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.zone.currentText().strip())
        except Exception:
            return ZoneInfo("UTC")

    def start(self) -> datetime:
        """The start instant the fields show (wall time read in the chosen zone)."""
        wall = self.start_edit.dateTime()
        date, time = wall.date(), wall.time()
        return datetime(date.year(), date.month(), date.day(), time.hour(), time.minute(), time.second(),
                        tzinfo=self.selected_zone())

    def show_now(self, now: datetime, zone: ZoneInfo, open_text: str) -> None:
        local = now.astimezone(zone)
        self.now_label.setText(f"<b>{local:%a %d %b %H:%M:%S}</b> {local.tzname()}<br>{open_text}")


def wall_time(local: datetime) -> QDateTime:
    """The wall time of `local` as a zone-less field value (held in UTC so nothing shifts it)."""
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second),
                     QTimeZone.utc())


class VisitorForm(QWidget):
    """Name, e-mail, score, returning, previous failed chat and custom attributes; `changed()`."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(self)
        self.email = QLineEdit(self)
        self.score = QSpinBox(self)
        self.score.setRange(-1, 1000)
        self.score.setSpecialValueText("unknown")
        self.score.setValue(-1)
        self.returning = QCheckBox("Returning visitor", self)
        self.failed = QCheckBox("Previous chat failed", self)
        self.attributes = QTableWidget(0, 2, self)
        self.attributes.setHorizontalHeaderLabels(["Attribute", "Value"])
        self.attributes.horizontalHeader().setStretchLastSection(True)
        self.attributes.verticalHeader().hide()
        self.attributes.setAccessibleName("Visitor attributes")
        add, remove = QPushButton("Add attribute", self), QPushButton("Remove", self)
        add.clicked.connect(self._add_row)
        remove.clicked.connect(self._remove_row)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("E-mail", self.email)
        form.addRow("Score", self.score)
        form.addRow("", self.returning)
        form.addRow("", self.failed)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.attributes, 1)
        layout.addLayout(buttons)
        for edit in (self.name, self.email):
            edit.editingFinished.connect(self.changed.emit)
        self.score.valueChanged.connect(lambda _: self.changed.emit())
        self.returning.toggled.connect(lambda _: self.changed.emit())
        self.failed.toggled.connect(lambda _: self.changed.emit())
        self.attributes.cellChanged.connect(lambda *_: self.changed.emit())

    def _add_row(self) -> None:
        self.attributes.insertRow(self.attributes.rowCount())
        self.attributes.editItem(self.attributes.item(self.attributes.rowCount() - 1, 0)
                                 or self._cell(self.attributes.rowCount() - 1, 0))

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = QTableWidgetItem("")
        self.attributes.setItem(row, column, item)
        return item

    def _remove_row(self) -> None:
        row = self.attributes.currentRow()
        if row >= 0:
            self.attributes.removeRow(row)
            self.changed.emit()

    def profile(self) -> dict[str, Any]:
        """The visitor dict of the conversation format (only what is set)."""
        out: dict[str, Any] = {}
        if self.name.text().strip():
            out["name"] = self.name.text().strip()
        if self.email.text().strip():
            out["email"] = self.email.text().strip()
        if self.score.value() >= 0:
            out["score"] = self.score.value()
        if self.returning.isChecked():
            out["returning"] = True
        if self.failed.isChecked():
            out["previous_chat_failed"] = True
        attributes: dict[str, Any] = {}
        for row in range(self.attributes.rowCount()):
            key, value = self.attributes.item(row, 0), self.attributes.item(row, 1)
            if key is not None and key.text().strip():
                attributes[key.text().strip()] = _typed(value.text() if value is not None else "")
        if attributes:
            out["attributes"] = attributes
        return out

    def set_profile(self, visitor: dict[str, Any]) -> None:
        """Fill the form (a loaded conversation's visitor) without emitting `changed`."""
        self.blockSignals(True)
        self.name.setText(str(visitor.get("name", "")))
        self.email.setText(str(visitor.get("email", "")))
        score = visitor.get("score")
        self.score.setValue(int(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else -1)
        self.returning.setChecked(visitor.get("returning") is True)
        self.failed.setChecked(visitor.get("previous_chat_failed") is True)
        self.attributes.setRowCount(0)
        attributes = visitor.get("attributes") or {}
        for key, value in attributes.items() if isinstance(attributes, dict) else ():
            row = self.attributes.rowCount()
            self.attributes.insertRow(row)
            self.attributes.setItem(row, 0, QTableWidgetItem(str(key)))
            self.attributes.setItem(row, 1, QTableWidgetItem("" if value is None else str(value).lower()
                                                             if isinstance(value, bool) else str(value)))
        self.blockSignals(False)


def _typed(text: str) -> Any:
    """"42" → 42, "true" → True, else the text (attributes compare as typed values)."""
    value = text.strip()
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


class EventPanel(QWidget):
    """Events other than visitor messages; `event_requested(dict)` without `at` (the clock adds it)."""

    event_requested = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = QLineEdit("/pricing", self)
        self.url.setAccessibleName("Page URL")
        page = QPushButton("Page view", self)
        cart = QPushButton("Cart abandoned", self)
        resolved = QPushButton("Resolved", self)
        resolved.setToolTip("The bot or visitor marks the question as resolved")
        self.bot_text = QLineEdit("Sorry, I didn't understand that.", self)
        self.bot_text.setAccessibleName("Bot reply text")
        self.fallback = QCheckBox("Fallback", self)
        self.fallback.setChecked(True)
        self.confidence = QDoubleSpinBox(self)
        self.confidence.setRange(0, 1)
        self.confidence.setSingleStep(0.05)
        self.confidence.setValue(0.3)
        self.confidence.setAccessibleName("Bot confidence")
        self.intent = QLineEdit(self)
        self.intent.setPlaceholderText("intent (optional)")
        self.intent.setAccessibleName("Bot intent")
        bot = QPushButton("Bot reply", self)
        self.buttons = {"page": page, "cart": cart, "resolved": resolved, "bot": bot}
        site = QGroupBox("Website", self)
        grid = QGridLayout(site)
        grid.addWidget(self.url, 0, 0)
        grid.addWidget(page, 0, 1)
        grid.addWidget(cart, 1, 0)
        grid.addWidget(resolved, 1, 1)
        chatbot = QGroupBox("Chatbot", self)
        form = QGridLayout(chatbot)
        form.addWidget(self.bot_text, 0, 0, 1, 3)
        form.addWidget(self.fallback, 1, 0)
        form.addWidget(QLabel("Confidence", self), 1, 1, Qt.AlignmentFlag.AlignRight)
        form.addWidget(self.confidence, 1, 2)
        form.addWidget(self.intent, 2, 0, 1, 2)
        form.addWidget(bot, 2, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(site)
        layout.addWidget(chatbot)
        layout.addStretch(1)
        page.clicked.connect(
            lambda: self.event_requested.emit({"type": "page_view", "url": self.url.text().strip() or "/"}))
        cart.clicked.connect(lambda: self.event_requested.emit({"type": "cart", "action": "abandon"}))
        resolved.clicked.connect(lambda: self.event_requested.emit({"type": "resolved"}))
        bot.clicked.connect(self._bot)

    def _bot(self) -> None:
        event: dict[str, Any] = {
            "type": "bot",
            "text": self.bot_text.text(),
            "fallback": self.fallback.isChecked(),
            "confidence": round(self.confidence.value(), 2),
        }
        if self.intent.text().strip():
            event["intent"] = self.intent.text().strip()
        self.event_requested.emit(event)
