"""The "Workspace in use" question, in words a support manager reads: who has the projects open and
since when, then "Open read-only" or "Cancel".

Why not the lock error's own text: it names the workspace file, a process id and an ISO time
(`builder.workspace.errors.LockOwner.describe`), which help a log reader, not a manager.
"""

from __future__ import annotations

import getpass
import socket
from datetime import UTC, datetime

from PySide6.QtWidgets import QMessageBox, QWidget

APP = "handoff-builder"


def _me() -> tuple[str, str]:
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = ""
    return socket.gethostname(), user


def holder_words(owner: object, here: tuple[str, str] | None = None) -> str:
    """"another Handoff Builder window on this computer", "Handoff Builder on the computer “desk-7”
    (signed in as bo)" or "another program" when the lock says nothing about its holder."""
    host, user = here or _me()
    pid = getattr(owner, "pid", 0)
    if not pid:
        return "another program"
    app = "Handoff Builder" if getattr(owner, "app", "") in (APP, "") else "another program"
    their_host, their_user = getattr(owner, "host", ""), getattr(owner, "user", "")
    signed_in = f" (signed in as {their_user})" if their_user and their_user != user else ""
    if their_host == host:
        where = "window on this computer" if app == "Handoff Builder" else "on this computer"
        return f"another {app} {where}{signed_in}"
    return f"{app} on the computer \u201c{their_host}\u201d{signed_in}" if their_host else f"{app}{signed_in}"


def since_words(since: str, now: datetime | None = None) -> str:
    """"since 09:14 today", "since yesterday at 17:02", "since Monday at 08:30", "since 3 March at
    08:30" in this computer's time; "" when the time is missing or unreadable."""
    try:
        moment = datetime.strptime(since, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone()
    except ValueError:
        return ""
    now = (now or datetime.now(UTC)).astimezone()
    clock = moment.strftime("%H:%M")
    days = (now.date() - moment.date()).days
    if days <= 0:
        return f"since {clock} today"
    if days == 1:
        return f"since yesterday at {clock}"
    if days < 7:
        return f"since {moment.strftime('%A')} at {clock}"
    date = f"{moment.day} {moment.strftime('%B')}" + (f" {moment.year}" if moment.year != now.year else "")
    return f"since {date} at {clock}"


def lock_message(owner: object, here: tuple[str, str] | None = None, now: datetime | None = None) -> str:
    """The question's main sentence."""
    since = since_words(str(getattr(owner, "since", "")), now)
    return (f"Your projects are already open for editing in {holder_words(owner, here)}"
            + (f", {since}" if since else "") + ".")


def lock_dialog(parent: QWidget | None, owner: object) -> QMessageBox:
    """The question, not yet shown: "Open read-only" (accept role) or "Cancel"."""
    box = QMessageBox(QMessageBox.Icon.Question, "Workspace in use", lock_message(owner), parent=parent)
    box.setObjectName("workspaceLockDialog")
    box.setInformativeText("Only one window can change them at a time. You can open them read-only to look, "
                           "simulate and export, or cancel and switch to the other window.")
    box.read_only_button = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)  # type: ignore[attr-defined]
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    return box


def ask_read_only(parent: QWidget | None, owner: object) -> bool:
    """Whether the user chose to open the locked workspace read-only."""
    box = lock_dialog(parent, owner)
    box.exec()
    return box.clickedButton() is box.read_only_button  # type: ignore[attr-defined]

