"""The simulator's status line says what a test expects in words, with rule names."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui


def test_a_loaded_test_says_what_it_expects_by_rule_name(window: Any) -> None:
    page = window.simulator_page
    conversation = {"id": "legal-1", "events": [{"at": "2026-11-27T10:00:00Z", "type": "visitor",
                                                 "text": "My lawyer will call"}],
                    "expect": {"escalate": True, "rule": "legal", "turn": 1}}
    page.load_conversation(conversation)
    text = page.status.text()
    assert "Legal threats" in text and "visitor message 1" in text
    assert "{" not in text and "'rule'" not in text and "legal'" not in text


def test_a_test_expecting_no_handover_says_so(window: Any) -> None:
    page = window.simulator_page
    page.load_conversation({"id": "quiet", "events": [], "expect": {"escalate": False}})
    assert "expects no handover" in page.status.text()
