"""Word-group edits on a small known ruleset: names, words, includes without loops, who uses a
group, deleting only what nothing needs, and merging that rewires rules and includes; each result
also passes the validator (the page relies on these edits never producing an invalid file)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from builder.editing.text_conditions import (
    add_group as leaf_add_group,
)
from builder.editing.text_conditions import (
    remove_group,
    with_near_words,
    with_operator,
    with_within,
    within,
)
from builder.editing.word_groups import (
    GroupUser,
    WordGroupError,
    add_group,
    add_words,
    can_include,
    clean_words,
    delete_group,
    exclude_group,
    group_id_for,
    group_users,
    include_group,
    merge_groups,
    remove_words,
    rename_group,
    swap_group,
)
from builder.format.model import (
    DEFAULT_WITHIN,
    Group,
    Leaf,
    Metadata,
    NearSide,
    Not,
    Rule,
    Ruleset,
    Tag,
    WordGroup,
)
from rules_schema import validate

PEOPLE = WordGroup("people", "People", ("human", "agent"))
STAFF = WordGroup("staff", "Staff", ("employee",), includes=("people",))
VERBS = WordGroup("verbs", "Contact verbs", ("talk", "speak"))
SPARE = WordGroup("spare", "Spare words", ("spare",))
NEAR = Leaf("message.text", "near", ("talk",), groups=("verbs",), near=NearSide(("person",), ("staff",)))
RULES = (
    Rule("asks", "Visitor asks for a human", "explicit_request", Group("all", (NEAR,)), (Tag(("handoff",)),)),
    Rule("bot", "Bot is useless", "emotional",
         Group("any", (Not(Leaf("message.text", "contains_any", (), groups=("people",))),)), (Tag(("handoff",)),)),
)
RULESET = Ruleset(Metadata("Test"), rules=RULES, word_groups=(PEOPLE, STAFF, VERBS, SPARE))


def errors(ruleset: Ruleset) -> list[str]:
    return [p.message for p in validate(ruleset.to_dict()) if p.severity == "error"]


def test_the_fixture_is_valid() -> None:
    assert errors(RULESET) == []


def test_clean_words_trims_drops_blanks_and_repeats_ignoring_case() -> None:
    assert clean_words(["  Human ", "", "human", "put  through", "AGENT", "agent"]) == ("Human", "put through", "AGENT")


def test_add_group_makes_an_id_from_the_name_and_refuses_a_taken_name() -> None:
    ruleset, group = add_group(RULESET, "  Ways of  asking ", ["please", "Please", "could you"])
    assert (group.id, group.name, group.words) == ("ways-of-asking", "Ways of asking", ("please", "could you"))
    assert ruleset.word_groups[-1] == group and errors(ruleset) == []
    with pytest.raises(WordGroupError, match="already a word group called “People”"):
        add_group(RULESET, "people")
    with pytest.raises(WordGroupError, match="needs a name"):
        add_group(RULESET, "   ")
    assert group_id_for("People", {"people", "people-2"}) == "people-3"
    assert group_id_for("!!!", ()) == "word-group"


def test_rename_keeps_the_id_and_every_reference() -> None:
    ruleset = rename_group(RULESET, "people", "People we can put you through to")
    assert ruleset.word_group("people").name == "People we can put you through to"  # type: ignore[union-attr]
    assert ruleset.rules == RULESET.rules
    assert rename_group(RULESET, "people", "People").word_group("people") == PEOPLE  # its own name is fine
    with pytest.raises(WordGroupError, match="already a word group called “Staff”"):
        rename_group(RULESET, "people", "STAFF")


def test_add_and_remove_words() -> None:
    ruleset = add_words(RULESET, "people", ["person", "Human", "rep"])
    assert ruleset.word_group("people").words == ("human", "agent", "person", "rep")  # type: ignore[union-attr]
    ruleset = remove_words(ruleset, "people", ["AGENT"])
    assert ruleset.word_group("people").words == ("human", "person", "rep")  # type: ignore[union-attr]


def test_include_refuses_itself_and_loops_with_the_chain_named() -> None:
    ruleset = include_group(RULESET, "verbs", "staff")
    assert ruleset.word_group("verbs").includes == ("staff",)  # type: ignore[union-attr]
    assert include_group(ruleset, "verbs", "staff") is ruleset  # already included: nothing to do
    with pytest.raises(WordGroupError, match="cannot include itself"):
        include_group(RULESET, "people", "people")
    with pytest.raises(WordGroupError) as refused:
        include_group(ruleset, "people", "verbs")  # verbs -> staff -> people
    assert str(refused.value) == (
        "“People” cannot include “Contact verbs”: “Contact verbs” already includes “People” "
        "(“Contact verbs” → “Staff” → “People”), so each would include the other.")
    assert not can_include(ruleset, "people", "verbs") and can_include(ruleset, "people", "spare")
    assert exclude_group(ruleset, "verbs", "staff").word_group("verbs").includes == ()  # type: ignore[union-attr]


def test_group_users_direct_and_through_an_including_group() -> None:
    users = group_users(RULESET)
    assert users["verbs"] == [GroupUser("asks", "Visitor asks for a human")]
    assert users["staff"] == [GroupUser("asks", "Visitor asks for a human")]
    # people: named by "bot" (inside a not), and reached from "asks" through Staff
    assert users["people"] == [GroupUser("asks", "Visitor asks for a human", "Staff"),
                               GroupUser("bot", "Bot is useless")]
    assert "spare" not in users


def test_delete_refuses_a_group_in_use_and_removes_an_unused_one() -> None:
    with pytest.raises(WordGroupError) as refused:
        delete_group(RULESET, "people")
    assert str(refused.value) == ("“People” is still used by the rule “Bot is useless” and the word group "
                                  "“Staff”. Remove it there first, or merge it into another group.")
    crowded = replace(RULESET, rules=tuple(replace(RULES[1], id=f"r{n}", name=f"Rule {n}") for n in range(4)))
    with pytest.raises(WordGroupError, match="used by the rule “Rule 0”, the rule “Rule 1”, the rule “Rule 2” and "
                                             "2 more. Remove"):
        delete_group(crowded, "people")
    with pytest.raises(WordGroupError, match="the rule “Visitor asks for a human”"):
        delete_group(RULESET, "verbs")
    ruleset = delete_group(RULESET, "spare")
    assert [g.id for g in ruleset.word_groups] == ["people", "staff", "verbs"]


def test_merge_moves_words_and_rewires_rules_and_includes() -> None:
    ruleset = merge_groups(RULESET, "people", "verbs")
    assert [g.id for g in ruleset.word_groups] == ["staff", "verbs", "spare"]
    assert ruleset.word_group("verbs").words == ("talk", "speak", "human", "agent")  # type: ignore[union-attr]
    assert ruleset.word_group("staff").includes == ("verbs",)  # type: ignore[union-attr]
    bot = ruleset.rule("bot")
    expected = Group("any", (Not(Leaf("message.text", "contains_any", (), groups=("verbs",))),))
    assert bot is not None and bot.when == expected
    assert ruleset.rule("asks") is RULESET.rule("asks")  # untouched rules stay the same objects
    assert errors(ruleset) == []
    merged = merge_groups(RULESET, "staff", "verbs")  # both sides of the near now name verbs
    asks = merged.rule("asks")
    assert asks is not None and asks.when.children[0].near == NearSide(("person",), ("verbs",))  # type: ignore[union-attr]
    assert merged.word_group("verbs").includes == ("people",)  # type: ignore[union-attr]
    with pytest.raises(WordGroupError, match="another group"):
        merge_groups(RULESET, "people", "people")


def test_merge_refuses_what_would_make_a_loop() -> None:
    # spare -> verbs -> staff -> people: once people is merged into spare, staff includes spare
    chained = include_group(include_group(RULESET, "verbs", "staff"), "spare", "verbs")
    with pytest.raises(WordGroupError, match="would make a group include itself"):
        merge_groups(chained, "people", "spare")


def test_swap_group_shares_untouched_subtrees() -> None:
    tree = Group("all", (NEAR, Leaf("visitor.score", "gt", 3)))
    swapped = swap_group(tree, "staff", "people")
    assert swapped.children[1] is tree.children[1]  # type: ignore[union-attr]
    assert swapped.children[0].near.groups == ("people",)  # type: ignore[union-attr]
    assert swap_group(tree, "nobody", "people") is tree


def test_text_condition_edits() -> None:
    leaf = Leaf("message.text", "contains_any", ("human",), groups=("people",), ignore_negated=True, typo=False)
    near = with_operator(leaf, "near", ("human",))
    assert (near.groups, near.ignore_negated, near.typo) == (("people",), True, False)
    near = with_within(with_near_words(leaf_add_group(near, "near", "verbs"), ("talk",)), 99)
    assert near.near == NearSide(("talk",), ("verbs",)) and near.within == 50 and within(near) == 50
    assert within(leaf) == DEFAULT_WITHIN and with_within(leaf, 0).within == 1
    back = with_operator(near, "contains_any", ("human",))
    assert (back.near, back.within, back.groups) == (None, None, ("people",))
    pattern = with_operator(leaf, "matches", "hu?man")
    assert (pattern.groups, pattern.ignore_negated) == ((), False)
    assert remove_group(leaf_add_group(leaf, "first", "people"), "first", "people").groups == ()
    assert leaf_add_group(leaf, "first", "verbs").groups == ("people", "verbs")
