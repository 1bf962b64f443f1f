"""The rule drawn as blocks, for people who think in pictures: the condition tree from left to right
(ALL / ANY / NOT nodes, one block per condition in the words the rule list uses), then an arrow to the actions.

Read-only: the rule editor calls `set_rule` whenever the shown rule changes, and the whole scene
is redrawn (a rule has tens of nodes, not thousands).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsTextItem, QGraphicsView, QWidget

from builder.analysis.wording import action_text, leaf_text, sentence_case
from builder.format.model import Action, Condition, Group, Leaf, Rule, Ruleset
from rules_schema.catalog import catalog

LEAF_WIDTH, NODE_WIDTH, GAP_X, GAP_Y, PAD = 250.0, 58.0, 36.0, 10.0, 8.0
MIN_SCALE = 0.8  # below this the blocks' text is too small to read
MAX_PHRASES = 6  # phrases of a list drawn in a block before "+N more"
_GROUP_COLOURS = {"all": "#2563eb", "any": "#d97706", "not": "#dc2626"}


def describe_leaf(leaf: Leaf, ruleset: Ruleset | None = None) -> str:
    """A condition block: the shared wording (`builder.analysis.wording`), capitalised; word
    groups by their names in `ruleset`."""
    return sentence_case(leaf_text(leaf, max_items=MAX_PHRASES, ruleset=ruleset))


def describe_action(action: Action, ruleset: Ruleset | None = None) -> str:
    """An action block: the shared wording, capitalised."""
    return sentence_case(action_text(action, ruleset))


class RuleGraph(QGraphicsView):
    """A read-only drawing of one rule; `set_rule(rule, ruleset)` redraws it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleGraph")
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setBackgroundBrush(QColor("#f8fafc"))
        self.rule: Rule | None = None
        self.ruleset: Ruleset | None = None
        self.blocks: list[QGraphicsTextItem] = []  # leaf and action texts, in drawing order

    def set_rule(self, rule: Rule | None, ruleset: Ruleset | None = None) -> None:
        if rule is self.rule and ruleset is self.ruleset:
            return
        self.rule, self.ruleset = rule, ruleset
        self.scene().clear()
        self.blocks = []
        if rule is None:
            return
        accent = QColor(catalog().trigger_kinds.get(rule.trigger, {}).get("colour", "#64748b"))
        center, bottom, right = self._place(rule.when, QPointF(PAD, PAD))
        then_x = right + GAP_X * 1.5
        then_rect = self._pill(QPointF(then_x, center - 14), "THEN", accent)
        bus = QPainterPath(QPointF(right + 10, PAD + 4))
        bus.lineTo(QPointF(right + 10, bottom - 4))
        self.scene().addPath(bus, QPen(QColor("#cbd5e1"), 2, Qt.PenStyle.DashLine))
        self._edge(QPointF(right + 10, center), QPointF(then_x, center), arrow=True)
        y = max(PAD, center - (len(rule.actions) * 44) / 2)
        for action in rule.actions:
            rect = self._block(QPointF(then_rect.right() + GAP_X, y), describe_action(action, ruleset), accent, 220.0)
            self._edge(QPointF(then_rect.right(), center), QPointF(rect.left(), rect.center().y()), arrow=True)
            y = rect.bottom() + GAP_Y
        if not rule.enabled:
            note = self.scene().addText("This rule is switched off.")
            note.setDefaultTextColor(QColor("#94a3b8"))
            note.setPos(PAD, max(bottom, y) + GAP_Y)
        self.scene().setSceneRect(self.scene().itemsBoundingRect().adjusted(-PAD, -PAD, PAD, PAD))
        self._fit()

    # --- layout: returns (center y, bottom y, right x) of the subtree placed at `at`
    def _place(self, node: Condition, at: QPointF) -> tuple[float, float, float]:
        if isinstance(node, Leaf):
            rect = self._block(at, describe_leaf(node, self.ruleset), QColor("#334155"), LEAF_WIDTH)
            return rect.center().y(), rect.bottom(), rect.right()
        kind = node.kind if isinstance(node, Group) else "not"
        kids = node.children if isinstance(node, Group) else (node.child,)
        child_x = at.x() + NODE_WIDTH + GAP_X
        y, right, centers = at.y(), at.x() + NODE_WIDTH, []
        for child in kids:
            center, bottom, child_right = self._place(child, QPointF(child_x, y))
            centers.append(center)
            y, right = bottom + GAP_Y, max(right, child_right)
        middle = (centers[0] + centers[-1]) / 2 if centers else at.y() + 14
        pill = self._pill(QPointF(at.x(), middle - 14), kind.upper(), QColor(_GROUP_COLOURS[kind]))
        for center in centers:
            self._edge(QPointF(pill.right(), middle), QPointF(child_x, center))
        return middle, max(y - GAP_Y, pill.bottom()), right

    def _pill(self, at: QPointF, text: str, colour: QColor) -> QRectF:
        rect = QRectF(at.x(), at.y(), NODE_WIDTH, 28)
        path = QPainterPath()
        path.addRoundedRect(rect, 14, 14)
        self.scene().addPath(path, QPen(colour.darker(115), 1), QBrush(colour))
        label = self.scene().addText(text)
        font = QFont()
        font.setBold(True)
        font.setPointSizeF(8.5)
        label.setFont(font)
        label.setDefaultTextColor(QColor("white"))
        bounds = label.boundingRect()
        label.setPos(rect.center().x() - bounds.width() / 2, rect.center().y() - bounds.height() / 2)
        return rect

    def _block(self, at: QPointF, text: str, colour: QColor, width: float) -> QRectF:
        label = QGraphicsTextItem()
        label.setPlainText(text)
        label.setTextWidth(width - 2 * PAD)
        label.setDefaultTextColor(QColor("#0f172a"))
        height = label.boundingRect().height() + PAD
        rect = QRectF(at.x(), at.y(), width, max(34.0, height))
        path = QPainterPath()
        path.addRoundedRect(rect, 8, 8)
        self.scene().addPath(path, QPen(colour, 1.2), QBrush(QColor("white")))
        label.setPos(rect.x() + PAD - 4, rect.center().y() - label.boundingRect().height() / 2)
        self.scene().addItem(label)
        self.blocks.append(label)
        return rect

    def _edge(self, start: QPointF, end: QPointF, arrow: bool = False) -> None:
        path = QPainterPath(start)
        mid = (start.x() + end.x()) / 2
        path.cubicTo(QPointF(mid, start.y()), QPointF(mid, end.y()), end)
        pen = QPen(QColor("#94a3b8"), 1.4)
        self.scene().addPath(path, pen)
        if arrow:
            head = QPolygonF([end, QPointF(end.x() - 8, end.y() - 4), QPointF(end.x() - 8, end.y() + 4)])
            self.scene().addPolygon(head, pen, QBrush(QColor("#94a3b8")))

    def _fit(self) -> None:
        rect = self.scene().sceneRect()
        view = self.viewport().rect()
        if rect.isEmpty() or view.isEmpty():
            return
        # fit the width, scroll the height: fitting both shrank a tall rule to half size on a laptop,
        # where its 8-point text is a 4-pixel smudge
        scale = max(MIN_SCALE, min(1.0, view.width() / rect.width()))
        self.resetTransform()
        self.scale(scale, scale)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()
