"""The simulator's picture of the Slack message reads as Slack shows it, not as it travels; the
notified channel is named in words."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextDocument

from builder.handoff.payload import slack_message
from builder.paths import example_playbook
from builder.runtime import read_ruleset
from widgets.simulator.handoff import channel_messages, slack_html

pytestmark = pytest.mark.gui


def test_the_slack_picture_decodes_what_slack_decodes(qapp) -> None:
    payload = {"priority": "high", "handoff": {"team_name": "R&D"}, "rule": {"name": "Asks"},
               "visitor": {"name": "Ana", "email": "ana@example.com"}, "tags": ["a&b"],
               "pages": [{"url": "/p?x=1&y=2"}], "conversation_id": "c-1", "transcript": []}
    message = slack_message(payload, "<!here> <https://x.example/c/1|Open the chat>")
    picture = QTextDocument()
    picture.setHtml(slack_html(message))
    shown = picture.toPlainText()
    assert "Ana <ana@example.com>" in shown and "@here Open the chat" in shown
    assert "Pages: /p?x=1&y=2" in shown and "Tags: a&b" in shown
    assert "&amp;" not in shown and "&lt;" not in shown


def test_the_notified_channel_is_named_with_its_kind_in_words() -> None:
    ruleset = read_ruleset(example_playbook())
    slack = next(c for c in ruleset.channels if c.type == "slack")
    decision = {"id": "c-1", "escalated": True, "turn": 1, "at": "2026-11-27T10:00:05Z", "rule": "explicit-human",
                "handoff": "instant", "team": "support", "priority": "high", "notify": [slack.id]}
    conversation = {"id": "c-1", "visitor": {"name": "Ana"},
                    "events": [{"at": "2026-11-27T10:00:05Z", "type": "visitor", "text": "a human please"}]}
    assert channel_messages(ruleset, decision, conversation)["notified"] == [f"{slack.name} (Slack)"]
