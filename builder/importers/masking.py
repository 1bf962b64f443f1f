"""Masking personal data in imported text: e-mail addresses, phone numbers and card numbers.

Why: an archive of real chats is full of what visitors typed about themselves, and a library is
shared with whoever tunes the rules. Masks are plain words (`[email]`, `[phone]`, `[card]`) so a
rule that reads the text still sees that something was there. A card number must pass the Luhn
check (so order numbers stay); a phone number needs 9 to 15 digits (7 after a + or
00), so invoice and order numbers stay.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().-]{5,}\d(?!\w)")


def luhn_valid(digits: str) -> bool:
    """The payment-card checksum: every second digit from the right doubled."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask_text(text: str) -> tuple[str, int]:
    """(masked text, how many pieces were masked)."""
    count = 0

    def email(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return "[email]"

    def card(match: re.Match[str]) -> str:
        nonlocal count
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            count += 1
            return "[card]"
        return match.group()

    def phone(match: re.Match[str]) -> str:
        nonlocal count
        found = match.group()
        digits = re.sub(r"\D", "", found)
        international = found.startswith(("+", "00", "("))
        bare = found.isdigit()  # no separators: an order number unless it is as long as a phone number
        least = 7 if international else 10 if bare else 9
        if least <= len(digits) <= 15 and not DATE.fullmatch(found.strip()):
            count += 1
            return "[phone]"
        return match.group()

    text = EMAIL.sub(email, text)
    text = CARD.sub(card, text)
    text = PHONE.sub(phone, text)
    return text, count
