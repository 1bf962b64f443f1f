"""The real app (`widgets.app.run_app`) started on damaged workspaces: the window always opens,
the other projects open, and the user is told what happened (and where anything moved aside is).

Each workspace holds "Sales" (the last project opened, so the one damaged) and "Support". The
read-only case uses `tests.read_only_disk` (EROFS on every write below the folder): tests run as
root here, where chmod stops nothing, and mounting a read-only file system needs privileges.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from builder.paths import example_playbook
from builder.workspace import Workspace
from tests.read_only_disk import make_read_only
from widgets.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


def _document(name: str, marker: str = "") -> dict[str, Any]:
    document = json.loads(example_playbook().read_text("utf-8"))
    document["metadata"]["name"] = name
    if marker:
        document["rules"][0]["name"] = marker
    return document


def _workspace(folder: Path, revisions: int = 1) -> tuple[Path, dict[str, Path]]:
    path = folder / "workspace.json"
    with Workspace.open(path) as ws:
        files = {}
        for name in ("Support", "Sales"):
            project = ws.create_project(name, _document(name))
            for n in range(2, revisions + 1):
                project.save(_document(name, f"revision {n}"))
            files[name] = project.path
        ws.settings.set("last_project", "Sales")
    return path, files


def _no_backup(path: Path) -> None:
    path.with_name(path.name + ".bak").unlink(missing_ok=True)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


class Started:
    """What starting the app showed: its exit code, the window, every dialog (title, text)."""

    def __init__(self) -> None:
        self.code: int | None = None
        self.window: MainWindow | None = None
        self.told: list[tuple[str, str]] = []

    def titles(self) -> list[str]:
        return [title for title, _ in self.told]

    def text(self, title: str) -> str:
        return next(text for t, text in self.told if t == title)


@pytest.fixture
def start_app(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Started]]:
    from widgets import app as app_module
    from widgets.shell import startup

    started: list[Started] = []
    monkeypatch.setattr(startup, "setup_logging", lambda: None)  # no log files in the user's folder
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the app installs its own

    def start(ws_path: Path, answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes) -> Started:
        result = Started()
        started.append(result)

        def record(parent: Any, title: str, text: str, *rest: Any) -> QMessageBox.StandardButton:
            result.told.append((title, text))
            # "Export with warnings?": asked when the exported project has warnings
            asked = ("Project damaged", "Remove from list", "Export with warnings?")
            return answer if title in asked else QMessageBox.StandardButton.Ok

        for kind in ("warning", "information", "question"):
            monkeypatch.setattr(QMessageBox, kind, record)
        monkeypatch.setattr(QMessageBox, "exec", lambda box: result.told.append((box.windowTitle(), box.text())) or 0)

        def run_until_shown(app: QApplication) -> int:
            result.window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
                                 and w.isVisible() and getattr(w.workspace, "path", None) == ws_path)
            qtbot.waitExposed(result.window)
            return 0

        monkeypatch.setattr(QApplication, "exec", run_until_shown)
        result.code = app_module.run_app(["--workspace", str(ws_path)])
        return result

    yield start
    for result in started:
        window = result.window
        if window is not None:
            qtbot.waitUntil(lambda w=window: not w.problems_panel.busy, timeout=20000)
            window.undo_stack.setClean()
            window.close()
            window.deleteLater()


def _opens_the_other_project(window: MainWindow, name: str = "Support") -> None:
    assert window.open_project(name)
    assert window.project.name == name and window.document.ruleset.metadata.name == name


def _projects_dialog(window: MainWindow, qtbot: Any) -> Any:
    window.projects_action.trigger()
    dialog = window.projects_dialog
    qtbot.waitExposed(dialog)
    return dialog


def _select(dialog: Any, name: str) -> None:
    row = next(i for i in range(dialog.list.count())
               if dialog.list.item(i).data(Qt.ItemDataRole.UserRole) == name)
    dialog.list.setCurrentRow(row)


def test_index_truncated_without_backup(tmp_path: Path, start_app: Callable[..., Started]) -> None:
    ws_path, _ = _workspace(tmp_path)
    _no_backup(ws_path)
    _truncate(ws_path)
    started = start_app(ws_path)
    assert started.code == 0 and started.window is not None and started.window.isVisible()
    told = started.text("Workspace repaired")
    kept = next(tmp_path.glob("workspace.json.corrupt-*"))
    assert f"the damaged file is kept as {kept}" in told
    assert "rebuilt from the 2 project files" in told and "“Sales”, “Support”" in told
    assert started.window.project.name in ("Sales", "Support")
    assert [p.name for p in started.window.workspace.projects()] == ["Sales", "Support"]  # nothing re-imported
    _opens_the_other_project(started.window, "Sales")
    _opens_the_other_project(started.window, "Support")


def test_project_truncated_without_backup(tmp_path: Path, start_app: Callable[..., Started], qtbot: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ws_path, files = _workspace(tmp_path)
    _no_backup(files["Sales"])
    _truncate(files["Sales"])
    started = start_app(ws_path)
    window = started.window
    assert started.code == 0 and window is not None and window.isVisible()
    assert window.project.name == "Support"  # the other project opened instead
    told = started.text("Project damaged")
    kept = next(files["Sales"].parent.glob(files["Sales"].name + ".corrupt-*"))
    assert f"moved aside to {kept}" in told and "no earlier good copy" in told
    assert "Open the last good copy" not in told  # there is none: nothing contradicts
    assert "listed as damaged in File ▸ Projects…" in told and "show the damaged file or remove it" in told

    dialog = _projects_dialog(window, qtbot)
    assert dialog.row_texts() == ["Sales — damaged", "Support (open)"]
    _select(dialog, "Sales")
    assert not dialog.open_button.isEnabled() and dialog.restore_buttons == []
    assert str(kept) in dialog.details.text()
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    qtbot.mouseClick(dialog.show_file_button, Qt.MouseButton.LeftButton)
    assert opened == [str(kept.parent)]
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert f"Its damaged file stays at {kept}" in started.text("Remove from list")
    assert dialog.row_texts() == ["Support (open)"] and kept.exists()


def test_wrong_shape_project_restores_from_its_last_intact_revision(
        tmp_path: Path, start_app: Callable[..., Started], qtbot: Any) -> None:
    ws_path, files = _workspace(tmp_path, revisions=3)
    data = json.loads(files["Sales"].read_text())
    del data["revisions"]["3"]["number"]  # was "Something went wrong: 'number'" and exit code 1
    files["Sales"].write_text(json.dumps(data))
    _no_backup(files["Sales"])
    started = start_app(ws_path)
    window = started.window
    assert started.code == 0 and window is not None and window.project.name == "Support"
    told = started.text("Project damaged")
    assert "not in the expected shape" in told and "restore from revision 3" in told
    assert "Something went wrong" not in started.titles()

    dialog = _projects_dialog(window, qtbot)
    _select(dialog, "Sales")
    [restore] = dialog.restore_buttons
    assert restore.text() == "Restore from revision 3"
    qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)
    assert window.project.name == "Sales"
    assert window.document.rules[0].name == "revision 3"
    assert [r.number for r in window.project.revisions()] == [1, 2, 3]
    assert dialog.row_texts() == ["Sales (open)", "Support"]


def test_odd_document_id_in_the_index(tmp_path: Path, start_app: Callable[..., Started]) -> None:
    ws_path, _ = _workspace(tmp_path)
    data = json.loads(ws_path.read_text())
    data["projects"] = {"²" if key == "1" else key: value for key, value in data["projects"].items()}
    ws_path.write_text(json.dumps(data))
    _no_backup(ws_path)
    started = start_app(ws_path)
    assert started.code == 0 and started.window is not None and started.window.isVisible()
    assert "not in the expected shape" in started.text("Workspace repaired")
    _opens_the_other_project(started.window, "Sales")
    _opens_the_other_project(started.window, "Support")


def test_project_of_format_version_99_opens_read_only(tmp_path: Path, start_app: Callable[..., Started],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ws_path, files = _workspace(tmp_path)
    data = json.loads(files["Sales"].read_text())
    data["meta"]["1"]["version"] = 99
    files["Sales"].write_text(json.dumps(data))
    before = files["Sales"].read_bytes()
    started = start_app(ws_path)
    window = started.window
    assert started.code == 0 and window is not None and window.project.name == "Sales"
    told = started.text("Opened read-only")
    assert "newer version of Handoff Builder (format 99" in told and "view, simulate and export" in told
    assert "(read-only)" in window.windowTitle()
    window.new_rule()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    assert not window.save()  # offers to save to a file elsewhere, never into the project
    assert files["Sales"].read_bytes() == before
    window.undo_stack.setClean()
    _opens_the_other_project(window, "Support")
    assert "(read-only)" not in window.windowTitle()


def test_corrupt_recovery_file(tmp_path: Path, start_app: Callable[..., Started]) -> None:
    ws_path, _ = _workspace(tmp_path)
    recovery = tmp_path / "workspace.recovery.json"
    recovery.write_bytes(b'{"format": "handoff-builder-recovery", "projects": {"Sales": {"docu')
    started = start_app(ws_path)
    assert started.code == 0 and started.window is not None and started.window.project.name == "Sales"
    told = started.text("Unsaved changes could not be restored")
    kept = next(tmp_path.glob("workspace.recovery.json.corrupt-*"))
    assert f"it was kept as {kept}" in told and "saved revisions are not affected" in told
    _opens_the_other_project(started.window)


def test_read_only_directory(tmp_path: Path, start_app: Callable[..., Started], qtbot: Any,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    ws_path, files = _workspace(tmp_path)
    make_read_only(tmp_path, monkeypatch)
    started = start_app(ws_path)
    window = started.window
    assert started.code == 0 and window is not None and window.isVisible()
    told = started.text("Workspace opened read-only")
    assert "Read-only file system" in told and "view, simulate and export" in told
    assert "try opening it read-only" not in told
    assert window.project.name == "Sales" and "(read-only)" in window.windowTitle()
    assert window.ensure_page("Simulator") is not None
    _opens_the_other_project(window)

    # export elsewhere: the ruleset is written without saving a revision or recording the export
    from widgets.shell.dialogs.export_dialog import ExportDialog

    elsewhere = tmp_path.parent / (tmp_path.name + "-export") / "support.json"
    elsewhere.parent.mkdir()

    def run(dialog: ExportDialog) -> int:
        dialog.show()
        qtbot.waitUntil(lambda: dialog.ready, timeout=20000)
        dialog.path_edit.setText(str(elsewhere))
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.exported_to is not None, timeout=10000)
        return 0

    monkeypatch.setattr(ExportDialog, "exec", run)
    window.export()
    assert json.loads(elsewhere.read_text("utf-8"))["metadata"]["name"] == "Support"
    assert "Export not recorded" not in started.titles()
    assert window.project.exports() == []


def test_a_crash_before_any_window_does_not_mention_open_edits(monkeypatch: pytest.MonkeyPatch, qapp: Any) -> None:
    from widgets.common import error_dialog

    shown: list[str] = []
    monkeypatch.setattr(error_dialog, "show_error", lambda parent, title, message, details="": shown.append(message))
    for widget in QApplication.topLevelWidgets():
        if hasattr(widget, "undo_stack") and widget.isVisible():
            widget.hide()
    try:
        raise ValueError("bad start")
    except ValueError as exc:
        error_dialog.handle_exception(ValueError, exc, exc.__traceback__)
    assert "No window was open yet, so no edits were lost" in shown[0]
    assert "saving now is safe" not in shown[0]


def test_a_crash_with_the_window_open_says_saving_is_safe(monkeypatch: pytest.MonkeyPatch, window: Any) -> None:
    from widgets.common import error_dialog

    shown: list[str] = []
    monkeypatch.setattr(error_dialog, "show_error", lambda parent, title, message, details="": shown.append(message))
    try:
        raise ValueError("bad click")
    except ValueError as exc:
        error_dialog.handle_exception(ValueError, exc, exc.__traceback__)
    assert "Your edits are still open; saving now is safe." in shown[0]


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No])
def test_a_damaged_project_with_a_good_backup_offers_it(tmp_path: Path, start_app: Callable[..., Started],
                                                        answer: QMessageBox.StandardButton) -> None:
    ws_path, files = _workspace(tmp_path, revisions=2)  # the second save kept the first as .bak
    _truncate(files["Sales"])
    started = start_app(ws_path, answer)
    window = started.window
    assert started.code == 0 and window is not None and window.isVisible()
    told = started.text("Project damaged")
    assert "can be opened instead" in told and told.endswith("Open the last good copy now?")
    if answer == QMessageBox.StandardButton.Yes:
        assert window.project.name == "Sales" and window.document.rules[0].name != "revision 2"
    else:
        assert window.project.name == "Support"


def test_a_damaged_index_on_a_read_only_disk(tmp_path: Path, start_app: Callable[..., Started],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    ws_path, _ = _workspace(tmp_path)
    _no_backup(ws_path)
    _truncate(ws_path)
    broken = ws_path.read_bytes()
    make_read_only(tmp_path, monkeypatch)
    started = start_app(ws_path)
    assert started.code == 0 and started.window is not None and started.window.isVisible()
    told = started.text("Workspace damaged")
    assert "cannot be written (Read-only file system)" in told
    assert "the damaged file was left in place (the workspace is open read-only)" in told
    assert "rebuilt from the 2 project files" in told
    _opens_the_other_project(started.window, "Support")
    assert ws_path.read_bytes() == broken


def test_a_read_only_disk_without_a_workspace_says_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from widgets.shell import startup

    shown: list[str] = []
    monkeypatch.setattr(startup, "show_error", lambda parent, title, message: shown.append(message))
    make_read_only(tmp_path, monkeypatch)
    assert startup.open_workspace(None, tmp_path / "workspace.json") is None
    assert shown == [f"There is no workspace at {tmp_path / 'workspace.json'}. The workspace "
                     f"{tmp_path / 'workspace.json'} cannot be written (Read-only file system), so it can only be "
                     "opened read-only: you can view, simulate and export your projects to another folder, but "
                     "not save them here."]


def test_a_damaged_conversation_library_is_reported_with_where_it_was_kept(
        window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    project = window.project
    for n in range(3):
        project.add_conversation("Refunds", {"id": f"c{n}", "events": []})
    path = project.library_path("Refunds")
    path.write_bytes(path.read_bytes().replace(b'"c1"', b'"c1\xff\xfe', 1))  # a damaged line in the middle
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: told.append((title, text)))
    page = window.ensure_page("Simulator")
    page.library.refresh()
    [(title, text)] = told
    kept = next(path.parent.glob(path.name + ".corrupt-*"))
    assert title == "Conversation library damaged" and f"moved aside to {kept}" in text
    assert any("Refunds · c0" in page.library.picker.itemText(i) for i in range(page.library.picker.count()))


def test_the_project_list_marks_a_project_whose_file_is_gone(window: Any, qtbot: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = window.workspace
    gone = workspace.create_project("Gone", _document("Gone"))
    backed = workspace.create_project("Backed up", _document("Backed up"))
    backed.save(_document("Backed up", "revision 2"))  # keeps revision 1 as .bak
    workspace._open_projects.pop("Gone").close()
    workspace._open_projects.pop("Backed up").close()
    gone.path.unlink()
    backed.path.unlink()
    dialog = _projects_dialog(window, qtbot)
    texts = dialog.row_texts()
    assert "Gone — damaged" in texts and "Backed up — damaged" in texts
    _select(dialog, "Gone")
    assert not dialog.open_button.isEnabled() and "missing and there is no earlier copy" in dialog.details.text()
    _select(dialog, "Backed up")
    assert dialog.open_button.isEnabled()  # its last good copy can be opened
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].endswith("Open the last good copy now?")
    assert window.project.name == "Backed up" and window.document.rules[0].name != "revision 2"


def test_the_project_list_counts_in_words(window: Any, qtbot: Any) -> None:
    """A first launch read "1 revisions, 14 rules"; a name is shown as typed, not as markup."""
    window.workspace.create_project("R&D <beta>", _document("R&D <beta>"))
    dialog = _projects_dialog(window, qtbot)
    _select(dialog, window.project.name)
    assert "1 revision, " in dialog.details.text() and "1 revisions" not in dialog.details.text()
    _select(dialog, "R&D <beta>")
    assert "R&amp;D &lt;beta&gt;" in dialog.details.text()
