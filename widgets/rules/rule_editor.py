"""The editor of one rule: header (name, description, trigger, switches, cooldown), the IF sentence,
the THEN cards, and a "Diagram" view of the same rule.

It listens to the document (so undo, redo and edits made elsewhere show up) and edits only through
the undo stack: every gesture becomes a `ReplaceRuleCommand` carrying a whole new immutable rule;
typing in one field merges into one undo step by its merge key. Only the shown rule's widgets
exist, so switching between rules of a 500-rule playbook stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from builder.analysis.gist import condition_depth, rule_gist
from builder.analysis.rules import shadowing_rule
from builder.editing.document import Document
from builder.editing.events import Event
from builder.editing.naming import id_from_name
from builder.format.model import Cooldown, Rule, Ruleset
from rules_schema.catalog import catalog
from widgets.common.style import icon
from widgets.common.undo_commands import MoveRuleCommand, ReplaceRuleCommand, SetRulesetCommand
from widgets.rules.action_cards import ActionCards
from widgets.rules.condition_editor import ConditionEditor, show_inline_problem
from widgets.rules.new_in_picker import NEW_TEAM, ask_name, with_new_team, with_new_template
from widgets.rules.order_warning import OrderWarning
from widgets.rules.rule_graph import RuleGraph

DIAGRAM_DEPTH = 4  # group levels from which a rule opens in the Diagram view
COOLDOWNS = (("once", "once per conversation"), ("every_turn", "at every matching message"),
             ("after_minutes", "again after"))
_RULE_PATH = re.compile(r"^\$\.rules\[(\d+)\](.*)$")
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


def _disconnect(subscriptions: list[tuple[Event, Callable[..., None]]]) -> None:
    """Stop listening to the document once the widget is gone (the document may outlive it)."""
    for event, callback in subscriptions:
        event.disconnect(callback)


def _trigger_icon(kind: str, colour: str) -> QIcon:
    """The app's icon for the trigger kind in its catalog colour (as in the rule list), else a dot."""
    bundled = icon(kind, colour)
    return bundled if not bundled.isNull() else _dot(colour)


def _dot(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 12, 12)
    painter.end()
    return QIcon(pixmap)


