"""The rule list on the left of the main window: rules in priority order, searchable, draggable.

Each row is painted by `RuleDelegate` (kind colour and icon, name, enabled switch, one-line
summary), never one widget per row, so a 500-rule playbook scrolls smoothly. Filtering goes
through `RuleFilterProxy`; while a filter is active dragging is off, because a drop position
in a filtered list does not say where the rule lands among the hidden ones.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from rules_schema.catalog import catalog
from widgets.common.style import icon, icon_pixmap
from widgets.rules.rule_list_model import RuleListModel, RuleRoles

AnyIndex = QModelIndex | QPersistentModelIndex

ROW_HEIGHT = 58
PAD = 10
BADGE = 32
SWITCH_W, SWITCH_H = 34, 18


class RuleFilterProxy(QSortFilterProxyModel):
    """Keeps rows whose name, kind or facts contain every typed word, and of the chosen kind."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._kind: str | None = None

    def set_filter(self, text: str, kind: str | None) -> None:
        words, kind = text.casefold().split(), kind or None
        if (words, kind) == (self._words, self._kind):
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+: invalidateFilter() is deprecated
            self.beginFilterChange()
            self._words, self._kind = words, kind
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self._words, self._kind = words, kind
            self.invalidateFilter()

    @property
    def active(self) -> bool:
        return bool(self._words or self._kind)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        source = self.sourceModel()
        index = source.index(source_row, 0, source_parent)
        if self._kind and source.data(index, RuleRoles.KIND) != self._kind:
            return False
        haystack = source.data(index, RuleRoles.SEARCH_TEXT) or ""
        return all(word in haystack for word in self._words)


