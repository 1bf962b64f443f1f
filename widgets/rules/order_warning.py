"""The warning above a rule that can never fire, with the one-click fix when there is one.

Why here and not only in the problems list: the manager who just wrote the rule is looking at it;
"'Legal threats…' above it decides first" and a "Move above" button fix it without a detour.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from builder.format.model import Rule
from widgets.common.style import icon


class OrderWarning(QFrame):
    """Hidden unless the shown rule can never fire. Emits `move_above_requested(blocker_id)`."""

    move_above_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderWarning")
        self.setStyleSheet("#orderWarning { background: #fffbeb; border: 1px solid #f59e0b; border-radius: 6px; }"
                           "#orderWarning QLabel { background: transparent; color: #78350f; }")
        self._blocker: str | None = None
        self.icon = QLabel(self)
        self.icon.setPixmap(icon("warning").pixmap(16, 16))
        self.message = QLabel(self)
        self.message.setObjectName("orderWarningText")
        self.message.setWordWrap(True)
        self.move_button = QPushButton(self)
        self.move_button.setObjectName("moveAboveButton")
        self.move_button.clicked.connect(self._move)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.icon)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.move_button)
        self.hide()

    @property
    def blocker(self) -> str | None:
        return self._blocker

    def show_shadowed(self, blocker: Rule) -> None:
        """The rule is always pre-empted by `blocker`, which sits above it."""
        self._blocker = blocker.id
        self.message.setText(f"This rule can never fire: \u201c{_short(blocker.name)}\u201d above it matches "
                             "whenever this one does and decides first.")
        self.move_button.setText(f"Move above \u201c{_short(blocker.name, 28)}\u201d")
        self.move_button.setToolTip(f"Put this rule just above \u201c{blocker.name}\u201d (Undo puts it back)")
        self.move_button.show()
        self.show()

    def show_never_fires(self, message: str) -> None:
        """The rule's own conditions contradict each other: no move helps, the message says why."""
        self._blocker = None
        self.message.setText(message)
        self.move_button.hide()
        self.show()

    def clear(self) -> None:
        self._blocker = None
        self.hide()

    def _move(self) -> None:
        if self._blocker is not None:
            self.move_above_requested.emit(self._blocker)


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "\u2026"
