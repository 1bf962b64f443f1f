"""The window's pages as tabs, each page inside its own scroll area.

Why: a tab widget is as large as its largest page, so one tall editor (the business-hours week
grid) used to raise the whole window's minimum size above a laptop screen. In a scroll area a page
keeps its natural layout when there is room and scrolls when there is not; no page can make the
window larger than the screen. Callers keep handing the tabs the page itself: `widget`,
`currentWidget`, `indexOf` and `setCurrentWidget` see through the scroll area.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QTabWidget, QWidget

from widgets.common.page_scroll import PageScroll


class PageTabs(QTabWidget):
    """A `QTabWidget` whose pages scroll; its page methods take and return the pages themselves."""

    def addTab(self, page: QWidget, icon: QIcon, title: str) -> int:  # type: ignore[override]
        return super().addTab(PageScroll(page, self), icon, title)

    def insertTab(self, index: int, page: QWidget, icon: QIcon, title: str) -> int:  # type: ignore[override]
        return super().insertTab(index, PageScroll(page, self), icon, title)

    def widget(self, index: int) -> QWidget | None:  # type: ignore[override]
        scroll = super().widget(index)
        return scroll.widget() if isinstance(scroll, PageScroll) else scroll

    def currentWidget(self) -> QWidget | None:  # type: ignore[override]
        return self.widget(self.currentIndex())

    def indexOf(self, page: QWidget) -> int:  # type: ignore[override]
        for index in range(self.count()):
            if self.widget(index) is page or super().widget(index) is page:
                return index
        return -1

    def setCurrentWidget(self, page: QWidget) -> None:  # type: ignore[override]
        index = self.indexOf(page)
        if index >= 0:
            self.setCurrentIndex(index)

    def removeTab(self, index: int) -> None:
        """Remove the tab; its scroll area and the page in it are deleted (a replaced placeholder)."""
        scroll = super().widget(index)
        super().removeTab(index)
        if isinstance(scroll, PageScroll):
            scroll.deleteLater()
