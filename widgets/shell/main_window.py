"""The main window: rule list, rule editor, problems, pages, opening a project or a file.

Start-up lives in `widgets.shell.startup`; saving, crash recovery and export in `widgets.shell.saving` (the
window's base class); where the commands appear (menus, toolbar) in `widgets.shell.menus`.

The window owns one `Document` and its `QUndoStack` for its whole life; opening another project
or file replaces the document's ruleset (not an edit: the undo history starts afresh), so every
view built on the document stays connected. Dirty state is the undo stack's clean state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QIcon, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMessageBox,
    QSplitter,
    QWidget,
)

from builder.editing.document import Document
from builder.format.io import ruleset_to_edit
from builder.format.model import Escalate, Group, Leaf, Metadata, Rule, Ruleset
from rules_schema import Problem, content_hash
from widgets.common.editor_page import subscribe
from widgets.common.error_dialog import show_error
from widgets.common.first_paint import hold_until_painted, painted
from widgets.common.style import icon
from widgets.common.undo_commands import InsertRuleCommand, RemoveRuleCommand, SetRulesetCommand
from widgets.rules.rule_editor import RuleEditor
from widgets.rules.rule_list import RuleList
from widgets.rules.rule_list_model import RuleListModel
from widgets.shell.menus import build_menus, build_toolbar, make_action
from widgets.shell.page_tabs import PageTabs
from widgets.shell.pages import install_pages
from widgets.shell.problems_panel import ProblemsPanel, rule_id_of
from widgets.shell.project_list import install_project_list
from widgets.shell.saving import SavingWindow
from widgets.shell.startup import read_ruleset_file
from widgets.shell.undo_view import TextUndoGuard, next_command, show_page_of
from widgets.shell.window_state import restore_splitters, restore_window_state, save_window_state
from widgets.shell.workspace_notices import ask_open_backup, tell_damaged_project

_icon = icon  # add_page has a parameter named icon

log = logging.getLogger(__name__)

APP_TITLE = "Handoff Builder"
UNDO_LIMIT = 500
RECOVERY_IDLE_MS = 2000
PAGE_ICONS = {"Rules": "rules", "Templates": "templates", "Business hours": "hours", "Routing": "routing",
              "Channels": "channels", "Simulator": "simulator", "Replay": "replay"}
LAZY_PAGE_ATTRIBUTES = {"simulator_page": "Simulator", "replay_page": "Replay"}


def default_size() -> QSize:
    """1280×800, or the screen's free area when that is smaller (a 1366×768 laptop)."""
    screen = QGuiApplication.primaryScreen()
    wanted = QSize(1280, 800)
    return wanted if screen is None else wanted.boundedTo(screen.availableGeometry().size())


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
        self._lazy_pages: dict[str, tuple[QWidget, Callable[[], object]]] = {}
        self._lazy_slot: QWidget | None = None
        self.pages.currentChanged.connect(self._on_page_changed)
        self.add_page("Rules", self.rules_page, icon("rules"))
        install_pages(self)
        self.pages.setCurrentWidget(self.rules_page)

        self.problems_dock = QDockWidget("Problems", self)
        self.problems_dock.setObjectName("problemsDock")
        self.problems_dock.setWidget(self.problems_panel)
        self.problems_dock.setTitleBarWidget(QWidget(self.problems_dock))
        self.problems_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        self.resizeDocks([self.problems_dock], [140], Qt.Orientation.Vertical)

        self._build_actions()
        build_menus(self)
        install_project_list(self)
        self.toolbar = build_toolbar(self)
        self.status_rules = QLabel(self)
        self.status_problems = QLabel(self)
        self.statusBar().addPermanentWidget(self.status_problems)
        self.statusBar().addPermanentWidget(self.status_rules)

        self.recovery_timer = QTimer(self)
        self.recovery_timer.setSingleShot(True)
        self.recovery_timer.setInterval(RECOVERY_IDLE_MS)
        self.recovery_timer.timeout.connect(self.write_recovery)

        self.rule_list.rule_selected.connect(self._on_rule_selected)
        self.problems_panel.problem_activated.connect(self.go_to_problem)
        self.problems_panel.problems_changed.connect(self._on_problems_changed)
        self.undo_stack.cleanChanged.connect(self._update_title)
        self.undo_stack.indexChanged.connect(self._on_edited)
        subscribe(self, [(self.document.changed, self._update_rule_count)])
        self.resize(default_size())
        self._update_title()
        self._update_rule_count()
        self._on_rule_selected(None)
        restore_window_state(self)

    def save_layout(self) -> None:
        """Remember size, place, maximised state and splitters in the workspace (for the next start)."""
        built = {self.pages.tabText(i): self.pages.widget(i) for i in range(self.pages.count())
                 if self.pages.tabText(i) not in self._lazy_pages}
        save_window_state(self, {title: page for title, page in built.items() if page is not None})

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.__dict__.get("_holds_work"):
            self._holds_work = False
            painted()  # validation and previews waited for this first paint
        return super().event(event)

    # --- pages -------------------------------------------------------------------------------

    def add_page(self, title: str, widget: QWidget, icon: QIcon | None = None) -> int:
        """Add a page (templates, hours, channels, simulator…); returns its tab index.

        While a lazy page is being built, its page takes the placeholder's tab instead.
        """
        widget.setAccessibleName(widget.accessibleName() or f"{title} page")
        if icon is None and title in PAGE_ICONS:
            icon = _icon(PAGE_ICONS[title])
        restore_splitters(self, title, widget)
        slot, self._lazy_slot = self._lazy_slot, None
        if slot is None:
            return self.pages.addTab(widget, icon or QIcon(), title)
        index = self.pages.indexOf(slot)
        was_current = self.pages.currentIndex() == index
        self.pages.insertTab(index, widget, icon or self.pages.tabIcon(index), title)
        if was_current:
            self.pages.setCurrentIndex(index)
        self.pages.removeTab(index + 1)  # deletes the placeholder with its scroll area
        return index

    def add_lazy_page(self, title: str, build: Callable[[], object], icon: QIcon | None = None) -> int:
        """A tab whose page is built the first time it is shown (or asked for), to keep start-up fast.

        `build` must call `add_page` once (for example an `install_…(window)` function).
        """
        placeholder = QLabel(f"Opening the {title} page…", self)
        placeholder.setObjectName("pageLoading")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setAccessibleName(f"{title} page")
        self._lazy_pages[title] = (placeholder, build)
        return self.add_page(title, placeholder, icon)

    def ensure_page(self, title: str) -> QWidget | None:
        """The page titled `title`, building it first if it is lazy and not built yet."""
        pending = self._lazy_pages.pop(title, None)
        if pending is not None:
            placeholder, build = pending
            self._lazy_slot = placeholder
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)  # a slow page shows it is working
            self.statusBar().showMessage(f"Opening the {title} page…")
            self.statusBar().repaint()
            try:
                build()
            finally:
                QApplication.restoreOverrideCursor()
                self.statusBar().clearMessage()
                if self._lazy_slot is placeholder:  # build() never added its page
                    self._lazy_slot = None
                    log.warning("the %s page did not add itself", title)
        for index in range(self.pages.count()):
            if self.pages.tabText(index) == title:
                return self.pages.widget(index)
        return None

    def _on_page_changed(self, index: int) -> None:
        title = self.pages.tabText(index)
        if title in self._lazy_pages and self.pages.widget(index) is self._lazy_pages[title][0]:
            QTimer.singleShot(0, lambda: self.ensure_page(title))  # the tab switch paints first

    def __getattr__(self, name: str) -> Any:
        """`simulator_page` / `replay_page` exist once built; asking for one builds it."""
        title = LAZY_PAGE_ATTRIBUTES.get(name)
        if title is not None and title in self.__dict__.get("_lazy_pages", {}):
            self.ensure_page(title)
            if name in self.__dict__:
                return self.__dict__[name]
        raise AttributeError(name)

    # --- actions -------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        """The window's commands and their keys (where they appear: `widgets.shell.menus`)."""
        self.new_action = make_action(self, "&New rule", self.new_rule, ["Ctrl+N"], "new",
                                      "Add a rule below the selected one")
        self.duplicate_action = make_action(self, "&Duplicate rule", self.duplicate_rule, ["Ctrl+D"], "duplicate",
                                            "Copy the selected rule")
        self.delete_action = make_action(self, "De&lete rule", self.delete_rule, [QKeySequence(Qt.Key.Key_Delete)],
                                         "delete", "Delete the selected rule")
        self.undo_action = make_action(self, "&Undo", lambda: self.undo_redo(redo=False),
                                       [QKeySequence("Ctrl+Z")], "undo", "Undo the last change")
        self.redo_action = make_action(self, "&Redo", lambda: self.undo_redo(redo=True),
                                       [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")], "redo",
                                       "Redo the change you undid")
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda text: self.undo_action.setText(f"&Undo {text}".rstrip()))
        self.undo_stack.redoTextChanged.connect(lambda text: self.redo_action.setText(f"&Redo {text}".rstrip()))
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        app = QApplication.instance()
        if app is not None and not getattr(app, "_text_undo_guard", None):
            app._text_undo_guard = TextUndoGuard(app)  # type: ignore[attr-defined]
            app.installEventFilter(app._text_undo_guard)  # type: ignore[attr-defined]
        self.addActions([self.undo_action, self.redo_action])
        self.save_action = make_action(self, "&Save", lambda: self.save(), ["Ctrl+S"], "save",
                                       "Save a new revision")
        self.export_action = make_action(self, "&Export…", self.export, ["Ctrl+E"], "export",
                                         "Write the ruleset file a chatbot loads")
        self.find_action = make_action(self, "&Find rules", self.find, ["Ctrl+F"], "find",
                                       "Search rules by name, kind or fact")
        self.open_action = make_action(self, "&Open ruleset file…", self.open_file_dialog, ["Ctrl+O"], "open",
                                       "Open a ruleset JSON file")
        self.quit_action = make_action(self, "&Quit", self.close, ["Ctrl+Q"], "quit", "Close Handoff Builder")
        self.shortcuts_action = make_action(self, "&Keyboard shortcuts", self.show_shortcuts, [], None)
        self.about_action = make_action(self, "&About Handoff Builder", self.show_about, [], None)

    def undo_redo(self, redo: bool) -> None:
        """Undo (or redo) the last change, first bringing the page it changes into view."""
        command = next_command(self.undo_stack, redo)
        if command is None:
            return
        show_page_of(self, command)
        if redo:
            self.undo_stack.redo()
        else:
            self.undo_stack.undo()
        self.statusBar().showMessage(f"{'Redid' if redo else 'Undid'}: {command.text()}", 4000)

    # --- rule commands ---------------------------------------------------------------------------

    def selected_rule(self) -> Rule | None:
        rule_id = self.rule_list.selected_rule_id()
        return self.document.ruleset.rule(rule_id) if rule_id else None

    def _insert_row(self) -> int:
        rule = self.selected_rule()
        return self.document.index_of(rule.id) + 1 if rule else len(self.document.rules)

    def new_rule(self) -> str:
        """Add a working starter rule (asks for a human → hand over) below the selection."""
        names = {r.name for r in self.document.rules}
        name, n = "New rule", 2
        while name in names:
            name, n = f"New rule {n}", n + 1
        teams = self.document.ruleset.routing.teams
        rule = Rule(
            id=self.document.unique_rule_id("new-rule"), name=name, trigger="explicit_request",
            when=Group("all", (Leaf("message.text", "contains_any", ("talk to a human",)),)),
            actions=(Escalate("instant", teams[0].id if teams else "support", "normal"),),
        )
        row = self._insert_row()
        self.rule_editor.fresh_ids.add(rule.id)
        self.undo_stack.push(InsertRuleCommand(self.document, row, rule))
        self.rule_list.clear_filter()
        self.rule_list.select_rule(rule.id)
        above = f", below '{self.document.rules[row - 1].name}'" if row > 0 else " at the top"
        self.statusBar().showMessage(f"Added '{name}' as rule {row + 1}{above}: the rules above it are checked "
                                     "first.", 6000)
        return rule.id

    def duplicate_rule(self) -> str | None:
        rule = self.selected_rule()
        if rule is None:
            self.statusBar().showMessage("Select a rule to duplicate.", 4000)
            return None
        copy = replace(rule, id=self.document.unique_rule_id(f"{rule.id}-copy"), name=f"{rule.name} (copy)")
        self.rule_editor.fresh_ids.add(copy.id)
        self.undo_stack.push(InsertRuleCommand(self.document, self._insert_row(), copy,
                                               f"Duplicate rule '{rule.name}'"))
        self.rule_list.select_rule(copy.id)
        return copy.id

    def delete_rule(self) -> None:
        rule = self.selected_rule()
        if rule is None:
            self.statusBar().showMessage("Select a rule to delete.", 4000)
            return
        row = self.document.index_of(rule.id)
        self.undo_stack.push(RemoveRuleCommand(self.document, rule.id))
        if self.document.rules:
            self.rule_list.select_rule(self.document.rules[min(row, len(self.document.rules) - 1)].id)
        self.statusBar().showMessage(f"Deleted '{rule.name}' (Undo brings it back).", 5000)

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
        self.rule_model.set_problems(self.problems_panel.worst_by_rule())
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((errors, "error"), (warnings, "warning")) if n]
        self.status_problems.setText(", ".join(parts) or "No problems")
        self.status_problems.setMinimumWidth(self.status_problems.sizeHint().width())  # never clipped
        self.rule_editor.show_problems(problems)

    # --- loading ---------------------------------------------------------------------------------

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
        from builder.workspace import ProjectCorrupt, WorkspaceError  # lazy: start-up, see startup.open_workspace

        try:
            try:
                project = self.workspace.project(name)
            except ProjectCorrupt as exc:
                if exc.backup is None:  # nothing to open instead: say so, and where it is listed
                    tell_damaged_project(self, exc)
                    return False
                if not ask_open_backup(self, exc):
                    return False
                project = self.workspace.project(name, use_backup=True)
            ruleset = ruleset_to_edit(project.current())
        except (WorkspaceError, ValueError) as exc:
            show_error(self, "Cannot open the project", str(exc))
            return False
        self.load_ruleset(ruleset, project=project)
        if not project.read_only:
            self.workspace.settings.set("last_project", name)
        if project.read_only_reason:
            self.statusBar().showMessage(project.read_only_reason, 15000)
            QMessageBox.information(self, "Opened read-only", project.read_only_reason)
        self.offer_recovery()
        return True

    def offer_recovery(self) -> None:
        """If edits from a session that did not end cleanly exist, offer to bring them back."""
        if self.project is None:
            return
        try:
            recovered = self.project.recovery()
        except Exception as exc:
            log.warning("recovery unreadable: %s", exc)
            return
        if recovered is None or content_hash(recovered) == content_hash(self.document.ruleset.to_dict()):
            return
        answer = QMessageBox.question(
            self, "Restore unsaved changes?",
            f"Handoff Builder closed without saving your last changes to “{self.project.name}”.\n\n"
            "Restore them? (You can still undo the restore.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            try:
                ruleset = ruleset_to_edit(recovered)
            except ValueError as exc:
                show_error(self, "Cannot restore", str(exc))
                return
            self.undo_stack.push(SetRulesetCommand(self.document, ruleset, "Restore unsaved changes"))
            self.statusBar().showMessage("Restored the unsaved changes. Save to keep them.", 8000)
        else:
            self._clear_recovery()

    def open_file(self, path: Path) -> bool:
        """Open a ruleset JSON file; Save then writes back to it."""
        try:
            ruleset = ruleset_to_edit(read_ruleset_file(path))
        except ValueError as exc:
            show_error(self, "Cannot open the file", f"{path.name}: {exc}")
            return False
        self.load_ruleset(ruleset, file_path=path)
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def open_file_dialog(self) -> None:
        if not self.maybe_save():
            return
        name, _ = QFileDialog.getOpenFileName(self, "Open ruleset", str(Path.home()), "Rulesets (*.json)")
        if name:
            self.open_file(Path(name))

    # --- closing -----------------------------------------------------------------------------------

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

    # --- title, status, help ---------------------------------------------------------------------------

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

    def _update_rule_count(self) -> None:
        rules = self.document.rules
        on = sum(1 for r in rules if r.enabled)
        self.status_rules.setText(f"{len(rules)} rules, {on} on")

    def _on_edited(self, *_: object) -> None:
        self._update_title()
        self.recovery_timer.start()

    def show_shortcuts(self) -> None:
        lines = []
        for action in (self.new_action, self.duplicate_action, self.delete_action, self.undo_action,
                       self.redo_action, self.save_action, self.export_action, self.find_action,
                       self.open_action, self.quit_action):
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            lines.append(f"<tr><td>{action.text().replace('&', '').rstrip('…')}</td><td><b>{keys}</b></td></tr>")
        QMessageBox.information(self, "Keyboard shortcuts", "<table cellpadding=4>" + "".join(lines) + "</table>")

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_TITLE}",
                          f"<b>{APP_TITLE}</b><p>Build, test and export the rules that decide when your "
                          "website chatbot hands a visitor over to a human.</p>")
