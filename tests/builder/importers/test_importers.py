"""Each importer on its fixture (written from the platform's documented export shape), broken
records included: what comes out is valid conversation format, what is dropped says where and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from builder.engine import compile_ruleset, simulate
from builder.format.conversation import read_conversations
from builder.importers import ImportOptions, ImportSummary, import_files, write_library
from builder.importers.csv_mapped import CsvMapping, csv_header, guess_mapping
from builder.paths import example_playbook
from builder.runtime import read_ruleset
from rules_schema.schemas import schema_errors

DATA = Path(__file__).parent / "data"


def run(fmt: str, name: str, **options: Any) -> tuple[list[dict[str, Any]], ImportSummary]:
    summary = ImportSummary()
    conversations = [c.to_dict() for c in import_files(fmt, [DATA / name], ImportOptions(**options), summary)]
    for conversation in conversations:
        assert schema_errors(conversation, "conversation") == []
    return conversations, summary


def dropped(summary: ImportSummary) -> list[tuple[int, str]]:
    return [(d.line, d.reason) for d in summary.dropped]


def test_rasa_tracker_events() -> None:
    conversations, summary = run("rasa", "rasa_trackers.jsonl")
    first = conversations[0]
    assert first["id"] == "web-7f3a" and first["visitor"] == {"attributes": {"contact_id": "web-7f3a"}}
    kinds = [e["type"] for e in first["events"]]
    assert kinds == ["visitor", "context", "bot", "visitor", "bot"]  # actions and session bookkeeping left out
    assert first["events"][0] == {"at": "2025-11-27T02:00:05.500000Z", "type": "visitor",
                                  "text": "Do you do enterprise pricing? mail me at [email]"}
    assert first["events"][1]["values"] == {"plan": "enterprise"}
    fallback_reply, good_reply = first["events"][2], first["events"][4]
    assert (fallback_reply["fallback"], fallback_reply["confidence"], fallback_reply["intent"]) \
        == (True, 0.41, "pricing")
    assert (good_reply["fallback"], good_reply["confidence"], good_reply["intent"]) == (False, 0.97, "human_handoff")
    assert dropped(summary) == [
        (2, "tracker web-99c1: event 3 (user) has no time"),
        (2, "tracker web-99c1: event 4: unknown event 'telepathy'"),
        (3, "a tracker needs an events list"),
        (4, "conversation web-silent has no visitor message"),
        (5, summary.dropped[4].reason),
    ]
    assert summary.dropped[4].reason.startswith("not valid JSON")
    assert (summary.conversations, summary.events, len(summary.visitors), summary.masked) == (2, 7, 2, 1)


def test_chatwoot_conversations_and_message_pages() -> None:
    conversations, summary = run("chatwoot", "chatwoot_conversations.json")
    by_id = {c["id"]: c for c in conversations}
    assert list(by_id) == ["1042", "2001"]
    ana = by_id["1042"]
    assert ana["visitor"] == {"name": "Ana Silva", "email": "[email]",
                              "attributes": {"contact_id": "77", "phone": "[phone]"}}
    assert [(e["type"], e.get("text")) for e in ana["events"]] == [
        ("visitor", "Hi, my card [card] was charged twice"),
        ("bot", "I can help with billing. Which invoice?"),  # the private note is left out
        ("visitor", "Invoice 2026-118, call me on [phone]"),
        ("agent", "Hello Ana, Marta here from billing."),
        ("resolved", None),
    ]
    assert [e["text"] for e in by_id["2001"]["events"]] == ["Is the API rate limited?", "Yes, 100 requests a minute."]
    assert dropped(summary) == [
        (2, "conversation 1042: message 7 unknown message_type 9"),
        (18, "conversation 1043 has no visitor message"),
        (31, "neither a conversation (messages) nor a message with a conversation_id"),
        (26, "conversation 2001: message 3 has no time"),
    ]


def test_zendesk_sunshine_messages_and_webhooks() -> None:
    conversations, summary = run("zendesk", "sunshine_messages.jsonl")
    first, webhook = conversations
    assert first["id"] == "c5b1e0a4b2" and first["visitor"] == {"name": "Ana Silva",
                                                                "attributes": {"contact_id": "u-551"}}
    assert [(e["type"], e["at"]) for e in first["events"]] == [
        ("visitor", "2026-11-27T02:00:05.123000Z"), ("bot", "2026-11-27T02:00:06Z"), ("agent", "2026-11-27T02:01:30Z")]
    assert webhook["id"] == "c77"  # two webhook bodies on two lines, grouped by conversation
    assert [(e["type"], e["text"]) for e in webhook["events"]] == [
        ("visitor", "Can I talk to a human?"), ("bot", "Sure, connecting you.")]
    assert [line for line, _ in dropped(summary)] == [1, 3, 4]
    assert "message 5 has no author of type user or business" in summary.dropped[0].reason
    assert "conversation:read" in summary.dropped[1].reason
    assert summary.dropped[2].reason.startswith("not valid JSON")


def test_intercom_conversation_parts() -> None:
    conversations, summary = run("intercom", "intercom_conversations.json")
    (conversation,) = conversations
    assert conversation["id"] == "147"
    assert conversation["visitor"]["email"] == "[email]" and conversation["visitor"]["name"] == "Ana Silva"
    assert [(e["type"], e.get("text")) for e in conversation["events"]] == [
        ("visitor", "Hi, I'd like a refund for order 7781"),  # HTML to text, entities decoded
        ("bot", "I can help with refunds. What went wrong?"),
        ("visitor", "It arrived broken.\nCall me: [phone]"),  # the admin's note is left out
        ("agent", "So sorry! Marta here."),
        ("resolved", None),
    ]
    assert dropped(summary) == [(2, "conversation 147: part 6 has no author"),
                                (19, "conversation 148 has no visitor message"),
                                (26, "a conversation must be a JSON object")]


def test_csv_with_a_column_mapping() -> None:
    header = csv_header(DATA / "chat_export.csv")
    assert header == ["Ticket", "Sent", "Who", "Message", "Channel"]
    mapping = guess_mapping(header)
    assert mapping.columns() == ("Ticket", "Sent", "Who", "Message")
    conversations, summary = run("csv", "chat_export.csv", csv=mapping)
    assert [c["id"] for c in conversations] == ["T-1", "T-2"]
    t1 = conversations[0]["events"]
    assert [(e["type"], e["at"]) for e in t1] == [  # rows of T-1 gathered across the file; no offset = UTC
        ("visitor", "2026-11-27T09:00:05Z"), ("bot", "2026-11-27T09:00:06Z"), ("agent", "2026-11-27T09:01:00Z")]
    assert t1[0]["text"] == "I was charged twice, email me at [email]"
    assert conversations[1]["events"][0]["at"] == "2026-11-27T10:00:00+01:00"
    assert dropped(summary) == [(7, "the row has no time"), (8, "unknown author role 'Robot'"),
                                (9, "the row has no conversation id")]


def test_csv_role_words_and_missing_columns_are_the_users_to_set() -> None:
    mapping = CsvMapping(conversation="Ticket", at="Sent", role="Who", text="Message", bot_roles=("bot", "robot"))
    conversations, summary = run("csv", "chat_export.csv", csv=mapping)
    assert dropped(summary) == [(7, "the row has no time"), (9, "the row has no conversation id"),
                                (8, "conversation T-3 has no visitor message")]  # "Robot" now speaks as the bot
    _, summary = run("csv", "chat_export.csv")  # the default mapping names columns this file lacks
    assert summary.conversations == 0 and dropped(summary)[0][0] == 1
    assert "no column 'conversation_id', 'timestamp', 'role', 'text'" in summary.dropped[0].reason


def test_masking_can_be_turned_off() -> None:
    conversations, summary = run("chatwoot", "chatwoot_conversations.json", mask=False)
    assert conversations[0]["visitor"]["email"] == "ana.silva@example.com"
    assert conversations[0]["events"][0]["text"] == "Hi, my card 4111 1111 1111 1111 was charged twice"
    assert summary.masked == 0


def test_summary_text_counts_what_was_read_and_dropped() -> None:
    _, summary = run("chatwoot", "chatwoot_conversations.json")
    text = summary.text()
    assert text.splitlines()[0] == "Read 2 conversations, 7 events, 2 visitors."
    assert "Masked 4 pieces of personal data" in text and "Dropped 4 records:" in text
    assert "chatwoot_conversations.json: line 18: conversation 1043 has no visitor message" in text


@pytest.mark.parametrize(("fmt", "name"), [("rasa", "rasa_trackers.jsonl"), ("intercom", "intercom_conversations.json"),
                                           ("zendesk", "sunshine_messages.jsonl")])
def test_imported_library_replays(tmp_path: Path, fmt: str, name: str) -> None:
    out = tmp_path / "library.jsonl"
    count = write_library(import_files(fmt, [DATA / name]), out)
    read = list(read_conversations(out))
    assert len(read) == count > 0 and all(not isinstance(c, Exception) and hasattr(c, "events") for c in read)
    compiled = compile_ruleset(read_ruleset(example_playbook()))
    decisions = [simulate(compiled, c).to_dict() for c in read]  # type: ignore[arg-type]
    assert all(schema_errors(d, "decision") == [] for d in decisions)
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["id"] == read[0].id  # type: ignore[union-attr]


def test_an_empty_or_garbage_file_is_reported_not_raised(tmp_path: Path) -> None:
    for fmt in ("rasa", "chatwoot", "zendesk", "intercom"):
        garbage = tmp_path / f"{fmt}.json"
        garbage.write_text("[{\"broken\": \n", encoding="utf-8")
        summary = ImportSummary()
        assert list(import_files(fmt, [garbage], summary=summary)) == []
        assert dropped(summary)[0][0] == 1 and "not valid JSON" in summary.dropped[0].reason


def test_visitors_are_counted_before_their_e_mails_are_masked(tmp_path: Path) -> None:
    def conversation(cid: int, email: str) -> dict[str, Any]:
        return {"id": cid, "meta": {"sender": {"email": email}}, "messages": [
            {"content": "hi", "message_type": 0, "created_at": 1764208800}]}

    export = tmp_path / "chatwoot.json"
    export.write_text(json.dumps([conversation(1, "a@example.com"), conversation(2, "b@example.com"),
                                  conversation(3, "a@example.com")]), encoding="utf-8")
    summary = ImportSummary()
    rows = [c.to_dict() for c in import_files("chatwoot", [export], summary=summary)]
    assert {r["visitor"]["email"] for r in rows} == {"[email]"}
    assert (summary.conversations, len(summary.visitors), summary.masked) == (3, 2, 3)
