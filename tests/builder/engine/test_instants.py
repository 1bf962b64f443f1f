"""Event times: every form gives exactly what `datetime.fromisoformat(...).timestamp()` gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.engine.instants import epoch_seconds
from tests.conftest import examples

_INSTANTS = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1))


def _reference(text: str) -> float:
    at = datetime.fromisoformat(text)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


@given(at=_INSTANTS, offset=st.integers(-14 * 60, 14 * 60),
       form=st.sampled_from(["Z", "+00:00", "offset", "naive", "space", "micro"]))
@settings(max_examples=examples(1500), deadline=None)
def test_every_form_gives_the_exact_timestamp(at: datetime, offset: int, form: str) -> None:
    base = at.replace(microsecond=0).isoformat()
    text = {
        "Z": base + "Z",
        "+00:00": base + "+00:00",
        "offset": at.replace(tzinfo=timezone(timedelta(minutes=offset))).isoformat(),
        "naive": at.isoformat(),
        "space": base.replace("T", " ") + "Z",
        "micro": at.isoformat() + "Z",
    }[form]
    assert epoch_seconds(text) == _reference(text)


@pytest.mark.parametrize("text", [
    "2026-11-24T24:00:05Z", "2026-02-30T08:00:05Z", "2026-11-24T08:60:05Z", "2026-11-24T08:00:60Z",
    "2026-11-24T08:0a:05Z", "yesterday at nine", "", "2026-11-24T08:00:05ZZ",
])
def test_text_that_is_not_an_instant_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        datetime.fromisoformat(text)
    with pytest.raises(ValueError):
        epoch_seconds(text)


def test_datetimes_are_accepted_as_well() -> None:
    assert epoch_seconds(datetime(2026, 11, 24, 8, tzinfo=UTC)) == epoch_seconds("2026-11-24T08:00:00Z")
    assert epoch_seconds(datetime(2026, 11, 24, 8)) == epoch_seconds("2026-11-24T08:00:00Z")
    with pytest.raises(ValueError, match="not an ISO 8601 instant"):
        epoch_seconds(12)
