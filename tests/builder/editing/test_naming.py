"""Ids made from names are valid, readable and unique."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from builder.editing.naming import id_from_name

ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def test_an_id_reads_like_the_name() -> None:
    assert id_from_name("Legal hold: GDPR!") == "legal-hold-gdpr"
    assert id_from_name("Café crème") == "cafe-creme"
    assert id_from_name("   ") == "rule"
    assert id_from_name("", fallback="team") == "team"


def test_an_id_is_unique() -> None:
    assert id_from_name("Legal hold", ["legal-hold", "legal-hold-2"]) == "legal-hold-3"


@given(st.text(max_size=200), st.lists(st.text(max_size=10), max_size=5))
def test_every_name_gives_a_valid_unused_id(name: str, taken: list[str]) -> None:
    made = id_from_name(name, taken)
    assert ID.match(made) and made not in taken
