"""What a visitor writes on an ordinary day: small talk about an order, then (most of the time) one
message the shipped playbook escalates on: a request for a person, a refund, frustration, a legal
threat, buying intent... The decision and playbook benchmarks build their conversations from these.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

START = datetime(2026, 11, 24, 9, 0, 0, 123456, tzinfo=UTC)
FILLER = ["hi", "where is my order", "it says shipped", "ok thanks", "how long does delivery take",
          "can I change the address", "the tracking page is empty", "what about returns"]
TRIGGERS = ["Can I talk to a human please?", "I want a refund for this", "this is useless, nothing works!!",
            "I will contact my lawyer about this", "we need enterprise pricing for 500 seats",
            "please delete my account", "I want to file a complaint", "my card was stolen, urgent"]


def day_of_messages(rng: random.Random) -> tuple[datetime, list[str]]:
    """When a conversation starts (within five days of START) and what the visitor writes: 1-7
    everyday messages, then in nine of ten a message the playbook escalates on."""
    at = START + timedelta(seconds=rng.randint(0, 86400 * 5), microseconds=rng.randint(0, 999999))
    texts = [rng.choice(FILLER) for _ in range(rng.randint(1, 7))]
    if rng.random() < 0.9:
        texts.append(rng.choice(TRIGGERS))
    return at, texts
