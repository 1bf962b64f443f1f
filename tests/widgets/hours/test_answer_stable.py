"""The "What happens at…" panel keeps its height while its answer changes (no jumping layout)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

pytestmark = pytest.mark.gui


def test_the_answer_panel_does_not_jump(window: Any, qtbot: Any) -> None:
    page = window.ensure_page("Business hours")
    window.pages.setCurrentWidget(page)
    qtbot.waitUntil(page.answer.isVisible)
    heights = set()
    for moment in (datetime(2026, 12, 25, 12, tzinfo=UTC), datetime(2026, 12, 1, 10, tzinfo=UTC),
                   datetime(2026, 12, 5, 23, tzinfo=UTC)):
        page.set_moment(moment)
        qtbot.wait(10)
        heights.add(page.answer.height())
        assert page.answer.text()
    assert len(heights) == 1, heights
