"""Word groups picked for a condition (or included in another group), shown as chips.

Each chip shows the group's name and how many words it brings (its included groups counted), with
a ✕ to take it away; "+ Word group" opens a menu of the groups not picked yet. A manager sees
names, never ids, and the word count says at a glance whether "People" is 3 words or 30.

A few chips per condition at most, so each chip is a small widget (unlike phrase chips, which are
painted because a rule can hold dozens). Signals: `group_added(id)`, `group_removed(id)`; the
widget never changes its own chips: the owner edits the model and calls `set_groups` again.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from builder.format.model import Ruleset, WordGroup
from widgets.rules.conditions.chips import FlowLayout

_LIGHT = """
#groupChip { background: #ede9fe; border: 1px solid #c4b5fd; border-radius: 10px; }
#groupChipName, #groupChipCount, #groupChipsLead { background: transparent; border: none; }
#groupChipCount { color: #6d28d9; }
#groupChipRemove { border: none; background: transparent; padding: 0 3px; color: #6d28d9; }
#groupChipRemove:hover { color: #dc2626; }
#addGroupChip { border: 1px dashed #a78bfa; border-radius: 10px; padding: 1px 8px; color: #6d28d9;
    background: transparent; }
#addGroupChip:hover { background: #f5f3ff; }
#groupChipsLead { color: #475569; }
"""
_DARK = {"#ede9fe": "#2e1065", "#c4b5fd": "#6d28d9", "#6d28d9": "#c4b5fd", "#a78bfa": "#8b5cf6",
         "#f5f3ff": "#3b0764", "#475569": "#cbd5e1"}


def chips_style() -> str:
    """The chips' look, with dark colours when the application's palette is dark."""
    app = QApplication.instance()
    palette = app.palette() if isinstance(app, QApplication) else QPalette()
    if palette.color(QPalette.ColorRole.Window).lightness() >= palette.color(QPalette.ColorRole.WindowText).lightness():
        return _LIGHT
    style = _LIGHT
    for light, dark in _DARK.items():
        style = style.replace(light, dark)
    return style


def words_label(count: int) -> str:
    return f"{count} word" + ("" if count == 1 else "s")


def group_tooltip(ruleset: Ruleset, group: WordGroup) -> str:
    """The group's description and its first words, so hovering a chip shows what it means."""
    words = ruleset.words_of((group.id,))
    shown = ", ".join(words[:12]) + (f" … (+{len(words) - 12} more)" if len(words) > 12 else "")
    lines = [group.name] + ([group.description] if group.description else []) + [shown or "(no words yet)"]
    return "\n".join(lines)


class GroupChip(QFrame):
    """One picked group: "People we can put you through to · 33 words ✕"."""

    def __init__(self, name: str, count: int | None, tooltip: str) -> None:
        super().__init__()
        self.setObjectName("groupChip")
        self.setToolTip(tooltip)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(4)
        self.name_label = QLabel(name)
        self.name_label.setObjectName("groupChipName")
        layout.addWidget(self.name_label)
        self.count_label = QLabel(f"· {words_label(count)}" if count is not None else "· missing")
        self.count_label.setObjectName("groupChipCount")
        layout.addWidget(self.count_label)
        self.remove_button = QToolButton()
        self.remove_button.setObjectName("groupChipRemove")
        self.remove_button.setText("✕")
        self.remove_button.setToolTip(f"Remove “{name}”")
        self.remove_button.setAccessibleName(f"Remove word group “{name}”")
        self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
        layout.addWidget(self.remove_button)


