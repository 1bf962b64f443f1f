"""What the simulator and the CLI say about the new text conditions: a typo and what it matched
as, "near"'s two words and their distance, negated mentions skipped; and the Sentence view."""

from __future__ import annotations

from typing import Any

from builder.analysis.wording import leaf_text
from builder.engine import compile_ruleset
from builder.engine.explain.trace import render_trace
from builder.format.model import Leaf, NearSide
from tests.builder.engine.reference_engine import make_ruleset

GROUPS = [{"id": "people", "name": "People we can put you through to", "words": ["human", "agent"]},
          {"id": "verbs", "name": "Contact verbs", "words": ["talk", "speak"]}]
RULES = [{"name": "Asks for a person", "when": {"any": [
    {"fact": "message.text", "op": "contains_any", "value": ["representative"], "ignore_negated": True},
    {"fact": "message.text", "op": "near", "groups": ["verbs"], "near": {"groups": ["people"]}, "within": 4,
     "ignore_negated": True}]}}]


def run(text: str) -> tuple[Any, list[dict[str, Any]]]:
    compiled = compile_ruleset(make_ruleset(RULES, word_groups=GROUPS))
    session = compiled.session("c", trace=True)
    decision = session.observe({"at": "2026-11-24T10:00:00Z", "type": "visitor", "text": text})
    return decision, list(session.last_trace or ())


def leaves(trace: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return trace[0]["conditions"][0]["conditions"]


def test_a_typo_says_what_it_matched_as() -> None:
    decision, trace = run("can I speak to a representitive")
    assert decision is not None
    assert decision.why == ("Asks for a person: the message mentions “representative” (matched 'representitive' "
                            "as 'representative', typo)")
    [match] = leaves(trace)[0]["matches"]
    assert match["typos"] == [{"written": "representitive", "as": "representative"}]
    assert "matched 'representitive' as 'representative' (typo)" in render_trace(trace)


def test_near_shows_its_two_words_and_their_distance() -> None:
    decision, trace = run("I want to talk to a real human")
    assert decision is not None and decision.why == "Asks for a person: the message mentions “talk” … “human” " \
                                                    "(4 words apart)"
    [match] = leaves(trace)[1]["matches"]
    assert match["near"] == {"first": "talk", "second": "human", "distance": 4}
    assert leaves(trace)[1]["near"] == {"groups": ["people"]} and leaves(trace)[1]["within"] == 4
    text = render_trace(trace)
    assert "'talk' … 'human'" in text and "(4 words apart)" in text and "within 4 words of ['people']" in text


def test_a_negated_mention_is_skipped_and_says_why() -> None:
    decision, trace = run("I don't need a representative")
    assert decision is None
    first = leaves(trace)[0]
    assert first["held"] is False and first["matches"] == []
    assert [(m["phrase"], m["negated_by"]) for m in first["skipped"]] == [("representative", "don't")]
    assert "skipped (negated): 'representative'" in render_trace(trace)


def test_sentence_view_wording_of_groups_near_and_options() -> None:
    ruleset = make_ruleset(RULES, word_groups=GROUPS)
    near = Leaf("message.text", "near", ("call",), groups=("verbs",), near=NearSide((), ("people",)), within=3,
                ignore_negated=True)
    assert leaf_text(near, ruleset=ruleset) == (
        "latest visitor message mentions “call” or a word of “Contact verbs” within 3 words of a word of "
        "“People we can put you through to”, ignoring negated mentions (“I don't need …”)")
    exact = Leaf("message.text", "contains_any", None, groups=("people",), typo=False)
    assert leaf_text(exact, ruleset=ruleset) == (
        "latest visitor message contains any of a word of “People we can put you through to”, exact spelling only")
    one = Leaf("message.text", "near", ("talk",), near=NearSide(("human",)), within=1)
    assert leaf_text(one) == "latest visitor message mentions “talk” within 1 word of “human”"
