"""The holiday check reads `holidays`' registry instead of importing every country: it must know
the same countries and regions as `holidays.list_supported_countries()` (the oracle)."""

from __future__ import annotations

import holidays

from rules_schema.checks.schedule_checks import _holiday_countries, _holiday_regions


def test_same_countries_and_regions_as_the_library() -> None:
    supported = holidays.list_supported_countries()
    assert _holiday_countries() == set(supported)
    for country, regions in supported.items():
        assert _holiday_regions(country) == tuple(regions)
