"""A scroll area that holds a page or a panel: it fills the area when there is room, scrolls when not.

Why: a tall panel must never raise its window's minimum size above a laptop screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class PageScroll(QScrollArea):
    """A page's scroll area: the page fills it when there is room, scrolls when there is not."""

    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageScroll")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setWidget(page)
        self.setAccessibleName(page.accessibleName())
