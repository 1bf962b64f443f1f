"""The template preview starts at the current instant shown in the schedule's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.gui


def test_the_first_moment_is_now_in_the_schedules_zone(window: Any) -> None:
    before = datetime.now(UTC)
    page = window.ensure_page("Templates")
    zone = page.zone_label.text()
    assert zone and zone != "UTC"
    shown = page.moment()
    assert shown.tzinfo == ZoneInfo(zone)
    assert abs(shown - before) < timedelta(minutes=3)  # the same instant, not UTC wall time relabelled
