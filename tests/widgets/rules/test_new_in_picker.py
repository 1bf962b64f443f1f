"""The team and template pickers of a rule create what they need in place, as one undo step."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog

from builder.format.model import Escalate, Reply
from widgets.rules.new_in_picker import NEW_TEAM, NEW_TEMPLATE

pytestmark = pytest.mark.gui


def _card(window: Any, kind: type) -> Any:
    return next(c for c in window.rule_editor.action_cards.cards if isinstance(c.action, kind))


def test_new_team_from_the_team_picker(window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Legal desk", True))
    window.rule_list.select_rule("legal")
    before = window.undo_stack.count()
    picker = _card(window, Escalate).fields["team"]
    assert "+ New team\u2026" in picker.labels()
    picker.choose(NEW_TEAM)
    teams = {t.name: t.id for t in window.document.ruleset.routing.teams}
    assert teams["Legal desk"] == "legal-desk"
    rule = window.document.ruleset.rule("legal")
    assert next(a for a in rule.actions if isinstance(a, Escalate)).team == "legal-desk"
    assert window.undo_stack.count() == before + 1
    assert "Legal desk" in window.undo_stack.undoText()
    assert _card(window, Escalate).fields["team"].current_data() == "legal-desk"
    window.undo_stack.undo()
    assert "Legal desk" not in {t.name for t in window.document.ruleset.routing.teams}


def test_cancelled_new_template_changes_nothing_and_a_named_one_is_used(window: Any,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    window.rule_list.select_rule("legal")
    rule = window.document.ruleset.rule("legal")
    if not any(isinstance(a, Reply) for a in rule.actions):
        window.rule_editor.action_cards.add_action("reply")
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("", False))
    before = window.document.ruleset
    _card(window, Reply).fields["template"].choose(NEW_TEMPLATE)
    assert window.document.ruleset == before
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Legal reply", True))
    _card(window, Reply).fields["template"].choose(NEW_TEMPLATE)
    made = next(t for t in window.document.ruleset.templates if t.name == "Legal reply")
    rule = window.document.ruleset.rule("legal")
    assert made.channel == "chat"
    assert any(isinstance(a, Reply) and a.template == made.id for a in rule.actions)
