"""The Replay page: run a conversation library through the rules and see what the rules would do.

Everything shown is computed by the Qt-free core (`builder.replay.batch`, `builder.replay.metrics`,
`builder.analysis`, `builder.replay.report`); this page only picks the library, runs the replay in a
`ReplayWorker`, draws the numbers (`EscalationCharts`, the summary) and lists the conversations
behind a clicked bar (`ConversationTable`). A double
click on a conversation emits `open_in_simulator(conversation_dict)`; `install_dashboard(window)`
wires that to the Simulator page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from builder.editing.document import Document
from builder.replay.library import read_library
from builder.replay.metrics import Metrics, select
from builder.replay.report import write_report
from builder.replay.results import ReplayResult
from rules_schema.catalog import catalog
from widgets.common.editor_page import subscribe
from widgets.replay.compare_dialog import CompareDialog
from widgets.replay.conversation_table import ConversationTable
from widgets.replay.escalation_charts import EscalationCharts
from widgets.replay.library_picker import LibraryPicker
from widgets.replay.metrics_text import summary_html
from widgets.replay.replay_worker import ReplayOutcome, ReplayWorker

__all__ = ["ReplayDashboard", "install_dashboard", "summary_html"]


class ReplayDashboard(QWidget):
    """Signals: `open_in_simulator(conversation: dict)` — show this conversation in the simulator."""

    open_in_simulator = Signal(object)

    def __init__(self, document: Document, parent: QWidget | None = None,
                 project_provider: Callable[[], Any] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayDashboard")
        self.document = document
        self.project_provider = project_provider or (lambda: None)
        self.worker = ReplayWorker(self)
        self.outcome: ReplayOutcome | None = None
        self.metrics: Metrics | None = None
        self.shown: list[ReplayResult] = []
        self.stale = False
        self._steps: list[Callable[[], None]] = []
        self._build()
        self.worker.progress.connect(self._on_progress)
        self.worker.metrics_changed.connect(self.show_metrics)
        self.worker.finished.connect(self._on_finished)
        self.worker.cancelled.connect(self._on_cancelled)
        self.worker.failed.connect(self._on_failed)
        subscribe(self, [(self.document.changed, self._document_changed)])
        self.reload_libraries()
        self.show_metrics(None)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Library:", self))
        self.library = LibraryPicker(self.project_provider, self)
        bar.addWidget(self.library)
        self.run_button = QPushButton("Run", self)
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Replay progress")
        self.progress.setTextVisible(True)
        self.progress.setFormat("not run yet")  # reads as a status, not an empty field …
        self.progress.setValue(0)  # … once started: a bar below its minimum draws no text at all
        self.status = QLabel("Pick a library and press Run.", self)
        self.status.setObjectName("hint")
        self.import_button = QPushButton("Import…", self)
        self.import_button.setToolTip("Turn a chat platform's export (Rasa, Chatwoot, Zendesk, Intercom, CSV) "
                                      "into a conversation library")
        self.import_button.clicked.connect(self.open_import)
        self.compare_button = QPushButton("Compare revisions…", self)
        self.compare_button.clicked.connect(self.open_compare)
        self.export_button = QPushButton("Export report…", self)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._export_clicked)
        self.on_cluster = QCheckBox("On a cluster", self)
        self.on_cluster.setToolTip("Replay on Dask: a local cluster of 2 worker processes, or the scheduler "
                                   "address given here (JSON Lines or Parquet libraries)")
        self.scheduler = QLineEdit(self)
        self.scheduler.setPlaceholderText("local cluster")
        self.scheduler.setAccessibleName("Cluster scheduler address")
        self.scheduler.setMaximumWidth(180)
        self.scheduler.setEnabled(False)
        self.on_cluster.toggled.connect(self.scheduler.setEnabled)
        for widget in (self.run_button, self.cancel_button, self.on_cluster, self.scheduler):
            bar.addWidget(widget)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.compare_button)
        bar.addWidget(self.export_button)

        kinds, modes = catalog().trigger_kinds, catalog().handoff_modes
        self.kind_labels = {k: v.get("label", k) for k, v in kinds.items()}
        self.mode_labels = {k: v.get("label", k) for k, v in modes.items()}
        self.escalation_charts = EscalationCharts(self.kind_labels, self.mode_labels, self)
        self.escalation_charts.bar_clicked.connect(self.show_bar)

        self.summary = QTextBrowser(self)
        self.summary.setObjectName("replaySummary")
        self.summary.setAccessibleName("Replay summary")
        self.summary.setOpenExternalLinks(False)

        self.conversations = ConversationTable(self.kind_labels, self.mode_labels, self)
        self.conversations.row_opened.connect(self.open_row)

        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.escalation_charts)
        right.addWidget(self.conversations)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        right.setSizes([590, 150])
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.addWidget(self.summary)
        body.addWidget(right)
        body.setStretchFactor(0, 0)
        body.setStretchFactor(1, 1)
        body.setSizes([330, 900])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(body, 1)

    # --- libraries ---------------------------------------------------------------------------

    def reload_libraries(self) -> None:
        """Samples, the current project's libraries, files opened before, then "Open a file…"."""
        self.library.reload()

    def set_library_file(self, path: str | Path) -> None:
        """Use a JSONL or CSV file as the library (what "Open a file…" does after its dialog)."""
        self.library.add_file(path)

    def library_source(self) -> tuple[Any, str]:
        """(source for Replay, its name for titles)."""
        return self.library.source()

    # --- running -------------------------------------------------------------------------------

    def run(self) -> None:
        if self.worker.running:
            return
        source, self.source_name = self.library_source()
        self.source = source
        self.outcome, self.stale = None, False
        self._clear_list()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat("starting…")
        self._set_running(True)
        self.status.setText(f"Replaying {self.source_name}…")
        if self.on_cluster.isChecked():
            cluster = self.cluster_for(source)
            if cluster is None:
                self._set_running(False)
                self.progress.setFormat("not run")
                self.status.setText("A cluster replays JSON Lines or Parquet files: choose such a library "
                                    "(Import… turns a CSV export into one).")
                return
            self.worker.start_cluster(self.document.ruleset, [source], scheduler=cluster or None)
            return
        processes = 1 if isinstance(source, list) else None
        self.worker.start(self.document.ruleset, source, processes=processes)

    def cancel(self) -> None:
        if self.worker.running:
            self.worker.cancel()
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.library.setEnabled(not running)
        self.import_button.setEnabled(not running)
        self.on_cluster.setEnabled(not running)
        self.scheduler.setEnabled(not running and self.on_cluster.isChecked())
        self.compare_button.setEnabled(not running)
        self.export_button.setEnabled(not running and self.outcome is not None)

    def _on_progress(self, done: int, fraction: float, errors: int) -> None:
        if fraction < 0:
            self.progress.setRange(0, 0)  # unknown size: a busy bar
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        skipped = f", {errors} unreadable" if errors else ""
        self.progress.setFormat(f"{done:,} conversations{skipped}")

    def _on_finished(self, outcome: ReplayOutcome) -> None:
        self._done(outcome)
        errors = f"; {len(outcome.errors)} unreadable lines skipped" if outcome.errors else ""
        self.status.setText(f"Replayed {len(outcome.results):,} conversations of {self.source_name} in "
                            f"{outcome.seconds:.1f} s{errors}.")
        self.progress.setValue(self.progress.maximum())

    def _on_cancelled(self, outcome: ReplayOutcome) -> None:
        self._done(outcome)
        self.status.setText(f"Replay cancelled after {len(outcome.results):,} conversations; the numbers "
                            f"below are for those only.")
        self.progress.setFormat(f"cancelled at {len(outcome.results):,}")

    def _on_failed(self, message: str) -> None:
        self._set_running(False)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat("failed")
        self.status.setText(f"The replay failed: {message}")

    def _done(self, outcome: ReplayOutcome) -> None:
        self.outcome = outcome
        self.progress.setRange(0, 1000)
        self._set_running(False)
        self.show_metrics(outcome.metrics)

    def _document_changed(self) -> None:
        if self.outcome is not None and not self.stale:
            self.stale = True
            self.status.setText(self.status.text() + "  The rules changed since: press Run to update.")

    # --- showing --------------------------------------------------------------------------------

    @property
    def drawing(self) -> bool:
        """True while a snapshot is still being drawn, chart by chart."""
        return bool(self._steps)

    def show_metrics(self, m: Metrics | None) -> None:
        """Draw a metrics snapshot (summary and gauge live while running, every chart after), one
        chart per event-loop turn so no single redraw stalls the UI; a newer snapshot replaces the rest."""
        self.metrics = m
        ruleset = self.outcome.ruleset if self.outcome is not None else self.document.ruleset
        names = {r.id: r.name for r in ruleset.rules}
        if m is None:
            self._steps = []
            self.escalation_charts.clear()
            self.summary.setHtml("<p>No replay yet. Pick a library and press <b>Run</b>.</p>")
            return
        findings = self.outcome.findings if self.outcome is not None and not self.worker.running else []
        steps: list[Callable[[], None]] = [
            lambda: self.summary.setHtml(summary_html(m, names, self.kind_labels, self.mode_labels, findings)),
            *self.escalation_charts.drawing_steps(m, names, live=self.worker.running),
        ]
        scheduled = bool(self._steps)
        self._steps = steps
        if not scheduled:
            QTimer.singleShot(0, self._draw_next)

    def _draw_next(self) -> None:
        if self._steps:
            self._steps.pop(0)()
        if self._steps:
            QTimer.singleShot(0, self._draw_next)

    def show_bar(self, chart_key: str, key: Any) -> list[ReplayResult]:
        """List the conversations behind one bar (metrics.select); returns them."""
        if self.outcome is None or self.metrics is None:
            self.conversations.title.setText("The list is ready when the replay has finished.")
            return []
        criteria: dict[str, Any] = {
            "by_trigger": {"trigger": key},
            "by_rule": {"rule": key},
            "by_turn": {"turn": key},
            "by_hour": {"hour": key, "zone": self.metrics.timezone},
            "by_handoff": {"handoff": key},
        }[chart_key]
        self.shown = select(self.outcome.results, **criteria)
        names = {r.id: r.name for r in self.outcome.ruleset.rules}
        label = {
            "by_trigger": lambda: self.kind_labels.get(key, key),
            "by_rule": lambda: names.get(key, key),
            "by_turn": lambda: f"turn {key}",
            "by_hour": lambda: f"{key:02d}:00–{key:02d}:59",
            "by_handoff": lambda: self.mode_labels.get(key, key),
        }[chart_key]()
        self.conversations.title.setText(
            f"{len(self.shown):,} conversations escalated by “{label}”. Double-click one to open it in the simulator."
        )
        self.conversations.fill(self.shown)
        return self.shown

    def _clear_list(self) -> None:
        self.shown = []
        self.conversations.clear()

    def conversation_for(self, result: ReplayResult) -> dict[str, Any] | None:
        """The conversation dict behind a result, re-read from the library (results keep no text)."""
        if self.outcome is None:
            return None
        for item in read_library(self.outcome.source):
            line = getattr(item, "line", None)
            if getattr(item, "id", None) == result.conversation_id and (not result.line or line == result.line):
                return item.to_dict()  # type: ignore[union-attr]
        return None

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.shown):
            conversation = self.conversation_for(self.shown[row])
            if conversation is not None:
                self.open_in_simulator.emit(conversation)

    # --- export and compare -----------------------------------------------------------------------

    def _export_clicked(self) -> None:
        directory = QFileDialog.getExistingDirectory(self, "Export the replay report into")
        if directory:
            files = self.export_report(directory)
            self.status.setText(f"Report written to {files.html}.")

    def export_report(self, directory: str | Path) -> Any:
        """report.html with the charts as PNG (charts/*.png) and decisions.csv (builder.replay.report)."""
        if self.outcome is None:
            raise ValueError("there is no replay to export yet")
        folder = Path(directory)
        pngs = self.escalation_charts.save_pngs(folder / "charts")
        return write_report(
            folder,
            self.outcome.results,
            self.outcome.ruleset,
            library=self.source_name,
            charts={k: f"charts/{p.name}" for k, p in pngs.items()},
        )

    def cluster_for(self, source: Any) -> str | None:
        """Where a run of `source` goes: None in this process; "" a local cluster; else the scheduler
        address. Only JSON Lines and Parquet files go to a cluster."""
        if not self.on_cluster.isChecked() or not isinstance(source, Path) or source.suffix.lower() == ".csv":
            return None
        return self.scheduler.text().strip()

    def open_import(self) -> Any:
        """The Import… dialog; a library it writes becomes the chosen library, ready to run."""
        from widgets.replay.import_dialog import ImportDialog

        dialog = ImportDialog(self)
        dialog.imported.connect(self._library_imported)
        dialog.show()
        self.import_dialog = dialog
        return dialog

    def _library_imported(self, path: Path) -> None:
        self.set_library_file(path)
        self.status.setText(f"Imported {path.name}: press Run to replay it.")

    def open_compare(self) -> None:
        source, name = self.library_source()
        dialog = CompareDialog(self.document, source, name, parent=self, project_provider=self.project_provider,
                               cluster=self.cluster_for(source))
        dialog.open_in_simulator.connect(self.open_in_simulator.emit)
        dialog.show()
        self.compare_dialog = dialog

    def showEvent(self, event: Any) -> None:
        """The project may have changed (or gained a library) while the page was hidden."""
        if not self.worker.running:
            self.reload_libraries()
        super().showEvent(event)

    def closeEvent(self, event: Any) -> None:
        self.worker.cancel()
        self.worker.wait(2.0)
        super().closeEvent(event)


def install_dashboard(window: Any) -> ReplayDashboard:
    """Add the Replay page to `window`; a double-clicked conversation opens in its simulator page."""
    page = ReplayDashboard(window.document, window, project_provider=lambda: getattr(window, "project", None))
    window.add_page("Replay", page)

    def open_conversation(conversation: dict[str, Any]) -> None:
        simulator = getattr(window, "simulator_page", None)
        if simulator is not None:
            simulator.load_conversation(conversation)
            window.pages.setCurrentWidget(simulator)

    page.open_in_simulator.connect(open_conversation)
    window.replay_page = page
    return page
