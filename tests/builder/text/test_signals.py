"""Signals: capitals, sentiment, repetition, frustration, pages, bot and conversation facts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.engine import compile_ruleset
from builder.text.signals import (
    _LETTER_WORD,
    COMMON_ACRONYMS,
    RepeatTracker,
    caps_ratio,
    compile_url_pattern,
    sentiment,
    url_path,
)
from tests.builder.engine.reference_engine import events, make_ruleset
from tests.conftest import examples


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("", 0.0, 0.0),
        ("REFUND!!!", 0.0, 0.0),  # 6 letters: too short to shout
        ("WHY IS MY ORDER STILL NOT HERE", 1.0, 1.0),
        ("Why is my order still not here", 0.0, 0.2),
        ("I need help with HTML and ASAP please", 0.0, 0.0),  # acronyms and short words ignored
        ("ÜBERWEISUNG FEHLGESCHLAGEN", 1.0, 1.0),  # Unicode capitals count
        ("😡😡😡 THIS IS RIDICULOUS 😡", 1.0, 1.0),
        ("lower case only " * 700, 0.0, 0.0),  # 10,000+ characters
    ],
)
def test_caps_ratio(text: str, low: float, high: float) -> None:
    assert low <= caps_ratio(text, 8) <= high


def _caps_by_regex(text: str, min_letters: int) -> float:
    """The definition, one regex over every text (the ASCII path splits at C speed instead)."""
    kept = [w for w in _LETTER_WORD.findall(text) if len(w) > 3 and w not in COMMON_ACRONYMS]
    letters = "".join(kept)
    return sum(map(str.isupper, letters)) / len(letters) if letters and len(letters) >= min_letters else 0.0


@given(st.lists(st.sampled_from(["STOP", "stop", "Stop", "IT", "HTML", "Html", "ASAP", "a", "NOW!!", "x_y",
                                 "ABC123def", "don't", "WHY?", "ok", "ÜBER", "über", "😡", "\t", "-", "3"]),
                max_size=20).map(" ".join),
       st.integers(min_value=0, max_value=12))
@settings(max_examples=examples(2000), deadline=None)
def test_caps_ratio_is_the_regex_definition(text: str, min_letters: int) -> None:
    for variant in (text, text.upper(), text.title(), text.encode("ascii", "ignore").decode()):
        assert caps_ratio(variant, min_letters) == _caps_by_regex(variant, min_letters)


def test_caps_min_letters_is_a_setting() -> None:
    assert caps_ratio("STOP IT", 4) == 1.0
    assert caps_ratio("STOP IT", 8) == 0.0


def test_sentiment_is_vader_compound() -> None:
    assert sentiment("This is awful, I hate it, worst service ever") < -0.6
    assert sentiment("Thanks, that was really helpful!") > 0.5
    assert sentiment("") == 0.0
    assert -1.0 <= sentiment("😡 " * 3000) <= 1.0


def test_repeat_tracker_counts_near_copies() -> None:
    tracker = RepeatTracker(85)
    said = ["How do I reset my password?", "ok", "how do i reset my password", "ok",
            "How can I reset my password?", "what about shipping to Norway"]
    flags = [tracker.add(text) for text in said]
    assert flags == [False, False, True, False, True, False]  # "ok" is not a question
    assert tracker.count == 2


def test_repeat_threshold_is_a_setting() -> None:
    strict, loose = RepeatTracker(100), RepeatTracker(60)
    for tracker in (strict, loose):
        tracker.add("where is my order")
        tracker.add("where is my parcel")
    assert (strict.count, loose.count) == (0, 1)


def test_url_patterns() -> None:
    assert url_path("https://shop.example.com/pricing?x=1#top") == "/pricing"
    assert url_path("/pricing?x=1") == "/pricing"
    pricing = compile_url_pattern("/pricing*")
    assert pricing("/pricing") and pricing("/pricing/enterprise") and pricing("https://x.com/pricing?a=1")
    assert not pricing("/docs/pricing")
    full = compile_url_pattern("https://shop.example.com/*")
    assert full("https://shop.example.com/cart") and not full("/cart")


def facts_after(rule_facts: list[dict[str, Any]], evs: list[dict[str, Any]], visitor: dict[str, Any] | None = None,
                **settings: Any) -> dict[str, Any]:
    """The trace's fact values after replaying `evs` with one rule per given leaf."""
    ruleset = make_ruleset([{"when": leaf, "actions": [{"type": "tag", "tags": ["x"]}], "cooldown":
                             {"policy": "every_turn"}, "stop": False} for leaf in rule_facts],
                           evaluation_mode="all_matches", **settings)
    session = compile_ruleset(ruleset).session("c", visitor, trace=True)
    for event in evs:
        session.observe(event)
    return session.turns[-1].facts


START = "2026-11-24T09:00:00Z"


