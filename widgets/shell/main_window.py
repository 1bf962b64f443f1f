"""The main window: the rules page (list + editor), the problems dock, the pages, and the document
behind them.

The window owns one `Document` and its `QUndoStack` for its whole life; opening another project
or file replaces the document's ruleset (not an edit: the undo history starts afresh), so every
view built on the document stays connected. Dirty state is the undo stack's clean state.

What the window does is in modules of its own: start-up (`startup`), opening a project or a file
(`opening`), saving, crash recovery and export (`saving`, the window's base class), the commands
and their keys (`commands`), where they appear (`menus`), the rule commands (`rule_commands`),
the pages and the lazy ones (`page_tabs`, `pages`), Undo that shows its page (`undo_view`), the
status bar's counts (`status_bar`) and the window's remembered layout (`window_state`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QIcon, QUndoStack
from PySide6.QtWidgets import QDockWidget, QSplitter, QWidget

from builder.editing.document import Document
from builder.format.model import Metadata, Rule, Ruleset
from rules_schema import Problem
from widgets.common.first_paint import hold_until_painted, painted
from widgets.common.style import icon
from widgets.rules.rule_editor import RuleEditor
from widgets.rules.rule_list import RuleList
from widgets.rules.rule_list_model import RuleListModel
from widgets.shell import opening, rule_commands
from widgets.shell.commands import APP_TITLE, build_commands
from widgets.shell.dialogs.project_list import install_project_list
from widgets.shell.menus import build_menus, build_toolbar
from widgets.shell.page_tabs import PageTabs
from widgets.shell.pages import install_pages
from widgets.shell.problems_panel import ProblemsPanel, rule_id_of
from widgets.shell.saving import SavingWindow
from widgets.shell.status_bar import install_status
from widgets.shell.window_state import restore_window_state, save_window_state

UNDO_LIMIT = 500
RECOVERY_IDLE_MS = 2000
PROBLEMS_HEIGHT = 150  # px: the Problems list unfolded (a summary line and four rows); folded when empty
LAZY_PAGE_ATTRIBUTES = {"simulator_page": "Simulator", "replay_page": "Replay"}


WANTED_SIZE = QSize(1280, 800)
FRAME_ALLOWANCE = 48  # px a window manager may add around the inside (title bar and borders)


def default_size() -> QSize:
    """1280×800, or the screen's free area when that is smaller (a 1366×768 laptop)."""
    screen = QGuiApplication.primaryScreen()
    return WANTED_SIZE if screen is None else WANTED_SIZE.boundedTo(screen.availableGeometry().size())


