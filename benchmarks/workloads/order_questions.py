"""What the service's load tests post: a visitor's questions about an order and the bot's replies.

They mostly do not escalate on the shipped playbook, so every event runs the rules, as most events
of a live chatbot do. Conversations alternate visitor and bot events, and neighbouring conversations
say different things at the same turn.
"""

from __future__ import annotations

from typing import Any

VISITOR = ["Hi, where is my order?", "It was supposed to arrive on Tuesday", "The tracking number is 1Z999",
           "Can I change the delivery address?", "What are your opening hours in Porto?",
           "Do you ship to Norway?", "Thanks, and how long does that take?", "Is there a size guide?",
           "Can I pay with PayPal?", "ok great"]
BOT = ["Let me check that for you.", "Your parcel left our warehouse yesterday.", "Yes, we ship there.",
       "You can change it in your account under Orders."]


def event(conversation: int, k: int) -> dict[str, Any]:
    """Event `k` (from 0) of conversation number `conversation`, without its time (the service's clock)."""
    if k % 2 == 0:
        return {"type": "visitor", "text": VISITOR[(conversation + k // 2) % len(VISITOR)]}
    return {"type": "bot", "text": BOT[(conversation + k) % len(BOT)], "confidence": 0.9}
