"""The simulator page driven like a manager: type, insert events, move the clock, read why."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDateTime, Qt, QTimeZone

from builder.editing.document import Document
from builder.engine import compile_ruleset, simulate
from builder.format.model import Ruleset
from builder.paths import example_playbook

pytestmark = pytest.mark.gui
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def document() -> Document:
    return Document(Ruleset.from_dict(json.loads(example_playbook().read_text(encoding="utf-8"))))


@pytest.fixture
def page(qtbot: Any, document: Document) -> Iterator[Any]:
    from widgets.simulator import SimulatorPage

    widget = SimulatorPage(document)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    yield widget
    widget.play_timer.stop()
    widget.disconnect_document()


def set_start(page: Any, wall: str, zone: str = "Europe/Berlin") -> None:
    """Type a start time and zone into the clock bar, as the manager would."""
    page.clock.zone.setCurrentText(zone)
    typed = QDateTime.fromString(wall, "yyyy-MM-dd HH:mm")
    typed.setTimeZone(QTimeZone.utc())  # the field holds a wall time
    page.clock.start_edit.setDateTime(typed)
    page.clock.start_edit.editingFinished.emit()


def say(qtbot: Any, page: Any, text: str) -> None:
    page.chat.input.setFocus()
    qtbot.keyClicks(page.chat.input, text)
    qtbot.keyClick(page.chat.input, Qt.Key.Key_Return)


def click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def rule_rows(page: Any, rule_id: str) -> list[tuple[str, str, str]]:
    """The explanation rows under one rule (its conditions, depth first)."""
    model = page.explanation.model
    rule = next(n for n in model.root.children if n.rule_id == rule_id)
    out: list[tuple[str, str, str]] = []

    def walk(node: Any) -> None:
        for child in node.children:
            out.append((child.text, child.value, child.status))
            walk(child)
    walk(rule)
    return out


def rule_status(page: Any, rule_id: str) -> str:
    return next(n.status for n in page.explanation.model.root.children if n.rule_id == rule_id)


def test_a_repeated_question_hands_over_and_the_explanation_says_why(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-11-24 10:00")  # a Tuesday, support open 08-18 Berlin
    say(qtbot, page, "where is my order?")
    assert page.sim.decision is None
    assert page.chat.lines[-1].role == "visitor" and page.chat.lines[-1].text == "where is my order?"
    click(qtbot, page.clock.buttons["+30 s"])
    say(qtbot, page, "where is my order?")
    click(qtbot, page.clock.buttons["+30 s"])
    say(qtbot, page, "where is my order?")

    decision = page.sim.decision
    assert decision is not None and decision.rule == "frustration" and decision.turn == 3
    assert rule_status(page, "frustration").startswith("Fired")
    rows = {text: (value, status) for text, value, status in rule_rows(page, "frustration")}
    repeated = next(k for k in rows if k.startswith("Times the visitor repeated a question"))
    assert rows[repeated] == ("2×", "held")
    caps = next(k for k in rows if k.startswith("Share of CAPITALS"))
    assert rows[caps] == ("0.00", "not held")
    assert "Turn 3" in page.explanation.turn_picker.currentText()
    assert page.explanation.turn_picker.currentText().endswith("· fired “Visitor is frustrated”")  # a name, not an id
    page.explanation.turn_picker.setCurrentIndex(0)  # look back at the first turn
    assert rule_status(page, "frustration").startswith("Not fired")
    assert [(v, s) for t, v, s in rule_rows(page, "frustration") if t.startswith("Times the visitor")] == \
        [("0×", "not held")]
    page.explanation.turn_picker.setCurrentIndex(2)
    assert page.handoff.mode == "instant"
    assert "Transfer now" in page.handoff.summary.text()
    assert page.chat.lines[-2].role == "handoff" and "Support" in page.chat.lines[-2].text


def test_shouting_fires_frustration_with_the_caps_ratio_shown(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "I AM SO ANGRY, WHERE IS MY ORDER")
    assert page.sim.decision is not None and page.sim.decision.rule == "frustration"
    rows = rule_rows(page, "frustration")
    assert ("1.00", "held") in [(v, s) for t, v, s in rows if t.startswith("Share of CAPITALS")]
    phrase = [(v, s) for t, v, s in rows if t.startswith("Latest visitor message contains any")]
    assert phrase == [("found “angry”", "held")]  # a word of the "Anger and disappointment" group
    assert "<span" in page.explanation.message.text() and "ANGRY" in page.explanation.message.text()
    # a rule after the deciding one was not evaluated; one before it did not hold
    assert rule_status(page, "billing-refund").startswith("Skipped")
    assert rule_status(page, "explicit-human").startswith("Not fired")


def test_crossing_closing_time_switches_the_handoff_to_email_with_a_promise(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-11-27 17:59")  # Friday; support closes at 18:00 Berlin
    say(qtbot, page, "hello, where is my parcel")
    assert "open" in page.clock.now_label.text() and "closed" not in page.clock.now_label.text()
    click(qtbot, page.clock.buttons["+2 min"])
    assert "closed" in page.clock.now_label.text()
    say(qtbot, page, "THIS IS USELESS, WHERE IS MY PARCEL")
    decision = page.sim.decision
    assert decision is not None and decision.rule == "bot-not-helping"  # "useless": the bot is not helping
    assert page.handoff.mode == "email"
    assert "Capture e-mail with a promise" in page.handoff.summary.text()
    assert decision.promise and "Monday" in decision.promise
    assert f"Promise:</b> {decision.promise}" in page.handoff.summary.text()
    assert "closed" in page.handoff.summary.text()

    # the same conversation a few minutes earlier: moving the start replays it while open
    set_start(page, "2026-11-27 17:55")
    assert page.sim.decision is not None and page.handoff.mode == "instant"


def test_silence_after_a_bot_fallback_fires_on_the_clock(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "my plug does not connect to the app")
    page.events.fallback.setChecked(True)
    click(qtbot, page.events.buttons["bot"])
    assert page.chat.lines[-1].role == "bot" and "fallback" in page.chat.lines[-1].detail
    click(qtbot, page.clock.buttons["+30 s"])
    assert page.sim.decision is None
    click(qtbot, page.clock.buttons["+2 min"])
    decision = page.sim.decision
    assert decision is not None and decision.rule == "silence" and decision.timer
    assert decision.at == datetime(2026, 11, 24, 10, 2, tzinfo=BERLIN)  # at the deadline, not the click
    assert page.explanation.turn_picker.currentText().startswith("Timer")
    rows = rule_rows(page, "silence")
    assert [(v, s) for t, v, s in rows if t.startswith("Seconds of silence")] == [("120 s", "held")]


def test_no_resolution_fires_at_six_minutes_with_the_ten_minute_button(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "how do I change my delivery address")
    page.events.fallback.setChecked(False)
    page.events.bot_text.setText("You can change it under Orders.")
    click(qtbot, page.events.buttons["bot"])
    click(qtbot, page.clock.buttons["+10 min"])
    decision = page.sim.decision
    assert decision is not None and decision.rule == "no-resolution"
    assert decision.at == datetime(2026, 11, 24, 10, 6, tzinfo=BERLIN)
    assert "10:10:00" in page.clock.now_label.text()


def test_resolved_event_prevents_the_no_resolution_handoff(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "what are your opening hours")
    click(qtbot, page.events.buttons["resolved"])
    click(qtbot, page.clock.buttons["+10 min"])
    assert page.sim.decision is None
    assert page.chat.lines[-1].text == "Marked as resolved"


def test_next_opening_jumps_to_monday_morning(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-11-27 19:00")
    assert "closed" in page.clock.now_label.text()
    click(qtbot, page.clock.next_button)
    assert page.sim.now == datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN)
    assert "open" in page.clock.now_label.text() and "closed" not in page.clock.now_label.text()


def test_changing_the_visitor_replays_the_conversation(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "can I get a quote for my company")
    assert page.sim.decision is not None and page.sim.decision.rule == "enterprise-pricing"
    page.side.setCurrentIndex(1)
    qtbot.keyClicks(page.visitor.name, "Ana")
    page.visitor.name.editingFinished.emit()
    assert page.sim.visitor == {"name": "Ana"}
    assert page.sim.decision is not None and "Ana" in (page.sim.decision.reply or "")


def test_editing_a_rule_reruns_the_conversation(qtbot: Any, page: Any, document: Document) -> None:
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "I want a refund for order 1234")
    assert page.sim.decision is not None and page.sim.decision.rule == "billing-refund"
    rule = document.ruleset.rule("billing-refund")
    assert rule is not None
    document.replace_rule("billing-refund", replace(rule, enabled=False))
    qtbot.waitUntil(lambda: page.sim.decision is None, timeout=2000)
    assert page.handoff.mode is None
    assert "billing-refund" not in [n.rule_id for n in page.explanation.model.root.children]
    document.replace_rule("billing-refund", rule)
    qtbot.waitUntil(lambda: page.sim.decision is not None, timeout=2000)
    assert page.sim.decision.rule == "billing-refund"


def test_double_clicking_a_condition_asks_to_open_it(qtbot: Any, page: Any, document: Document) -> None:
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "THIS IS NOT WHAT I ORDERED AT ALL")
    view = page.explanation.view
    rule_index = page.explanation.find_rule_row("frustration")
    shouting = page.explanation.model.index(1, 0, page.explanation.model.index(0, 0, rule_index))
    caps = page.explanation.model.index(0, 0, shouting)  # capitals, in "capitals and a negative tone"
    view.expand(shouting)
    view.scrollTo(caps)
    with qtbot.waitSignal(page.condition_activated) as blocker:
        rect = view.visualRect(caps)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    path = f"$.rules[{document.index_of('frustration')}].when.any[1].all[0]"  # the caps condition
    assert blocker.args == ["frustration", path]
    assert page.explanation.note_for(path) == "In the simulator this was 1.00 (held)"


def test_save_as_test_then_reload_and_replay_step_by_step(qtbot: Any, document: Document, workspace: Any) -> None:
    from widgets.simulator import SimulatorPage

    project = workspace.create_project("Playbook", document.ruleset.to_dict())
    page = SimulatorPage(document, project_provider=lambda: project)
    qtbot.addWidget(page)
    set_start(page, "2026-11-24 10:00")
    click(qtbot, page.events.buttons["page"])
    say(qtbot, page, "hi, my card was declined")
    page.events.fallback.setChecked(True)
    click(qtbot, page.events.buttons["bot"])
    click(qtbot, page.clock.buttons["+10 min"])
    decision = page.sim.decision
    assert decision is not None and decision.rule == "silence"

    click(qtbot, page.library.save_button)
    saved = project.conversations("Simulator tests")
    assert len(saved) == 1 and saved[0]["expect"] == {"escalate": True, "rule": "silence", "turn": 1,
                                                "handoff": decision.handoff}
    assert "Saved" in page.status.text()
    from builder.format.conversation import Conversation, read_conversations

    read_back = list(read_conversations(io.StringIO(json.dumps(saved[0])), schema=True))
    assert isinstance(read_back[0], Conversation), read_back  # the conversation format, schema-valid
    # the stored test passes in the engine the CLI uses (the clock's end is kept in the file)
    replayed = simulate(compile_ruleset(document.ruleset), saved[0])
    assert (replayed.rule, replayed.turn, replayed.at) == (decision.rule, decision.turn, decision.at)

    click(qtbot, page.library.reset_button)
    assert page.sim.decision is None and page.chat.lines == []
    assert page.library.choose("Simulator tests · ")
    click(qtbot, page.library.load_button)
    assert page.sim.events == [] and page.library.progress.text() == "step 0 of 4"
    click(qtbot, page.library.step_button)
    assert [e["type"] for e in page.sim.events] == ["page_view"]
    click(qtbot, page.library.play_button)
    qtbot.waitUntil(lambda: not page.library.play_button.isEnabled(), timeout=5000)
    assert page.sim.decision is not None and page.sim.decision.rule == "silence"
    assert page.sim.decision.at == decision.at
    page.disconnect_document()


def test_save_without_a_workspace_appends_to_a_jsonl_file(qtbot: Any, page: Any, tmp_path: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import widgets.simulator.page as page_module

    target = tmp_path / "tests.jsonl"
    monkeypatch.setattr(page_module, "ask_jsonl_path", lambda parent: target)
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "hello")
    click(qtbot, page.library.save_button)
    click(qtbot, page.library.save_button)
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2 and lines[0]["expect"] == {"escalate": False}
    assert lines[0]["events"][0]["text"] == "hello"


def test_a_shipped_sample_replays_to_its_expectation(qtbot: Any, page: Any) -> None:
    assert page.library.choose("Samples (shipped) · frustration-caps")
    click(qtbot, page.library.load_button)
    while page.step():
        pass
    decision = page.sim.decision
    assert decision is not None and (decision.rule, decision.turn) == ("bot-not-helping", 2)
    visitor_lines = [line.text for line in page.chat.lines if line.role == "visitor"]
    assert visitor_lines == ["where is my order 4411", "I ALREADY GAVE YOU THE NUMBER WHERE IS MY ORDER"]
    assert page.visitor.name.text() == "Chris"


def test_the_handoff_payloads_are_rendered_and_raw(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "I want to speak to a human")
    assert page.sim.decision is not None and page.sim.decision.rule == "explicit-human"
    assert page.handoff.tabs.tabText(page.handoff.tabs.currentIndex()) == "Handoff"  # the words come first
    words, webhook_raw = page.handoff.views["webhook"]
    text = words.toPlainText()
    lines = text.splitlines()
    for label, value in (("Who", "an anonymous visitor"), ("What they said", "\u201cI want to speak to a human\u201d"),
                         ("Priority", "high"), ("Team", "Support (transfer now)"), ("Promise", "within 1 hour")):
        assert lines[lines.index(label) + 1] == value
    assert "{" not in text and "conversation_id" not in text and "handoff.mode" not in text
    assert not webhook_raw.isVisible()  # the JSON waits behind "Show technical details"
    click(qtbot, page.handoff.details)
    assert webhook_raw.isVisible()
    visual, raw = page.handoff.views["slack"]
    assert "Visitor asks for a human" in visual.toPlainText()
    assert json.loads(raw.toPlainText())["blocks"][0]["type"] == "header"
    assert raw.isReadOnly()
    _, teams_raw = page.handoff.views["teams"]
    assert json.loads(teams_raw.toPlainText())["attachments"][0]["content"]["type"] == "AdaptiveCard"
    email_visual, _ = page.handoff.views["email"]
    assert "Subject:" in email_visual.toPlainText()
    body = json.loads(webhook_raw.toPlainText())
    assert body["event"] == "handoff.created" and body["transcript"][0]["text"] == "I want to speak to a human"


def test_main_window_opens_the_condition_in_the_rule_editor(qtbot: Any, window: Any) -> None:
    from widgets.shell.pages import install_pages

    install_pages(window)
    page = window.simulator_page
    titles = [window.pages.tabText(i) for i in range(window.pages.count())]
    assert "Simulator" in titles
    window.pages.setCurrentWidget(page)
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "I want a refund")
    assert page.sim.decision is not None
    index = window.document.index_of("billing-refund")
    page.condition_activated.emit("billing-refund", f"$.rules[{index}].when.any[0]")
    assert window.pages.currentWidget() is window.rules_page
    assert window.rule_list.selected_rule_id() == "billing-refund"
    assert window.rule_editor.current_rule_id == "billing-refund"
    page.disconnect_document()


def test_start_time_field_reads_in_the_chosen_zone(qtbot: Any, page: Any) -> None:
    set_start(page, "2026-07-01 09:30", "America/New_York")
    assert page.sim.start == datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    assert "09:30:00" in page.clock.now_label.text()
    page.clock.advance.emit(timedelta(minutes=5))
    assert "09:35:00" in page.clock.now_label.text()


def test_a_rule_that_only_replies_shows_its_rendered_reply(qtbot: Any, page: Any, document: Document) -> None:
    from builder.format.model import Rule, Template

    template = Template.from_dict(
        {
            "id": "shipping-info",
            "name": "Shipping info",
            "channel": "chat",
            "body": "Hi {{visitor.name | there}}, parcels ship within 2 days.",
        }
    )
    document.set_ruleset(replace(document.ruleset, templates=(*document.ruleset.templates, template)))
    document.insert_rule(
        0,
        Rule.from_dict(
            {
                "id": "shipping-faq",
                "name": "Shipping question",
                "trigger": "keyword",
                "stop": False,
                "when": {"fact": "message.text", "op": "contains_any", "value": ["shipping"]},
                "actions": [{"type": "reply", "template": "shipping-info"}, {"type": "tag", "tags": ["shipping"]}],
            }
        ),
    )
    qtbot.waitUntil(lambda: not page.rerun_timer.isActive(), timeout=2000)
    set_start(page, "2026-11-24 10:00")
    page.side.setCurrentIndex(1)
    qtbot.keyClicks(page.visitor.name, "Ana")
    page.visitor.name.editingFinished.emit()
    say(qtbot, page, "how long does shipping take")
    assert page.sim.decision is None
    bot = [line for line in page.chat.lines if line.role == "bot"]
    assert [(line.text, line.detail) for line in bot] == [("Hi Ana, parcels ship within 2 days.", "rule reply")]
    assert any("Shipping question" in line.text and "tag shipping" in line.text for line in page.chat.lines)


def test_edits_while_hidden_rerun_when_the_page_is_shown_again(qtbot: Any, page: Any, document: Document) -> None:
    set_start(page, "2026-11-24 10:00")
    say(qtbot, page, "I want a refund please")
    assert page.sim.decision is not None and page.sim.decision.rule == "billing-refund"
    page.hide()
    rule = document.ruleset.rule("billing-refund")
    assert rule is not None
    document.replace_rule("billing-refund", replace(rule, enabled=False))
    assert not page.rerun_timer.isActive() and page.sim.decision is not None  # no work while hidden
    page.show()
    assert page.sim.decision is None or page.sim.decision.rule != "billing-refund"


def test_a_ruleset_that_cannot_compile_is_explained_not_crashed(qtbot: Any, page: Any, document: Document) -> None:
    from builder.format.model import Rule

    document.insert_rule(
        0,
        Rule.from_dict(
            {
                "id": "broken",
                "name": "Broken pattern",
                "trigger": "keyword",
                "when": {"fact": "message.text", "op": "matches", "value": "(unclosed"},
                "actions": [{"type": "tag", "tags": ["x"]}],
            }
        ),
    )
    page.rerun()
    say(qtbot, page, "hello")
    assert page.sim.session is None and page.sim.decision is None
    assert "cannot run yet" in page.status.text()
    assert "cannot run yet" in page.handoff.summary.text()
    document.remove_rule("broken")
    page.rerun()
    assert page.sim.session is not None and page.chat.lines[-1].text == "hello"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            {"fired": True, "held": True, "conditions_held": 1, "conditions_total": 4},
            ("Fired · 1 of 4 conditions held", "fired"),
        ),
        (
            {"fired": False, "held": False, "conditions_held": 3, "conditions_total": 4},
            ("Near miss · 3 of 4 conditions held", "near"),
        ),
        (
            {"fired": False, "held": False, "conditions_held": 1, "conditions_total": 4},
            ("Not fired · 1 of 4 conditions held", "failed"),
        ),
        (
            {"fired": False, "held": False, "conditions_held": 0, "conditions_total": 1},
            ("Not fired · 0 of 1 conditions held", "failed"),
        ),
        (
            {"fired": False, "held": True, "cooldown": True, "conditions_held": 1, "conditions_total": 1},
            ("Already fired (cooling down)", "cooldown"),
        ),
        (
            {"fired": False, "held": False, "evaluated": False, "conditions_held": 2, "conditions_total": 2},
            ("Skipped: an earlier rule stopped", "skipped"),
        ),
    ],
)
def test_rule_status_names_near_misses(rule: dict[str, Any], expected: tuple[str, str]) -> None:
    from widgets.simulator.explanation import rule_status

    assert rule_status(rule) == expected


def test_the_explanation_words_a_condition_as_the_rule_list_does() -> None:
    from builder.analysis.wording import condition_text as rule_words
    from builder.analysis.wording import sentence_case
    from widgets.simulator.explanation import condition_text

    node = {"fact": "message.text", "op": "contains_any", "value": ["refund", "money back", "chargeback", "cancel"]}
    assert condition_text(node) == "Latest visitor message contains any of “refund”, “money back”, “chargeback” +1 more"
    caps = {"fact": "message.caps_ratio", "op": "gte", "value": 0.7}
    assert condition_text(caps) == sentence_case(rule_words("message.caps_ratio", "gte", 0.7))