class RuleEditor(QWidget):
    """Edits the rule `show_rule` names; `focus_problem` jumps to the field a problem points at."""

    def __init__(self, document: Document, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleEditor")
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.setStyleSheet(editor_style(app))
        self.document, self.undo_stack = document, undo_stack
        self._rule_id: str | None = None
        self._rule: Rule | None = None
        #: Ids of rules made since the last export: their id follows their name (never shown).
        self.fresh_ids: set[str] = set()
        self._rename_key = ""
        self._auto_diagram = False  # the diagram is shown because the rule is deep, not by choice
        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.empty_label = QLabel("Select a rule to edit it, or create a new one.")
        self.empty_label.setObjectName("emptyHint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.empty_label)
        page = QWidget()
        self.pages.addWidget(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(10)
        layout.addWidget(self._build_header())
        self.gist = QLabel()
        self.gist.setObjectName("ruleGist")
        self.gist.setWordWrap(True)
        self.gist.setTextFormat(Qt.TextFormat.PlainText)
        self.gist.setAccessibleName("What this rule does")
        layout.addWidget(self.gist)
        self.order_warning = OrderWarning()
        self.order_warning.move_above_requested.connect(self.move_above)
        layout.addWidget(self.order_warning)
        layout.addLayout(self._build_view_toggle())
        self.views = QStackedWidget()
        layout.addWidget(self.views, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("ruleBody")
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 6, 0)
        body_layout.setSpacing(8)
        self.condition_editor = ConditionEditor()
        self.condition_editor.condition_edited.connect(self._condition_edited)
        body_layout.addWidget(self.condition_editor)
        then = QLabel("THEN")
        then.setObjectName("thenKeyword")
        body_layout.addWidget(then)
        self.action_cards = ActionCards()
        self.action_cards.actions_edited.connect(self._actions_edited)
        self.action_cards.new_item_requested.connect(self.create_for_action)
        body_layout.addWidget(self.action_cards)
        body_layout.addStretch(1)
        self.scroll_area.setWidget(body)
        self.views.addWidget(self.scroll_area)
        self.graph = RuleGraph()
        self.views.addWidget(self.graph)
        self._subscriptions: list[tuple[Event, Callable[..., None]]] = [
            (document.rule_replaced, self._on_rule_replaced),
            (document.rule_removed, self._on_rule_removed),
            (document.ruleset_replaced, self._on_ruleset_replaced)]
        for event, callback in self._subscriptions:
            event.connect(callback)
        subscriptions = self._subscriptions
        self.destroyed.connect(lambda *_: _disconnect(subscriptions))

    # --- building
    def _build_header(self) -> QFrame:
        cat = catalog()
        header = QFrame()
        header.setObjectName("ruleHeader")
        grid = QVBoxLayout(header)
        grid.setContentsMargins(12, 8, 12, 10)
        grid.setSpacing(6)
        top = QHBoxLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("ruleName")
        self.name_edit.setPlaceholderText("Rule name")
        self.name_edit.setAccessibleName("Rule name")
        self.name_edit.textEdited.connect(self._rename)
        self.enabled_box = QCheckBox("Enabled")
        self.enabled_box.setObjectName("enabledSwitch")
        self.enabled_box.toggled.connect(
            lambda on: self._edit("enabled", on, "Switch rule on" if on else "Switch rule off"))
        top.addWidget(self.name_edit, 1)
        top.addWidget(self.enabled_box)
        grid.addLayout(top)
        self.description_edit = QLineEdit()
        self.description_edit.setObjectName("ruleDescription")
        self.description_edit.setPlaceholderText("What this rule is for (optional)")
        self.description_edit.setAccessibleName("Rule description")
        self.description_edit.textEdited.connect(
            lambda t: self._edit("description", t, "Edit description", "description")
        )
        grid.addWidget(self.description_edit)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(QLabel("Trigger"))
        self.trigger_combo = QComboBox()
        self.trigger_combo.setObjectName("triggerCombo")
        self.trigger_combo.setAccessibleName("Trigger kind")
        for kind, info in cat.trigger_kinds.items():
            self.trigger_combo.addItem(_trigger_icon(kind, info.get("colour", "#64748b")), info["label"], kind)
        self.trigger_combo.currentIndexChanged.connect(
            lambda _i: self._edit("trigger", self.trigger_combo.currentData(), "Change trigger kind")
        )
        row.addWidget(self.trigger_combo)
        row.addSpacing(12)
        row.addWidget(QLabel("Fires"))
        self.cooldown_combo = QComboBox()
        self.cooldown_combo.setObjectName("cooldownCombo")
        self.cooldown_combo.setAccessibleName("How often the rule may fire")
        for policy, label in COOLDOWNS:
            self.cooldown_combo.addItem(label, policy)
        self.cooldown_combo.currentIndexChanged.connect(self._cooldown_edited)
        row.addWidget(self.cooldown_combo)
        self.cooldown_minutes = QDoubleSpinBox()
        self.cooldown_minutes.setObjectName("cooldownMinutes")
        self.cooldown_minutes.setAccessibleName("Cooldown minutes")
        self.cooldown_minutes.setRange(1, 10_080)
        self.cooldown_minutes.setDecimals(0)
        self.cooldown_minutes.setSuffix(" min")
        self.cooldown_minutes.valueChanged.connect(self._cooldown_edited)
        row.addWidget(self.cooldown_minutes)
        row.addSpacing(12)
        self.stop_box = QCheckBox("Stop other rules when it fires")
        self.stop_box.setObjectName("stopSwitch")
        self.stop_box.setToolTip("When the rule fires, later rules are not evaluated at this message.")
        self.stop_box.toggled.connect(lambda on: self._edit("stop", on, "Change stop processing"))
        row.addWidget(self.stop_box)
        row.addStretch(1)
        grid.addLayout(row)
        self.header_problem = QLabel()
        self.header_problem.setObjectName("headerProblem")
        self.header_problem.setWordWrap(True)
        self.header_problem.hide()
        grid.addWidget(self.header_problem)
        return header

    def _build_view_toggle(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(0)
        self.view_buttons = QButtonGroup(self)
        for index, text in enumerate(("Sentence", "Diagram")):
            button = QToolButton()
            button.setObjectName("viewToggle")
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(index == 0)
            button.setAccessibleName(f"Show the rule as a {text.lower()}")
            self.view_buttons.addButton(button, index)
            row.addWidget(button)
        self.view_buttons.idClicked.connect(self.set_view)
        row.addStretch(1)
        return row

    # --- public API
    @property
    def current_rule_id(self) -> str | None:
        return self._rule_id

    @property
    def rule(self) -> Rule | None:
        return self._rule

    def show_rule(self, rule_id: str | None) -> None:
        rule = self.document.ruleset.rule(rule_id) if rule_id is not None else None
        changed_rule = (rule.id if rule else None) != self._rule_id
        self._rule_id = rule.id if rule else None
        self._rename_key = f"rule:{self._rule_id}:name"
        self._clear_problems()
        if rule is not None and changed_rule:  # a deeply nested rule reads best as a diagram
            if condition_depth(rule.when) >= DIAGRAM_DEPTH:
                if self.views.currentIndex() == 0:
                    self.set_view(1)
                    self._auto_diagram = True
            elif self._auto_diagram:  # back to the sentence, unless the manager chose the diagram
                self.set_view(0)
        self._refresh(rule)

    def set_view(self, index: int) -> None:
        """0: the sentence editor, 1: the diagram (drawn only while it is shown)."""
        self._auto_diagram = False
        self.views.setCurrentIndex(index)
        button = self.view_buttons.button(index)
        if button is not None and not button.isChecked():
            button.setChecked(True)
        if index == 1:
            self.graph.set_rule(self._rule, self.document.ruleset)

    def focus_problem(self, problem: Any) -> QWidget | None:
        """Show the rule a validation problem is about, focus its field and show the message there.

        `problem` is a `rules_schema` Problem (`path` like `$.rules[2].when.all[0].value`, `message`,
        `severity`, `rule_id`); returns the focused field, or None when it is not about a rule."""
        rule_id = self._problem_rule(problem)
        if rule_id is None:
            return None
        if rule_id != self._rule_id:
            self.show_rule(rule_id)
        self.set_view(0)
        target = self._place_problem(problem)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(target, QLineEdit):
                target.selectAll()
            body = self.scroll_area.widget()
            if body is not None and body.isAncestorOf(target):
                self.scroll_area.ensureWidgetVisible(target)
        return target

    def show_problems(self, problems: Iterable[Any]) -> None:
        """Mark every problem of the shown rule next to its field, without moving the focus (for
        live validation: edits clear the marks, the next validation run puts back what remains)."""
        self._clear_problems()
        mine = [p for p in problems if self._rule_id is not None and self._problem_rule(p) == self._rule_id]
        broken = any(getattr(p, "severity", "") == "error" and ".when" in getattr(p, "path", "") for p in mine)
        if broken and self._auto_diagram:
            self.set_view(0)  # an error in the condition shows at its field, in the sentence
        for problem in mine:
            if not self._show_order_problem(problem):
                self._place_problem(problem)

    def _show_order_problem(self, problem: Any) -> bool:
        """A rule-order warning goes to the banner above the rule (True), with a fix if one exists."""
        code = getattr(problem, "code", "")
        if code == "analysis.shadowed" and self._rule_id is not None:
            blocker = shadowing_rule(self.document.ruleset, self._rule_id)
            if blocker is not None:
                self.order_warning.show_shadowed(blocker)
                return True
        if code == "analysis.never_fires":
            self.order_warning.show_never_fires(self._inline_text(str(getattr(problem, "message", ""))))
        return False

    def move_above(self, blocker_id: str) -> None:
        """The one-click fix: move the shown rule just above the rule that always decides first."""
        if self._rule is None or self._rule_id is None or self.document.ruleset.rule(blocker_id) is None:
            return
        old, new = self.document.index_of(self._rule_id), self.document.index_of(blocker_id)
        if old > new:
            blocker = self.document.ruleset.rule(blocker_id)
            name = blocker.name if blocker is not None else blocker_id
            self.undo_stack.push(MoveRuleCommand(self.document, old, new,
                                                 f"Move rule '{self._rule.name}' above '{name}'"))
            self.order_warning.clear()

    def _problem_rule(self, problem: Any) -> str | None:
        rule_id = getattr(problem, "rule_id", None)
        match = _RULE_PATH.match(getattr(problem, "path", "") or "")
        if rule_id is None and match and int(match.group(1)) < len(self.document.rules):
            rule_id = self.document.rules[int(match.group(1))].id
        return rule_id if isinstance(rule_id, str) else None

    def _inline_text(self, message: str) -> str:
        """Next to the field, "Rule 'X', condition on 'Y': the phrase list is empty" says too much:
        keep what follows the validator's location prefix for the shown rule."""
        owner = f"Rule '{self._rule.name}'" if self._rule is not None else None
        if owner and message.startswith(owner):
            _, sep, words = message[len(owner) :].partition(": ")
            if sep and words:
                return words[0].upper() + words[1:]
        return message

    def _place_problem(self, problem: Any) -> QWidget | None:
        """Show the message inline next to the field the path names; return that field."""
        match = _RULE_PATH.match(getattr(problem, "path", "") or "")
        rest = match.group(2) if match else ""
        message, severity = (
            self._inline_text(str(getattr(problem, "message", ""))),
            str(getattr(problem, "severity", "error")),
        )
        if rest.startswith(".when"):
            return self.condition_editor.show_problem(rest[len(".when") :], message, severity)
        if (action := re.match(r"^\.actions\[(\d+)\]\.?(\w*)", rest)) is not None:
            return self.action_cards.show_problem(int(action.group(1)), action.group(2), message, severity)
        show_inline_problem(self.header_problem, message, severity)
        return self._header_field(rest)

    # --- document -> view
    def _on_rule_replaced(self, _index: int, old: Rule, new: Rule) -> None:
        if old.id == self._rule_id:
            self._rule_id = new.id
            self._clear_problems()
            self._refresh(new)

    def _on_rule_removed(self, _index: int, rule: Rule) -> None:
        if rule.id == self._rule_id:
            self.show_rule(None)

    def _on_ruleset_replaced(self, _old: Ruleset, new: Ruleset) -> None:
        self.show_rule(self._rule_id if self._rule_id and new.rule(self._rule_id) else None)

    def _refresh(self, rule: Rule | None) -> None:
        self._rule = rule
        self.pages.setCurrentIndex(0 if rule is None else 1)
        if rule is None:
            self.graph.set_rule(None)
            return
        if self.name_edit.text() != rule.name:
            self.name_edit.setText(rule.name)
            if not self.name_edit.hasFocus():
                self.name_edit.setCursorPosition(0)
        if self.description_edit.text() != rule.description:
            self.description_edit.setText(rule.description)
            if not self.description_edit.hasFocus():
                self.description_edit.setCursorPosition(0)  # show the start of a long description
        for widget, setter in (
            (self.enabled_box, lambda: self.enabled_box.setChecked(rule.enabled)),
            (self.stop_box, lambda: self.stop_box.setChecked(rule.stop)),
            (self.trigger_combo, lambda: self.trigger_combo.setCurrentIndex(self.trigger_combo.findData(rule.trigger))),
            (
                self.cooldown_combo,
                lambda: self.cooldown_combo.setCurrentIndex(max(0, self.cooldown_combo.findData(rule.cooldown.policy))),
            ),
            (self.cooldown_minutes, lambda: self.cooldown_minutes.setValue(rule.cooldown.minutes or 10)),
        ):
            widget.blockSignals(True)
            setter()
            widget.blockSignals(False)
        self.cooldown_minutes.setVisible(rule.cooldown.policy == "after_minutes")
        ruleset = self.document.ruleset
        self.gist.setText(rule_gist(rule, ruleset))
        self.condition_editor.set_condition(rule.when, ruleset)
        self.action_cards.set_actions(rule.actions, ruleset, rule.id)
        if self.views.currentIndex() == 1:
            self.graph.set_rule(rule, ruleset)

    # --- view -> commands
    def _push(self, new_rule: Rule, text: str, merge: str | None = None) -> None:
        if self._rule is None or self._rule_id is None or new_rule == self._rule:
            return
        key = f"rule:{self._rule_id}:{merge}" if merge else None
        self.undo_stack.push(ReplaceRuleCommand(self.document, self._rule_id, new_rule, text, key))

    def _rename(self, name: str) -> None:
        """Typing a name; a rule made since the last export gets an id spelled like its new name."""
        if self._rule is None or self._rule_id is None:
            return
        renamed = replace(self._rule, name=name)
        if self._rule_id in self.fresh_ids:
            taken = [r.id for r in self.document.rules if r.id != self._rule_id]
            renamed = replace(renamed, id=id_from_name(name, taken))
            self.fresh_ids.add(renamed.id)
        if renamed != self._rule:
            self.undo_stack.push(ReplaceRuleCommand(self.document, self._rule_id, renamed,
                                                    f"Rename rule to '{name}'", self._rename_key))

    def create_for_action(self, kind: str, index: int) -> None:
        """"+ New team…" / "+ New template…" in an action's picker: ask a name, add it, use it (one undo step)."""
        if self._rule is None or not 0 <= index < len(self._rule.actions):
            return
        what = "team" if kind == NEW_TEAM else "reply template"
        name = ask_name(self, what)
        if name is None:
            return
        make = with_new_team if kind == NEW_TEAM else with_new_template
        ruleset, _made = make(self.document.ruleset, self._rule, index, name)
        self.undo_stack.push(SetRulesetCommand(self.document, ruleset, f"Add {what} '{name}' to '{self._rule.name}'"))

    def _edit(self, field: str, value: Any, text: str, merge: str | None = None) -> None:
        if self._rule is not None:
            self._push(replace(self._rule, **{field: value}), text, merge)

    def _cooldown_edited(self, *_: Any) -> None:
        policy = self.cooldown_combo.currentData()
        minutes = float(self.cooldown_minutes.value()) if policy == "after_minutes" else None
        self.cooldown_minutes.setVisible(policy == "after_minutes")
        self._edit("cooldown", Cooldown(policy, minutes), "Change how often the rule fires", "cooldown")

    def _condition_edited(self, root: Any, text: str, merge: str | None) -> None:
        self._edit("when", root, text, f"when:{merge}" if merge else None)

    def _actions_edited(self, actions: Any, text: str, merge: str | None) -> None:
        self._edit("actions", actions, text, f"actions:{merge}" if merge else None)

    # --- problems
    def _header_field(self, rest: str) -> QWidget:
        fields: dict[str, QWidget] = {
            ".name": self.name_edit,
            ".description": self.description_edit,
            ".trigger": self.trigger_combo,
            ".enabled": self.enabled_box,
            ".stop": self.stop_box,
            ".cooldown": self.cooldown_combo,
            ".cooldown.minutes": self.cooldown_minutes,
        }
        return fields.get(rest, fields.get(rest.split(".minutes")[0], self.name_edit))

    def _clear_problems(self) -> None:
        self.header_problem.hide()
        self.order_warning.clear()
        self.condition_editor.clear_problems()
        self.action_cards.clear_problems()
