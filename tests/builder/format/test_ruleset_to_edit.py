"""`ruleset_to_edit`: a document with errors still opens in the editor; a wrecked one is explained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.format.io import ruleset_to_edit
from builder.paths import example_playbook
from rules_schema import migrate


def test_a_document_with_errors_still_becomes_a_ruleset() -> None:
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    document["rules"][0]["actions"] = [{"type": "reply", "template": "missing"}]  # an error the editor shows
    ruleset = ruleset_to_edit(document)
    assert ruleset.rules[0].actions[0].template == "missing"  # type: ignore[union-attr]


def test_a_wrecked_document_is_explained_in_words() -> None:
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    document["rules"] = "not a list"
    with pytest.raises(ValueError, match="too damaged to edit:\n•"):
        ruleset_to_edit(document)


def test_an_older_format_is_migrated_first() -> None:
    draft = Path(__file__).resolve().parents[2] / "rules_schema" / "fixtures" / "ruleset.v0.json"
    document = json.loads(draft.read_text(encoding="utf-8"))
    assert ruleset_to_edit(document) == ruleset_to_edit(migrate(document))
    assert ruleset_to_edit(document).to_dict()["schema_version"] != document.get("schema_version")