def opens_maximized() -> bool:
    """Whether a first window should open maximized: 1280×800 and its frame do not fit the screen's
    free area (a 1366×768 laptop), where a window sized to that area would push its title bar and
    bottom edge off screen; the window manager fits a maximized one exactly."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return False
    free = screen.availableGeometry().size()
    return (WANTED_SIZE.width() + FRAME_ALLOWANCE > free.width()
            or WANTED_SIZE.height() + FRAME_ALLOWANCE > free.height())


class MainWindow(SavingWindow):
    """Rules page (list + editor), problems dock, menus, toolbar; more pages via `add_page`.

    Signals: `problem_outside_rules(problem)` for a clicked problem in templates, schedules,
    routing or channels (the page that edits those can show it).
    """

    problem_outside_rules = Signal(object)

    def __init__(self, workspace: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.project: Any = None
        self.file_path: Path | None = None
        self.document = Document(Ruleset(metadata=Metadata("Untitled ruleset")))
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self.setWindowIcon(icon("app"))
        self.setObjectName("mainWindow")
        self._holds_work = hold_until_painted()

        self.rule_model = RuleListModel(self.document, self.undo_stack, self)
        self.rule_list = RuleList(self.rule_model, self)
        self.rule_editor = RuleEditor(self.document, self.undo_stack, self)
        self.rule_editor.setAccessibleName("Rule editor")
        self.problems_panel = ProblemsPanel(self.document, self)

        self.rules_page = QSplitter(Qt.Orientation.Horizontal, self)
        self.rules_page.setObjectName("rulesPage")
        self.rules_page.addWidget(self.rule_list)
        self.rules_page.addWidget(self.rule_editor)
        self.rules_page.setStretchFactor(0, 1)  # on big screens the list grows too, at half the pace
        self.rules_page.setStretchFactor(1, 2)
        self.rules_page.setSizes([460, 820])
        self.rules_page.setChildrenCollapsible(False)
        self.rule_list.setMinimumWidth(300)

        self.pages = PageTabs(self)
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.pages.setAccessibleName("Pages")
        self.setCentralWidget(self.pages)
        self.add_page("Rules", self.rules_page, icon("rules"))
        install_pages(self)
        self.pages.setCurrentWidget(self.rules_page)

        self.problems_dock = QDockWidget("Problems", self)
        self.problems_dock.setObjectName("problemsDock")
        self.problems_dock.setWidget(self.problems_panel)
        self.problems_dock.setTitleBarWidget(QWidget(self.problems_dock))
        self.problems_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        self.resizeDocks([self.problems_dock], [PROBLEMS_HEIGHT], Qt.Orientation.Vertical)

        build_commands(self)
        build_menus(self)
        install_project_list(self)
        self.toolbar = build_toolbar(self)
        self.status_problems, self.status_rules = install_status(self.statusBar(), self.document)

        self.recovery_timer = QTimer(self)
        self.recovery_timer.setSingleShot(True)
        self.recovery_timer.setInterval(RECOVERY_IDLE_MS)
        self.recovery_timer.timeout.connect(self.write_recovery)

        self.rule_list.rule_selected.connect(self._on_rule_selected)
        self.problems_panel.problem_activated.connect(self.go_to_problem)
        self.problems_panel.problems_changed.connect(self._on_problems_changed)
        self.undo_stack.cleanChanged.connect(self._update_title)
        self.undo_stack.indexChanged.connect(self._on_edited)
        self.resize(default_size())
        self._update_title()
        self._on_rule_selected(None)
        self.restored = restore_window_state(self)  # a saved layout: open as the manager left it

    def save_layout(self) -> None:
        """Remember size, place, maximised state and splitters in the workspace (for the next start)."""
        save_window_state(self, self.pages.built_pages())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.__dict__.get("_holds_work"):
            self._holds_work = False
            painted()  # validation and previews waited for this first paint
        return super().event(event)

    # --- pages (`widgets.shell.page_tabs`) -----------------------------------------------------------

    def add_page(self, title: str, widget: QWidget, icon: QIcon | None = None) -> int:
        """Add a page (templates, hours, channels, simulator…); returns its tab index."""
        return self.pages.add_page(title, widget, icon)

    def add_lazy_page(self, title: str, build: Callable[[], object], icon: QIcon | None = None) -> int:
        """A tab whose page `build` adds (through `add_page`) the first time it is shown or asked for."""
        return self.pages.add_lazy_page(title, build, icon)

    def ensure_page(self, title: str) -> QWidget | None:
        """The page titled `title`, building it first if it is lazy and not built yet."""
        return self.pages.ensure_page(title)

    def __getattr__(self, name: str) -> Any:
        """`simulator_page` / `replay_page` exist once built; asking for one builds it."""
        title = LAZY_PAGE_ATTRIBUTES.get(name)
        pages = self.__dict__.get("pages")
        if title is not None and pages is not None and pages.placeholder(title) is not None:
            pages.ensure_page(title)
            if name in self.__dict__:
                return self.__dict__[name]
        raise AttributeError(name)

    # --- rules (`widgets.shell.rule_commands`) ------------------------------------------------------

    def selected_rule(self) -> Rule | None:
        return rule_commands.selected_rule(self)

    def new_rule(self) -> str:
        """Add a working starter rule below the selection; its id."""
        return rule_commands.new_rule(self)

    def duplicate_rule(self) -> str | None:
        return rule_commands.duplicate_rule(self)

    def delete_rule(self) -> None:
        rule_commands.delete_rule(self)

    def find(self) -> None:  # type: ignore[override]  # the Find command, not QWidget.find(id)
        self.pages.setCurrentWidget(self.rules_page)
        self.rule_list.focus_search()

    def _on_rule_selected(self, rule_id: str | None) -> None:
        self.rule_editor.show_rule(rule_id)
        has = rule_id is not None
        self.duplicate_action.setEnabled(has)
        self.delete_action.setEnabled(has)

    # --- problems --------------------------------------------------------------------------------

    def go_to_problem(self, problem: Problem) -> None:
        """Select the problem's rule and let the editor focus the field (and show it inline)."""
        rule_id = rule_id_of(problem, self.document)
        if rule_id is None:
            self.statusBar().showMessage(problem.message, 8000)
            self.problem_outside_rules.emit(problem)
            return
        self.pages.setCurrentWidget(self.rules_page)
        self.rule_list.select_rule(rule_id)
        self.rule_editor.show_rule(rule_id)
        self.rule_editor.focus_problem(problem)

    def _on_problems_changed(self, problems: list[Problem]) -> None:
        if problems and self.problems_dock.height() < PROBLEMS_HEIGHT:  # unfolds with room for a few rows
            self.resizeDocks([self.problems_dock], [PROBLEMS_HEIGHT], Qt.Orientation.Vertical)
        self.rule_model.set_problems(self.problems_panel.worst_by_rule())
        self.status_problems.show_problems(problems)
        self.rule_editor.show_problems(problems)

    # --- opening (`widgets.shell.opening`) ---------------------------------------------------------

    def load_ruleset(self, ruleset: Ruleset, *, project: Any = None, file_path: Path | None = None) -> None:
        """Show `ruleset` as a fresh, clean document (opening is not an edit: no undo step)."""
        self.project, self.file_path = project, file_path
        self.undo_stack.clear()
        self.document.set_ruleset(ruleset)
        self.undo_stack.setClean()
        self.rule_list.clear_filter()
        self.rule_list.select_rule(ruleset.rules[0].id if ruleset.rules else None)
        self.problems_panel.schedule_validation()  # waits for the first paint at start-up
        self._update_title()

    def open_project(self, name: str) -> bool:
        """Open a workspace project; offers the unsaved edits of a crashed session if there are any."""
        return opening.open_project(self, name)

    def open_file(self, path: Path) -> bool:
        """Open a ruleset JSON file; Save then writes back to it."""
        return opening.open_file(self, path)

    def open_file_dialog(self) -> None:
        opening.open_file_dialog(self)

    # --- closing ---------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.recovery_timer.stop()
        self.save_layout()
        self.problems_panel.disconnect_document()
        if self.workspace is not None and not getattr(self.workspace, "closed", False):
            self.workspace.close()
        event.accept()

    # --- title -----------------------------------------------------------------------------------

    def display_name(self) -> str:
        if self.project is not None:
            return str(self.project.name)
        if self.file_path is not None:
            return self.file_path.name
        return self.document.ruleset.metadata.name

    def _update_title(self, *_: object) -> None:
        read_only = " (read-only)" if (self.workspace is not None and self.workspace.read_only) or getattr(
            self.project, "read_only", False) else ""
        self.setWindowTitle(f"{self.display_name()}[*]{read_only} — {APP_TITLE}")
        self.setWindowModified(not self.undo_stack.isClean())

    def _on_edited(self, *_: object) -> None:
        self._update_title()
        self.recovery_timer.start()
