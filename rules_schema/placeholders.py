"""The placeholder grammar of message templates: `{{ name }}` or `{{ name | fallback }}`.

Lives with the format because the validator must find unknown placeholders without importing
the builder; `builder.handoff.templates` renders with the same expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}")


@dataclass(frozen=True)
class Placeholder:
    name: str
    fallback: str | None
    start: int
    end: int


def find_placeholders(text: str) -> list[Placeholder]:
    """Every placeholder in `text`, in order, with its span (for highlighting in the editor)."""
    return [Placeholder(m.group(1), m.group(2), m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]
