"""The simulator's explanation of text conditions: word groups by name, a "near"'s two words and
their distance, a typo read as the word meant, and a negated mention that was skipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from builder.format.model import Group, Leaf, Metadata, NearSide, Rule, Ruleset, Tag, WordGroup
from widgets.simulator.explanation import build_tree
from widgets.simulator.run import Simulation

pytestmark = [pytest.mark.gui]

PEOPLE = WordGroup("people-by-role", "People we can put you through to", ("human", "agent"))
VERBS = WordGroup("contact-verbs", "Contact verbs", ("speak", "talk"))
NEAR = Leaf("message.text", "near", (), groups=("contact-verbs",), near=NearSide((), ("people-by-role",)))
NEGATED = Leaf("message.text", "contains_any", ("human",), ignore_negated=True)
RULESET = Ruleset(Metadata("t"), word_groups=(PEOPLE, VERBS), rules=(
    Rule("asks", "Asks for a person", "explicit_request", Group("all", (NEAR,)), (Tag(("human",)),)),
    Rule("says-human", "Says human", "keyword", Group("all", (NEGATED,)), (Tag(("said",)),))))


def explained(text: str) -> dict[str, tuple[str, str]]:
    """Each condition's (words, value) for one visitor message, by rule id."""
    sim = Simulation(RULESET, datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    sim.add({"type": "visitor", "text": text})
    root = build_tree(sim.evaluations[-1].trace, {"asks": 0, "says-human": 1}, ruleset=RULESET)
    return {rule.rule_id: (rule.children[0].children[0].text, rule.children[0].children[0].value)
            for rule in root.children}  # rule → its "all" group → the condition


def test_a_near_shows_its_groups_by_name_its_two_words_their_distance_and_the_typo() -> None:
    words, value = explained("could I speak to an agnet please")["asks"]
    assert words == ("Latest visitor message mentions a word of “Contact verbs” within 4 words of a word of "
                     "“People we can put you through to”")
    assert value == "found “speak” … “agnet” (3 words apart), read “agnet” as “agent” (typo)"


def test_a_negated_mention_is_shown_as_skipped() -> None:
    words, value = explained("I don't need a human")["says-human"]
    assert words.startswith("Latest visitor message contains any of “human”")
    assert value == "nothing found; skipped “human” (negated by “don't”)"
