"""The Channels page shows the words the team will read, not the chat service's JSON."""

from __future__ import annotations

from typing import Any

import pytest

from widgets.channels.readable_message import readable_message

pytestmark = pytest.mark.gui


def test_the_slack_preview_is_words_not_json(window: Any) -> None:
    page = window.ensure_page("Channels")
    slack = next(c for c in window.document.ruleset.channels if c.type == "slack")
    page.select_channel(slack.id)
    page._update_sent_preview()
    text = page.sent_preview.toPlainText()
    assert page.channel() is not None and page.channel().id == slack.id
    assert text and "{" not in text and '"type"' not in text and "mrkdwn" not in text
    assert "handoff" in text.lower()


def test_readable_message_flattens_cards() -> None:
    message = {"type": "message", "attachments": [{"content": {"type": "AdaptiveCard", "body": [
        {"type": "TextBlock", "text": "New handoff for Sales"},
        {"type": "FactSet", "facts": [{"title": "Priority", "value": "high"}]}]}}]}
    assert readable_message(message) == "New handoff for Sales\n\nPriority: high"
    assert readable_message({"text": "Hi", "blocks": [{"type": "section", "text": {"type": "mrkdwn",
                                                                                    "text": "*Team*\nSupport"}}]}) \
        == "Hi\n\nTeam: Support"


def test_a_slack_message_reads_as_slack_shows_it() -> None:
    message = {"text": "fallback &amp; only", "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "R&D <team>"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "<!here> see <https://x.example/c/1|the chat> &lt;3"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Tags: a&amp;b, <https://x.example/p>"}]}]}
    assert readable_message(message, "slack") == \
        "R&D <team>\n\n@here see the chat <3\n\nTags: a&b, https://x.example/p"
    assert readable_message({"text": "Hi &lt;you&gt;"}, "slack") == "Hi <you>"  # no blocks: the text is the message
