"""Inputs for the fuzz targets: mutated real documents, odd values, raw text, and the reproductions
of issue #23 (each listed where it is used, as an explicit example)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [json.loads(x) for x in (ROOT / "resources" / "conversations" / "samples.jsonl")
           .read_text(encoding="utf-8").splitlines() if x]

ODD_TEXT = st.sampled_from([
    "", " ", "\ud800", "x\udc00y", "\ufffd", "\x00", "{{team}}", "{{visitor.name |" + " " * 300, "NaN", "true", "{}",
    "I want to talk to a human", "AGENT NOW!!!", "😡" * 50, "é" * 40, "a" * 2000, "refund " * 100, "\n\r\t",
    "<script>", "%s%n", "'; DROP TABLE", "ǅ", "İ", "ß", "\u202e", "\u2028",
])
ODD_INSTANTS = st.sampled_from([
    "2026-11-24T09:00:00Z", "2026-11-24t09:00:00z", "2026-11-24T09:00:00.123456+01:00", "9999-12-31T23:59:00-05:00",
    "0001-01-01T00:10:00+05:00", "2026-11-24T09:00:00+14:00", "2026-11-24T09:00:00+15:00", "2026-11-24T09:00:00",
    "2026-02-30T09:00:00Z", "1970-01-01T00:00:00Z", "2200-12-31T23:59:59Z", "2201-01-01T00:00:00Z", "", "now",
    "2026-11-24T09:00:00-23:59", "2026-W48-2T09:00:00Z", "2026-11-24 09:00:00+00:00",
])
ODD_NUMBERS = st.sampled_from([0, 1, -1, 0.5, 2, 1e308, -1e308, 2**64, math.nan, math.inf, -math.inf, True, None])
ODD_VALUES = st.one_of(ODD_TEXT, ODD_INSTANTS, ODD_NUMBERS, st.builds(list), st.builds(dict),  # fresh objects:
                       st.builds(lambda: [1, "a", None]), st.builds(lambda: {"x": {"y": [None]}}),  # mutated later
                       st.text(max_size=40))

EVENT_TYPES = st.sampled_from(["visitor", "bot", "page_view", "cart", "resolved", "profile", "context", "typing",
                               "", "VISITOR", None, 5])
EVENT_KEYS = st.sampled_from(["text", "confidence", "fallback", "intent", "resolved", "url", "action", "values",
                              "name", "email", "score", "returning", "attributes", "previous_chat_failed"])


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    """One event: a known or odd type, an odd or ordinary instant, a few fields with odd values."""
    event: dict[str, Any] = {"type": draw(EVENT_TYPES), "at": draw(ODD_INSTANTS)}
    for key in draw(st.lists(EVENT_KEYS, max_size=3)):
        event[key] = draw(ODD_VALUES)
    if draw(st.booleans()):
        event["text"] = draw(ODD_TEXT)
    return event


def _leaves(node: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        out.append((node, key))
        _leaves(value, out)
    return out


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """`base` with up to four nodes replaced by odd values, removed, or given an odd extra key."""
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 4))):
        spots = _leaves(document, [])
        if not spots:
            break
        parent, key = draw(st.sampled_from(spots))
        action = draw(st.sampled_from(["replace", "remove", "extra"]))
        if action == "replace":
            parent[key] = draw(ODD_VALUES)
        elif action == "remove":
            del parent[key]
        elif isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from(["x", "\ud800", "at", "type", "expect"]))] = draw(ODD_VALUES)
    return document


def dumps(document: Any) -> str:
    """JSON text, NaN and lone surrogates included (as a hostile writer would send them)."""
    return json.dumps(document, ensure_ascii=True, allow_nan=True)


@st.composite
def damaged_text(draw: st.DrawFn, text: str) -> str:
    """`text` with a few characters cut, doubled or replaced: JSON that breaks in odd places."""
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        text = text[:at] + draw(st.sampled_from(["", "{", "}", "[", "\"", "\\", "\\ud800", ",", text[at] * 2]))\
            + text[at + 1:]
    return text
