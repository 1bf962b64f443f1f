"""Render the Replay page offscreen after a replay of the shipped samples and save
docs/screenshots/dashboard.png (1280×800), with the conversations behind the largest rule bar listed.

Usage: python scripts/screenshot_dashboard.py [OUT_FILE]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    from widgets.shell.startup import create_application

    app = create_application([])
    from builder.editing.document import Document
    from builder.paths import example_playbook
    from builder.runtime import read_ruleset
    from widgets.replay.dashboard import ReplayDashboard

    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots" / "dashboard.png"
    page = ReplayDashboard(Document(read_ruleset(example_playbook())))
    page.resize(1280, 800)
    page.show()
    page.run()
    deadline = time.monotonic() + 60
    while (page.worker.running or page.drawing) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    if page.metrics is None:
        print("the replay did not finish", file=sys.stderr)
        return 1
    rule = max(page.metrics.by_rule, key=page.metrics.by_rule.__getitem__)
    page.show_bar("by_rule", rule)
    page.conversations.table.selectRow(0)
    for _ in range(10):
        app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(out))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
