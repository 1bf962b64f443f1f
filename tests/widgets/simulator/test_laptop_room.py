"""On a 1366×768 laptop the simulator keeps room for its explanation once a handoff is shown.

The handoff's summary and messages used to push the "Why each rule fired or not" tree down to two
rows (seen in the real window at 1366×768)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui


def test_a_handoff_leaves_the_explanation_its_rows(window: Any, qtbot: Any) -> None:
    window.resize(1280, 742)  # the window on a 1366×768 screen, below a title bar
    window.pages.setCurrentIndex(next(i for i in range(window.pages.count())
                                      if window.pages.tabText(i) == "Simulator"))
    page = window.ensure_page("Simulator")
    qtbot.waitUntil(page.isVisible)
    assert not page.handoff.tabs.isVisible()  # no empty message boxes before a handoff
    tree = page.explanation.view
    before = tree.viewport().height()
    page.add_event({"type": "visitor", "text": "Hi, where is my parcel? It was due on Monday"})
    page.add_event({"type": "visitor", "text": "I want to talk to a human please"})
    qtbot.waitUntil(lambda: "Transfer now" in page.handoff.summary.text(), timeout=5000)
    qtbot.waitUntil(page.handoff.tabs.isVisible)
    qtbot.wait(50)  # the layouts settle
    row = tree.sizeHintForRow(0)
    assert row > 0
    assert tree.viewport().height() >= before  # the handoff scrolls in its own pane instead
    assert tree.viewport().height() >= 5 * row
