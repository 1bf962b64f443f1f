"""A notification as a manager reads it, not as the chat service's JSON.

Why: the Channels page showed the Slack or Teams message as raw JSON (blocks, adaptive cards);
what a manager wants to check is the words the team will see.
"""

from __future__ import annotations

from typing import Any

_TEXT_KEYS = ("text", "title", "value", "summary", "body", "subject")


def message_lines(message: Any) -> list[str]:
    """Every piece of text the message shows, in order, each once ("*Priority*\\nhigh" → "Priority: high")."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            title, value = node.get("title"), node.get("value")
            if isinstance(title, str) and isinstance(value, str):
                found.append(f"{title}: {value}")
            for key, child in node.items():
                if key in ("title", "value") and isinstance(title, str) and isinstance(value, str):
                    continue
                if key in _TEXT_KEYS and isinstance(child, str):
                    found.append(child)
                elif not isinstance(child, str):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(message)
    out: list[str] = []
    for text in found:
        cleaned = text.replace("*", "").strip()
        if "\n" in cleaned and len(cleaned.split("\n")) == 2 and len(cleaned.split("\n")[0]) < 30:
            label, value = cleaned.split("\n")
            cleaned = f"{label}: {value}"
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return out


def readable_message(message: Any) -> str:
    """The message's text, one piece a paragraph."""
    return "\n\n".join(message_lines(message))
