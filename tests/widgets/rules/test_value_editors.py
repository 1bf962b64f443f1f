"""Value editors: chips typed and pasted, number limits from the catalog, the RE2 field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from rules_schema.catalog import catalog
from widgets.rules.conditions.chips import ChipsEdit, split_list
from widgets.rules.conditions.value_editors import (
    ChoiceListEditor,
    NumberEditor,
    PatternEditor,
    PhraseEditor,
    RangeEditor,
    default_value,
    make_value_editor,
)

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_split_list_understands_commas_semicolons_and_lines() -> None:
    assert split_list("refund, chargeback;\n overcharged\n\n") == ["refund", "chargeback", "overcharged"]


def test_typing_enter_adds_a_chip_and_x_removes_it(qtbot) -> None:
    chips = ChipsEdit()
    qtbot.addWidget(chips)
    chips.show()
    with qtbot.waitSignal(chips.values_edited) as added:
        qtbot.keyClicks(chips.line_edit, "refund")
        qtbot.keyClick(chips.line_edit, Qt.Key.Key_Return)
    assert added.args == [["refund"]]
    qtbot.keyClicks(chips.line_edit, "Cancel")
    qtbot.keyClick(chips.line_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(chips.line_edit, "REFUND")  # same phrase in other case: not added twice
    qtbot.keyClick(chips.line_edit, Qt.Key.Key_Return)
    assert chips.values() == ["refund", "Cancel"]
    chips.resize(400, 60)
    close = chips.close_rect("refund")
    assert close.isValid()
    with qtbot.waitSignal(chips.values_edited):
        qtbot.mouseClick(chips, Qt.MouseButton.LeftButton, pos=close.center())
    assert chips.values() == ["Cancel"]


def test_pasting_a_list_adds_many_chips(qtbot) -> None:
    chips = ChipsEdit(["refund"])
    qtbot.addWidget(chips)
    QGuiApplication.clipboard().setText("chargeback, charged twice\noverchaged\n")
    chips.line_edit.setFocus()
    qtbot.keyClick(chips.line_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(chips.line_edit, Qt.Key.Key_Return)
    assert chips.values() == ["refund", "chargeback", "charged twice", "overchaged"]


def test_backspace_on_empty_input_removes_the_last_chip(qtbot) -> None:
    chips = ChipsEdit(["a", "b"])
    qtbot.addWidget(chips)
    qtbot.keyClick(chips.line_edit, Qt.Key.Key_Backspace)
    assert chips.values() == ["a"]


def test_many_chips_wrap_onto_more_lines(qtbot) -> None:
    chips = ChipsEdit([f"phrase number {i}" for i in range(12)])
    qtbot.addWidget(chips)
    assert chips.heightForWidth(300) > chips.heightForWidth(1200) >= chips.heightForWidth(4000)
    chips.resize(300, chips.heightForWidth(300))
    assert chips.line_edit.geometry().bottom() <= chips.height()


def test_set_values_is_silent(qtbot) -> None:
    chips = ChipsEdit()
    qtbot.addWidget(chips)
    with qtbot.assertNotEmitted(chips.values_edited):
        chips.set_values(["x", "y"])
    assert chips.values() == ["x", "y"]


def test_editor_fits_the_operator_value_kind(qtbot) -> None:
    cat = catalog()
    cases = {
        ("message.text", "contains_any"): PhraseEditor,
        ("message.text", "matches"): PatternEditor,
        ("visitor.score", "gt"): NumberEditor,
        ("visitor.score", "between"): RangeEditor,
        ("time.local_weekday", "in"): ChoiceListEditor,
        ("bot.intent", "in"): PhraseEditor,
    }
    for (fact, op), kind in cases.items():
        editor = make_value_editor(cat.facts[fact], cat.operators[op], None)
        assert isinstance(editor, kind), (fact, op)
        qtbot.addWidget(editor)
    assert make_value_editor(cat.facts["cart.abandoned"], cat.operators["is_true"], None) is None
    assert make_value_editor(cat.facts["message.text"], cat.operators["is_set"], None) is None


def test_number_editor_has_the_fact_unit_and_limits(qtbot) -> None:
    cat = catalog()
    fact = cat.facts["message.caps_ratio"]
    editor = NumberEditor(fact, 0.7)
    qtbot.addWidget(editor)
    assert editor.spin.minimum() == fact.minimum and editor.spin.maximum() == fact.maximum
    editor.spin.setValue(5)  # beyond the catalog's maximum: clamped
    assert editor.value() == fact.maximum
    seconds = NumberEditor(cat.facts["time.silence_seconds"], 120)
    qtbot.addWidget(seconds)
    assert seconds.spin.suffix() == " seconds"
    edits: list[tuple[object, bool]] = []
    seconds.value_edited.connect(lambda value, merge: edits.append((value, merge)))
    seconds.spin.selectAll()
    qtbot.keyClicks(seconds.spin, "90")
    assert edits[-1] == (90, True)  # every keystroke is a mergeable edit
    assert isinstance(seconds.value(), int)


def test_range_editor_gives_two_numbers(qtbot) -> None:
    fact = catalog().facts["time.local_hour"]
    editor = RangeEditor(fact, default_value(fact, catalog().operators["between"]))
    qtbot.addWidget(editor)
    editor.low.setValue(9)
    editor.high.setValue(17)
    assert editor.value() == (9, 17)


def test_weekday_choices_are_check_boxes(qtbot) -> None:
    editor = ChoiceListEditor(catalog().facts["time.local_weekday"], ("sat",))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    with qtbot.waitSignal(editor.value_edited):
        qtbot.mouseClick(editor.boxes["sun"], Qt.MouseButton.LeftButton)
    assert editor.value() == ("sat", "sun")


def test_pattern_field_refuses_a_look_ahead_with_a_message(qtbot) -> None:
    editor = PatternEditor("")
    qtbot.addWidget(editor)
    editor.show()
    qtbot.keyClicks(editor.edit, "refund(?=now)")
    assert editor.error is not None
    assert editor.message.isVisible()
    assert "look-ahead" in editor.message.text() or "(?=" in editor.message.text()
    assert editor.edit.property("invalid") is True
    editor.edit.clear()
    qtbot.keyClicks(editor.edit, r"order\s*#?\d{5,}")
    assert editor.error is None and not editor.message.isVisible()


def test_pattern_test_box_shows_where_it_matches(qtbot) -> None:
    editor = PatternEditor(r"order\s*#?\d{5,}")
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.test_edit, "my ORDER #123456 is late")
    assert "Matches" in editor.result.text() and "3–16" in editor.result.text()
    editor.test_edit.setText("nothing here")
    assert "No match" in editor.result.text()


def test_a_long_list_folds_to_a_few_lines_until_expanded(qtbot) -> None:
    values = [f"phrase number {i}" for i in range(60)]
    chips = ChipsEdit(values)
    qtbot.addWidget(chips)
    chips.resize(500, 300)
    chips.show()
    folded = chips.heightForWidth(500)
    toggle = chips.toggle_rect()
    assert toggle.isValid() and folded <= (ChipsEdit.CHIP_H + ChipsEdit.GAP) * (ChipsEdit.MAX_LINES + 1) + 8
    assert not chips.close_rect(values[-1]).isValid()  # folded away
    qtbot.mouseClick(chips, Qt.MouseButton.LeftButton, pos=toggle.center())
    assert chips.expanded and chips.heightForWidth(500) > folded
    assert chips.close_rect(values[-1]).isValid()
    assert chips.values() == values  # folding never drops a value


def test_a_long_phrase_list_has_a_search_that_shows_only_matching_chips(qtbot) -> None:
    values = [f"phrase number {i}" for i in range(60)] + ["speak to a human"]
    editor = PhraseEditor(tuple(values))
    qtbot.addWidget(editor)
    editor.resize(600, 400)
    editor.show()
    chips = editor.chips
    assert editor.search.isVisible() and editor.found.text() == "61 phrases"
    assert not chips.close_rect("speak to a human").isValid()  # folded away behind "+N more"
    qtbot.keyClicks(editor.search, "HUMAN")
    assert chips.matching() == ["speak to a human"]
    assert editor.found.text() == "1 of 61 phrases contain \u201cHUMAN\u201d"
    assert not chips.toggle_rect().isValid() and not chips.close_rect("phrase number 0").isValid()
    with qtbot.waitSignal(editor.value_edited) as edited:  # the ✕ of the one found removes that one
        qtbot.mouseClick(chips, Qt.MouseButton.LeftButton, pos=chips.close_rect("speak to a human").center())
    assert edited.args[0] == tuple(values[:-1])
    assert editor.found.text() == "No phrase contains \u201cHUMAN\u201d"
    editor.search.clear()
    assert chips.matching() == values[:-1] and chips.toggle_rect().isValid()


def test_a_short_phrase_list_has_no_search(qtbot) -> None:
    editor = PhraseEditor(tuple(f"p{i}" for i in range(PhraseEditor.SEARCH_FROM - 1)))
    qtbot.addWidget(editor)
    editor.show()
    assert not editor.search.isVisible()
    qtbot.keyClicks(editor.chips.line_edit, "one more")
    qtbot.keyClick(editor.chips.line_edit, Qt.Key.Key_Return)
    assert editor.search.isVisible()  # the list became long
