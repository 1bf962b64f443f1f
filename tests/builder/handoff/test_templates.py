"""Templates: whitelisted placeholders only, fallbacks, channel escaping, and previews with a real promise."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.format.model import Ruleset, Template
from builder.handoff.routing import route
from builder.handoff.templates import (
    build_context,
    placeholder_names,
    render,
    render_template,
    sample_context,
    slack_escape,
    slack_shown_text,
    summary_text,
    template_names,
    template_parts,
    unknown_placeholders,
)
from rules_schema.catalog import catalog
from tests.conftest import examples

ROOT = Path(__file__).resolve().parents[3]
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def playbook() -> Ruleset:
    return Ruleset.from_dict(json.loads((ROOT / "resources/examples/playbook.json").read_text(encoding="utf-8")))


def test_whitelist_is_the_catalog() -> None:
    assert placeholder_names() == set(catalog().placeholders)


def test_values_and_fallbacks() -> None:
    context = {"visitor.name": "Ana", "team": "Support", "promise": ""}
    assert render("Hi {{visitor.name}}!", context) == "Hi Ana!"
    assert render("Hi {{ visitor.name | there }}!", context) == "Hi Ana!"
    assert render("Hi {{visitor.email | there}}!", context) == "Hi there!"  # missing
    assert render("We reply {{promise | soon}}.", context) == "We reply soon."  # empty
    assert render("{{next_open}}", context) == ""


def test_no_attribute_access_or_code() -> None:
    context = {"visitor.name": "Ana", "visitor": {"name": "Eve"}, "secret": "s3cr3t", "__class__": "x"}
    assert render("{{visitor.name.__class__}}", context) == ""
    assert render("{{secret | hidden}}", context) == "hidden"
    assert render("{0.__class__} {visitor.name} ${team} %(team)s", context) == \
        "{0.__class__} {visitor.name} ${team} %(team)s"
    assert render("{{ visitor.name }", context) == "{{ visitor.name }"  # not a placeholder


def test_values_are_not_expanded_again() -> None:
    context = {"last_message": "{{backup_contact}} {{team}}", "backup_contact": "+49 30 1", "team": "Support"}
    assert render("> {{last_message}}", context) == "> {{backup_contact}} {{team}}"


def test_unknown_placeholders_are_reported() -> None:
    found = unknown_placeholders("Hi {{visitor.name}}, {{visitor.phone | }} {{team}} {{ agent }}")
    assert [p.name for p in found] == ["visitor.phone", "agent"]


def test_email_subject_is_one_line() -> None:
    template = Template("t", "T", "email", "Hello {{visitor.name}}", subject="Re: {{last_message}}")
    rendered = render_template(template, {"visitor.name": "Ana", "last_message": "hi\r\nBcc: x@example.com"})
    assert rendered.subject == "Re: hi Bcc: x@example.com"
    assert rendered.body == "Hello Ana"
    chat = render_template(Template("c", "C", "chat", "Hi {{visitor.name}}"), {"visitor.name": "Ana"})
    assert chat.subject is None


def test_slack_and_webhook_escaping() -> None:
    slack = Template("s", "S", "slack", "<!here> {{last_message}}")
    assert render_template(slack, {"last_message": "a < b & <@U123>"}).body == \
        "<!here> a &lt; b &amp; &lt;@U123&gt;"
    webhook = Template("w", "W", "webhook", '{"text": "{{last_message}}", "who": "{{visitor.name | "anon"}}"}')
    body = render_template(webhook, {"last_message": 'say "hi"\n\\ ok'}).body
    assert json.loads(body) == {"text": 'say "hi"\n\\ ok', "who": '"anon"'}


def test_a_template_is_escaped_for_the_channel_it_goes_to() -> None:
    chat = Template("c", "C", "chat", "Hi {{visitor.name}}")
    assert render_template(chat, {"visitor.name": "<!channel> R&D"}, channel="slack").body == \
        "Hi &lt;!channel&gt; R&amp;D"
    slack = Template("s", "S", "slack", "From {{visitor.name}}")
    assert render_template(slack, {"visitor.name": "Ana <a@b.c>"}, channel="email").body == "From Ana <a@b.c>"


@settings(max_examples=examples(200), deadline=None)
@given(st.text())
def test_slack_shows_an_escaped_value_as_it_was_typed(value: str) -> None:
    assert slack_shown_text(slack_escape(value)) == value


def test_slack_shows_links_and_mentions_by_their_label() -> None:
    assert slack_shown_text("<!here> <!subteam^S01|@ops> <https://x.example|the chat> <https://y.example> &lt;3") \
        == "@here @ops the chat https://y.example <3"
    assert slack_shown_text("<!channel> &amp;lt;") == "@channel &lt;"


def test_build_context_from_a_conversation(playbook: Ruleset) -> None:
    conversation = {
        "id": "c-17",
        "visitor": {"name": "Ana", "email": "ana@example.com"},
        "events": [
            {"at": "2026-11-27T02:00:00Z", "type": "page_view", "url": "/pricing"},
            {"at": "2026-11-27T02:00:05Z", "type": "visitor", "text": "one"},
            {"at": "2026-11-27T02:00:06Z", "type": "bot", "text": "bot says"},
            {"at": "2026-11-27T02:00:07Z", "type": "visitor", "text": "two"},
            {"at": "2026-11-27T02:00:08Z", "type": "visitor", "text": "three"},
            {"at": "2026-11-27T02:00:09Z", "type": "visitor", "text": "four"},
        ],
    }
    handoff = route(playbook, team="sales", priority="high", handoff="instant",
                    at=datetime(2026, 11, 27, 2, 0, tzinfo=BERLIN))
    context = build_context(conversation=conversation, handoff=handoff, turn=3, rule="Enterprise pricing interest",
                            trigger="high_intent")
    assert set(context) == placeholder_names()
    assert context["summary"] == "Visitor: one\nVisitor: two\nVisitor: three"
    assert context["last_message"] == "three"
    assert context["transcript"].splitlines()[:2] == ["Visitor: one", "Bot: bot says"]
    assert context["trigger"] == "High intent"
    assert context["team"] == "Sales"
    assert context["handoff"] == "email"
    assert context["promise"] == handoff.promise == "by today 10:00"
    assert context["next_open"] == "today 09:00"
    assert context["conversation_id"] == "c-17"
    assert summary_text(conversation["events"]) == "Visitor: two\nVisitor: three\nVisitor: four"  # type: ignore[arg-type]


def test_sample_context_has_a_real_promise(playbook: Ruleset) -> None:
    night = sample_context(playbook, datetime(2026, 11, 27, 20, 0, tzinfo=BERLIN))  # Friday evening
    assert night["visitor.name"] == "Ana"
    assert night["handoff"] == "email"
    assert night["promise"] == "by Monday 09:00"  # support opens 08:00, high priority = 60 business min
    day = sample_context(playbook, datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    assert day["handoff"] == "instant"
    assert day["promise"] == "within 1 hour"
    sales = sample_context(playbook, datetime(2026, 11, 27, 20, 0, tzinfo=BERLIN), rule_id="enterprise-pricing")
    assert sales["team"] == "Sales" and sales["promise"] == "by Monday 10:00"
    email = render_template(playbook.template("offline-email"), night)  # type: ignore[arg-type]
    assert email.subject == "We'll get back to you by Monday 09:00"
    assert "Hi Ana," in email.body
    for template in playbook.templates:
        assert "{{" not in render_template(template, night).body


# --- properties ---------------------------------------------------------------------------------

SENTINEL = "\x00LEAK\x00"
names = st.sampled_from(sorted(placeholder_names())) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]{0,12}", fullmatch=True)
fallbacks = st.none() | st.text(alphabet=st.characters(blacklist_characters="}{|\x00"), max_size=8)
literal = st.text(alphabet=st.characters(blacklist_characters="{}\x00"), max_size=10)


@st.composite
def templates(draw: st.DrawFn) -> tuple[str, list[str | tuple[str, str | None]]]:
    """A template and its pieces: literal text, or (name, fallback) for a placeholder."""
    pieces: list[str | tuple[str, str | None]] = []
    for _ in range(draw(st.integers(0, 5))):
        pieces.append(draw(literal))
        pieces.append((draw(names), draw(fallbacks)))
    pieces.append(draw(literal))
    text = "".join(p if isinstance(p, str) else "{{" + p[0] + ("" if p[1] is None else " | " + p[1]) + "}}"
                   for p in pieces)
    return text, pieces


@settings(max_examples=examples(100), deadline=None)
@given(st.text(max_size=60), st.dictionaries(st.text(max_size=12), st.text(max_size=12), max_size=5))
def test_render_never_raises(text: str, context: dict[str, str]) -> None:
    assert isinstance(render(text, context), str)


@settings(max_examples=examples(100), deadline=None)
@given(templates(), st.dictionaries(names, st.text(alphabet=st.characters(blacklist_characters="\x00"),
                                                   max_size=6), max_size=6))
def test_render_uses_only_whitelisted_names(template: tuple[str, list[str | tuple[str, str | None]]],
                                             context: dict[str, str]) -> None:
    text, pieces = template
    allowed = placeholder_names()
    # Every name outside the whitelist carries a sentinel that must never reach the output.
    full = dict(context)
    for piece in pieces:
        if not isinstance(piece, str) and piece[0] not in allowed:
            full[piece[0]] = SENTINEL
    out = render(text, full)
    assert SENTINEL not in out
    # A reference renderer: the whitelisted value, else the (trimmed) fallback, else nothing.
    expected = "".join(
        piece if isinstance(piece, str)
        else (full.get(piece[0]) if piece[0] in allowed else None) or (piece[1] or "").strip()
        for piece in pieces)
    assert out == expected


def test_sample_context_without_rules_or_teams() -> None:
    empty = Ruleset.from_dict({"metadata": {"name": "Empty"}})
    context = sample_context(empty, datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    assert context["visitor.name"] == "Ana"
    assert context["rule"] == "Sample rule"
    assert context["handoff"] == "instant"  # no schedule: treated as open
    assert render("{{promise | soon}}", context) == "soon"  # no SLA and open: nothing to promise


@settings(max_examples=examples(50), deadline=None)
@given(st.frozensets(st.sampled_from(sorted(placeholder_names())) | names, max_size=6), st.integers(1, 4))
def test_a_context_of_only_some_names_has_the_full_contexts_values(only: frozenset[str], turn: int) -> None:
    """Decisions compute only the names their reply uses; each one has its full-context value."""
    conversation = {"id": "c-1", "visitor": {"name": "Ana", "email": "a@example.com"},
                    "events": [{"type": "visitor", "text": f"message {i}"} for i in range(4)]
                    + [{"type": "bot", "text": "bot"}]}
    full = build_context(conversation=conversation, turn=turn, rule="Refunds", trigger="keyword", team="Billing",
                         priority="high", promise="within 1 hour", mode="instant")
    part = build_context(conversation=conversation, turn=turn, rule="Refunds", trigger="keyword", team="Billing",
                         priority="high", promise="within 1 hour", mode="instant", only=only)
    assert part == {name: value for name, value in full.items() if name in only}


def test_template_names_and_parts() -> None:
    text = "Hi {{visitor.name | there}}, {{ team }} answers {{promise}}."
    assert template_names(text) == {"visitor.name", "team", "promise"}
    assert template_parts(text)[0] == ("Hi ", "visitor.name", "there")
    assert template_parts(text)[-1] == (".", None, None)
