"""Render the rule editor with a nested rule offscreen and save docs/screenshots/rule_editor.png.

Usage: python scripts/screenshot_rule_editor.py [OUT.png] [--diagram]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from builder.document import Document
    from builder.model import Ruleset
    from widgets.rule_editor import RuleEditor

    app = QApplication.instance() or QApplication([])
    style = ROOT / "resources" / "style" / "light.qss"
    if style.exists() and "--no-style" not in argv:
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    data = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text(encoding="utf-8"))
    document = Document(Ruleset.from_dict(data))
    editor = RuleEditor(document, QUndoStack())
    editor.resize(900, 700)
    editor.show_rule("enterprise-pricing")
    if "--diagram" in argv:
        editor.set_view(1)
    editor.show()
    editor.setFocus()  # no blinking cursor in the picture
    for _ in range(3):
        app.processEvents()
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0]) if args else ROOT / "docs" / "screenshots" / "rule_editor.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    editor.grab().save(str(out))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
