"""Long, quiet conversations of 20 ordinary questions: what a chatbot service keeps thousands of alive.

Seeded: a page view, then 20 visitor questions on different topics (one asked again halfway), each
answered by the bot (one resolved early), pauses of 5-90 s, more page views and now and then a
profile update; most run their 20 turns without escalating on `playbook(long_conversations=False)`,
the shipped playbook without its rule that escalates every conversation past 10 visitor messages.
The runtime and GC-pause benchmarks keep many of them alive at once.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from builder import runtime
from builder.paths import example_playbook

TOPICS = [
    "the delivery address for parcels", "the opening hours of the Porto shop", "another user on the team plan",
    "the charger for the older model", "delivery times to Lisbon", "student discounts", "the warranty period",
    "order 48213 that has not arrived", "paying by bank transfer", "single sign-on with Okta",
    "resetting a forgotten password", "shipping to Norway", "the API rate limits", "exporting data to CSV",
    "two-factor authentication codes", "moving to the yearly plan", "the mobile app on Android",
    "deleting old projects", "webhooks for new orders", "the dark mode setting", "gift cards",
    "changing the account owner", "the size guide for jackets", "the loyalty points",
]
FRAMES = ["how does {} work", "I have a question about {}", "can you tell me about {}",
          "what do I need to know about {}"]
BOT = ["Here is what I found:", "You can do that under Settings.", "Let me check that for you.",
       "Our plans are listed on the pricing page."]
PAGES = ["/pricing", "/docs/setup", "/account/billing", "/shop/charger", "/help"]


def event(at: datetime, kind: str, **fields: Any) -> dict[str, Any]:
    return {"at": at.isoformat().replace("+00:00", "Z"), "type": kind, **fields}


def generated(n: int, seed: int, turns: int = 20) -> Iterator[dict[str, Any]]:
    """Conversations of `turns` visitor messages, seeded; a question is sometimes asked again."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    for i in range(n):
        at = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 7))
        events: list[dict[str, Any]] = []
        asked: list[str] = []
        events.append(event(at, "page_view", url=rng.choice(PAGES)))
        topics = rng.sample(TOPICS, turns)
        for turn in range(turns):
            at += timedelta(seconds=rng.randrange(5, 90))
            text = asked[0] if turn == turns // 2 else rng.choice(FRAMES).format(topics[turn])  # one repeat
            asked.append(text)
            events.append(event(at, "visitor", text=text))
            at += timedelta(seconds=rng.randrange(1, 4))
            events.append(event(at, "bot", text=rng.choice(BOT), confidence=round(rng.uniform(0.5, 0.99), 2),
                                intent="faq", resolved=turn == 2))
            if rng.random() < 0.2:
                events.append(event(at, "page_view", url=rng.choice(PAGES)))
            if rng.random() < 0.05:
                events.append(event(at, "profile", score=rng.randrange(0, 80),
                                    attributes={"plan": rng.choice(["free", "team"])}))
        yield {"id": f"g-{i}", "visitor": {"name": "Visitor", "score": rng.randrange(0, 60)}, "events": events}


def playbook(long_conversations: bool = True) -> runtime.Runtime:
    """The shipped playbook; without its rule escalating every conversation past 10 visitor messages,
    so that generated conversations live their 20 turns."""
    document = json.loads(example_playbook().read_text(encoding="utf-8"))
    for rule in document["rules"]:
        if rule["id"] == "long-conversation":
            rule["enabled"] = long_conversations
    return runtime.from_document(document)
