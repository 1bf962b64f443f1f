"""Save the simulated conversation as a test, and load saved or sample conversations to replay.

Tests go to the project's conversation libraries (`Project.add_conversation`); without a workspace
project they are appended to a JSON Lines file the user picks. Loading lists every library of the
project plus the shipped samples (`builder.paths.sample_conversations()`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from builder.format.conversation import Conversation, read_conversations
from builder.paths import sample_conversations

DEFAULT_LIBRARY = "Simulator tests"
SAMPLES = "Samples (shipped)"


def conversation_dict(conversation: Conversation) -> dict[str, Any]:
    out: dict[str, Any] = {"id": conversation.id, "visitor": dict(conversation.visitor),
                           "events": [dict(e) for e in conversation.events]}
    if conversation.expect is not None:
        out["expect"] = dict(conversation.expect)
    return out


def read_samples(path: Path | None = None) -> list[dict[str, Any]]:
    """The shipped sample conversations (unreadable lines skipped: they are ours and tested)."""
    try:
        return [conversation_dict(c) for c in read_conversations(path or sample_conversations())
                if isinstance(c, Conversation)]
    except OSError:
        return []


class LibraryBar(QWidget):
    """Library picker + Save as test; conversation picker + Load, Next step, Play all.

    Signals: `save_requested(library)`, `load_requested(dict)`, `step_requested()`, `play_requested()`,
    `reset_requested()`."""

    save_requested = Signal(str)
    load_requested = Signal(dict)
    step_requested = Signal()
    play_requested = Signal()
    reset_requested = Signal()

    def __init__(self, project_provider: Callable[[], Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project_provider = project_provider
        self.library = QComboBox(self)
        self.library.setEditable(True)
        self.library.setAccessibleName("Test library")
        self.library.setMinimumWidth(150)
        self.save_button = QPushButton("Save as test", self)
        self.save_button.setToolTip("Store this conversation with its current outcome as the expectation")
        self.picker = QComboBox(self)
        self.picker.setAccessibleName("Saved conversations")
        self.picker.setMinimumWidth(220)
        self.load_button = QPushButton("Load", self)
        self.step_button = QPushButton("Next step", self)
        self.play_button = QPushButton("Play all", self)
        self.reset_button = QPushButton("New conversation", self)
        self.progress = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Library", self))
        layout.addWidget(self.library)
        layout.addWidget(self.save_button)
        layout.addSpacing(16)
        layout.addWidget(QLabel("Replay", self))
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.load_button)
        layout.addWidget(self.step_button)
        layout.addWidget(self.play_button)
        layout.addWidget(self.progress)
        layout.addStretch(0)
        layout.addWidget(self.reset_button)
        self._choices: list[dict[str, Any]] = []
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.library.currentText().strip()
                                                                          or DEFAULT_LIBRARY))
        self.load_button.clicked.connect(self._load)
        self.step_button.clicked.connect(self.step_requested.emit)
        self.play_button.clicked.connect(self.play_requested.emit)
        self.reset_button.clicked.connect(self.reset_requested.emit)
        self.set_progress(0, 0)
        self.refresh()

    def project(self) -> Any:
        return self.project_provider() if self.project_provider is not None else None

    def refresh(self) -> None:
        """Re-read the libraries and their conversations (after a save or a project switch)."""
        project = self.project()
        libraries: list[str] = []
        if project is not None:
            try:
                libraries = list(project.libraries())
            except Exception:
                libraries = []
        current = self.library.currentText() or DEFAULT_LIBRARY
        self.library.clear()
        self.library.addItems(sorted(set(libraries) | {DEFAULT_LIBRARY}))
        self.library.setCurrentText(current)
        self._choices = []
        self.picker.clear()
        for library in libraries:
            try:
                conversations = project.conversations(library)
            except Exception as exc:
                if not hasattr(exc, "kept"):  # LibraryCorrupt: moved aside once, the rest kept
                    continue
                QMessageBox.warning(self, "Conversation library damaged", str(exc))
                try:
                    conversations = project.conversations(library)
                except Exception:
                    continue
            for conversation in conversations:
                self._choices.append(conversation)
                self.picker.addItem(f"{library} · {conversation.get('id', '?')}")
        for conversation in read_samples():
            self._choices.append(conversation)
            self.picker.addItem(f"{SAMPLES} · {conversation['id']}")

    def choose(self, label_part: str) -> bool:
        """Select the first conversation whose label contains `label_part` (tests, shortcuts)."""
        for i in range(self.picker.count()):
            if label_part in self.picker.itemText(i):
                self.picker.setCurrentIndex(i)
                return True
        return False

    def _load(self) -> None:
        index = self.picker.currentIndex()
        if 0 <= index < len(self._choices):
            self.load_requested.emit(self._choices[index])

    def set_progress(self, done: int, total: int) -> None:
        self.progress.setText(f"step {done} of {total}" if total else "")
        self.step_button.setEnabled(done < total)
        self.play_button.setEnabled(done < total)


def append_jsonl(path: Path, conversation: dict[str, Any]) -> None:
    """Append one conversation line to a JSON Lines file (created if missing)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(conversation, ensure_ascii=False, sort_keys=False) + "\n")


def ask_jsonl_path(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Save the test to a conversations file",
                                          str(Path.home() / "simulator-tests.jsonl"), "JSON Lines (*.jsonl)",
                                          options=QFileDialog.Option.DontConfirmOverwrite)
    return Path(name) if name else None
