"""The two lasting words in the status bar: how many problems, how many rules (and how many are on).

Why a module: both follow the document and the Problems panel on their own, whatever page is shown;
the window only places them. The problem count is written in full ("1 warning", "2 errors, 1
warning") and its label never shrinks below what it says (a late first check once left it clipped
to its first width).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from builder.editing.document import Document
from rules_schema import Problem
from widgets.common.editor_page import subscribe


def problems_text(problems: list[Problem]) -> str:
    """"2 errors, 1 warning", or "No problems"."""
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((errors, "error"), (warnings, "warning")) if n]
    return ", ".join(parts) or "No problems"


class RuleCounts(QLabel):
    """"12 rules, 11 on", kept up to date with the document."""

    def __init__(self, document: Document, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self.document = document
        subscribe(self, [(document.changed, self.update_counts)])
        self.update_counts()

    def update_counts(self) -> None:
        rules = self.document.rules
        self.setText(f"{len(rules)} rules, {sum(1 for r in rules if r.enabled)} on")


class ProblemCounts(QLabel):
    """"1 warning": what the Problems panel found, in full."""

    def show_problems(self, problems: list[Problem]) -> None:
        self.setText(problems_text(problems))
        self.setMinimumWidth(self.sizeHint().width())  # never clipped


def install_status(status_bar: QStatusBar, document: Document) -> tuple[ProblemCounts, RuleCounts]:
    """Add the problem count and the rule count (in that order, at the right) to `status_bar`."""
    problems, rules = ProblemCounts(status_bar), RuleCounts(document, status_bar)
    status_bar.addPermanentWidget(problems)
    status_bar.addPermanentWidget(rules)
    return problems, rules
