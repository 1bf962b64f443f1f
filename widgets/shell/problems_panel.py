"""The problems panel under the editor: every problem `rules_schema.validate` finds, live.

Validation is debounced (150 ms after the last edit). A full pass over a 500-rule playbook takes
far longer than a keystroke may, so `ValidationCache` keeps the last full result per rule and, after
an edit, re-validates only the rules that changed (each alone, with the shared templates, schedules
and routing around it) to update the list at once; the full pass (which also sees cross-rule
problems such as duplicate ids) then runs through `run_in_background` and replaces the estimate.
Emits `problem_activated(problem)` when the user clicks a problem, `problems_changed(problems)`.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from builder.analysis.order_check import RuleOrderCheck
from builder.editing.document import Document
from builder.format.model import Rule, Ruleset
from rules_schema import Problem
from widgets.common.background import run_in_background
from widgets.common.editor_page import subscribe
from widgets.common.first_paint import after_first_paint, waiting
from widgets.common.style import icon

DEBOUNCE_MS = 150
SYNC_LIMIT_S = 0.030  # a full pass slower than this goes to the background
MAX_PARTIAL = 25  # more changed rules than this: skip the estimate, wait for the full pass
SYNC_RULES = 60  # before the first measurement, bigger rulesets are validated in the background

log = logging.getLogger(__name__)
_RULE_PATH = re.compile(r"^\$\.rules\[(\d+)\]")


@dataclass
class _RuleEntry:
    rule: Rule
    problems: list[tuple[str, Problem]]  # (path after $.rules[i], problem)


class ValidationCache:
    """Problems per rule (by id, for the exact rule value validated) plus ruleset-wide problems."""

    def __init__(self) -> None:
        self._rules: dict[str, _RuleEntry] = {}
        self._general: list[Problem] = []
        self.validated: Ruleset | None = None
        self.order = RuleOrderCheck()  # remembers each rule's analysis: an edit re-checks that rule's pairs only

    def full(self, ruleset: Ruleset) -> list[Problem]:
        """Validate everything, then check rule order (a rule that can never fire, or that an
        earlier rule always pre-empts) and the promises a team's schedule cannot keep: warnings
        here too, not only in a replay report or on the Routing page.
        (Safe on a worker thread: it only reads the immutable ruleset.)"""
        from rules_schema import validate  # at first use: the window paints before anything is checked

        problems = validate(ruleset.to_dict())
        return problems + order_problems(ruleset, self.order) + promise_problems(ruleset, problems)

    def absorb_full(self, ruleset: Ruleset, problems: list[Problem], current: Ruleset) -> None:
        """Take a full result for `ruleset`; rules edited since keep their newer partial result."""
        per_rule: dict[str, list[tuple[str, Problem]]] = {r.id: [] for r in ruleset.rules}
        general: list[Problem] = []
        for problem in problems:
            match = _RULE_PATH.match(problem.path)
            index = int(match.group(1)) if match else -1
            if match and index < len(ruleset.rules):
                per_rule[ruleset.rules[index].id].append((problem.path[match.end():], problem))
            else:
                general.append(problem)
        current_rules = {r.id: r for r in current.rules}
        for rule in ruleset.rules:
            now = current_rules.get(rule.id)
            entry = self._rules.get(rule.id)
            if now is rule or entry is None or entry.rule is not now:
                self._rules[rule.id] = _RuleEntry(rule, per_rule[rule.id])
        self._general = general
        self.validated = ruleset

    def stale_rules(self, ruleset: Ruleset) -> list[Rule]:
        """Rules whose current value has no validation result yet."""
        return [r for r in ruleset.rules if (e := self._rules.get(r.id)) is None or e.rule is not r]

    def validate_rules(self, ruleset: Ruleset, rules: list[Rule]) -> None:
        """Re-validate `rules` one by one with the shared parts of `ruleset` (fast, partial)."""
        for rule in rules:
            from rules_schema import validate

            single = replace(ruleset, rules=(rule,)).to_dict()
            found = [(p.path[m.end():], p) for p in validate(single) if (m := _RULE_PATH.match(p.path))]
            self._rules[rule.id] = _RuleEntry(rule, found)

    def problems(self, ruleset: Ruleset) -> list[Problem]:
        """The merged list in document order, paths pointing at each rule's current position."""
        head = [p for p in self._general if not p.path.startswith(("$.templates", "$.schedules", "$.routing",
                                                                     "$.channels", "$.tests"))]
        tail = [p for p in self._general if p not in head]
        out = list(head)
        for index, rule in enumerate(ruleset.rules):
            entry = self._rules.get(rule.id)
            if entry is None:
                continue
            for suffix, problem in entry.problems:
                out.append(replace(problem, path=f"$.rules[{index}]{suffix}", rule_id=rule.id))
        return out + tail


