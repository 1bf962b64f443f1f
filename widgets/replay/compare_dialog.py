"""Compare two revisions: replay one library with both and show which conversations changed.

The two sides are the current (possibly unsaved) edits, a saved revision of the workspace project
(`Project.revisions` / `revision_document`) or a ruleset file. The comparison itself is
`builder.replay.metrics.compare_replays`, run by a `ReplayWorker` so the dialog stays responsive and
can be cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from builder.editing.document import Document
from builder.format.io import InvalidRuleset, RulesetFileError, load_ruleset, ruleset_to_edit
from builder.format.model import Ruleset
from builder.replay.library import read_library
from builder.replay.metrics import Change, Comparison
from widgets.replay.metrics_text import pct
from widgets.replay.replay_worker import ReplayOutcome, ReplayWorker

__all__ = ["CompareDialog", "delta_rows"]

CURRENT = "Current edits"
FILE = "Ruleset file…"
GROUPS = (("now_escalate", "Now escalate"), ("no_longer_escalate", "No longer escalate"),
          ("other_rule", "Escalate by another rule"), ("other_turn", "Same rule, other turn"))


class CompareDialog(QDialog):
    """Signals: `open_in_simulator(conversation: dict)` for a double-clicked changed conversation."""

    open_in_simulator = Signal(object)

    def __init__(self, document: Document, source: Any, source_name: str, parent: QWidget | None = None,
                 project_provider: Callable[[], Any] | None = None, cluster: str | None = None) -> None:
        super().__init__(parent)
        self.cluster = cluster  # None: in this process; "" a local Dask cluster; else a scheduler address
        self.setWindowTitle("Compare two revisions")
        self.setObjectName("compareDialog")
        self.document, self.source, self.source_name = document, source, source_name
        self.project: Any = (project_provider or (lambda: None))()
        self.worker = ReplayWorker(self)
        self.comparison: Comparison | None = None
        self.files: dict[QComboBox, Path] = {}
        self.tables: dict[str, QTableWidget] = {}
        self.names: dict[str, str] = {}
        self._build()
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.failed.connect(lambda message: self._stopped(f"The comparison failed: {message}"))
        self.resize(900, 620)

    def _build(self) -> None:
        form = QFormLayout()
        self.side_a, self.side_b = QComboBox(self), QComboBox(self)
        for combo, name in ((self.side_a, "Before (A)"), (self.side_b, "After (B)")):
            combo.setAccessibleName(name)
            combo.setMinimumWidth(360)
            combo.addItem(CURRENT, ("current", None))
            if self.project is not None:
                for revision in reversed(self.project.revisions()):
                    text = f"Revision {revision.number}: {revision.description or 'saved'} ({revision.time[:16]})"
                    combo.addItem(text, ("revision", revision.number))
            combo.addItem(FILE, ("file", None))
            combo.activated.connect(lambda index, combo=combo: self._side_chosen(combo, index))
            form.addRow(name, combo)
        if self.side_a.count() > 2:
            self.side_a.setCurrentIndex(1)  # the latest saved revision against the current edits
        form.addRow("Library", QLabel(self.source_name, self))
        self.compare_button = QPushButton("Compare", self)
        self.compare_button.setDefault(True)
        self.compare_button.clicked.connect(self.compare)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.worker.cancel)
        self.progress = QProgressBar(self)
        self.progress.setFormat("not compared yet")  # a status, not an empty box that looks like a field
        self.progress.setValue(0)
        row = QHBoxLayout()
        row.addWidget(self.compare_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress, 1)
        self.status = QLabel("Choose two revisions and press Compare.", self)
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.deltas = _table(("Metric", "A", "B", "Change"), self)
        self.deltas.setAccessibleName("Metric changes")
        self.deltas.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs = QTabWidget(self)
        for key, title in GROUPS:
            table = _table(("Conversation", "Before", "After"), self)
            table.setAccessibleName(title)
            table.cellDoubleClicked.connect(lambda r, _c, key=key: self.open_change(key, r))
            self.tables[key] = table
            self.tabs.addTab(table, title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.deltas, 2)
        layout.addWidget(self.tabs, 3)
        layout.addWidget(buttons)

    def _side_chosen(self, combo: QComboBox, index: int) -> None:
        kind, _ = combo.itemData(index)
        if kind == "file":
            chosen, _filter = QFileDialog.getOpenFileName(self, "Open a ruleset", "", "Rulesets (*.json);;All (*)")
            if chosen:
                self.set_side_file(combo, chosen)
            else:
                combo.setCurrentIndex(0)

    def set_side_file(self, combo: QComboBox, path: str | Path) -> None:
        """Use a ruleset file for one side (what "Ruleset file…" does after its dialog)."""
        self.files[combo] = Path(path)
        combo.setItemText(combo.count() - 1, f"File: {Path(path).name}")
        combo.setCurrentIndex(combo.count() - 1)

    def ruleset_of(self, combo: QComboBox) -> Ruleset:
        """The ruleset a side stands for; ValueError in words when it cannot be read."""
        kind, value = combo.currentData()
        if kind == "current":
            return self.document.ruleset
        if kind == "revision":
            return ruleset_to_edit(self.project.revision_document(int(value)))
        path = self.files.get(combo)
        if path is None:
            raise ValueError("choose a ruleset file first")
        try:
            return load_ruleset(path)
        except InvalidRuleset as exc:
            first = next((p.message for p in exc.problems if p.severity == "error"), "it has errors")
            raise ValueError(f"{path.name} cannot be used: {first}") from exc
        except (RulesetFileError, OSError) as exc:
            raise ValueError(f"{path.name} cannot be read: {exc}") from exc

    def compare(self) -> None:
        if self.worker.running:
            return
        try:
            a, b = self.ruleset_of(self.side_a), self.ruleset_of(self.side_b)
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        self.comparison = None
        self.names = {r.id: r.name for r in (*b.rules, *a.rules)}  # a removed rule keeps its name
        self.compare_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.status.setText(f"Replaying {self.source_name} with both revisions…")
        if self.cluster is not None:
            self.worker.start_cluster_compare(a, b, [self.source], scheduler=self.cluster or None)
            return
        processes = 1 if isinstance(self.source, list) else None
        self.worker.start_compare(a, b, self.source, processes=processes)

    def _on_progress(self, done: int, fraction: float, _errors: int) -> None:
        if fraction >= 0:
            self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(f"{done:,} conversations")

    def _stopped(self, message: str) -> None:
        self.compare_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.status.setText(message)

    def _on_cancelled(self, _outcome: ReplayOutcome) -> None:
        self.progress.setFormat("cancelled")
        self._stopped("Comparison cancelled; press Compare to run it again.")

    def _on_finished(self, outcome: ReplayOutcome) -> None:
        comparison = outcome.comparison
        self.comparison = comparison
        self.progress.setValue(self.progress.maximum())
        if comparison is None:
            self._stopped("Nothing was compared.")
            return
        self._stopped(f"{comparison.a.total:,} conversations replayed: {comparison.changed:,} decided differently "
                      f"({len(comparison.now_escalate)} now escalate, {len(comparison.no_longer_escalate)} no longer, "
                      f"{len(comparison.other_rule)} by another rule).")
        rows = delta_rows(comparison, self.names)
        _fill(self.deltas, rows, numeric=True)
        for key, title in GROUPS:
            changes: tuple[Change, ...] = getattr(comparison, key)
            _fill(self.tables[key], [(c.conversation_id, _describe(c.before), _describe(c.after)) for c in changes])
            self.tabs.setTabText(self.tabs.indexOf(self.tables[key]), f"{title} ({len(changes)})")
        first = next((key for key, _ in GROUPS if getattr(comparison, key)), None)
        if first is not None:
            self.tabs.setCurrentWidget(self.tables[first])  # where the changes are

    def open_change(self, key: str, row: int) -> None:
        if self.comparison is None:
            return
        changes: tuple[Change, ...] = getattr(self.comparison, key)
        if not 0 <= row < len(changes):
            return
        wanted = changes[row].conversation_id
        for item in read_library(self.source):
            if getattr(item, "id", None) == wanted:
                self.open_in_simulator.emit(item.to_dict())  # type: ignore[union-attr]
                return

    def done(self, result: int) -> None:
        self.worker.cancel()
        self.worker.wait(2.0)
        super().done(result)


def _describe(decision: dict[str, Any]) -> str:
    if not decision.get("escalated"):
        return "no escalation"
    return f"{decision.get('rule')} at turn {decision.get('turn')} ({decision.get('handoff')})"


def delta_rows(c: Comparison, names: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(metric, A, B, change) for the headline numbers and every rule whose count moved."""
    d = c.delta
    rows = [("Escalation rate", pct(c.a.rate), pct(c.b.rate),
             "–" if d.rate is None else f"{d.rate * 100:+.1f} points"),
            ("Escalated", str(c.a.escalated), str(c.b.escalated), f"{d.escalated:+d}")]
    if c.a.tested or c.b.tested:
        rows.append(("Expectations passed", str(c.a.passed), str(c.b.passed), f"{d.passed:+d}"))
    for kind, change in d.by_trigger.items():
        if change:
            rows.append((f"Trigger kind: {kind}", str(c.a.by_trigger.get(kind, 0)), str(c.b.by_trigger.get(kind, 0)),
                         f"{change:+d}"))
    for rule, change in d.by_rule.items():
        if change:
            rows.append((f"Rule: {names.get(rule, rule)}", str(c.a.by_rule.get(rule, 0)), str(c.b.by_rule.get(rule, 0)),
                         f"{change:+d}"))
    return rows


def _table(header: tuple[str, ...], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(header), parent)
    table.setHorizontalHeaderLabels(header)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]], numeric: bool = False) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for col, text in enumerate(row):
            item = QTableWidgetItem(text)
            if numeric and col:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, col, item)
