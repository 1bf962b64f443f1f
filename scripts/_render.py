"""What the offscreen screenshot scripts share: the Qt application with the light style, the
output folder, the example playbook as a document, and letting queued events run before a grab.

Why: every screenshot must be taken the same way (Fusion, light.qss, the shipped playbook), or two
pictures of the same page differ for reasons that are not in the page.

Import after `sys.path` holds the repository root (the scripts put it there first).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def settle(app: Any, rounds: int = 5) -> None:
    """Let queued events (layouts, timers at 0 ms, repaints) run before a grab."""
    for _ in range(rounds):
        app.processEvents()


def application() -> Any:
    """The QApplication (made if needed) in the Fusion style with the light style sheet."""
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    app.setStyle("Fusion")
    style = ROOT / "resources" / "style" / "light.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def out_dir(argv: list[str]) -> Path:
    """OUT_DIR from the command line, else docs/screenshots; created if missing."""
    folder = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def playbook_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text(encoding="utf-8"))
    return data


def playbook_document() -> Any:
    """A fresh `Document` holding the example playbook as shipped."""
    from builder.editing.document import Document
    from builder.format.model import Ruleset

    return Document(Ruleset.from_dict(playbook_data()))