def test_conversation_and_bot_facts() -> None:
    evs = events(
        START,
        (0, "page_view", {"url": "/pricing"}),
        (5, "visitor", {"text": "hello"}),
        (6, "bot", {"text": "Sorry?", "fallback": True, "confidence": 0.2, "intent": "greeting"}),
        (20, "page_view", {"url": "https://shop.example.com/pricing/team?ref=a"}),
        (25, "cart", {"action": "abandon"}),
        (30, "bot", {"text": "Here", "confidence": 0.9, "intent": "pricing"}),
        (40, "visitor", {"text": "ok"}),
    )
    leaves = [
        {"fact": "conversation.message_count", "op": "gte", "value": 0},
        {"fact": "conversation.visitor_message_count", "op": "gte", "value": 0},
        {"fact": "bot.fallback_count", "op": "gte", "value": 0},
        {"fact": "bot.last_confidence", "op": "gte", "value": 0},
        {"fact": "bot.last_fallback", "op": "is_true"},
        {"fact": "bot.intent", "op": "eq", "value": "pricing"},
        {"fact": "pages.views_matching", "param": "/pricing*", "op": "gte", "value": 1},
        {"fact": "pages.view_count", "op": "gte", "value": 0},
        {"fact": "pages.current_url", "op": "eq", "value": "/pricing/team"},
        {"fact": "cart.abandoned", "op": "is_true"},
        {"fact": "conversation.messages_per_minute", "op": "gte", "value": 0},
        {"fact": "time.minutes_since_start", "op": "gte", "value": 100},
        {"fact": "time.silence_seconds", "op": "gte", "value": 1000},
        {"fact": "visitor.score", "op": "gt", "value": 50},
        {"fact": "visitor.email_known", "op": "is_true"},
        {"fact": "visitor.attribute", "param": "plan", "op": "eq", "value": "enterprise"},
    ]
    facts = facts_after(leaves, evs, {"score": 85, "email": "a@b.c", "attributes": {"plan": "Enterprise"}})
    assert facts["conversation.message_count"] == 4
    assert facts["conversation.visitor_message_count"] == 2
    assert facts["bot.fallback_count"] == 1
    assert facts["bot.last_confidence"] == 0.9
    assert facts["bot.last_fallback"] is False
    assert facts["bot.intent"] == "pricing"
    assert facts["pages.views_matching[/pricing*]"] == 2
    assert facts["pages.view_count"] == 2
    assert facts["pages.current_url"] == "/pricing/team"
    assert facts["cart.abandoned"] is True
    assert facts["conversation.messages_per_minute"] == 2
    assert facts["time.minutes_since_start"] == pytest.approx(40 / 60, abs=1e-3)
    assert facts["time.silence_seconds"] == 0
    assert facts["visitor.score"] == 85
    assert facts["visitor.email_known"] is True
    assert facts["visitor.attribute[plan]"] == "Enterprise"


def test_messages_per_minute_counts_the_last_60_seconds() -> None:
    evs = events(START, *[(t, "visitor", {"text": f"msg {t}"}) for t in (0, 10, 50, 65, 70)])
    facts = facts_after([{"fact": "conversation.messages_per_minute", "op": "gte", "value": 0}], evs)
    assert facts["conversation.messages_per_minute"] == 3  # 50, 65, 70; 10 is a full minute ago


def test_lowest_sentiment_and_resolution() -> None:
    evs = events(START, (0, "visitor", {"text": "this is terrible and awful"}),
                 (5, "visitor", {"text": "great, thanks"}), (6, "resolved", {}), (7, "visitor", {"text": "bye"}))
    facts = facts_after([{"fact": "conversation.lowest_sentiment", "op": "lte", "value": 0},
                         {"fact": "conversation.resolved", "op": "is_true"}], evs)
    assert facts["conversation.lowest_sentiment"] < -0.5
    assert facts["conversation.resolved"] is True


def test_bot_event_can_mark_resolved() -> None:
    evs = events(START, (0, "visitor", {"text": "hours?"}), (1, "bot", {"text": "9-5", "resolved": True}),
                 (2, "visitor", {"text": "thanks"}))
    assert facts_after([{"fact": "conversation.resolved", "op": "is_true"}], evs)["conversation.resolved"] is True


def test_frustration_lexicon() -> None:
    evs = events(START, (0, "visitor", {"text": "That's not what I asked, this is a WASTE OF TIME"}))
    facts = facts_after([{"fact": "message.frustration", "op": "is_true"}], evs)
    assert facts["message.frustration"] is True
    calm = events(START, (0, "visitor", {"text": "Thanks, that answers my question"}))
    assert facts_after([{"fact": "message.frustration", "op": "is_true"}], calm)["message.frustration"] is False


def test_local_time_facts_use_the_default_schedule_zone() -> None:
    schedule = {"id": "berlin", "name": "Berlin", "timezone": "Europe/Berlin",
                "weekly": [{"day": "mon", "start": "09:00", "end": "17:00"}]}
    evs = events("2026-11-29T23:30:00Z", (0, "visitor", {"text": "hello"}))  # Monday 00:30 in Berlin
    facts = facts_after([{"fact": "time.local_weekday", "op": "eq", "value": "mon"},
                         {"fact": "time.local_hour", "op": "gte", "value": 0},
                         {"fact": "time.in_business_hours", "op": "is_true"}],
                        evs, schedules=[schedule], default_schedule="berlin")
    assert (facts["time.local_weekday"], facts["time.local_hour"], facts["time.in_business_hours"]) == ("mon", 0, False)


def test_local_time_is_utc_without_a_schedule() -> None:
    evs = events("2026-11-29T23:30:00Z", (0, "visitor", {"text": "hello"}))
    facts = facts_after([{"fact": "time.local_hour", "op": "gte", "value": 0}], evs)
    assert facts["time.local_hour"] == 23


def _vader(text: str) -> float:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    score: float = SentimentIntensityAnalyzer().polarity_scores(text)["compound"] if text.strip() else 0.0
    return score


SENTIMENT_EDGES = [
    "no", "No.", "NO!!!", "not bad", "kind of good", "at least", "ok", ":)", ":-(", "(:", "<3", "lol",
    "fine...", "'good'", "GOOD", "good but terrible", "xyzzy qwerty", "??? !!!", "...", "the my order please",
    "I don't know", "this isn't helpful", "refund 12345", "😡", "café au lait", "\u00a0ok\u00a0", "tab\tok",
]


def test_sentiment_scores_exactly_as_vader_on_edge_cases() -> None:
    assert [sentiment(t) for t in SENTIMENT_EDGES] == [_vader(t) for t in SENTIMENT_EDGES]
