"""A notification as a manager reads it, not as the chat service's JSON.

Why: the Channels page showed the Slack or Teams message as raw JSON (blocks, adaptive cards);
what a manager wants to check is the words the team will see. For Slack that also means what
Slack shows, not what travels: its mrkdwn texts arrive escaped (`Ana &lt;ana@example.com&gt;`)
and Slack shows `Ana <ana@example.com>`; the message's top-level `text` is only the phone
notification's fallback when it has blocks, so it is not part of what the channel shows.
"""

from __future__ import annotations

from typing import Any

from builder.handoff.templates import slack_shown_text

_TEXT_KEYS = ("text", "title", "value", "summary", "body", "subject")


def _shown(node: dict[str, Any], key: str, text: str, kind: str | None) -> str:
    """`text` as the receiver shows it (Slack decodes its mrkdwn texts; the rest shows as is)."""
    if kind == "slack" and key == "text" and node.get("type") in ("mrkdwn", None):
        return slack_shown_text(text)
    return text


def message_lines(message: Any, kind: str | None = None) -> list[str]:
    """Every piece of text the message shows, in order, each once ("*Priority*\\nhigh" → "Priority: high").

    `kind` is the channel's kind ("slack", "teams", …) when the message is shown as that service
    shows it."""
    found: list[str] = []

    def walk(node: Any, top: bool = False) -> None:
        if isinstance(node, dict):
            title, value = node.get("title"), node.get("value")
            if isinstance(title, str) and isinstance(value, str):
                found.append(f"{title}: {value}")
            for key, child in node.items():
                if key in ("title", "value") and isinstance(title, str) and isinstance(value, str):
                    continue
                if kind == "slack" and top and key == "text" and node.get("blocks"):
                    continue  # the notification fallback: the channel shows the blocks
                if key in _TEXT_KEYS and isinstance(child, str):
                    found.append(_shown(node, key, child, kind))
                elif not isinstance(child, str):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(message, top=True)
    out: list[str] = []
    for text in found:
        cleaned = text.replace("*", "").strip()
        if "\n" in cleaned and len(cleaned.split("\n")) == 2 and len(cleaned.split("\n")[0]) < 30:
            label, value = cleaned.split("\n")
            cleaned = f"{label}: {value}"
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return out


def readable_message(message: Any, kind: str | None = None) -> str:
    """The message's text, one piece a paragraph (as the `kind` of channel shows it, when given)."""
    return "\n\n".join(message_lines(message, kind))
