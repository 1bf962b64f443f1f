"""A larger conversation library for replay tests, built from the shipped samples."""

from __future__ import annotations

import json
from pathlib import Path

from builder.paths import sample_conversations


def write_library(path: Path, n: int) -> Path:
    """`n` conversations: the samples repeated under new ids (so every rule kind appears)."""
    lines = sample_conversations().read_text(encoding="utf-8").splitlines()
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            conversation = json.loads(lines[i % len(lines)])
            conversation["id"] = f"{conversation['id']}-{i}"
            out.write(json.dumps(conversation) + "\n")
    return path
