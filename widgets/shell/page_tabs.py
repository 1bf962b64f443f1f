"""The window's pages as tabs, each page inside its own scroll area, the slow ones built on first visit.

Why scroll areas: a tab widget is as large as its largest page, so one tall editor (the business-hours
week grid) used to raise the whole window's minimum size above a laptop screen. In a scroll area a
page keeps its natural layout when there is room and scrolls when there is not; no page can make the
window larger than the screen. Callers keep handing the tabs the page itself: `widget`,
`currentWidget`, `indexOf` and `setCurrentWidget` see through the scroll area.

Why lazy pages: the simulator and the replay dashboard (pyqtgraph) take most of a second to build; a
first launch paints the rules page without paying for editors the user may not open. A lazy page is
a placeholder tab ("Opening the Replay page…") until it is shown or asked for (`ensure_page`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget, QWidget

from widgets.common.page_scroll import PageScroll
from widgets.common.style import icon as named_icon
from widgets.shell.window_state import restore_splitters

log = logging.getLogger(__name__)

PAGE_ICONS = {"Rules": "rules", "Templates": "templates", "Business hours": "hours", "Routing": "routing",
              "Channels": "channels", "Simulator": "simulator", "Replay": "replay"}


class PageTabs(QTabWidget):
    """A `QTabWidget` whose pages scroll; its page methods take and return the pages themselves.

    Lives in a `QMainWindow` (its status bar says when a slow page is being built, and the
    workspace remembers each page's splitters)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lazy: dict[str, tuple[QWidget, Callable[[], object]]] = {}  # title -> (placeholder, build)
        self._slot: QWidget | None = None  # the placeholder a page being built replaces
        self.currentChanged.connect(self._on_current_changed)

    # --- adding pages ----------------------------------------------------------------------------

    def add_page(self, title: str, page: QWidget, icon: QIcon | None = None) -> int:
        """Add a page (templates, hours, channels, simulator…); returns its tab index.

        While a lazy page is being built, its page takes the placeholder's tab instead.
        """
        page.setAccessibleName(page.accessibleName() or f"{title} page")
        if icon is None and title in PAGE_ICONS:
            icon = named_icon(PAGE_ICONS[title])
        restore_splitters(self.window(), title, page)
        slot, self._slot = self._slot, None
        if slot is None:
            return self.addTab(page, icon or QIcon(), title)
        index = self.indexOf(slot)
        was_current = self.currentIndex() == index
        self.insertTab(index, page, icon or self.tabIcon(index), title)
        if was_current:
            self.setCurrentIndex(index)
        self.removeTab(index + 1)  # deletes the placeholder with its scroll area
        return index

    def add_lazy_page(self, title: str, build: Callable[[], object], icon: QIcon | None = None) -> int:
        """A tab whose page is built the first time it is shown (or asked for), to keep start-up fast.

        `build` must add its page once, through the window's `add_page` (e.g. an `install_…(window)`).
        """
        placeholder = QLabel(f"Opening the {title} page…", self)
        placeholder.setObjectName("pageLoading")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setAccessibleName(f"{title} page")
        self._lazy[title] = (placeholder, build)
        return self.add_page(title, placeholder, icon)

    def ensure_page(self, title: str) -> QWidget | None:
        """The page titled `title`, building it first if it is lazy and not built yet."""
        pending = self._lazy.pop(title, None)
        if pending is not None:
            placeholder, build = pending
            self._slot = placeholder
            window = self.window()
            status = window.statusBar() if isinstance(window, QMainWindow) else None
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)  # a slow page shows it is working
            if status is not None:
                status.showMessage(f"Opening the {title} page…")
                status.repaint()
            try:
                build()
            finally:
                QApplication.restoreOverrideCursor()
                if status is not None:
                    status.clearMessage()
                if self._slot is placeholder:  # build() never added its page
                    self._slot = None
                    log.warning("the %s page did not add itself", title)
        for index in range(self.count()):
            if self.tabText(index) == title:
                return self.widget(index)
        return None

    def placeholder(self, title: str) -> QWidget | None:
        """The stand-in of a lazy page not built yet (None once it is built, or if it is not lazy)."""
        pending = self._lazy.get(title)
        return pending[0] if pending is not None else None

    def built_pages(self) -> dict[str, QWidget]:
        """Every page built so far, by title (placeholders left out)."""
        pages = {self.tabText(i): self.widget(i) for i in range(self.count()) if self.tabText(i) not in self._lazy}
        return {title: page for title, page in pages.items() if page is not None}

    def _on_current_changed(self, index: int) -> None:
        title = self.tabText(index)
        if self.placeholder(title) is not None and self.widget(index) is self.placeholder(title):
            QTimer.singleShot(0, lambda: self.ensure_page(title))  # the tab switch paints first

    # --- the scroll areas: callers see the pages ---------------------------------------------------

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
