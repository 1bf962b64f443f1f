"""The main window driven like a user: shortcuts, list clicks, undo/redo, save, close, recovery."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox

from builder.paths import example_playbook
from widgets.rules.rule_list import RuleDelegate
from widgets.shell.main_window import MainWindow
from widgets.shell.startup import open_start_project

pytestmark = pytest.mark.gui

EXAMPLE = json.loads(example_playbook().read_text(encoding="utf-8"))


def _ids(window: MainWindow) -> list[str]:
    return [r.id for r in window.document.rules]


def _click_switch(qtbot: Any, window: MainWindow, rule_id: str) -> None:
    view = window.rule_list.view
    index = window.rule_list.proxy.mapFromSource(window.rule_model.index(window.rule_model.row_of(rule_id)))
    centre = RuleDelegate.switch_rect(view.visualRect(index)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_first_launch_imports_the_example_into_a_project(window: MainWindow, workspace: Any) -> None:
    assert [p.name for p in workspace.projects()] == [EXAMPLE["metadata"]["name"]]
    assert _ids(window) == [r["id"] for r in EXAMPLE["rules"]]
    assert window.windowTitle().startswith(EXAMPLE["metadata"]["name"])
    assert not window.isWindowModified()
    assert window.rule_list.selected_rule_id() == EXAMPLE["rules"][0]["id"]
    assert window.pages.tabText(0) == "Rules"


def test_second_launch_opens_the_last_project(qtbot: Any, tmp_path: Path) -> None:
    from builder.workspace import Workspace

    ws = Workspace.open(tmp_path / "ws.json")
    ws.create_project("Other", EXAMPLE)
    ws.create_project("Support playbook", EXAMPLE)
    ws.settings.set("last_project", "Support playbook")
    win = MainWindow(ws)
    qtbot.addWidget(win)
    assert open_start_project(win)
    assert win.project.name == "Support playbook"


def test_add_rename_toggle_undo_redo_like_a_user(qtbot: Any, window: MainWindow) -> None:
    before = len(window.document.rules)
    window.rule_list.view.setFocus()
    qtbot.keyClick(window.rule_list.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.rules) == before + 1
    new_id = window.rule_list.selected_rule_id()
    assert new_id is not None and window.document.ruleset.rule(new_id) is not None
    assert window.isWindowModified()

    # rename in place: F2 opens the name editor on the selected row
    view = window.rule_list.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    assert editor.text() == "New rule"
    editor.selectAll()
    qtbot.keyClicks(editor, "Cart rescue")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event-loop turn
    qtbot.waitUntil(lambda: window.document.ruleset.rule(new_id).name == "Cart rescue")

    # the enabled switch
    _click_switch(qtbot, window, new_id)
    assert window.document.ruleset.rule(new_id).enabled is False

    window.undo_action.trigger()
    assert window.document.ruleset.rule(new_id).enabled is True
    qtbot.keyClick(window.rule_list.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.ruleset.rule(new_id).name != "Cart rescue"
    window.undo_action.trigger()
    assert window.document.ruleset.rule(new_id) is None
    assert len(window.document.rules) == before
    assert not window.isWindowModified()

    qtbot.keyClick(window.rule_list.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    window.redo_action.trigger()
    qtbot.keyClick(window.rule_list.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    rule = window.document.ruleset.rule(new_id)
    assert rule is not None and rule.name == "Cart rescue" and rule.enabled is False


def test_duplicate_and_delete_shortcuts(qtbot: Any, window: MainWindow) -> None:
    first = _ids(window)[0]
    window.rule_list.select_rule(first)
    window.rule_list.view.setFocus()
    qtbot.keyClick(window.rule_list.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    copy_id = window.rule_list.selected_rule_id()
    assert _ids(window)[:2] == [first, copy_id]
    assert window.document.ruleset.rule(copy_id).name.endswith("(copy)")
    qtbot.keyClick(window.rule_list.view, Qt.Key.Key_Delete)
    assert copy_id not in _ids(window)
    assert window.rule_list.selected_rule_id() is not None  # a neighbour is selected


def test_find_shortcut_focuses_the_search(qtbot: Any, window: MainWindow) -> None:
    window.rule_list.view.setFocus()
    qtbot.keyClick(window.rule_list.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.rule_list.search
    qtbot.keyClicks(window.rule_list.search, "frustrat")
    proxy = window.rule_list.proxy
    shown = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert shown and len(shown) < len(window.document.rules)
    assert all("frustrat" in str(proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 7)) for r in range(len(shown)))


def test_save_makes_a_revision_and_clears_the_dirty_marker(qtbot: Any, window: MainWindow) -> None:
    window.new_rule()
    assert window.isWindowModified()
    qtbot.keyClick(window.rule_list.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.undo_stack.isClean(), timeout=10000)
    assert not window.isWindowModified()
    assert len(window.project.revisions()) == 2
    assert [r["id"] for r in window.project.current()["rules"]] == _ids(window)


@pytest.mark.parametrize("answer", ["cancel", "discard", "save"])
def test_closing_with_unsaved_edits_asks(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                         answer: str) -> None:
    asked: list[str] = []
    button = {"cancel": QMessageBox.StandardButton.Cancel, "discard": QMessageBox.StandardButton.Discard,
              "save": QMessageBox.StandardButton.Save}[answer]

    def question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    project = window.project
    new_id = window.new_rule()
    closed = window.close()
    assert len(asked) == 1 and "Save your changes" in asked[0]
    assert closed is (answer != "cancel")
    if answer == "save":
        assert new_id in [r["id"] for r in project.current()["rules"]]
    if answer == "discard":
        assert new_id not in [r["id"] for r in project.current()["rules"]]


def test_closing_without_edits_does_not_ask(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked without edits"))
    assert window.close()


def test_recovery_is_offered_after_a_crash(qtbot: Any, window: MainWindow, workspace: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.workspace import Workspace

    new_id = window.new_rule()
    window.write_recovery()  # what the idle timer does
    path = workspace.path
    workspace.close(keep_recovery=True)  # the app "crashes": no save, no clean close
    window.undo_stack.setClean()

    offered: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, *a: offered.append(title) or QMessageBox.StandardButton.Yes)
    again = MainWindow(Workspace.open(path))
    qtbot.addWidget(again)
    assert open_start_project(again)
    assert offered == ["Restore unsaved changes?"]
    assert new_id in _ids(again)
    assert again.isWindowModified()  # restored edits are not saved yet
    again.undo_action.trigger()  # and the restore is undoable
    assert new_id not in _ids(again)
    again.undo_stack.setClean()


def test_open_ruleset_file_and_save_back(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_file(path)
    assert "rules.json" in win.windowTitle()
    win.new_rule()
    assert win.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert len(saved["rules"]) == len(EXAMPLE["rules"]) + 1
    assert win.undo_stack.isClean()


def test_unreadable_file_gives_a_sentence_not_a_traceback(qtbot: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr("widgets.shell.opening.show_error", lambda parent, title, message: shown.append(message))
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    win = MainWindow()
    qtbot.addWidget(win)
    assert not win.open_file(path)
    assert len(shown) == 1 and "broken.json" in shown[0] and "Traceback" not in shown[0]


def test_pages_can_be_added(window: MainWindow) -> None:
    before = window.pages.count()
    index = window.add_page("Extra", QLabel("extra"))
    assert window.pages.tabText(index) == "Extra"
    assert window.pages.count() == before + 1


def test_every_page_has_a_tab_in_order_with_an_icon(window: MainWindow) -> None:
    titles = [window.pages.tabText(i) for i in range(window.pages.count())]
    assert titles == ["Rules", "Word groups", "Templates", "Business hours", "Routing", "Channels", "Simulator",
                      "Replay"]
    assert all(not window.pages.tabIcon(i).isNull() for i in range(window.pages.count()))


def test_a_page_is_built_when_its_tab_is_first_shown(qtbot: Any, workspace: Any) -> None:
    from widgets.routing.routing_editor import RoutingEditor

    window = MainWindow(workspace)
    qtbot.addWidget(window)
    assert open_start_project(window)
    window.show()
    assert not any(isinstance(window.pages.widget(i), RoutingEditor) for i in range(window.pages.count()))
    index = [window.pages.tabText(i) for i in range(window.pages.count())].index("Routing")
    window.pages.setCurrentIndex(index)
    qtbot.waitUntil(lambda: isinstance(window.pages.currentWidget(), RoutingEditor))
    assert window.pages.currentIndex() == index and window.pages.tabText(index) == "Routing"
    assert window.pages.count() == 8


def test_a_problem_outside_the_rules_opens_its_page(window: MainWindow) -> None:
    from rules_schema import Problem

    window.problem_outside_rules.emit(Problem("$.templates[0].body", "x", "warning", "template.empty"))
    assert window.pages.tabText(window.pages.currentIndex()) == "Templates"


def test_closing_with_edits_on_the_undo_stack_raises_nothing(qtbot: Any, workspace: Any) -> None:
    """The toolbar's undo/redo twins must not touch a deleted QAction while the window dies."""
    import gc

    win = MainWindow(workspace)
    assert open_start_project(win)
    win.show()
    win.new_action.trigger()
    win.new_action.trigger()
    win.undo_action.trigger()
    win.problems_panel.disconnect_document()
    win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    win.deleteLater()
    qtbot.wait(10)
    del win
    gc.collect()
    qtbot.wait(10)


