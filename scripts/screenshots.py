"""Render the README screenshots offscreen at laptop size: main window, every page, problems, rule editor.

Writes main_window.png (the rules page) and page_<name>.png for every other tab (page_business_hours.png…),
taken from the real window at 1366×768 (the smallest common laptop screen), so a page that does not fit
shows it. The Simulator shows a short conversation and the Replay page a run of the sample library.
Usage: python scripts/screenshots.py [--out docs/screenshots] [--size 1366x768]
Runs on a throw-away workspace seeded with the example playbook, so it never touches yours.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer

from builder.format.model import Leaf
from widgets.common.undo_commands import ReplaceRuleCommand
from widgets.shell.main_window import MainWindow
from widgets.shell.startup import create_application, open_start_project, open_workspace


def settle(ms: int = 400) -> None:
    """Let timers (debounced validation, background work) run before grabbing."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for_problems(window: MainWindow, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while window.problems_panel.busy and time.monotonic() < deadline:
        settle(100)


def page_file_name(title: str) -> str:
    """"Business hours" → "page_business_hours.png"."""
    return "page_" + "_".join(title.lower().split()) + ".png"


def prepare(title: str, page: object) -> None:
    """Give the Simulator a conversation and the Replay page a finished run before the picture."""
    if title == "Simulator":
        page.add_event({"type": "visitor", "text": "Hi, where is my parcel? It was due on Monday"})  # type: ignore[attr-defined]
        page.add_event({"type": "visitor", "text": "I want to talk to a human please"})  # type: ignore[attr-defined]
        settle()
    elif title == "Replay":
        page.run()  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60
        while (page.worker.running or page.outcome is None or page.drawing) \
                and time.monotonic() < deadline:  # type: ignore[attr-defined]
            settle(100)
        settle()


def grab_pages(window: MainWindow, out: Path) -> None:
    """The whole window on every tab but the rules page (each page is built when first shown)."""
    for index in range(1, window.pages.count()):
        title = window.pages.tabText(index)
        window.pages.setCurrentIndex(index)
        page = window.ensure_page(title)
        settle()
        prepare(title, page)
        window.grab().save(str(out / page_file_name(title)))
        print(out / page_file_name(title))
    window.pages.setCurrentWidget(window.rules_page)
    settle(100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    app = create_application()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = open_workspace(None, Path(tmp) / "workspace.json")
        window = MainWindow(workspace)
        open_start_project(window)
        window.resize(width, height)
        window.show()
        settle()
        wait_for_problems(window)
        window.grab().save(str(args.out / "main_window.png"))
        print(args.out / "main_window.png")
        grab_pages(window, args.out)

        nested = next((r for r in window.document.rules if r.id == "enterprise-pricing"), None)
        if nested is not None:
            window.rule_list.select_rule(nested.id)
            settle()
            window.rule_editor.grab().save(str(args.out / "rule_editor.png"))
            print(args.out / "rule_editor.png")

        # A broken rule: an unknown template and an empty phrase list, as a user might leave it.
        rule = window.document.rules[1]
        broken = replace(rule, when=Leaf("message.text", "contains_any", ()),
                         actions=tuple(a if getattr(a, "type", "") != "reply" else replace(a, template="missing")
                                       for a in rule.actions))
        window.undo_stack.push(ReplaceRuleCommand(window.document, rule.id, broken, "Break a rule"))
        window.problems_panel.validate_now()
        wait_for_problems(window)
        settle()
        first = window.problems_panel.tree.topLevelItem(0)
        if first is not None:
            window.problems_panel.tree.setCurrentItem(first)
            window.go_to_problem(window.problems_panel.problems[0])
        settle()
        window.grab().save(str(args.out / "problems_window.png"))
        window.problems_panel.grab().save(str(args.out / "problems_panel.png"))
        print(args.out / "problems_panel.png")
        window.undo_stack.setClean()
        window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
