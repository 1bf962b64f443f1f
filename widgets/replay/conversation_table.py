"""The conversations behind a clicked bar of the Replay page, one a row (the first 2,000 of a big bar);
a double click opens one in the simulator."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from builder.replay.results import ReplayResult

LIST_COLUMNS = ("Conversation", "Escalated", "Rule", "Trigger", "Turn", "At (UTC)", "Handoff", "Expectation")
LIMIT = 2000  # a bar of 50,000 conversations lists the first 2,000


class ConversationTable(QWidget):
    """Signals: `row_opened(row: int)` — the conversation of that row was double-clicked."""

    row_opened = Signal(int)

    def __init__(self, kind_labels: dict[str, str], mode_labels: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_labels, self.mode_labels = kind_labels, mode_labels
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Click a bar to list its conversations; double-click one to open it in the "
                            "simulator.", self)
        self.title.setObjectName("hint")
        self.table = QTableWidget(0, len(LIST_COLUMNS), self)
        self.table.setAccessibleName("Conversations behind the bar")
        self.table.setHorizontalHeaderLabels(LIST_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.row_opened.emit(row))
        layout.addWidget(self.title)
        layout.addWidget(self.table)

    def fill(self, results: list[ReplayResult]) -> None:
        """One row per result, up to `LIMIT`."""
        self.table.setRowCount(0)
        self.table.setRowCount(min(len(results), LIMIT))
        for row, r in enumerate(results[:LIMIT]):
            d = r.decision
            expectation = "" if r.passed is None else ("passed" if r.passed else "failed")
            cells = (
                r.conversation_id,
                "yes" if d.get("escalated") else "no",
                d.get("rule") or "",
                self.kind_labels.get(d.get("trigger") or "", d.get("trigger") or ""),
                str(d.get("turn") or ""),
                str(d.get("at") or "")[:16].replace("T", " "),
                self.mode_labels.get(d.get("handoff") or "", ""),
                expectation,
            )
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(str(text)))

    def clear(self) -> None:
        self.table.setRowCount(0)
