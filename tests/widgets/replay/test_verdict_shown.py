"""The Replay page judges the shipped samples (a test library) by their expectations, in one
sentence, and its confusion table names rules, not ids."""

from __future__ import annotations

from typing import Any

import pytest

from tests.widgets.replay.test_dashboard import dashboard, ruleset, run_to_end  # noqa: F401  (fixtures)

pytestmark = pytest.mark.gui


def test_the_samples_are_a_test_library_judged_by_expectations(qtbot: Any, dashboard: Any) -> None:  # noqa: F811
    run_to_end(qtbot, dashboard)
    text = dashboard.summary.toPlainText()
    assert dashboard.metrics.is_test_library
    assert "Test library:" in text
    assert "more than the team" not in text and "healthy 10-20%" not in text
    table = text.split("Confusion", 1)[1].split("Rule analysis", 1)[0]
    assert "Legal threats" in table or "Visitor asks for a human" in table
    ids = {r.id for r in dashboard.document.ruleset.rules}
    cells = {line.strip() for line in table.splitlines()}
    assert not cells & ids
