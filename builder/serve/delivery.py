"""Delivering a Decision nobody asked for: a timer fired, so there is no request to answer.

Where it goes: `--callback-url` (the chatbot's own endpoint) gets
`{"event": "handoff.decided", "conversation", "decision", "payload"}`; `--channel ID` names a
channel of the ruleset (Slack, Teams or webhook) and gets that channel's message, rendered by
`builder.handoff.payload_formats.notification`, posted to the URL in the channel's environment
variable. Both use `builder.handoff.notify.send_async`: no redirects, bounded time, a readable result.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from builder import runtime
from builder.handoff.notify import send_async
from builder.handoff.payload_formats import notification
from builder.serve.conversation import Conversation
from builder.serve.logs import log
from builder.serve.metrics import Metrics
from builder.serve.settings import SettingsError


def check_channel(rules: runtime.Runtime, channel_id: str | None) -> None:
    """SettingsError when `--channel` names no usable channel of the ruleset."""
    if channel_id is None:
        return
    channels = {c.id: c for c in rules.ruleset.channels}
    channel = channels.get(channel_id)
    if channel is None:
        known = ", ".join(sorted(channels)) or "none"
        raise SettingsError(f"--channel {channel_id}: the ruleset has no such channel (it has: {known})")
    if channel.type == "email":
        raise SettingsError(f"--channel {channel_id}: an e-mail channel cannot be posted to; use a Slack, Teams "
                            "or webhook channel, or --callback-url")
    if not channel.url_env or not os.environ.get(channel.url_env):
        raise SettingsError(f"--channel {channel_id}: its address is read from the environment variable "
                            f"{channel.url_env or '(none named)'}, which is not set")


class Delivery:
    def __init__(self, callback_url: str | None, channel_id: str | None, metrics: Metrics) -> None:
        self.callback_url = callback_url
        self.channel_id = channel_id
        self.metrics = metrics

    async def deliver(self, conversation: Conversation) -> None:
        """Post the conversation's Decision to every configured destination; failures are logged."""
        payload = conversation.payload or {}
        targets: list[tuple[str, dict[str, Any]]] = []
        if self.callback_url:
            targets.append((self.callback_url, {"event": "handoff.decided", "conversation": conversation.id,
                                                "decision": conversation.decision, "payload": payload}))
        if self.channel_id:
            ruleset = conversation.rules.ruleset
            channel = next((c for c in ruleset.channels if c.id == self.channel_id), None)
            url = os.environ.get(channel.url_env or "") if channel is not None else None
            if channel is None or not url:
                log(logging.ERROR, "timer decision not posted: the channel is not in this conversation's ruleset",
                    conversation=conversation.id, channel=self.channel_id)
                self.metrics.callbacks.labels("failed").inc()
            else:
                targets.append((url, notification(ruleset, channel, payload)))
        for url, body in targets:
            result = await send_async(url, body)
            self.metrics.callbacks.labels("delivered" if result.ok else "failed").inc()
            log(logging.INFO if result.ok else logging.ERROR, "timer decision delivered" if result.ok
                else "timer decision not delivered", conversation=conversation.id, status=result.status,
                message=result.message)