def order_problems(ruleset: Ruleset, check: RuleOrderCheck) -> list[Problem]:
    """Rule-order findings as warnings; a ruleset the analysis cannot read yet (it has errors the
    validator reports) simply has none."""
    try:
        return [finding.to_problem() for finding in check.check(ruleset)]
    except Exception as exc:  # the validator explains what is wrong; the order check waits for a fix
        log.debug("rule order not checked: %s", exc)
        return []


def promise_problems(ruleset: Ruleset, problems: list[Problem]) -> list[Problem]:
    """Response-time promises a team's schedule cannot keep from now on, as warnings: the same ones
    the Routing page and `handoff-builder validate` give. None while there are errors (they say
    what to fix first, as in `validate`)."""
    if any(p.is_error for p in problems):
        return []
    from builder.analysis.promises import unkept_promises  # at first use, with the validator

    try:
        return [promise.to_finding().to_problem() for promise in unkept_promises(ruleset, datetime.now(UTC))]
    except Exception as exc:  # e.g. a schedule the hours code cannot read yet: the validator says why
        log.debug("promises not checked: %s", exc)
        return []


_NO_LIMIT = (1 << 24) - 1  # Qt's QWIDGETSIZE_MAX (not exported by PySide6)


class ProblemsPanel(QWidget):
    """Plain-language problems with severity icons; click one to go to the rule and field."""

    problem_activated = Signal(object)
    problems_changed = Signal(object)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.cache = ValidationCache()
        self._problems: list[Problem] = []
        self._full_seconds = 0.0
        self._running = False
        self._rerun = False
        self._generation = 0
        self._held = False

        self.summary = QLabel(self)
        self.summary.setObjectName("problemsSummary")
        self.summary_icon = QLabel(self)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("problemsList")
        self.tree.setHeaderLabels(["Problem", "Where"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAccessibleName("Problems to fix")
        self.tree.setColumnWidth(0, 640)
        self.tree.itemActivated.connect(self._on_item_activated)
        self.tree.itemClicked.connect(self._on_item_activated)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Problems", self)
        title.setObjectName("sectionTitle")
        header.addWidget(title)
        header.addSpacing(8)
        header.addWidget(self.summary_icon)
        header.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.tree, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.validate_now)
        self._subscriptions = subscribe(self, [(document.changed, self.schedule_validation)])
        self._show([])
        self.summary.setText("Checking…")

    # --- public ------------------------------------------------------------------------------------

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)

    @property
    def busy(self) -> bool:
        """True while a validation is scheduled or running (tests and export wait for it)."""
        return self._held or self.timer.isActive() or self._running

    def schedule_validation(self) -> None:
        """Validate `DEBOUNCE_MS` after the last call (each edit restarts the wait); at start-up, not
        before the window has painted (the first check loads the schema and holiday machinery)."""
        self._generation += 1
        if waiting():
            if not self._held:
                self._held = True
                after_first_paint(self._check_after_first_paint)
            return
        self.timer.start()

    def _check_after_first_paint(self) -> None:
        """The first check, as soon as the painted window leaves the event loop idle (a zero-timer).

        Not after the typing debounce: nobody is typing yet, and a check that waited 150 ms more
        used to run inside the first page the manager opened, making it look slow. Now it runs while
        they read the window (a big ruleset goes to the background, as after any edit)."""
        self._held = False
        if not self.timer.isActive():  # an edit since then restarted the debounce: that check comes soon
            self.validate_now()

    def validate_now(self) -> None:
        """Validate the document as it is now: at once if that is fast, else estimate + background."""
        self.timer.stop()
        ruleset = self.document.ruleset
        fast = self._full_seconds <= SYNC_LIMIT_S if self._full_seconds else len(ruleset.rules) <= SYNC_RULES
        if fast and not self._running:
            started = time.perf_counter()
            problems = self.cache.full(ruleset)
            self._full_seconds = time.perf_counter() - started
            self.cache.absorb_full(ruleset, problems, ruleset)
            self._show(self.cache.problems(ruleset))
            return
        stale = self.cache.stale_rules(ruleset)
        if len(stale) <= MAX_PARTIAL and self.cache.validated is not None:
            self.cache.validate_rules(ruleset, stale)
            self._show(self.cache.problems(ruleset))
        self._start_full(ruleset)

    def disconnect_document(self) -> None:
        for subscription in self._subscriptions:
            subscription.disconnect()
        self.timer.stop()

    # --- background full pass ------------------------------------------------------------------------

    def _start_full(self, ruleset: Ruleset) -> None:
        if self._running:
            self._rerun = True
            return
        self._running = True
        started = time.perf_counter()
        generation = self._generation

        def done(problems: list[Problem]) -> None:
            self._running = False
            self._full_seconds = time.perf_counter() - started
            current = self.document.ruleset
            self.cache.absorb_full(ruleset, problems, current)
            self._show(self.cache.problems(current))
            if self._rerun or (generation != self._generation and not self.timer.isActive()):
                self._rerun = False
                self._start_full(self.document.ruleset)

        def failed(exc: BaseException) -> None:
            self._running = False
            self.summary.setText(f"Could not check the rules: {exc}")

        run_in_background(lambda: self.cache.full(ruleset), done, failed)

    # --- display ---------------------------------------------------------------------------------------

    def _show(self, problems: list[Problem]) -> None:
        self._problems = problems
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        items = []
        for problem in problems:
            owner, message = split_message(problem, self.document)
            item = QTreeWidgetItem([message[:1].upper() + message[1:], owner])
            item.setIcon(0, icon(problem.severity))
            item.setToolTip(0, f"{problem.message}\n\n{problem.path} ({problem.code})")
            item.setData(0, Qt.ItemDataRole.UserRole, problem)
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{problem.severity}: {problem.message}")
            items.append(item)
        self.tree.addTopLevelItems(items)
        self.tree.setUpdatesEnabled(True)
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        # Nothing to list: the panel folds to its one summary line and gives the page its room
        # (a laptop screen has 768 pixels); the list comes back with the first problem.
        self.tree.setVisible(bool(problems))
        self.setMaximumHeight(_NO_LIMIT if problems else self.minimumSizeHint().height())
        if not problems:
            self.summary.setText("No problems: ready to export.")
            self.summary_icon.setPixmap(icon("ok").pixmap(16, 16))
        else:
            counts = ((errors, "error"), (warnings, "warning"))
            parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts if n]
            self.summary.setText(", ".join(parts) + (": fix errors before exporting." if errors else "."))
            self.summary_icon.setPixmap(icon("error" if errors else "warning").pixmap(16, 16))
        self.problems_changed.emit(list(problems))

    def _on_item_activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        problem = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(problem, Problem):
            self.problem_activated.emit(problem)

    def worst_by_rule(self) -> dict[str, str]:
        """rule id -> "error" or "warning" (for markers in the rule list)."""
        out: dict[str, str] = {}
        for problem in self._problems:
            if problem.rule_id and out.get(problem.rule_id) != "error":
                out[problem.rule_id] = problem.severity
        return out