class RuleDelegate(QStyledItemDelegate):
    """Paints one rule row; a click on the switch toggles the rule (through the model's command)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(max(240, option.rect.width()), ROW_HEIGHT)

    @staticmethod
    def switch_rect(rect: QRect) -> QRect:
        return QRect(rect.right() - PAD - SWITCH_W, rect.top() + PAD + 1, SWITCH_W, SWITCH_H)

    @staticmethod
    def name_rect(rect: QRect) -> QRect:
        left = rect.left() + PAD + BADGE + PAD
        return QRect(left, rect.top() + PAD - 2, rect.right() - PAD - SWITCH_W - PAD - left, 22)

    @staticmethod
    def first_line(metrics: QFontMetrics, name: str, chip_w: int, marker_w: int, width: int) -> tuple[str, bool]:
        """(the name as shown, whether the kind chip is drawn): the name comes first. The chip is
        drawn only beside the whole name; the badge's icon and colour still say the kind (a
        laptop's list read "Visitor asks for a h…" next to "Asks for a human")."""
        room = width - marker_w - 8
        if metrics.horizontalAdvance(name) <= room - chip_w:
            return name, True
        return metrics.elidedText(name, Qt.TextElideMode.ElideRight, room), False

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = QColor(index.data(RuleRoles.KIND_COLOUR) or "#64748b")
        enabled = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked

        # background and selection
        if selected:
            highlight = QColor(palette.color(QPalette.ColorRole.Highlight))
            highlight.setAlpha(40)
            painter.fillRect(rect, highlight)
            painter.fillRect(
                QRect(rect.left(), rect.top(), 3, rect.height()), palette.color(QPalette.ColorRole.Highlight)
            )
        elif option.state & QStyle.StateFlag.State_MouseOver:
            hover = QColor(palette.color(QPalette.ColorRole.Text))
            hover.setAlpha(12)
            painter.fillRect(rect, hover)
        divider = QColor(palette.color(QPalette.ColorRole.Text))
        divider.setAlpha(25)
        painter.fillRect(QRect(rect.left(), rect.bottom(), rect.width(), 1), divider)

        # kind badge: tinted rounded square with the kind's icon
        badge = QRect(rect.left() + PAD, rect.top() + (rect.height() - BADGE) // 2, BADGE, BADGE)
        tint = QColor(colour)
        tint.setAlpha(36 if enabled else 18)
        path = QPainterPath()
        path.addRoundedRect(badge, 8, 8)
        painter.fillPath(path, tint)
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        pix = icon_pixmap(str(index.data(RuleRoles.KIND) or ""), 18, colour.name() if enabled else "#94a3b8", ratio)
        painter.drawPixmap(badge.left() + 7, badge.top() + 7, pix)

        text_colour = palette.color(QPalette.ColorRole.Text)
        muted = QColor(text_colour)
        muted.setAlpha(150 if enabled else 100)
        if not enabled:
            text_colour = QColor(muted)

        # first line: name, problem marker, kind label
        name_rect = self.name_rect(rect)
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() - 1))
        kind_label = str(index.data(RuleRoles.KIND_LABEL) or "")
        small_metrics = QFontMetrics(small)
        chip_w = small_metrics.horizontalAdvance(kind_label) + 12
        problem = index.data(RuleRoles.PROBLEM)
        marker_w = 20 if problem else 0
        name, with_chip = self.first_line(QFontMetrics(bold), str(index.data() or ""), chip_w, marker_w,
                                          name_rect.width())
        painter.setFont(bold)
        painter.setPen(text_colour)
        painter.drawText(name_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), name)
        x = name_rect.left() + QFontMetrics(bold).horizontalAdvance(name) + 6
        if problem:
            painter.drawPixmap(x, name_rect.top() + 3, icon_pixmap(str(problem), 16, None, ratio))
            x += marker_w
        if with_chip:
            chip = QRect(x, name_rect.top() + 3, chip_w, 16)
            chip_path = QPainterPath()
            chip_path.addRoundedRect(chip, 8, 8)
            painter.fillPath(chip_path, tint)
            painter.setFont(small)
            painter.setPen(colour if enabled else muted)
            painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), kind_label)

        # second line: the plain-language summary
        summary_rect = QRect(name_rect.left(), name_rect.bottom() + 2, rect.right() - PAD - name_rect.left(), 18)
        summary = small_metrics.elidedText(
            str(index.data(RuleRoles.SUMMARY) or ""), Qt.TextElideMode.ElideRight, summary_rect.width()
        )
        painter.setFont(small)
        painter.setPen(muted)
        painter.drawText(summary_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), summary)

        self._paint_switch(painter, self.switch_rect(rect), enabled, palette)
        painter.restore()

    @staticmethod
    def _paint_switch(painter: QPainter, rect: QRect, on: bool, palette: QPalette) -> None:
        track = QPainterPath()
        track.addRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        off_colour = QColor(palette.color(QPalette.ColorRole.Text))
        off_colour.setAlpha(60)
        painter.fillPath(track, QColor("#16a34a") if on else off_colour)
        knob = rect.height() - 4
        knob_x = rect.right() - knob - 2 if on else rect.left() + 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(QRect(knob_x, rect.top() + 2, knob, knob))

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem, index: AnyIndex) -> bool:
        if (
            event.type() in (QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            if self.switch_rect(option.rect).adjusted(-4, -4, 4, 4).contains(event.position().toPoint()):
                if event.type() == QEvent.Type.MouseButtonRelease:
                    toggle(model, index)
                return True
        return False

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        editor.setGeometry(self.name_rect(option.rect).adjusted(-4, -2, 0, 2))


def toggle(model: Any, index: AnyIndex) -> None:
    """Flip a row's enabled switch (an undoable command via the model)."""
    on = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    model.setData(index, Qt.CheckState.Unchecked if on else Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)


class RuleListView(QListView):
    """The list itself; Space toggles the selected rule, F2 or a double-click renames it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(RuleDelegate(self))
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setAccessibleName("Rules in priority order")
        self.setObjectName("ruleListView")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if event.key() == Qt.Key.Key_Space and index.isValid() and self.state() != QAbstractItemView.State.EditingState:
            toggle(self.model(), index)
            event.accept()
            return
        super().keyPressEvent(event)


class RuleList(QWidget):
    """Search box, kind filter and the rule list. Emits `rule_selected(rule_id or None)`."""

    rule_selected = Signal(object)

    def __init__(self, model: RuleListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = RuleFilterProxy(self)
        self.proxy.setSourceModel(model)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Find rules…")
        self.search.setToolTip("Find rules by name, trigger kind or the facts they test (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName("Find rules")
        self.search.textChanged.connect(self._on_filter_changed)

        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Show rules of kind")
        self.kind.addItem("All kinds", None)
        for name, info in catalog().trigger_kinds.items():
            self.kind.addItem(icon(name, info.get("colour")), info.get("label", name), name)
        self.kind.currentIndexChanged.connect(self._on_filter_changed)

        self.view = RuleListView(self)
        self.view.setModel(self.proxy)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("ruleCount")
        self.hint = QLabel("Rules are checked from the top down: the first rule that matches decides, "
                           "and the rules below it are not checked. Drag a rule to change its place.", self)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.search, 3)
        filters.addWidget(self.kind, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        heading = QHBoxLayout()
        title = QLabel("Rules", self)
        title.setObjectName("sectionTitle")
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.count_label)
        layout.addLayout(heading)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)

        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self._update_count()

    # --- selection -------------------------------------------------------------------------------

    def selected_rule_id(self) -> str | None:
        index = self.view.currentIndex()
        return str(index.data(RuleRoles.RULE_ID)) if index.isValid() else None

    def select_rule(self, rule_id: str | None) -> bool:
        """Make `rule_id` the current row (clearing a filter that hides it); False if unknown."""
        if rule_id is None:
            self.view.setCurrentIndex(QModelIndex())
            return True
        row = self.model.row_of(rule_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():
            self.clear_filter()
            index = self.proxy.mapFromSource(self.model.index(row))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.rule_selected.emit(str(current.data(RuleRoles.RULE_ID)) if current.isValid() else None)

    # --- filtering -------------------------------------------------------------------------------

    def clear_filter(self) -> None:
        self.search.clear()
        self.kind.setCurrentIndex(0)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_filter_changed(self, *_: object) -> None:
        self.proxy.set_filter(self.search.text(), self.kind.currentData())
        filtered = self.proxy.active
        self.view.setDragEnabled(not filtered)
        self.view.setAcceptDrops(not filtered)
        self.hint.setText(
            "Clear the search to drag rules into a new order."
            if filtered
            else "Rules are checked from the top down: the first rule that matches decides, and the rules below it "
                           "are not checked. Drag a rule to change its place."
        )
        self._update_count()

    def _update_count(self, *_: object) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        word = "rule" if total == 1 else "rules"
        self.count_label.setText(f"{shown} of {total} {word}" if self.proxy.active else f"{total} {word}")
