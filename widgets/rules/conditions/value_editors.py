"""The value part of a condition, shaped by the operator's value kind from the catalog.

phrases -> chips, number -> a spin box with the fact's unit and limits, range -> two spin boxes,
choices -> a checkable list (facts with fixed choices) or chips, scalar -> a number, a choice or a
text, pattern -> an RE2 field checked as you type plus a test box, none -> no editor at all.

Every editor emits `value_edited(value, merge)`: `merge` is True for continuous edits (typing,
spinning) that the undo stack should fold into one step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rules_schema.catalog import Fact, Operator
from rules_schema.formats import re2_error
from widgets.rules.conditions.chips import ChipsEdit, FlowLayout

_DECIMAL_UNITS = {"ratio": 2, "score": 2}


def re2_problem(pattern: str) -> str | None:
    """Why RE2 (the engine's regex library) refuses `pattern`, or None when it compiles."""
    return re2_error(pattern)  # the validator's wording


def default_value(fact: Fact, op: Operator) -> Any:
    """A sensible starting value when the user picks a fact or an operator."""
    kind = op.value
    if kind == "none":
        return None
    if kind == "phrases":
        return ()
    if kind == "pattern":
        return ""
    if kind == "choices":
        return ()
    if fact.type == "number":
        example = fact.example if isinstance(fact.example, (int, float)) else (fact.minimum or 0)
        if kind == "range":
            low = fact.minimum if fact.minimum is not None else 0
            return (low, max(example, low))
        return example
    if fact.choices:
        return fact.choices[0]
    return ""


def value_fits(value: Any, fact: Fact, op: Operator) -> bool:
    """Whether a value can be kept when the operator changes (so phrases survive any -> none)."""
    kind = op.value
    if kind == "none":
        return value is None
    if kind in ("phrases", "choices"):
        return isinstance(value, tuple) and all(isinstance(v, str) for v in value)
    if kind == "range":
        return isinstance(value, tuple) and len(value) == 2
    if kind == "pattern":
        return isinstance(value, str)
    if fact.type == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


class ValueEditor(QWidget):
    """Base: `value()`, `set_value(v)` (silent), `value_edited(value, merge)`, `focus_field()`."""

    value_edited = Signal(object, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("valueEditor")
        self._updating = False

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_field(self) -> QWidget:
        """The widget that should take the keyboard focus (e.g. when a problem points here)."""
        return self

    def _emit(self, merge: bool) -> None:
        if not self._updating:
            self.value_edited.emit(self.value(), merge)


class PhraseEditor(ValueEditor):
    """Phrase chips; a long list (`SEARCH_FROM` phrases or more) also gets a "Find a phrase" box
    that shows only the chips containing what is typed, with a count, so one phrase among dozens
    can be found and removed without unfolding the whole list."""

    SEARCH_FROM = 12

    def __init__(self, value: Any, placeholder: str = "Type a phrase, press Enter",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.search_row = QWidget()
        row = QHBoxLayout(self.search_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName("phraseSearch")
        self.search.setPlaceholderText("Find a phrase…")
        self.search.setAccessibleName("Find a phrase")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(260)
        self.search.textChanged.connect(self._search_changed)
        self.found = QLabel()
        self.found.setObjectName("phraseSearchCount")
        row.addWidget(self.search)
        row.addWidget(self.found)
        row.addStretch(1)
        self.chips = ChipsEdit(value or (), placeholder)
        self.chips.values_edited.connect(lambda _values: self._emit(False))
        self.chips.values_edited.connect(lambda _values: self._update_search())
        layout.addWidget(self.search_row)
        layout.addWidget(self.chips)
        self._update_search()

    def value(self) -> Any:
        return tuple(self.chips.values())

    def set_value(self, value: Any) -> None:
        self.chips.set_values(value or ())
        self._update_search()

    def _search_changed(self, text: str) -> None:
        self.chips.set_filter(text)
        self._update_search()

    def _update_search(self) -> None:
        total = len(self.chips.values())
        long = total >= self.SEARCH_FROM
        if not long and self.search.text():
            self.search.clear()  # the list got short: show every chip again
        self.search_row.setVisible(long)
        query = self.search.text().strip()
        if not query:
            self.found.setText(f"{total} phrases")
            return
        matches = len(self.chips.matching())
        self.found.setText(f"{matches} of {total} phrases contain \u201c{query}\u201d" if matches
                           else f"No phrase contains \u201c{query}\u201d")

    def focus_field(self) -> QWidget:
        return self.chips.line_edit


def _spin(fact: Fact) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName("numberSpin")
    decimals = _DECIMAL_UNITS.get(fact.unit or "", 0)
    spin.setDecimals(decimals)
    spin.setSingleStep(0.05 if decimals else 1)
    spin.setRange(fact.minimum if fact.minimum is not None else -1_000_000,
                  fact.maximum if fact.maximum is not None else 1_000_000)
    if fact.unit and fact.unit not in ("ratio", "score"):
        spin.setSuffix(f" {fact.unit}")
    spin.setKeyboardTracking(True)
    spin.setAccessibleName(f"{fact.label} value")
    spin.setMinimumWidth(96)
    return spin


def _number(spin: QDoubleSpinBox) -> int | float:
    value = spin.value()
    return int(value) if spin.decimals() == 0 else round(value, spin.decimals())


class NumberEditor(ValueEditor):
    def __init__(self, fact: Fact, value: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.spin = _spin(fact)
        self.set_value(value)
        self.spin.valueChanged.connect(lambda _v: self._emit(True))
        layout.addWidget(self.spin)
        layout.addStretch(1)

    def value(self) -> Any:
        return _number(self.spin)

    def set_value(self, value: Any) -> None:
        self._updating = True
        self.spin.setValue(float(value) if isinstance(value, (int, float)) else 0.0)
        self._updating = False

    def focus_field(self) -> QWidget:
        return self.spin


class RangeEditor(ValueEditor):
    def __init__(self, fact: Fact, value: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.low, self.high = _spin(fact), _spin(fact)
        self.low.setAccessibleName(f"{fact.label} from")
        self.high.setAccessibleName(f"{fact.label} to")
        self.set_value(value)
        for spin in (self.low, self.high):
            spin.valueChanged.connect(lambda _v: self._emit(True))
        layout.addWidget(self.low)
        and_label = QLabel("and")
        and_label.setObjectName("sentenceWord")
        layout.addWidget(and_label)
        layout.addWidget(self.high)
        layout.addStretch(1)

    def value(self) -> Any:
        return (_number(self.low), _number(self.high))

    def set_value(self, value: Any) -> None:
        low, high = value if isinstance(value, tuple) and len(value) == 2 else (0, 0)
        self._updating = True
        self.low.setValue(float(low))
        self.high.setValue(float(high))
        self._updating = False

    def focus_field(self) -> QWidget:
        return self.low


class ChoiceListEditor(ValueEditor):
    """Fixed choices (e.g. weekdays) as check boxes: one click per choice, no typing."""

    def __init__(self, fact: Fact, value: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        flow = FlowLayout(self, spacing=8)
        self.boxes: dict[str, QCheckBox] = {}
        for choice in fact.choices:
            box = QCheckBox(choice)
            box.setObjectName("choiceBox")
            box.toggled.connect(lambda _on: self._emit(False))
            flow.addWidget(box)
            self.boxes[choice] = box
        self.set_value(value)

    def value(self) -> Any:
        return tuple(c for c, box in self.boxes.items() if box.isChecked())

    def set_value(self, value: Any) -> None:
        chosen = set(value or ())
        self._updating = True
        for choice, box in self.boxes.items():
            box.setChecked(choice in chosen)
        self._updating = False

    def focus_field(self) -> QWidget:
        return next(iter(self.boxes.values()), self)


class ChoiceEditor(ValueEditor):
    """One of a fact's fixed choices (`is` / `is not` on a category with choices)."""

    def __init__(self, fact: Fact, value: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setAccessibleName(f"{fact.label} value")
        self.combo.addItems(list(fact.choices))
        self.set_value(value)
        self.combo.currentIndexChanged.connect(lambda _i: self._emit(False))
        layout.addWidget(self.combo)
        layout.addStretch(1)

    def value(self) -> Any:
        return self.combo.currentText()

    def set_value(self, value: Any) -> None:
        self._updating = True
        self.combo.setCurrentIndex(max(0, self.combo.findText(str(value))))
        self._updating = False

    def focus_field(self) -> QWidget:
        return self.combo


class TextEditor(ValueEditor):
    """A single free text (e.g. `Intent the chatbot recognised` is `pricing`)."""

    def __init__(self, fact: Fact, value: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(str(value or ""))
        self.edit.setAccessibleName(f"{fact.label} value")
        if fact.example is not None:
            self.edit.setPlaceholderText(f"e.g. {fact.example}")
        self.edit.textEdited.connect(lambda _t: self._emit(True))
        layout.addWidget(self.edit)

    def value(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        if self.edit.text() != str(value or ""):
            self.edit.setText(str(value or ""))

    def focus_field(self) -> QWidget:
        return self.edit


class PatternEditor(ValueEditor):
    """An RE2 pattern, checked on every keystroke, with a box to try it on a sample text."""

    def __init__(self, value: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.edit = QLineEdit(str(value or ""))
        self.edit.setObjectName("patternEdit")
        self.edit.setPlaceholderText("Pattern, e.g. order\\s*#?\\d{5,}")
        self.edit.setAccessibleName("Pattern")
        self.edit.textEdited.connect(self._on_edited)
        self.message = QLabel()
        self.message.setObjectName("patternMessage")
        self.message.setWordWrap(True)
        test_row = QHBoxLayout()
        self.test_edit = QLineEdit()
        self.test_edit.setObjectName("patternTest")
        self.test_edit.setPlaceholderText("Test text, e.g. my order #123456 is late")
        self.test_edit.setAccessibleName("Test text for the pattern")
        self.test_edit.textChanged.connect(lambda _t: self._refresh())
        self.result = QLabel()
        self.result.setObjectName("patternResult")
        self.result.setTextFormat(Qt.TextFormat.RichText)
        test_row.addWidget(self.test_edit, 1)
        test_row.addWidget(self.result, 1)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        layout.addLayout(test_row)
        self._refresh()

    @property
    def error(self) -> str | None:
        return re2_problem(self.edit.text()) if self.edit.text() else None

    def value(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        if self.edit.text() != str(value or ""):
            self.edit.setText(str(value or ""))
            self._refresh()

    def focus_field(self) -> QWidget:
        return self.edit

    def _on_edited(self, _text: str) -> None:
        self._refresh()
        self._emit(True)

    def _refresh(self) -> None:
        error = self.error
        self.edit.setProperty("invalid", bool(error))
        self.edit.setStyleSheet("QLineEdit { border: 1px solid #dc2626; }" if error else "")
        self.message.setText(f"This pattern cannot be used: {error}." if error else "")
        self.message.setVisible(bool(error))
        self.result.setText(self._match_html(error))

    def _match_html(self, error: str | None) -> str:
        sample, pattern = self.test_edit.text(), self.edit.text()
        if error or not sample or not pattern:
            return ""
        import html

        import re2

        found = re2.compile("(?i)" + pattern).search(sample)
        if found is None:
            return "<span style='color:#b91c1c'>No match</span>"
        start, end = found.start(), found.end()
        marked = (html.escape(sample[:start]) + "<b style='background:#fde68a'>"
                  + html.escape(sample[start:end]) + "</b>" + html.escape(sample[end:]))
        return f"<span style='color:#047857'>Matches</span> at {start}–{end}: {marked}"


def make_value_editor(fact: Fact, op: Operator, value: Any) -> ValueEditor | None:
    """The editor that fits `op`'s value kind for `fact`; None when the operator takes no value."""
    kind = op.value
    if kind == "none":
        return None
    if kind == "phrases":
        return PhraseEditor(value)
    if kind == "pattern":
        return PatternEditor(value)
    if kind == "range":
        return RangeEditor(fact, value)
    if kind == "choices":
        if fact.choices:
            return ChoiceListEditor(fact, value)
        return PhraseEditor(value, "Type a value, press Enter")
    if fact.type == "number":
        return NumberEditor(fact, value)
    if fact.choices:
        return ChoiceEditor(fact, value)
    return TextEditor(fact, value)
