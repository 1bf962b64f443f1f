"""The part of a text condition under its fact and operator: phrases, word groups, "near", options.

For "contains any / none" it reads "[phrases]  or a word of [People · 33 words ✕] [+ Word group]";
for "near" it is written as the sentence the engine tests:

    mentions   a word of [Ways of asking ✕] [+ Word group]   [talk] [speak] …
    within [4] words of   a word of [People ✕] [+ Word group]   [person] …

and under both two options: "Tolerate typos" (on unless turned off) and "Ignore when negated".
Every gesture computes a new `Leaf` with `builder.editing.text_conditions` and hands it to the
row's editor as one undo step; the panel never changes the model itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QSpinBox, QWidget

from builder.editing import text_conditions as edits
from builder.format.model import Leaf, Ruleset
from widgets.rules.conditions.group_chips import GroupChips
from widgets.rules.conditions.value_editors import PhraseEditor, ValueEditor

EditLeaf = Callable[[Leaf, str, "str | None"], None]
NEGATION_EXAMPLE = "\u201cI don\u2019t need a human\u201d"


def _word(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sentenceWord")
    return label


def _placeholder(after_groups: bool) -> str:
    return "or type words, press Enter" if after_groups else "Type words or phrases, press Enter"


class TextConditionPanel(QWidget):
    """Phrases and groups of a phrase condition, the other side of a "near", and the options."""

    def __init__(self, leaf: Leaf, ruleset: Ruleset | None, phrases: ValueEditor | None, edit: EditLeaf,
                 key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textCondition")
        self.leaf, self._edit, self._key = leaf, edit, key
        self.near = leaf.op == "near"
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(1, 1)
        self.groups = GroupChips()
        self.groups.setAccessibleName("Word groups")
        self.groups.group_added.connect(lambda g: self._group_edited("first", g, True))
        self.groups.group_removed.connect(lambda g: self._group_edited("first", g, False))
        self.phrases = phrases
        self.within_spin: QSpinBox | None = None
        self.near_groups: GroupChips | None = None
        self.near_phrases: PhraseEditor | None = None
        if self.near:
            top_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop  # level with the first chips
            mentions = _word("mentions")
            mentions.setFixedHeight(self.groups.add_button.sizeHint().height())
            grid.addWidget(mentions, 0, 0, top_right)
            grid.addWidget(self.groups, 0, 1)
            if phrases is not None:
                grid.addWidget(phrases, 1, 1)
            grid.addLayout(self._within_row(), 2, 0, top_right)
            self.near_groups = GroupChips()
            self.near_groups.setAccessibleName("Word groups to be near")
            self.near_groups.group_added.connect(lambda g: self._group_edited("near", g, True))
            self.near_groups.group_removed.connect(lambda g: self._group_edited("near", g, False))
            grid.addWidget(self.near_groups, 2, 1)
            self.near_phrases = PhraseEditor(leaf.near.value if leaf.near else (), "or type words, press Enter")
            self.near_phrases.setObjectName("nearPhrases")
            self.near_phrases.chips.line_edit.setAccessibleName("Words to be near")
            self.near_phrases.value_edited.connect(self._near_words_edited)
            grid.addWidget(self.near_phrases, 3, 1)
        else:
            if phrases is not None:
                grid.addWidget(phrases, 0, 0, 1, 2)
            grid.addWidget(_word("or"), 1, 0)
            grid.addWidget(self.groups, 1, 1)
        options = QHBoxLayout()
        options.setSpacing(16)
        self.typo_box = QCheckBox("Tolerate typos")
        self.typo_box.setToolTip("Also match misspellings of words of 5 letters or more (one letter off; two "
                                 "from 9 letters), e.g. \u201cagnet\u201d for \u201cagent\u201d. Never numbers "
                                 "or short words.")
        self.typo_box.toggled.connect(self._typo_toggled)
        self.negated_box = QCheckBox(f"Ignore when negated ({NEGATION_EXAMPLE})")
        self.negated_box.setToolTip("A mention negated in its own clause does not count: \u201cI don\u2019t need a "
                                    "human\u201d, \u201cno agent needed\u201d.")
        self.negated_box.toggled.connect(self._negated_toggled)
        options.addWidget(self.typo_box)
        options.addWidget(self.negated_box)
        options.addStretch(1)
        grid.addLayout(options, 4 if self.near else 2, 0, 1, 2)
        self.update_leaf(leaf, ruleset)

    def _within_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(_word("within"))
        spin = self.within_spin = QSpinBox()
        spin.setObjectName("withinSpin")
        spin.setRange(edits.MIN_WITHIN, edits.MAX_WITHIN)
        spin.setAccessibleName("Words apart at most")
        spin.setToolTip("How many words apart the two may be, in either order")
        spin.valueChanged.connect(self._within_changed)
        row.addWidget(spin)
        row.addWidget(_word("words of"))
        return row

    # --- model -> view
    def update_leaf(self, leaf: Leaf, ruleset: Ruleset | None) -> None:
        """Show `leaf` (same operator): chips, distance and options, without announcing edits."""
        self.leaf = leaf
        self.groups.set_groups(leaf.groups, ruleset)
        for box, on in ((self.typo_box, leaf.typo), (self.negated_box, leaf.ignore_negated)):
            if box.isChecked() != on:
                box.blockSignals(True)
                box.setChecked(on)
                box.blockSignals(False)
        if self.near_groups is not None:
            self.near_groups.set_groups(leaf.near.groups if leaf.near else (), ruleset)
        if self.near_phrases is not None:
            words = leaf.near.value if leaf.near else ()
            if self.near_phrases.value() != words:
                self.near_phrases.set_value(words)
            self.near_phrases.chips.line_edit.setPlaceholderText(_placeholder(bool(leaf.near and leaf.near.groups)))
        if self.near and isinstance(self.phrases, PhraseEditor):
            self.phrases.chips.line_edit.setPlaceholderText(_placeholder(bool(leaf.groups)))
        if self.within_spin is not None and self.within_spin.value() != edits.within(leaf):
            self.within_spin.blockSignals(True)
            self.within_spin.setValue(edits.within(leaf))
            self.within_spin.blockSignals(False)

    def field(self, name: str) -> QWidget | None:
        """The widget for a JSON field (groups, near, within, typo, ignore_negated)."""
        fields: dict[str, QWidget | None] = {
            "groups": self.groups.add_button, "typo": self.typo_box, "ignore_negated": self.negated_box,
            "within": self.within_spin,
            "near": self.near_phrases.focus_field() if self.near_phrases is not None else None,
        }
        return fields.get(name)

    # --- view -> edits
    def _push(self, leaf: Leaf, text: str, merge: str | None = None) -> None:
        if leaf != self.leaf:
            self._edit(leaf, text, f"{merge}:{self._key}" if merge else None)

    def _group_name(self, group_id: str) -> str:
        ruleset = self.groups._ruleset
        group = ruleset.word_group(group_id) if ruleset is not None else None
        return f"\u201c{group.name if group is not None else group_id}\u201d"

    def _group_edited(self, side: edits.Side, group_id: str, added: bool) -> None:
        if added:
            self._push(edits.add_group(self.leaf, side, group_id), f"Use word group {self._group_name(group_id)}")
        else:
            self._push(edits.remove_group(self.leaf, side, group_id),
                       f"Stop using word group {self._group_name(group_id)}")

    def _near_words_edited(self, words: Any, _merge: bool) -> None:
        self._push(edits.with_near_words(self.leaf, tuple(words)), "Change the words to be near")

    def _within_changed(self, words: int) -> None:
        self._push(edits.with_within(self.leaf, words), "Change how many words apart", "within")

    def _typo_toggled(self, on: bool) -> None:
        self._push(replace(self.leaf, typo=on), "Tolerate typos" if on else "Match exact spelling only")

    def _negated_toggled(self, on: bool) -> None:
        self._push(replace(self.leaf, ignore_negated=on),
                   "Ignore negated mentions" if on else "Count negated mentions too")