def test_every_command_has_a_shortcut_and_a_menu(window: MainWindow) -> None:
    expected = {
        window.new_action: "Ctrl+N", window.duplicate_action: "Ctrl+D", window.delete_action: "Del",
        window.undo_action: "Ctrl+Z", window.save_action: "Ctrl+S", window.export_action: "Ctrl+E",
        window.find_action: "Ctrl+F", window.open_action: "Ctrl+O", window.quit_action: "Ctrl+Q",
    }
    for action, key in expected.items():
        assert action.shortcut().toString() == key
    assert {k.toString() for k in window.redo_action.shortcuts()} == {"Ctrl+Shift+Z", "Ctrl+Y"}
    in_menus = {a for menu in window.menuBar().actions() for a in menu.menu().actions()}
    assert set(expected) <= in_menus


def test_uncaught_errors_become_a_dialog_and_a_log_entry(monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    from widgets.common import error_dialog

    shown: list[str] = []
    monkeypatch.setattr(error_dialog, "show_error", lambda parent, title, message, details="": shown.append(message))
    try:
        raise OSError("disk full while saving")
    except OSError as exc:
        error_dialog.handle_exception(OSError, exc, exc.__traceback__)
    assert shown and shown[0].startswith("Disk full while saving")
    assert "Traceback" not in shown[0]
    assert any("Traceback" in r.getMessage() for r in caplog.records)


def test_drop_through_the_views_model_moves_a_rule(qtbot: Any, window: MainWindow) -> None:
    """The path a drop takes: the view's (filter) model hands the rule ids to the rule model."""
    model, proxy = window.rule_model, window.rule_list.proxy
    ids = _ids(window)
    mime = proxy.mimeData([proxy.index(0, 0)])
    assert proxy.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, proxy.index(-1, 0).parent())
    assert _ids(window) == ids[1:3] + [ids[0]] + ids[3:]
    assert [model.index(r).data(Qt.ItemDataRole.UserRole + 2) for r in range(model.rowCount())] == _ids(window)
    window.undo_action.trigger()
    assert _ids(window) == ids


