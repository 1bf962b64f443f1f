"""Small helpers the editor pages share for their forms: set text only when it changed, ids and
names made unique, and the channel labels from the catalog.

Why one module: the template, channel, schedule and routing pages each grew their own copies, and
an id rule or a label that differs between pages is a bug the user sees.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel, QLineEdit

from rules_schema.catalog import catalog


def set_text(widget: QLabel | QLineEdit, text: str) -> None:
    """Set a label's or line edit's text only when it differs (no needless repaint or signal)."""
    if widget.text() != text:
        widget.setText(text)


#: What a notification channel of each kind is called wherever a manager reads it.
CHANNEL_KINDS: dict[str, str] = {"slack": "Slack", "teams": "Microsoft Teams", "email": "E-mail",
                                 "webhook": "Other service (webhook)"}


def channel_label(kind: str) -> str:
    return str(catalog().channels.get(kind, {}).get("label", kind))


def channel_limit(kind: str) -> int | None:
    limit = catalog().channels.get(kind, {}).get("max_length")
    return limit if isinstance(limit, int) else None


def unique_id(name: str, taken: set[str], fallback: str) -> str:
    """A schema-valid id made from `name` (lower-case, dashes), unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-_")[:56].strip("-_") or fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def unique_name(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} {n}", n + 1
    return candidate


def escape_html(text: str) -> str:
    """Escape &, < and > for a rich-text label (quotes stay as typed)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def bullet(colour: str, html: str) -> str:
    """One problem line of a rich-text problems label: a coloured "●" and already-escaped text."""
    return f"<span style='color:{colour}'>● {html}</span>"