def split_message(problem: Problem, document: Document) -> tuple[str, str]:
    """("Rule 'Urgent: outage', action 2", "there is no template …"): where, then what.

    The validator writes "<where>: <what>"; a rule name may itself contain ": ", so the search
    for the separator starts after the rule's quoted name. The analysis' findings are whole
    sentences (their colon is no separator): where is their rule.
    """
    text = problem.message
    if problem.code == "analysis.unkept_promise":  # one sentence whose own colon is no "where: what"
        return "Routing", text
    start = 0
    rule_id = rule_id_of(problem, document)
    rule = document.ruleset.rule(rule_id) if rule_id else None
    if problem.code.startswith("analysis."):  # findings are sentences that name their rule themselves
        return (f"Rule '{rule.name}'" if rule is not None else "Rules"), text
    if rule is not None:
        for quoted in (f"'{rule.name}'", f"'{rule.id}'"):
            found = text.find(quoted)
            if found >= 0:
                start = found + len(quoted)
                break
    cut = text.find(": ", start)
    if cut < 0:
        return "", text
    return text[:cut], text[cut + 2 :]


def rule_id_of(problem: Problem, document: Document) -> str | None:
    """The rule a problem belongs to (its `rule_id`, else the index in its path)."""
    if problem.rule_id:
        return problem.rule_id
    match = _RULE_PATH.match(problem.path)
    if match and int(match.group(1)) < len(document.rules):
        return document.rules[int(match.group(1))].id
    return None
