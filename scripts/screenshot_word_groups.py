"""Render the Word groups page and a "near" condition offscreen, in the main window at 1366×768.

Writes docs/screenshots/word_groups.png (the page, showing the playbook's "People we can put you
through to" group) and docs/screenshots/near_condition.png (the rules page on the first rule that
has a "near" condition). Runs on a throw-away workspace seeded with the example playbook.
Usage: python scripts/screenshot_word_groups.py [OUT_DIR] [--size 1366x768]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer

from builder.format.model import iter_leaves
from widgets.shell.main_window import MainWindow
from widgets.shell.startup import create_application, open_start_project, open_workspace

PREFERRED_GROUP = "people-by-role"


def settle(ms: int = 400) -> None:
    """Let timers (debounced validation, background work) run before grabbing."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(argv: list[str]) -> int:
    size = next((a.split("=", 1)[1] for a in argv if a.startswith("--size=")), "1366x768")
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0]) if args else Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in size.split("x"))
    create_application()
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(open_workspace(None, Path(tmp) / "workspace.json"))
        open_start_project(window)
        window.resize(width, height)
        window.show()
        settle()
        page = window.ensure_page("Word groups")
        window.pages.setCurrentWidget(page)
        groups = window.document.ruleset.word_groups
        chosen = next((g for g in groups if g.id == PREFERRED_GROUP), groups[0] if groups else None)
        page.select_group(chosen.id if chosen else None)  # type: ignore[union-attr]
        page.setFocus()
        settle()
        window.grab().save(str(out / "word_groups.png"))
        print(out / "word_groups.png")

        near = next((r for r in window.document.ruleset.rules
                     if any(leaf.op == "near" for leaf in iter_leaves(r.when))), None)
        window.pages.setCurrentWidget(window.rules_page)
        if near is not None:
            window.rule_list.select_rule(near.id)
            window.rule_editor.show_rule(near.id)
        window.rule_editor.setFocus()
        settle()
        window.grab().save(str(out / "near_condition.png"))
        print(out / "near_condition.png")
        window.undo_stack.setClean()  # nothing to save: the window closes without asking
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
