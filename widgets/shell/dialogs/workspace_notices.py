"""What the user is told when the workspace or a project was not as it was left.

Every sentence here must be true in its situation (each has a test): when something was moved
aside, the message says where it is kept; when nothing could be restored, no dialog offers to
open a copy; a read-only opening says what can still be done (view, simulate, export elsewhere).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

PROJECTS_MENU = "File ▸ Projects…"


def startup_notice(workspace: Any) -> tuple[str, str] | None:
    """(title, text) of what happened while opening `workspace`, or None when nothing did."""
    parts: list[str] = []
    title = ""
    notice = getattr(workspace, "recovered_from", None)
    if notice is not None:
        parts.append(notice.message)
        title = "Workspace repaired" if not workspace.read_only else "Workspace damaged"
    for text in getattr(workspace, "notices", []):
        parts.append(text)
        if not title:
            title = ("Workspace opened read-only" if workspace.read_only
                     else "Unsaved changes could not be restored")
    if not parts:
        return None
    return title, "\n\n".join(parts)


def tell_startup(parent: QWidget | None, workspace: Any) -> None:
    """Show `startup_notice` once, if there is one."""
    notice = startup_notice(workspace)
    if notice is not None:
        QMessageBox.warning(parent, notice[0], notice[1])


def damaged_project_text(error: Any) -> str:
    """The dialog text when a project cannot be opened and has no good backup copy."""
    damage = getattr(error, "damage", None)
    name = getattr(error, "project", "This project")
    ways: list[str] = [option.label[0].lower() + option.label[1:] for option in getattr(damage, "options", ())]
    if damage is not None and damage.kept is not None:
        ways.append("show the damaged file")
    ways.append("remove it from the list")
    listing = ", ".join(ways[:-1]) + (" or " if len(ways) > 1 else "") + ways[-1]
    return (f"{error}\n\n“{name}” is listed as damaged in {PROJECTS_MENU}, where you can {listing}. "
            "Your other projects are not affected.")


def ask_open_backup(parent: QWidget | None, error: Any) -> bool:
    """A damaged project with a good backup copy: open that copy? (True: yes)."""
    answer = QMessageBox.question(parent, "Project damaged", f"{error}\n\nOpen the last good copy now?")
    return answer == QMessageBox.StandardButton.Yes


def tell_damaged_project(parent: QWidget | None, error: Any) -> None:
    QMessageBox.warning(parent, "Project damaged", damaged_project_text(error))
