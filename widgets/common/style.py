"""The app's look: the bundled stylesheet (light or dark, following the system) and SVG icons.

Icons are drawn in `currentColor` so one file serves both themes; they are rendered here at
several sizes and device pixel ratios so they stay sharp on high-DPI screens.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from builder.paths import resource

ICON_SIZES = (16, 20, 24, 32, 48)
LIGHT_ICON_COLOUR = "#334155"
DARK_ICON_COLOUR = "#cbd5e1"


def is_dark() -> bool:
    """True when the system palette is dark (window background darker than its text)."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    hints = app.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    palette = app.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < palette.color(
        QPalette.ColorRole.WindowText).lightness()


def icon_colour() -> str:
    return DARK_ICON_COLOUR if is_dark() else LIGHT_ICON_COLOUR


@cache
def _svg_text(name: str) -> str:
    node = resource("icons", f"{name}.svg")
    return node.read_text(encoding="utf-8") if node.is_file() else ""


def icon_pixmap(name: str, size: int, colour: str | None = None, ratio: float = 1.0) -> QPixmap:
    """One icon drawn at `size` logical pixels in `colour` (for delegates that paint by hand)."""
    text = _svg_text(name).replace("currentColor", colour or icon_colour())
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(QColor(0, 0, 0, 0))
    if text:
        renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, pixels, pixels))
        painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


_icons: dict[tuple[str, str], QIcon] = {}


def icon(name: str, colour: str | None = None) -> QIcon:
    """A bundled icon (`resources/icons/<name>.svg`); an empty icon if there is no such file."""
    colour = colour or icon_colour()
    key = (name, colour)
    cached = _icons.get(key)
    if cached is not None:
        return cached
    result = QIcon()
    if _svg_text(name):
        for size in ICON_SIZES:
            for ratio in (1.0, 2.0):
                result.addPixmap(icon_pixmap(name, size, colour, ratio))
    _icons[key] = result
    return result


ICON_URL = re.compile(r"url\(icon:([\w-]+)(?:/(#[0-9a-fA-F]{3,8}))?\)")


def _icon_file(name: str, colour: str) -> str:
    """A copy of icon `name` drawn in `colour`, as a file a stylesheet's url() can load.

    Qt's stylesheet images are files, and its SVG reader ignores `currentColor`: so the colour
    is written in and the result kept in a per-user folder of the temporary directory.
    """
    text = _svg_text(name).replace("currentColor", colour)
    if not text:
        return ""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"handoff-builder-style-{os.getuid() if hasattr(os, 'getuid') else 0}"
    path = folder / f"{name}-{digest}.svg"
    if not path.is_file():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, path)
        except OSError:
            return ""  # no arrow drawn is better than no window
    return path.as_posix()


def resolve_icon_urls(qss: str, dark: bool) -> str:
    """`url(icon:NAME)` → the icon in the theme's colour; `url(icon:NAME/#rrggbb)` → in that colour."""
    default = DARK_ICON_COLOUR if dark else LIGHT_ICON_COLOUR

    def file_url(match: re.Match[str]) -> str:
        path = _icon_file(match.group(1), match.group(2) or default)
        return f'url("{path}")' if path else "none"

    return ICON_URL.sub(file_url, qss)


def stylesheet(dark: bool | None = None) -> str:
    """The text of `light.qss` or `dark.qss`, icon urls resolved (empty if missing: the app still works unstyled)."""
    dark = is_dark() if dark is None else dark
    node = resource("style", "dark.qss" if dark else "light.qss")
    return resolve_icon_urls(node.read_text(encoding="utf-8"), dark) if node.is_file() else ""


def apply_style(app: QApplication) -> None:
    """Fusion (the same on every platform) plus our stylesheet for the current colour scheme."""
    app.setStyle("Fusion")
    app.setStyleSheet(stylesheet())
