"""File ▸ Projects…: every project of the workspace, the damaged ones marked, and what to do.

Why a list of its own: a project whose file is damaged must never hide the others or lock the
manager out. It is listed as damaged with why, where the damaged file is kept ("Show file"), a
"Restore from revision N" (or from the unsaved changes) button when something intact survived,
and "Remove from list"; every other project opens from here as usual. On a read-only workspace
the restoring and removing buttons are disabled and say why.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from widgets.common.error_dialog import show_error
from widgets.shell.menus import make_action

DAMAGED_COLOUR = "#dc2626"
READ_ONLY_TIP = "The workspace is open read-only: nothing can be changed in it."


def counted(number: int, noun: str) -> str:
    """"1 revision", "3 revisions"."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


class ProjectsDialog(QDialog):
    """The workspace's projects; `window` is the main window (open_project, maybe_save, workspace)."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.setWindowTitle("Projects")
        self.setObjectName("projectsDialog")
        self.resize(640, 380)
        self.list = QListWidget(self)
        self.list.setObjectName("projectList")
        self.list.setAccessibleName("Projects")
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.list.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.details = QLabel(self)
        self.details.setObjectName("projectDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.open_button = QPushButton("Open", self)
        self.open_button.clicked.connect(self.open_selected)
        self.show_file_button = QPushButton("Show file", self)
        self.show_file_button.clicked.connect(self.show_file)
        self.remove_button = QPushButton("Remove from list", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.restore_buttons: list[QPushButton] = []
        self.restore_row = QVBoxLayout()

        side = QVBoxLayout()
        side.addWidget(self.details, 1)
        side.addLayout(self.restore_row)
        for button in (self.open_button, self.show_file_button, self.remove_button):
            side.addWidget(button)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()

    # --- what is shown ------------------------------------------------------------------------

    @property
    def workspace(self) -> Any:
        return self.window_.workspace

    def refresh(self, select: str | None = None) -> None:
        current = select or self.selected_name()
        try:
            self.workspace.check_missing_files()  # mark projects whose file is gone, reading nothing else
        except Exception as exc:  # the list must still show
            self.details.setText(str(exc))
        self.list.blockSignals(True)
        self.list.clear()
        open_name = getattr(self.window_.project, "name", None)
        for info in self.workspace.projects():
            damage = self.workspace.damage(info.name)
            text = info.name + (" — damaged" if damage else "") + (" (open)" if info.name == open_name else "")
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            if damage is not None:
                item.setForeground(QBrush(QColor(DAMAGED_COLOUR)))
                item.setToolTip(damage.message)
            if info.name == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self._show_selected()

    def selected_name(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def row_texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _show_selected(self) -> None:
        for button in self.restore_buttons:
            self.restore_row.removeWidget(button)
            button.hide()  # deleted later: never left showing at the dialog's corner meanwhile
            button.deleteLater()
        self.restore_buttons = []
        name = self.selected_name()
        damage = self.workspace.damage(name) if name else None
        read_only = bool(self.workspace.read_only)
        # a damaged project with a good backup copy opens from here (the window asks to use the copy)
        self.open_button.setEnabled(name is not None and (damage is None or damage.backup is not None))
        self.show_file_button.setEnabled(damage is not None and damage.kept is not None)
        self.remove_button.setEnabled(name is not None and not read_only)
        self.remove_button.setToolTip(READ_ONLY_TIP if read_only else "Take this project off the list; "
                                      "its file is kept, renamed, so nothing is lost")
        if name is None:
            self.details.setText("This workspace has no projects yet.")
            return
        if damage is None:
            info = next((p for p in self.workspace.projects() if p.name == name), None)
            revisions = f"{counted(info.revisions, 'revision')}, {counted(info.rules, 'rule')}" if info else ""
            self.details.setText(f"<b>{html.escape(name)}</b><br>{revisions}")
            return
        where = f"\n\nThe damaged file is kept at {damage.kept}" if damage.kept else ""
        self.details.setText(f"“{name}” is damaged: {damage.message}{where}")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        for option in damage.options:
            button = QPushButton(option.label, self)
            button.setEnabled(not read_only)
            button.setToolTip(READ_ONLY_TIP if read_only else "Write a new project file from this; "
                              "the damaged file stays where it is")
            button.clicked.connect(lambda _=False, o=option: self.restore(o))
            self.restore_row.addWidget(button)
            self.restore_buttons.append(button)

    # --- what can be done ---------------------------------------------------------------------

    def open_selected(self) -> None:
        name = self.selected_name()
        damage = self.workspace.damage(name) if name else None
        if name is None or (damage is not None and damage.backup is None):
            return
        if not self.window_.maybe_save():
            return
        if self.window_.open_project(name):
            self.accept()
        else:
            self.refresh(name)  # it may have just been found damaged

    def show_file(self) -> None:
        name = self.selected_name()
        damage = self.workspace.damage(name) if name else None
        if damage is None or damage.kept is None:
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(damage.kept.parent)))

    def restore(self, option: Any) -> None:
        name = self.selected_name()
        if name is None:
            return
        if not self.window_.maybe_save():
            return
        try:
            self.workspace.restore_project(name, option)
        except Exception as exc:
            show_error(self, "Could not restore", str(exc))
            self.refresh(name)
            return
        self.window_.open_project(name)
        self.window_.statusBar().showMessage(f"Restored “{name}” ({option.label[0].lower()}{option.label[1:]}).",
                                             8000)
        self.refresh(name)

    def remove_selected(self) -> None:
        name = self.selected_name()
        if name is None or self.workspace.read_only:
            return
        damage = self.workspace.damage(name)
        kept = (f"Its damaged file stays at {damage.kept}." if damage is not None and damage.kept is not None
                else "Its file is kept next to the others, renamed, so it can be brought back by hand.")
        answer = QMessageBox.question(self, "Remove from list", f"Remove “{name}” from the list of projects? {kept}")
        if answer != QMessageBox.StandardButton.Yes:
            return
        if getattr(self.window_.project, "name", None) == name:
            if not self.window_.maybe_save():
                return
            self.window_.project = None
        try:
            where = self.workspace.delete_project(name)
        except Exception as exc:
            show_error(self, "Could not remove", str(exc))
            return
        self.window_.statusBar().showMessage(f"Removed “{name}” from the list; its file is kept at {where}.", 10000)
        self.refresh()


def install_project_list(window: Any) -> None:
    """Add File ▸ Projects… (Ctrl+Shift+O) and `window.show_projects()`."""
    def show() -> None:
        if window.workspace is None:
            window.statusBar().showMessage("Projects live in a workspace; this window shows a file.", 5000)
            return
        dialog = getattr(window, "projects_dialog", None)
        if dialog is None:
            dialog = window.projects_dialog = ProjectsDialog(window)
        dialog.refresh()
        dialog.show()
        dialog.activateWindow()

    window.show_projects = show
    window.projects_action = make_action(window, "&Projects…", show, ["Ctrl+Shift+O"], "open",
                                         "Every project of the workspace, the damaged ones marked")
    file_menu = window.menuBar().actions()[0].menu()
    file_menu.insertAction(file_menu.actions()[0], window.projects_action)
