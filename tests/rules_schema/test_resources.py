"""Everything shipped is tested as data: example rulesets validate clean, their templates use only
known placeholders, their conversations fit the conversation schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules_schema import catalog, schema_errors, validate
from rules_schema.placeholders import find_placeholders

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
EXAMPLES = sorted((RESOURCES / "examples").glob("*.json"))
CONVERSATIONS = sorted((RESOURCES / "conversations").glob("*.jsonl"))


def test_there_are_examples() -> None:
    assert any(p.name == "playbook.json" for p in EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_clean(path: Path) -> None:
    problems = validate(json.loads(path.read_text(encoding="utf-8")))
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_template_placeholder_is_known(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    known = catalog().placeholders
    used = {ph.name for t in document.get("templates", []) for key in ("subject", "body")
            for ph in find_placeholders(t.get(key, ""))}
    assert used and used <= set(known)


@pytest.mark.parametrize("path", CONVERSATIONS, ids=lambda p: p.name)
def test_every_shipped_conversation_fits_the_schema(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            assert schema_errors(json.loads(line), "conversation") == [], f"{path.name} line {number}"
