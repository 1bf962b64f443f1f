"""A button that opens a menu ("Merge into…") shows its chevron inside the button, not cut by its border."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QWidget

from widgets.common.style import stylesheet

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def _picture(button: QPushButton) -> QImage:
    return button.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


@pytest.mark.parametrize("dark", [False, True])
def test_the_menu_chevron_is_drawn_inside_the_button(qtbot: Any, dark: bool) -> None:
    holder = QWidget()
    holder.setStyleSheet(stylesheet(dark))
    layout = QHBoxLayout(holder)
    plain, with_menu = QPushButton("Merge into…"), QPushButton("Merge into…")
    with_menu.setMenu(QMenu(with_menu))
    for button in (plain, with_menu):
        button.setFixedSize(with_menu.sizeHint())
        layout.addWidget(button)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitExposed(holder)
    a, b = _picture(plain), _picture(with_menu)
    width, height = a.width(), a.height()
    changed = [x for x in range(width) for y in range(height) if a.pixel(x, y) != b.pixel(x, y)]
    ratio = with_menu.devicePixelRatioF()
    border = width - 3 * ratio
    assert any(width * 0.75 <= x < border for x in changed), "no chevron at the right"
    assert max(changed) < border, "the chevron is cut by the button's border"
