"""The editor pages beyond the rules page, added to the main window in one place.

Why a separate module: several editors are built in parallel, and the window should not need an
edit for each one; every page is one `window.add_page(...)` here, in tab order. Each page is
built the first time it is shown or needed (`window.add_lazy_page`), so a first launch paints
the rules page without paying for editors the user may not open.
"""

from __future__ import annotations

from typing import Any

from widgets.common.style import icon

PROBLEM_PAGES = ("Templates", "Channels", "Business hours", "Routing", "Word groups")


def install_pages(window: Any) -> None:
    """Add Word groups, Templates, Business hours, Routing, Channels, Simulator and Replay to `window` (a `MainWindow`).

    The window calls this once; a second call (older tests did it themselves) changes nothing.
    """
    if getattr(window, "pages_installed", False):
        return
    window.pages_installed = True
    window.add_lazy_page("Word groups", lambda: _install_word_groups(window), icon("keyword"))
    window.add_lazy_page("Templates", lambda: _install_templates(window), icon("templates"))
    window.add_lazy_page("Business hours", lambda: _install_hours(window), icon("hours"))
    window.add_lazy_page("Routing", lambda: _install_routing(window), icon("routing"))
    window.add_lazy_page("Channels", lambda: _install_channels(window), icon("channels"))
    window.add_lazy_page("Simulator", lambda: _install_simulator(window), icon("simulator"))
    window.add_lazy_page("Replay", lambda: _install_dashboard(window), icon("replay"))
    window.problem_outside_rules.connect(lambda problem: show_problem(window, problem, list(PROBLEM_PAGES)))


def _install_word_groups(window: Any) -> None:
    from widgets.rules.word_group_editor import install_word_groups
    install_word_groups(window, open_rule)


def _install_templates(window: Any) -> None:
    from widgets.templates.template_editor import TemplateEditor

    templates = TemplateEditor(window.document, window.undo_stack, window)
    window.add_page("Templates", templates, icon("templates"))
    templates.rule_activated.connect(lambda rule_id: open_rule(window, rule_id))


def _install_hours(window: Any) -> None:
    from widgets.hours.hours_editor import HoursEditor

    hours = HoursEditor(window.document, window.undo_stack, window)
    window.add_page("Business hours", hours, icon("hours"))


def _install_routing(window: Any) -> None:
    from widgets.routing.routing_editor import RoutingEditor

    routing = RoutingEditor(window.document, window.undo_stack, window)
    window.add_page("Routing", routing, icon("routing"))


def _install_channels(window: Any) -> None:
    from widgets.channels.channels_editor import ChannelsEditor

    channels = ChannelsEditor(window.document, window.undo_stack, window)
    window.add_page("Channels", channels, icon("channels"))


def _install_simulator(window: Any) -> None:
    from widgets.simulator import install_simulator
    install_simulator(window)  # the Simulator page; wires "open this condition" to the rule editor


def _install_dashboard(window: Any) -> None:
    """Pyqtgraph alone takes most of a second to import: the reason pages are built on first use."""
    from widgets.replay.dashboard import install_dashboard
    install_dashboard(window)  # the Replay page; a double-clicked conversation opens in the simulator


def open_rule(window: Any, rule_id: str) -> None:
    """Go to the rules page with `rule_id` selected (from a page's "used by" list)."""
    window.pages.setCurrentWidget(window.rules_page)
    window.rule_list.select_rule(rule_id)


def show_problem(window: Any, problem: Any, pages: list[Any]) -> None:
    """Switch to the page that edits what `problem` points at (templates, channels…) and focus it.

    `pages` holds page widgets or page titles (a titled page is built if it was not yet).
    """
    for page in pages:
        widget = window.ensure_page(page) if isinstance(page, str) else page
        if widget is not None and widget.focus_problem(problem):
            window.pages.setCurrentWidget(widget)
            return
