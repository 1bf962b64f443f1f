"""Rasa tracker store: a tracker is `{"sender_id": …, "events": [ … ]}`, each event tagged by `event`.

Documented event payloads (rasa.com, "Events"): `user` (text, timestamp, parse_data.intent with
name and confidence), `bot` (text, timestamp), `action` (name), `slot` (name, value), plus
session and flow bookkeeping, which carries nothing a rule reads and is passed over. What the
bot understood is on the user event, so a bot reply carries the intent and confidence of the
message it answers; a reply after `action_default_fallback` (or to the `nlu_fallback` intent)
is a fallback. A slot set becomes a `context` event (what the host knows about the visitor).
The file is one tracker, a list of trackers, or one tracker a line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import Any

from builder.format.conversation import Conversation
from builder.importers.common import Dropped, RecordError, build, conversation_per_record, instant, obj

FALLBACK_ACTIONS = {"action_default_fallback", "action_two_stage_fallback", "utter_default"}
FALLBACK_INTENTS = {"nlu_fallback", "out_of_scope"}
IGNORED = {"action", "session_started", "restart", "rewind", "undo", "followup", "reset_slots", "active_loop",
           "loop_interrupted", "action_execution_rejected", "user_featurization", "reminder", "cancel_reminder",
           "pause", "resume", "export", "agent", "form", "form_validation", "stack", "flow_started",
           "flow_completed", "flow_cancelled", "flow_interrupted", "flow_resumed", "routing_session_ended"}


def _scalar(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else json.dumps(value, sort_keys=True)


def tracker_conversation(record: Any, zone: tzinfo, skipped: list[str]) -> Conversation:
    """One tracker's conversation (each event left out: a reason in `skipped`); RecordError when
    the tracker is unusable."""
    if not isinstance(record, dict):
        raise RecordError("a tracker must be a JSON object")
    sender, raw_events = record.get("sender_id"), record.get("events")
    if not isinstance(raw_events, list):
        raise RecordError("a tracker needs an events list")
    events: list[dict[str, Any]] = []
    intent: dict[str, Any] = {}
    fallback = False
    for i, raw in enumerate(raw_events, start=1):
        kind = raw.get("event") if isinstance(raw, dict) else None
        if kind in IGNORED:
            if kind == "action" and raw.get("name") in FALLBACK_ACTIONS:
                fallback = True
            continue
        if kind not in ("user", "bot", "slot"):
            skipped.append(f"tracker {sender}: event {i}: unknown event {kind!r}")
            continue
        try:
            at = instant(raw.get("timestamp"), zone)
        except RecordError as exc:
            skipped.append(f"tracker {sender}: event {i} ({kind}) {exc}")
            continue
        if kind == "slot":
            if isinstance(raw.get("name"), str):
                events.append({"at": at, "type": "context", "values": {raw["name"]: _scalar(raw.get("value"))}})
            continue
        text = raw.get("text")
        if not isinstance(text, str):
            skipped.append(f"tracker {sender}: event {i} ({kind}) has no text")
            continue
        if kind == "user":
            parsed = obj(raw.get("parse_data"))
            intent = obj(parsed.get("intent"))
            fallback = intent.get("name") in FALLBACK_INTENTS
            events.append({"at": at, "type": "visitor", "text": text})
            continue
        event: dict[str, Any] = {"at": at, "type": "bot", "text": text, "fallback": fallback}
        confidence = intent.get("confidence")
        if isinstance(confidence, (int, float)) and not isinstance(confidence, bool) and 0 <= confidence <= 1:
            event["confidence"] = float(confidence)
        if isinstance(intent.get("name"), str):
            event["intent"] = intent["name"]
        events.append(event)
    visitor = {"attributes": {"contact_id": str(sender)}} if sender not in (None, "") else None
    return build(sender, events, visitor)


def read(path: Path, zone: tzinfo) -> Iterator[Conversation | Dropped]:
    return conversation_per_record(path, lambda tracker, skipped: tracker_conversation(tracker, zone, skipped))
