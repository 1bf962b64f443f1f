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


def _depth(condition: object) -> int:
    from builder.format.model import Group, Not

    if isinstance(condition, Group):
        return 1 + max((_depth(c) for c in condition.children), default=0)
    return 1 + _depth(condition.child) if isinstance(condition, Not) else 0


def _nested_rule_id(ruleset: object, preferred: str) -> str:
    """`preferred` when it is nested, else the playbook's most nested rule (the example evolves)."""
    rules = getattr(ruleset, "rules", ())
    chosen = next((r for r in rules if r.id == preferred and _depth(r.when) >= 2), None)
    return (chosen or max(rules, key=lambda r: (_depth(r.when), -len(r.actions)))).id


def main(argv: list[str]) -> int:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from builder.editing.document import Document
    from builder.format.model import Ruleset
    from widgets.rules.rule_editor import RuleEditor

    app = QApplication.instance() or QApplication([])
    if "--no-style" not in argv:
        from widgets.common.style import apply_style  # Fusion plus the app's stylesheet, as the app does

        apply_style(app)  # type: ignore[arg-type]
    data = json.loads((ROOT / "resources" / "examples" / "playbook.json").read_text(encoding="utf-8"))
    document = Document(Ruleset.from_dict(data))
    editor = RuleEditor(document, QUndoStack())
    editor.resize(900, 700)
    editor.show_rule(_nested_rule_id(document.ruleset, "enterprise-pricing"))
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
