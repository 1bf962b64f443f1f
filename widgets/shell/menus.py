"""The main window's menus and toolbar, and the helper that makes each of its commands.

Kept apart from the window and from the commands themselves (`widgets.shell.commands`: names, keys,
what each calls); this module says where they appear: the File, Edit, View and Help menus and the
toolbar's order and labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QSize, Qt, SignalInstance
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QDockWidget, QMenuBar, QToolBar, QWidget

from widgets.common.style import icon


class CommandWindow(Protocol):
    """What the menus and the toolbar are built from: the window's commands (made with
    `make_action`), its undo stack and problems dock, and the places to put them. The window
    passes itself; this module never imports it."""

    open_action: QAction
    save_action: QAction
    export_action: QAction
    quit_action: QAction
    undo_action: QAction
    redo_action: QAction
    new_action: QAction
    duplicate_action: QAction
    delete_action: QAction
    find_action: QAction
    shortcuts_action: QAction
    about_action: QAction
    undo_stack: QUndoStack
    problems_dock: QDockWidget

    def menuBar(self) -> QMenuBar: ...

    def addToolBar(self, area: Qt.ToolBarArea, toolbar: QToolBar) -> None: ...


class _TwinAction(QAction):
    """Triggers `original`; keeps a short label and shows the original's text as tooltip."""

    def __init__(self, original: QAction, text: str, parent: QWidget) -> None:
        super().__init__(original.icon(), text, parent)
        self._original = original
        self.setEnabled(original.isEnabled())
        self.sync()
        self.triggered.connect(self._trigger_original)
        original.changed.connect(self.sync)  # a slot on the twin: disconnected when the twin dies

    def sync(self) -> None:
        # While a window is destroyed the undo stack still announces changes to an action whose
        # C++ half may already be gone; either side can be invalid then.
        if shiboken6.isValid(self) and shiboken6.isValid(self._original):
            self.setToolTip(self._original.text().replace("&", ""))

    def _trigger_original(self) -> None:
        if shiboken6.isValid(self._original):
            self._original.trigger()


def make_action(window: QWidget, text: str, slot: Callable[..., Any], shortcuts: Sequence[QKeySequence | str] = (),
                icon_name: str | None = None, tip: str = "") -> QAction:
    """A window-wide command: its shortcut works wherever the focus is, its tooltip names the key."""
    action = QAction(text, window)
    if icon_name:
        action.setIcon(icon(icon_name))
    keys = [QKeySequence(s) if isinstance(s, str) else s for s in shortcuts]
    if keys:
        action.setShortcuts(keys)
    shown = keys[0].toString(QKeySequence.SequenceFormat.NativeText) if keys else ""
    action.setToolTip(f"{tip or text.replace('&', '').rstrip('…')}" + (f" ({shown})" if shown else ""))
    action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_menus(window: CommandWindow) -> None:
    """File, Edit, View and Help, from the window's actions."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([window.open_action, window.save_action, window.export_action])
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([window.undo_action, window.redo_action])
    edit_menu.addSeparator()
    edit_menu.addActions([window.new_action, window.duplicate_action, window.delete_action])
    edit_menu.addSeparator()
    edit_menu.addAction(window.find_action)
    view_menu = bar.addMenu("&View")
    problems = window.problems_dock.toggleViewAction()
    problems.setText("&Problems")
    view_menu.addAction(problems)
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([window.shortcuts_action, window.about_action])


def build_toolbar(window: CommandWindow) -> QToolBar:
    """The toolbar, added to the top of `window`: rule commands, undo/redo, save/export, find."""
    bar = QToolBar("Main toolbar")
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setIconSize(QSize(18, 18))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.addActions([window.new_action, window.duplicate_action, window.delete_action])
    bar.addSeparator()
    bar.addActions([_toolbar_twin(bar, window.undo_action, "Undo", window.undo_stack.canUndoChanged),
                    _toolbar_twin(bar, window.redo_action, "Redo", window.undo_stack.canRedoChanged)])
    bar.addSeparator()
    bar.addActions([window.save_action, window.export_action])
    bar.addSeparator()
    bar.addAction(window.find_action)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar


def _toolbar_twin(window: QWidget, action: QAction, text: str, can_changed: SignalInstance) -> QAction:
    """A short-labelled toolbar copy of an undo/redo action (whose own text names the edit)."""
    twin = _TwinAction(action, text, window)
    can_changed.connect(twin.setEnabled)
    return twin
