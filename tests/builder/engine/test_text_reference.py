"""Property test for format version 2's text conditions: the compiled engine and the naive
reference (`reference_text`, which imports neither the production matcher nor its stemmer) agree
on word groups, "near", typo tolerance and negation, over messages full of misspellings, negating
words, contractions and clause breaks."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.engine import compile_ruleset, simulate
from tests.builder.engine.reference_engine import events, make_ruleset, reference_run
from tests.conftest import examples

GROUPS = [
    {"id": "people", "name": "People", "words": ["human", "agent", "representative", "real person"],
     "includes": ["staff"]},
    {"id": "staff", "name": "Staff", "words": ["someone", "manager", "customer service"]},
    {"id": "verbs", "name": "Contact verbs", "words": ["talk", "speak", "transfer", "put me through"]},
    {"id": "money", "name": "Money", "words": ["refund*", "charge", "cancellation", "subscription"]},
]
PHRASES = ["agent", "talk to a human", "refund", "cancel*", "don't want", "customer service", "representative",
           "charge", "not helpful"]
WORDS = ["I", "i", "want", "need", "to", "a", "the", "talk", "tlak", "speak", "spaek", "human", "humna", "humans",
         "agent", "agnet", "agents", "agency", "representative", "represenative", "representitive", "someone",
         "manager", "manger", "customer", "custmer", "service", "refund", "refnud", "refunds", "charge", "charged",
         "chrage", "cancellation", "cancelation", "subscription", "subscriptoin", "transfer", "trasnfer", "put",
         "me", "through", "not", "no", "never", "don't", "dont", "do", "can't", "won't", "let", "why", "still",
         "sure", "nobody", "but", ",", ".", "!", "?", "—", "real", "person", "12345", "agent5", "please"]


@st.composite
def text_leaves(draw: Any) -> dict[str, Any]:
    leaf: dict[str, Any] = {"fact": "message.text",
                            "op": draw(st.sampled_from(["contains_any", "contains_none", "near", "near"]))}
    own = draw(st.lists(st.sampled_from(PHRASES), max_size=2, unique=True))
    groups = draw(st.lists(st.sampled_from([g["id"] for g in GROUPS]), max_size=2, unique=True))
    if not own and not groups:
        own = [draw(st.sampled_from(PHRASES))]
    if own:
        leaf["value"] = own
    if groups:
        leaf["groups"] = groups
    if leaf["op"] == "near":
        side_groups = draw(st.lists(st.sampled_from([g["id"] for g in GROUPS]), min_size=1, max_size=2, unique=True))
        leaf["near"] = {"groups": side_groups}
        if draw(st.booleans()):
            leaf["near"]["value"] = [draw(st.sampled_from(PHRASES))]
        leaf["within"] = draw(st.integers(1, 6))
    leaf["typo"] = draw(st.booleans())
    leaf["ignore_negated"] = draw(st.booleans())
    return leaf


conditions = st.recursive(
    text_leaves(),
    lambda inner: st.one_of(st.lists(inner, min_size=1, max_size=3).map(lambda c: {"all": c}),
                            st.lists(inner, min_size=1, max_size=3).map(lambda c: {"any": c}),
                            inner.map(lambda c: {"not": c})),
    max_leaves=4,
)
messages = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join)


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(conditions, min_size=1, max_size=3), st.lists(messages, min_size=1, max_size=3))
def test_text_conditions_agree_with_the_reference(whens: list[dict[str, Any]], texts: list[str]) -> None:
    ruleset = make_ruleset([{"when": w, "cooldown": {"policy": "every_turn"}, "stop": True} for w in whens],
                           word_groups=GROUPS)
    conversation = {"id": "c", "events": events("2026-11-24T09:00:00Z",
                                                *((i * 5.0, "visitor", {"text": t}) for i, t in enumerate(texts)))}
    decision = simulate(compile_ruleset(ruleset), conversation)
    expected = reference_run(ruleset, conversation)
    assert (decision.escalated, decision.rule, decision.turn) == (expected.escalated, expected.rule, expected.turn)


def test_the_reference_sees_what_the_documentation_promises() -> None:
    """The reference itself, on the issue's own examples (so that agreement means something)."""
    near = {"fact": "message.text", "op": "near", "groups": ["verbs"], "near": {"groups": ["people"]},
            "ignore_negated": True}
    ruleset = make_ruleset([{"when": near}], word_groups=GROUPS)

    def fires(text: str) -> bool:
        conversation = {"id": "c", "events": events("2026-11-24T09:00:00Z", (0, "visitor", {"text": text}))}
        return reference_run(ruleset, conversation).escalated

    assert fires("can I tlak to a humna please") is False  # "tlak" is a short word: never a typo
    assert fires("can I speak to a humna please") is True  # "humna" is "human" (a swap is one edit)
    assert fires("I don't want to talk to a human") is False  # negated
    assert fires("I can't talk to a human, please help") is True  # inability is not negation
    assert fires("human? I need to talk to someone") is True  # either order; a group including another
    assert fires("talk about the weather with my agency") is False  # "agency" is a word, not a typo
