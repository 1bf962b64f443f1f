"""THEN cards: added from the menu, edited with pickers fed by the catalog and the ruleset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from builder.format.model import Action, Escalate, Notify, Reply, Ruleset, SetPriority, Tag
from rules_schema.catalog import catalog
from widgets.rules.action_cards import ActionCards, reply_preview
from widgets.rules.conditions.chips import Picker
from widgets.rules.new_in_picker import NEW_TEMPLATE

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]
PLAYBOOK = Path(__file__).resolve().parents[3] / "resources" / "examples" / "playbook.json"


@pytest.fixture
def ruleset() -> Ruleset:
    return Ruleset.from_dict(json.loads(PLAYBOOK.read_text(encoding="utf-8")))


@pytest.fixture
def cards(qtbot, ruleset: Ruleset) -> ActionCards:
    """Cards wired to themselves, as the document would echo each edit back."""
    widget = ActionCards()
    qtbot.addWidget(widget)
    widget.edits: list[str] = []  # type: ignore[misc]
    widget.actions_edited.connect(
        lambda actions, text, _m: (widget.edits.append(text), widget.set_actions(actions, ruleset)))
    widget.set_actions((), ruleset)
    widget.resize(800, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _add(cards: ActionCards, kind: str) -> None:
    """Pick `kind` in the "+ Action" menu."""
    action = next(a for a in cards.add_menu.actions() if a.data() == kind)
    action.trigger()


def _picker(cards: ActionCards, index: int, key: str) -> Picker:
    picker = cards.cards[index].fields[key]
    assert isinstance(picker, Picker)
    return picker


def test_menu_lists_the_catalog_actions(cards: ActionCards) -> None:
    labels = [a.text().split("  ", 1)[-1] for a in cards.add_menu.actions()]
    assert labels == [info["label"] for info in catalog().actions.values()]


def test_add_and_edit_an_escalation(cards: ActionCards, ruleset: Ruleset) -> None:
    _add(cards, "escalate")
    assert cards.action_list == (Escalate("instant", ruleset.routing.teams[0].id, "normal"),)
    team = _picker(cards, 0, "team")
    assert team.labels() == [t.name for t in ruleset.routing.teams] + ["+ New team\u2026"]
    last_team = ruleset.routing.teams[-1].id
    team.choose(last_team)
    _picker(cards, 0, "handoff").choose("callback")
    _picker(cards, 0, "priority").choose("urgent")
    assert cards.action_list == (Escalate("callback", last_team, "urgent"),)
    last_name = ruleset.routing.teams[-1].name
    assert cards.edits == ["Add “Hand over to a human”", f"Set team to “{last_name}”",
                           "Set handoff mode to “Offer a callback”", "Set priority to “Urgent”"]


def test_reply_offers_chat_templates_only_with_a_preview(cards: ActionCards, ruleset: Ruleset) -> None:
    _add(cards, "reply")
    picker = _picker(cards, 0, "template")
    ids = picker.data_items()
    assert ids == [*(t.id for t in ruleset.templates if t.channel == "chat"), NEW_TEMPLATE]
    chosen = ids[-2]
    picker.choose(chosen)
    assert cards.action_list == (Reply(chosen),)
    preview = cards.cards[0].preview
    assert preview is not None and not preview.isHidden()
    assert preview.text() == reply_preview(ruleset, chosen)
    body = ruleset.template(chosen).body  # type: ignore[union-attr]
    assert preview.text().startswith(body.split("{{")[0]) and "{{" not in preview.text()


def test_unknown_template_is_kept_not_replaced(cards: ActionCards, ruleset: Ruleset) -> None:
    cards.set_actions((Reply("gone"),), ruleset)
    picker = _picker(cards, 0, "template")
    assert picker.current_data() == "gone" and "missing" in picker.text()
    assert cards.edits == []


def test_tags_as_chips(cards: ActionCards, qtbot) -> None:
    _add(cards, "tag")
    chips = cards.cards[0].fields["tags"]
    qtbot.keyClicks(chips.line_edit, "billing, vip")
    qtbot.keyClick(chips.line_edit, Qt.Key.Key_Return)
    assert cards.action_list == (Tag(("billing", "vip")),)


def test_set_priority_and_notify(cards: ActionCards, ruleset: Ruleset) -> None:
    _add(cards, "set_priority")
    _add(cards, "notify")
    assert cards.action_list == (SetPriority("high"), Notify(ruleset.channels[0].id))
    channel = _picker(cards, 1, "channel")
    assert channel.text().startswith(ruleset.channels[0].name)


def test_reorder_and_remove(cards: ActionCards, qtbot, ruleset: Ruleset) -> None:
    actions: tuple[Action, ...] = (Escalate(), Reply("handoff-ack"), Tag(("x",)))
    cards.set_actions(actions, ruleset)
    first = cards.cards[0]
    up = first.findChild(QToolButton, "moveUp")
    assert up is not None and not up.isEnabled()
    qtbot.mouseClick(first.findChild(QToolButton, "moveDown"), Qt.MouseButton.LeftButton)
    assert cards.action_list == (Reply("handoff-ack"), Escalate(), Tag(("x",)))
    qtbot.mouseClick(cards.cards[2].findChild(QToolButton, "removeAction"), Qt.MouseButton.LeftButton)
    assert cards.action_list == (Reply("handoff-ack"), Escalate())
    assert cards.edits == ["Reorder actions", "Remove action"]


def test_values_from_outside_update_cards_in_place(cards: ActionCards, ruleset: Ruleset) -> None:
    cards.set_actions((Escalate(),), ruleset)
    card = cards.cards[0]
    last_team = ruleset.routing.teams[-1].id
    cards.set_actions((Escalate("email", last_team, "low"),), ruleset)
    assert cards.cards[0] is card
    assert _picker(cards, 0, "handoff").current_data() == "email"
    assert _picker(cards, 0, "team").current_data() == last_team


def test_the_add_action_link_has_no_chevron_over_its_text(qtbot, qapp) -> None:
    """"+ Action" is a link: the app's menu chevron was drawn over its last letter."""
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QWidget

    from widgets.common.style import stylesheet
    from widgets.rules.editor_style import editor_style

    holder = QWidget()
    holder.setStyleSheet(stylesheet(False) + editor_style(qapp))
    widget = ActionCards(holder)
    qtbot.addWidget(holder)
    holder.resize(400, 200)
    holder.show()
    qtbot.waitExposed(holder)
    button = widget.add_button
    with_menu = button.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    menu = button.menu()
    button.setMenu(None)  # the same link without a menu: nothing else may differ
    plain = button.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    button.setMenu(menu)
    assert with_menu == plain
