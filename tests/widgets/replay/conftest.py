"""The Replay page on the example playbook, shown, its replay stopped at the end of the test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from builder.editing.document import Document
from builder.paths import example_playbook
from builder.runtime import read_ruleset


@pytest.fixture
def page(qtbot: Any) -> Iterator[Any]:
    from widgets.replay.dashboard import ReplayDashboard

    dashboard = ReplayDashboard(Document(read_ruleset(example_playbook())))
    qtbot.addWidget(dashboard)
    dashboard.show()
    qtbot.waitExposed(dashboard)
    yield dashboard
    dashboard.worker.cancel()
    dashboard.worker.wait(10)
