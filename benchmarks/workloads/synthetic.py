"""Made-up rules and conversations of random words: the engine benchmark's workload.

`make_ruleset` builds R rules (phrase lists of 5-30 phrases, a few RE2 patterns, numeric thresholds
at the tail of their distributions, nested all/any 2-3 deep; 70% keyword rules), and `conversations`
N conversations of 3-15 visitor turns of 5-40 words in which 15% of the turns carry one of the given
trigger phrases. Seeded, so every benchmark that feeds them (engine, simulator, replay, the peers)
measures the same input from one run to the next.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

VOCAB_SIZE = 3000
INTENTS = ["greeting", "order_status", "shipping", "returns", "billing", "pricing", "account", "product",
           "opening_hours", "other"]
START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: set[str] = set()
    while len(words) < VOCAB_SIZE:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 9))))
    return sorted(words)


def make_ruleset(rules: int, seed: int, emotion: bool, keyword_share: float = 0.7) -> tuple[dict[str, Any], list[str]]:
    """The ruleset document and the list of all its phrases (for planting triggers)."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)[: VOCAB_SIZE // 2]  # trigger vocabulary; messages mostly use the other half
    all_phrases: list[str] = []

    def phrases() -> list[str]:
        out = [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(5, 30))]
        all_phrases.extend(out)
        return out

    # Thresholds at the tail of each distribution, as real escalation rules put them: a numeric
    # condition holds on roughly 5-20% of turns, not half of them.
    numeric: list[tuple[str, str | None, str, float, float]] = [
        ("visitor.score", None, "gt", 80, 95), ("conversation.visitor_message_count", None, "gt", 8, 14),
        ("conversation.message_count", None, "gte", 16, 28), ("bot.last_confidence", None, "lt", 0.05, 0.25),
        ("bot.fallback_count", None, "gte", 2, 4), ("message.caps_ratio", None, "gte", 0.6, 0.9),
        ("pages.views_matching", "/pricing*", "gte", 1, 2), ("pages.view_count", None, "gte", 2, 4),
        ("time.minutes_since_start", None, "gte", 8, 20),
    ]
    if emotion:
        numeric += [("message.sentiment", None, "lte", -0.8, -0.5),
                    ("conversation.repeated_question_count", None, "gte", 1, 2)]

    def leaf(depth: int) -> dict[str, Any]:
        roll = rng.random()
        if roll < 0.5:
            return {"fact": "message.text", "op": "contains_any", "value": phrases()}
        if roll < 0.56:
            return {"fact": "message.text", "op": "matches", "value": rng.choice(
                [r"\b\d{4,}\b", r"order\s*#?\d+", r"[a-z]+@[a-z]+\.[a-z]{2,}", r"(?:http|www)\S+", r"\bref[- ]?\d+"])}
        if roll < 0.62:
            return {"fact": "message.frustration", "op": "is_true"}
        if roll < 0.66:
            return {"fact": "bot.intent", "op": "in", "value": rng.sample(INTENTS, 2)}
        fact, param, op, lo, hi = rng.choice(numeric)
        value = round(rng.uniform(lo, hi), 2) if isinstance(lo, float) else rng.randint(int(lo), int(hi))
        out: dict[str, Any] = {"fact": fact, "op": op, "value": value}
        if param:
            out["param"] = param
        return out

    def node(depth: int) -> dict[str, Any]:
        if depth >= 3 or (depth >= 2 and rng.random() < 0.5):
            return leaf(depth)
        kind = rng.choice(["all", "any"])
        children = [node(depth + 1) for _ in range(rng.randint(2, 3))]
        if kind == "all" and rng.random() < 0.15:  # an exclusion: "... but not these phrases"
            children.append({"not": {"fact": "message.text", "op": "contains_any", "value": phrases()}})
        return {kind: children}

    def rule_condition() -> dict[str, Any]:
        # 70% keyword rules (a phrase list and more conditions), 30% behavioural/emotional rules.
        if rng.random() < keyword_share:
            return {"all": [{"fact": "message.text", "op": "contains_any", "value": phrases()}, node(2)]}
        return node(1)

    document = {
        "schema_version": 2,  # format version 2: phrase conditions tolerate typos unless they say otherwise
        "metadata": {"name": f"bench R={rules}"},
        "settings": {"evaluation_mode": "all_matches", "similarity_threshold": 85, "caps_min_letters": 8},
        "rules": [
            {
                "id": f"r{i}", "name": f"Rule {i}", "enabled": True, "trigger": "keyword",
                "when": rule_condition(),
                "actions": [{"type": "tag", "tags": [f"t{i}"]}],
                "stop": False, "cooldown": {"policy": "every_turn"},
            }
            for i in range(rules)
        ],
        "templates": [], "schedules": [], "routing": {"teams": [], "offline_mode": "email", "sla": {}},
        "channels": [],
    }
    return document, all_phrases


def conversations(n: int, seed: int, trigger_phrases: list[str]) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed + 1)
    words = vocabulary(random.Random(seed))
    # Everyday words plus 2% from the trigger vocabulary (noise that partly matches phrases).
    vocab = words[VOCAB_SIZE // 2:] * 49 + words[: VOCAB_SIZE // 2] + \
        ["the", "my", "order", "please", "help", "I", "you", "a", "is"] * 300
    for c in range(n):
        at = START + timedelta(seconds=rng.randint(0, 86400 * 5))
        events: list[dict[str, Any]] = []
        if rng.random() < 0.4:
            events.append({"at": _iso(at), "type": "page_view", "url": rng.choice(["/pricing", "/docs", "/"])})
        for _ in range(rng.randint(3, 15)):
            at += timedelta(seconds=rng.randint(5, 90))
            words = [rng.choice(vocab) for _ in range(rng.randint(5, 40))]
            if rng.random() < 0.15:
                words.insert(rng.randrange(len(words)), rng.choice(trigger_phrases))
            if rng.random() < 0.05:
                words = [w.upper() for w in words]
            events.append({"at": _iso(at), "type": "visitor", "text": " ".join(words)})
            at += timedelta(seconds=rng.randint(1, 4))
            events.append({"at": _iso(at), "type": "bot", "text": "ok", "confidence": round(rng.random(), 2),
                           "fallback": rng.random() < 0.1, "intent": rng.choice(INTENTS)})
        yield {"id": f"c{c}", "visitor": {"score": rng.randint(0, 100)}, "events": events}


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")
