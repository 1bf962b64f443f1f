"""Render the simulator with a conversation that escalated after closing time; save
docs/screenshots/simulator.png (offscreen, 1280x800).

Usage: python scripts/screenshot_simulator.py [OUT.png] [--tab slack|teams|email|webhook]
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from builder.editing.document import Document
    from builder.format.model import Ruleset
    from widgets.simulator import SimulatorPage

    app = QApplication.instance() or QApplication([])
    from widgets.common.style import apply_style

    apply_style(app)  # type: ignore[arg-type]
    data = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text(encoding="utf-8"))
    page = SimulatorPage(Document(Ruleset.from_dict(data)))
    page.resize(1280, 800)
    page.clock.set_start(datetime(2026, 11, 27, 17, 57, tzinfo=ZoneInfo("Europe/Berlin")), ZoneInfo("Europe/Berlin"))
    page.clock.start_changed.emit()
    page.visitor.set_profile({"name": "Chris", "email": "chris@example.com", "returning": True})
    page.visitor.changed.emit()
    page.add_event({"type": "page_view", "url": "/orders/4411"})
    page.advance(timedelta(seconds=40))
    page.add_event({"type": "visitor", "text": "where is my order 4411"})
    page.advance(timedelta(seconds=4))
    page.add_event({"type": "bot", "text": "I can help you track an order. What is the order number?",
                    "confidence": 0.9, "intent": "order_status"})
    page.advance(timedelta(minutes=2, seconds=30))  # past 18:00: support has closed
    page.add_event({"type": "visitor", "text": "I ALREADY TOLD YOU THE NUMBER, THIS IS USELESS"})
    tabs = {key: index for index, key in enumerate(page.handoff.views)}  # handoff (in words), slack, …
    for arg in argv:
        if arg.startswith("--tab="):
            page.handoff.tabs.setCurrentIndex(tabs.get(arg.split("=", 1)[1].replace("handoff", "webhook"), 0))
    page.show()
    page.chat.input.setFocus()
    for _ in range(3):
        app.processEvents()
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0]) if args else ROOT / "docs" / "screenshots" / "simulator.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not page.grab().save(str(out)):
        print(f"could not write {out}", file=sys.stderr)
        return 1
    decision = page.sim.decision
    print(f"saved {out} ({decision.rule if decision else 'no handoff'}, {decision.handoff if decision else '-'})")
    page.disconnect_document()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
