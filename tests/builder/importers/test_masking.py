"""Masking personal data: what is masked, and what must stay (order numbers, dates, times)."""

from __future__ import annotations

import pytest

from builder.importers.masking import luhn_valid, mask_text


@pytest.mark.parametrize(("text", "masked"), [
    ("write to ana.silva+shop@example.co.uk please", "write to [email] please"),
    ("card 4111 1111 1111 1111 expired", "card [card] expired"),
    ("card 4111-1111-1111-1111", "card [card]"),
    ("card 5500005555555559", "card [card]"),
    ("call +44 20 7946 0958 now", "call [phone] now"),
    ("call 0044 20 7946 0958", "call [phone]"),
    ("call (030) 1234-567", "call [phone]"),
    ("call 555-867-5309", "call [phone]"),
    ("call 0301234567", "call [phone]"),
])
def test_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask_text(text) == (masked, 1)


@pytest.mark.parametrize("text", [
    "order 12345678 is late", "invoice 2026-118", "on 2026-11-27 at 10:30", "on 27.11.2026", "card 4111 1111 1111 1112",
    "ticket #4411", "version 1.2.3", "no personal data here",
])
def test_what_is_not_personal_data_stays(text: str) -> None:
    assert mask_text(text) == (text, 0)


def test_luhn() -> None:
    assert luhn_valid("4111111111111111") and luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112") and not luhn_valid("79927398710")
