"""The conversation simulator page: type a conversation, move the clock, see why rules fire.

`install_simulator(window)` adds the page to a `MainWindow` and wires "open this condition in the
rule editor"; `SimulatorPage` is usable on its own (tests, screenshots).
"""

from __future__ import annotations

from typing import Any

from rules_schema import Problem
from widgets.simulator.page import SimulatorPage

__all__ = ["SimulatorPage", "install_simulator", "open_condition"]


def install_simulator(window: Any) -> SimulatorPage:
    """Add the Simulator page to `window` (a `MainWindow`): its current project saves the tests."""
    page = SimulatorPage(window.document, window, project_provider=lambda: getattr(window, "project", None))
    window.add_page("Simulator", page)
    page.condition_activated.connect(lambda rule_id, path: open_condition(window, page, rule_id, path))
    window.simulator_page = page
    return page


def open_condition(window: Any, page: SimulatorPage, rule_id: str, path: str) -> None:
    """Show the rule on the rules page and focus the condition, with the value it had as a note."""
    window.pages.setCurrentWidget(window.rules_page)
    window.rule_list.select_rule(rule_id)
    window.rule_editor.show_rule(rule_id)
    note = page.explanation.note_for(path)
    window.rule_editor.focus_problem(Problem(path=path, message=note, severity="warning", code="simulator.explain",
                                             rule_id=rule_id))
