"""Zoom and the light and dark themes, remembered in the settings.

Label colours: the default schema uses the Okabe-Ito palette, which people
with the common colour-vision deficiencies can tell apart.  On dark paper the
same hues are lightened a quarter towards white and laid on a little more
lightly, and a span inside another adds only a light tint of its own (its
underline tells it apart), so each label keeps its hue (and its
distinctness) while light text on one or two nested tints keeps a contrast
of at least 4.5:1 (tests/test_gui_comfort.py checks every pair).  Read-only
layers stay faint in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from .highlighter import blend
from .settings import Prefs

if TYPE_CHECKING:
    from .main_window import MainWindow

BASE_POINTS = 12.5
MIN_POINTS, MAX_POINTS, STEP = 7.0, 36.0, 1.0


@dataclass(frozen=True)
class Theme:
    name: str
    paper: str  # the article's background
    ink: str  # the article's text
    window: str
    base: str  # lists and tables
    alternate: str
    text: str
    button: str
    mid: str
    highlight: str
    lighten: float  # label colours are moved this far towards white
    alphas: tuple[float, float, float]  # tints: editable, read-only, editable inside another

    @property
    def dark(self) -> bool:
        return QColor(self.paper).lightness() < 128


THEMES = {
    "light": Theme("light", "#ffffff", "#1d1d1f", "#efefef", "#ffffff", "#f5f5f5", "#1d1d1f",
                   "#e8e8e8", "#c4c4c4", "#2f6fdb", 0.0, (0.42, 0.13, 0.42)),
    "dark": Theme("dark", "#1e1f22", "#f0f0f0", "#2b2d30", "#1e1f22", "#26282b", "#e6e6e6",
                  "#3a3c40", "#55585d", "#3d7be0", 0.25, (0.34, 0.16, 0.12)),
}  # fmt: skip


def label_colours(colours: dict[str, str], theme: Theme) -> dict[str, QColor]:
    """The schema's label colours as painted on ``theme``'s paper."""
    white = QColor("#ffffff")
    return {label: blend(QColor(c), white, theme.lighten) for label, c in colours.items()}


def window_palette(theme: Theme) -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    for r, colour in (
        (role.Window, theme.window), (role.WindowText, theme.text), (role.Base, theme.base),
        (role.AlternateBase, theme.alternate), (role.Text, theme.text),
        (role.Button, theme.button), (role.ButtonText, theme.text), (role.Mid, theme.mid),
        (role.Highlight, theme.highlight), (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, theme.base), (role.ToolTipText, theme.text),
        (role.PlaceholderText, "#8a8a8a"), (role.Light, theme.button), (role.Dark, theme.mid),
    ):  # fmt: skip
        palette.setColor(r, QColor(colour))
    return palette


class Appearance(QObject):
    """The window's zoom and theme; ``apply(window)`` after every rebuild."""

    changed = Signal()

    def __init__(self, prefs: Prefs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.points = min(max(prefs.zoom or BASE_POINTS, MIN_POINTS), MAX_POINTS)
        self.theme = THEMES.get(prefs.theme, THEMES["light"])
        self.window: MainWindow | None = None

    def zoom_in(self) -> None:
        self._zoom(self.points + STEP)

    def zoom_out(self) -> None:
        self._zoom(self.points - STEP)

    def zoom_reset(self) -> None:
        self._zoom(BASE_POINTS)

    def zoom_by(self, steps: int) -> None:
        self._zoom(self.points + steps * STEP)

    def _zoom(self, points: float) -> None:
        self.points = min(max(points, MIN_POINTS), MAX_POINTS)
        self.prefs.zoom = self.points
        self._apply_zoom()
        if self.window is not None:
            percent = round(100 * self.points / BASE_POINTS)
            self.window.statusBar().showMessage(f"Zoom {percent}% (Ctrl+0 resets)", 3000)

    def set_theme(self, name: str) -> None:
        self.theme = THEMES[name]
        self.prefs.theme = name
        self.apply_theme()

    def apply(self, window: MainWindow) -> None:
        self.window = window
        self._apply_zoom()
        self.apply_theme()

    def _apply_zoom(self) -> None:
        if self.window is None:
            return
        view = self.window.view
        font = QFont(view.font())
        font.setPointSizeF(self.points)
        view.setFont(font)

    def apply_theme(self) -> None:
        w = self.window
        if w is None:
            return
        theme = self.theme
        palette = window_palette(theme)
        # The application's palette too: the window's own windows (review, overview,
        # shortcut sheet, message boxes) take it, those open now and those made later.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setPalette(palette)
        w.setPalette(palette)
        for menu in w.findChildren(QMenu):  # popups are windows: no palette inheritance
            menu.setPalette(palette)
        w.view.set_paper(QColor(theme.paper), QColor(theme.ink), QColor(theme.highlight))
        w.palette_bar.set_ink(palette.buttonText().color())
        colours = label_colours(w.label_colours, theme)
        w.editor.highlighter.set_theme(QColor(theme.paper), colours, theme.alphas,
                                       dark=theme.dark)  # fmt: skip
        w.document_model.set_colours(colours)
        w.span_model.set_colours(colours)
        w.action_map[f"theme_{theme.name}"].setChecked(True)
        for window in w.findChildren(QMainWindow):  # the review: its panes have paper of their own
            if hasattr(window, "set_theme"):
                window.set_theme(theme)
        self.changed.emit()