class GroupChips(QWidget):
    """Chips for the picked groups and a "+ Word group" button (see the module notes)."""

    group_added = Signal(str)
    group_removed = Signal(str)

    def __init__(self, add_text: str = "+ Word group", lead: str = "a word of",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("groupChips")
        self.setStyleSheet(chips_style())
        self._flow = FlowLayout(self, spacing=4)
        self.lead_label = QLabel(lead)
        self.lead_label.setObjectName("groupChipsLead")
        self.lead_label.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        self._flow.addWidget(self.lead_label)
        self.add_button = QToolButton()
        self.add_button.setObjectName("addGroupChip")
        self.add_button.setText(add_text)
        self.add_button.setAccessibleName(add_text.lstrip("+ ").capitalize())
        self.add_button.setToolTip("Use the words of a word group (edit groups on the Word groups page)")
        self.add_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.add_button.clicked.connect(self._open_menu)
        self._menu: QMenu | None = None  # built on first click: a rule shows many of these
        self._flow.addWidget(self.add_button)
        self.lead_label.setFixedHeight(self.add_button.sizeHint().height())
        self.chips: dict[str, GroupChip] = {}
        self._chosen: tuple[str, ...] = ()
        self._ruleset: Ruleset | None = None
        self._exclude: frozenset[str] = frozenset()
        self._key: object = None
        self.set_groups((), None)

    def groups(self) -> tuple[str, ...]:
        return self._chosen

    def set_groups(self, chosen: tuple[str, ...], ruleset: Ruleset | None,
                   exclude: frozenset[str] = frozenset()) -> None:
        """Show `chosen` (ids) by name and word count; `exclude` are never offered (a group itself)."""
        groups = ruleset.word_groups if ruleset is not None else ()
        key = (chosen, groups, exclude)
        self._chosen, self._ruleset, self._exclude = chosen, ruleset, exclude
        if key == self._key:
            return
        self._key = key
        for chip in self.chips.values():
            self._flow.removeWidget(chip)
            chip.deleteLater()
        self.chips = {}
        self._flow.removeWidget(self.add_button)
        for group_id in chosen:
            group = ruleset.word_group(group_id) if ruleset is not None else None
            if group is None or ruleset is None:
                chip = GroupChip(f"(missing: {group_id})", None, "This word group no longer exists.")
            else:
                chip = GroupChip(group.name, len(ruleset.words_of((group_id,))), group_tooltip(ruleset, group))
            chip.remove_button.clicked.connect(lambda _c=False, g=group_id: self.group_removed.emit(g))
            self._flow.addWidget(chip)
            self.chips[group_id] = chip
        self._flow.addWidget(self.add_button)
        self.lead_label.setVisible(bool(chosen))
        self.updateGeometry()

    def offered(self) -> list[WordGroup]:
        """The groups the "+ Word group" menu offers: all but the picked and the excluded ones."""
        if self._ruleset is None:
            return []
        return [g for g in self._ruleset.word_groups if g.id not in self._chosen and g.id not in self._exclude]

    @property
    def add_menu(self) -> QMenu:
        if self._menu is None:
            self._menu = QMenu(self.add_button)
            self._menu.setToolTipsVisible(True)
        return self._menu

    def _open_menu(self) -> None:
        self._fill_menu()
        self.add_menu.popup(self.add_button.mapToGlobal(QPoint(0, self.add_button.height())))

    def _fill_menu(self) -> None:
        self.add_menu.clear()
        offered = self.offered()
        for group in offered:
            count = len(self._ruleset.words_of((group.id,))) if self._ruleset is not None else 0
            action = QAction(f"{group.name}  ({words_label(count)})", self.add_menu)
            action.setData(group.id)
            if self._ruleset is not None:
                action.setToolTip(group_tooltip(self._ruleset, group))
            action.triggered.connect(lambda _c=False, g=group.id: self.group_added.emit(g))
            self.add_menu.addAction(action)
        if not offered:
            empty = self.add_menu.addAction("No other word groups yet: add them on the Word groups page")
            empty.setEnabled(False)

    def menu_actions(self) -> list[QAction]:
        """The menu's entries as a click on "+ Word group" would show them."""
        self._fill_menu()
        return [a for a in self.add_menu.actions() if a.data()]

    def choose(self, group_id: str) -> None:
        """Pick `group_id` from the menu, exactly as clicking its entry does."""
        action = next((a for a in self.menu_actions() if a.data() == group_id), None)
        if action is None:
            raise ValueError(f"the menu offers no word group {group_id!r}")
        action.trigger()
