"""The editor of one rule: header (`RuleHeader`: name, description, trigger, switches, cooldown), the
IF sentence, the THEN cards, and a "Diagram" view of the same rule.

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
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
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
from builder.format.model import Rule, Ruleset
from widgets.common.undo_commands import MoveRuleCommand, ReplaceRuleCommand, SetRulesetCommand
from widgets.rules.action_cards import ActionCards
from widgets.rules.conditions.condition_editor import ConditionEditor, show_inline_problem
from widgets.rules.editor_style import editor_style
from widgets.rules.new_in_picker import NEW_TEAM, ask_name, with_new_team, with_new_template
from widgets.rules.order_warning import OrderWarning
from widgets.rules.rule_graph import RuleGraph
from widgets.rules.rule_header import RuleHeader
from widgets.rules.rule_problems import inline_text, path_in_rule, problem_rule_id

DIAGRAM_DEPTH = 4  # group levels from which a rule opens in the Diagram view


def _disconnect(subscriptions: list[tuple[Event, Callable[..., None]]]) -> None:
    """Stop listening to the document once the widget is gone (the document may outlive it)."""
    for event, callback in subscriptions:
        event.disconnect(callback)


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
        self.header = RuleHeader()
        self.header.renamed.connect(self._rename)
        self.header.field_edited.connect(self._edit)
        layout.addWidget(self.header)
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
        return problem_rule_id(problem, self.document.rules)

    def _inline_text(self, message: str) -> str:
        return inline_text(message, self._rule.name if self._rule is not None else None)

    def _place_problem(self, problem: Any) -> QWidget | None:
        """Show the message inline next to the field the path names; return that field."""
        rest = path_in_rule(problem)
        message, severity = (
            self._inline_text(str(getattr(problem, "message", ""))),
            str(getattr(problem, "severity", "error")),
        )
        if rest.startswith(".when"):
            return self.condition_editor.show_problem(rest[len(".when") :], message, severity)
        if (action := re.match(r"^\.actions\[(\d+)\]\.?(\w*)", rest)) is not None:
            return self.action_cards.show_problem(int(action.group(1)), action.group(2), message, severity)
        show_inline_problem(self.header.header_problem, message, severity)
        return self.header.field_at(rest)

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
        self.header.show_rule(rule)
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

    def _condition_edited(self, root: Any, text: str, merge: str | None) -> None:
        self._edit("when", root, text, f"when:{merge}" if merge else None)

    def _actions_edited(self, actions: Any, text: str, merge: str | None) -> None:
        self._edit("actions", actions, text, f"actions:{merge}" if merge else None)

    # --- problems
    def _clear_problems(self) -> None:
        self.header.header_problem.hide()
        self.order_warning.clear()
        self.condition_editor.clear_problems()
        self.action_cards.clear_problems()
