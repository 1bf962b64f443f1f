"""Ids made from names: a new rule's id follows its name until the ruleset is first exported.

Why: an id is what a chatbot's logs and reports keep, so once exported it must never change; but a
rule called "New rule" and renamed "Legal hold" before anyone exported it should not leave the file
as `new-rule`. The manager never sees or types an id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_ID = 64
_NOT_ID = re.compile(r"[^a-z0-9]+")


def id_from_name(name: str, taken: Iterable[str] = (), fallback: str = "rule") -> str:
    """A valid id (`^[a-z0-9][a-z0-9_-]{0,63}$`) spelled like `name`, unique among `taken`.

    >>> id_from_name("Legal hold: GDPR!")
    'legal-hold-gdpr'
    >>> id_from_name("Legal hold", ["legal-hold"])
    'legal-hold-2'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    base = _NOT_ID.sub("-", ascii_name.lower()).strip("-")[: MAX_ID - 4].strip("-") or fallback
    used = set(taken)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