def test_a_damaged_workspace_without_backup_starts_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from widgets.shell.startup import open_workspace

    path = tmp_path / "ws.json"
    path.write_text("{ not a workspace", encoding="utf-8")
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append(text))
    workspace = open_workspace(None, path)
    try:
        assert workspace is not None and workspace.projects() == []
        assert len(told) == 1 and "the workspace starts empty" in told[0] and "last good copy" not in told[0]
        kept = next(tmp_path.glob("ws.json.corrupt-*"))
        assert f"the damaged file is kept as {kept}" in told[0]
        assert [p for p in tmp_path.iterdir() if p.name.startswith("ws") and p != path and "lock" not in p.name]
    finally:
        workspace.close()


def test_an_unusable_workspace_is_explained_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.workspace import Workspace, WorkspaceError
    from widgets.shell import startup

    def newer(*args: Any, **kwargs: Any) -> Any:
        raise WorkspaceError("The workspace was written by a newer Handoff Builder.")

    monkeypatch.setattr(Workspace, "open", newer)
    shown: list[str] = []
    monkeypatch.setattr("widgets.shell.startup.show_error", lambda parent, title, message: shown.append(message))
    assert startup.open_workspace(None, None) is None
    assert shown == ["The workspace was written by a newer Handoff Builder."]


@pytest.mark.parametrize("dark", [False, True])
def test_stylesheet_icon_urls_become_files_in_the_theme_colour(qapp: Any, dark: bool) -> None:
    import re

    from widgets.common.style import DARK_ICON_COLOUR, LIGHT_ICON_COLOUR, stylesheet

    sheet = stylesheet(dark)
    assert re.search(r"url\(icon:\w", sheet) is None
    files = [Path(p) for p in re.findall(r'url\("([^"]+)"\)', sheet)]
    assert files and all(f.is_file() for f in files)
    arrow = next(f for f in files if f.name.startswith("chevron-down"))
    assert (DARK_ICON_COLOUR if dark else LIGHT_ICON_COLOUR) in arrow.read_text(encoding="utf-8")


@pytest.mark.gui
def test_live_validation_marks_the_field_in_the_shown_rule(window: Any, qtbot: Any) -> None:
    """A problem shows next to its field as soon as validation runs, without clicking it."""
    from dataclasses import replace as replace_value

    from builder.format.model import Leaf
    from widgets.common.undo_commands import ReplaceRuleCommand

    rule = window.document.rules[0]
    window.rule_list.select_rule(rule.id)
    broken = replace_value(rule, when=Leaf("message.text", "contains_any", ()))
    window.undo_stack.push(ReplaceRuleCommand(window.document, rule.id, broken, "empty the phrases"))

    def marked() -> bool:
        labels = window.rule_editor.findChildren(QLabel, "inlineProblem")
        return any(label.isVisibleTo(window.rule_editor) and label.text() for label in labels)

    qtbot.waitUntil(marked, timeout=5000)
