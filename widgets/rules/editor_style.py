"""The rule editor's own look (cards, condition groups, chips, toggles), by object name, on top of the
app's stylesheet, with a dark twin so cards never end up light text on white."""

from __future__ import annotations

import re

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

_FALLBACK_QSS = """
#ruleHeader { background: white; border: 1px solid #e2e8f0; border-radius: 8px; }
#ruleName { font-size: 15pt; font-weight: 600; border: none; background: transparent; padding: 2px; }
#sentenceKeyword, #thenKeyword { font-weight: 700; color: #475569; letter-spacing: 1px; }
#conditionGroup { border: 1px solid #cbd5e1; border-radius: 8px; background: #f8fafc; }
#conditionGroup[depth="1"], #conditionGroup[depth="3"] { background: #eef2ff; border-color: #c7d2fe; }
#conditionGroup[depth="2"] { background: #fff7ed; border-color: #fed7aa; }
#conditionGroup[dropTarget="true"] { border: 2px dashed #2563eb; }
#conditionRow { background: white; border: 1px solid #e2e8f0; border-radius: 6px; }
#actionCard { background: white; border: 1px solid #e2e8f0; border-left: 4px solid #2563eb; border-radius: 6px; }
#actionTitle { font-weight: 600; }
#replyPreview { color: #475569; font-style: italic; padding: 2px 4px; }
#chipsEdit { background: white; border: 1px solid #cbd5e1; border-radius: 6px; }
#chip { background: #e0e7ff; border-radius: 10px; }
#chipRemove { border: none; padding: 0 2px; color: #475569; }
#dragHandle { color: #94a3b8; padding: 0 2px; }
#notToggle { border: 1px solid transparent; border-radius: 4px; padding: 1px 5px; color: #94a3b8; }
#notToggle:hover { border-color: #cbd5e1; color: #475569; }
#notToggle:checked { background: #dc2626; color: white; border-color: #dc2626; font-weight: 600; }
#inlineProblem, #headerProblem, #patternMessage { color: #b91c1c; }
#inlineProblem[severity="warning"], #headerProblem[severity="warning"] { color: #b45309; }
#emptyHint { color: #94a3b8; font-style: italic; }
#ruleGist { color: #1e293b; background: #f1f5f9; border-radius: 6px; padding: 6px 8px; }
#addConditionButton, #addGroupButton, #addActionButton { color: #2563eb; border: none; padding: 2px 6px;
    background: transparent; }
#addConditionButton:hover, #addGroupButton:hover, #addActionButton:hover { text-decoration: underline; }
#addActionButton::menu-indicator { image: none; width: 0; }
#chipsInput { border: none; background: transparent; padding: 0 2px; }
#dragHandle, #sentenceWord, #emptyHint, #thenKeyword, #sentenceKeyword { background: transparent; }
QToolButton[picker="true"] { border: 1px solid #cbd5e1; border-radius: 6px; padding: 3px 8px; background: white; }
QToolButton[picker="true"]:hover { border-color: #2563eb; }
QToolButton[picker="true"]:focus { border-color: #2563eb; }
#viewToggle { border: 1px solid #cbd5e1; padding: 3px 12px; background: white; }
#viewToggle:checked { background: #2563eb; color: white; border-color: #2563eb; }
"""


_DARK = {"white": "#1e293b", "#f8fafc": "#0f172a", "#e2e8f0": "#334155", "#cbd5e1": "#475569",
         "#eef2ff": "#1e1b4b", "#c7d2fe": "#3730a3", "#fff7ed": "#292524", "#fed7aa": "#9a3412",
         "#475569": "#cbd5e1", "#e0e7ff": "#312e81"}


def editor_style(app: QApplication) -> str:
    """The editor's own parts (cards, groups, chips, toggles), by object name, on top of whatever
    the app's stylesheet does for standard widgets: light, or its dark twin when the palette is
    dark (so cards never end up light text on white)."""
    palette = app.palette()
    style = _FALLBACK_QSS
    if palette.color(QPalette.ColorRole.Window).lightness() >= palette.color(QPalette.ColorRole.WindowText).lightness():
        return style
    return re.sub("|".join(re.escape(k) for k in _DARK), lambda m: _DARK[m.group(0)], style)
