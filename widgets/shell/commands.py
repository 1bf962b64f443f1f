"""The main window's commands: what each is called, its keys, icon and tip, and the two Help texts.

Kept apart from the window so the window module holds what the commands act on; where they appear
(menus, toolbar) is `widgets.shell.menus`. Each command is made once here and set on the window
(`window.new_action`, …), where the menus, the toolbar and the keyboard-shortcuts list find it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from widgets.shell.menus import make_action
from widgets.shell.undo_view import TextUndoGuard, undo_or_redo

APP_TITLE = "Handoff Builder"


def build_commands(window: Any) -> None:
    """Make the window's commands (`window` is a `MainWindow`: its rule, file and help methods)."""
    window.new_action = make_action(window, "&New rule", window.new_rule, ["Ctrl+N"], "new",
                                    "Add a rule below the selected one")
    window.duplicate_action = make_action(window, "&Duplicate rule", window.duplicate_rule, ["Ctrl+D"],
                                          "duplicate", "Copy the selected rule")
    window.delete_action = make_action(window, "De&lete rule", window.delete_rule,
                                       [QKeySequence(Qt.Key.Key_Delete)], "delete", "Delete the selected rule")
    _build_undo_redo(window)
    window.save_action = make_action(window, "&Save", lambda: window.save(), ["Ctrl+S"], "save",
                                     "Save a new revision")
    window.export_action = make_action(window, "&Export…", window.export, ["Ctrl+E"], "export",
                                       "Write the ruleset file a chatbot loads")
    window.find_action = make_action(window, "&Find rules", window.find, ["Ctrl+F"], "find",
                                     "Search rules by name, kind or fact")
    window.open_action = make_action(window, "&Open ruleset file…", window.open_file_dialog, ["Ctrl+O"], "open",
                                     "Open a ruleset JSON file")
    window.quit_action = make_action(window, "&Quit", window.close, ["Ctrl+Q"], "quit", "Close Handoff Builder")
    window.shortcuts_action = make_action(window, "&Keyboard shortcuts", lambda: show_shortcuts(window), [], None)
    window.about_action = make_action(window, "&About Handoff Builder", lambda: show_about(window), [], None)


def _build_undo_redo(window: Any) -> None:
    """Undo and Redo name the edit they undo, work from any page, and leave a text box its own typing."""
    stack = window.undo_stack
    window.undo_action = make_action(window, "&Undo", lambda: undo_or_redo(window, redo=False),
                                     [QKeySequence("Ctrl+Z")], "undo", "Undo the last change")
    window.redo_action = make_action(window, "&Redo", lambda: undo_or_redo(window, redo=True),
                                     [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")], "redo",
                                     "Redo the change you undid")
    for action in (window.undo_action, window.redo_action):
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setEnabled(False)
    stack.canUndoChanged.connect(window.undo_action.setEnabled)
    stack.canRedoChanged.connect(window.redo_action.setEnabled)
    stack.undoTextChanged.connect(lambda text: window.undo_action.setText(f"&Undo {text}".rstrip()))
    stack.redoTextChanged.connect(lambda text: window.redo_action.setText(f"&Redo {text}".rstrip()))
    app = QApplication.instance()
    if app is not None and not getattr(app, "_text_undo_guard", None):
        app._text_undo_guard = TextUndoGuard(app)  # type: ignore[attr-defined]
        app.installEventFilter(app._text_undo_guard)  # type: ignore[attr-defined]
    window.addActions([window.undo_action, window.redo_action])


def show_shortcuts(window: Any) -> None:
    """Help ▸ Keyboard shortcuts: every command with a key, as a table."""
    lines = []
    for action in (window.new_action, window.duplicate_action, window.delete_action, window.undo_action,
                   window.redo_action, window.save_action, window.export_action, window.find_action,
                   window.open_action, window.quit_action):
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        lines.append(f"<tr><td>{action.text().replace('&', '').rstrip('…')}</td><td><b>{keys}</b></td></tr>")
    QMessageBox.information(window, "Keyboard shortcuts", "<table cellpadding=4>" + "".join(lines) + "</table>")


def show_about(window: Any) -> None:
    QMessageBox.about(window, f"About {APP_TITLE}",
                      f"<b>{APP_TITLE}</b><p>Build, test and export the rules that decide when your "
                      "website chatbot hands a visitor over to a human.</p>")
