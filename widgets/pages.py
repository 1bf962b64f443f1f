"""The editor pages beyond the rules page, added to the main window in one place.

Why a separate module: several editors are built in parallel, and the window should not need an
edit for each one; every page is one `window.add_page(...)` line here, in tab order.
"""

from __future__ import annotations

from typing import Any

from widgets.style import icon


def install_pages(window: Any) -> None:
    """Add the Templates and Channels pages (and later editors) to `window` (a `MainWindow`)."""
    from widgets.channels_editor import ChannelsEditor
    from widgets.template_editor import TemplateEditor

    templates = TemplateEditor(window.document, window.undo_stack, window)
    window.add_page("Templates", templates, icon("templates"))
    channels = ChannelsEditor(window.document, window.undo_stack, window)
    window.add_page("Channels", channels, icon("channels"))
    window.problem_outside_rules.connect(lambda problem: show_problem(window, problem, [templates, channels]))
    templates.rule_activated.connect(lambda rule_id: open_rule(window, rule_id))
    from widgets.simulator import install_simulator
    install_simulator(window)  # the Simulator page; wires "open this condition" to the rule editor
    from widgets.hours_editor import HoursEditor
    from widgets.routing_editor import RoutingEditor
    hours = HoursEditor(window.document, window.undo_stack, window)
    window.add_page("Business hours", hours, icon("hours"))
    routing = RoutingEditor(window.document, window.undo_stack, window)
    window.add_page("Routing", routing, icon("routing"))
    window.problem_outside_rules.connect(lambda problem: show_problem(window, problem, [hours, routing]))
    from widgets.dashboard import install_dashboard
    install_dashboard(window)  # the Replay page; a double-clicked conversation opens in the simulator


def open_rule(window: Any, rule_id: str) -> None:
    """Go to the rules page with `rule_id` selected (from a page's "used by" list)."""
    window.pages.setCurrentWidget(window.rules_page)
    window.rule_list.select_rule(rule_id)


def show_problem(window: Any, problem: Any, pages: list[Any]) -> None:
    """Switch to the page that edits what `problem` points at (templates, channels…) and focus it."""
    for page in pages:
        if page.focus_problem(problem):
            window.pages.setCurrentWidget(page)
            return
