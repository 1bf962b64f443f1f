"""A conversation library on which the shipped playbook escalates now and then: replay's workload.

The conversations of `synthetic.py` (3-15 visitor turns of 5-40 random words; 15% of the turns
carry a planted phrase, 5% are written in capitals) with the example playbook's own phrases planted,
one plant in three, the others small talk ("thanks", "ok"...). Seeded; written as JSON Lines, the
file `replay`, the dashboard and `simulate` read.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.workloads.synthetic import conversations
from builder.paths import example_playbook


def playbook_phrases(document: dict[str, Any]) -> list[str]:
    """Every phrase of the playbook's `contains_any` conditions."""
    def walk(node: dict[str, Any]) -> list[str]:
        if "fact" in node:
            value = node.get("value")
            return [str(v) for v in value] if node.get("op") == "contains_any" and isinstance(value, list) else []
        children = node.get("all") or node.get("any") or ([node["not"]] if "not" in node else [])
        return [p for child in children for p in walk(child)]

    return [p for rule in document["rules"] for p in walk(rule["when"])]


def planted_phrases() -> list[str]:
    """The playbook's phrases and twice as much small talk: one plant in three triggers a rule."""
    phrases = playbook_phrases(json.loads(example_playbook().read_text(encoding="utf-8")))
    return phrases + ["thanks", "hello there", "ok", "great", "sure"] * (2 * len(phrases) // 5)


def library(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """`n` conversations, made one at a time (a million never sit in memory)."""
    return conversations(n, seed, planted_phrases())


def write_library(path: Path, n: int, seed: int) -> float:
    """`n` conversations into `path` as JSON Lines; the seconds it took."""
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8") as out:
        for conversation in library(n, seed):
            out.write(json.dumps(conversation) + "\n")
    return time.perf_counter() - started
