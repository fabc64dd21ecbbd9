"""The label palette: one button per schema label with its key, colour and count.

Clicking a button tags the selection like pressing the label's key (Alt-click
keeps the exact selection).  The buttons never take focus, so the article
keeps its selection and caret while the analyst clicks.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QHBoxLayout, QToolButton, QWidget

from annotator.model import Label


def swatch(colour: str, size: int = 14) -> QIcon:
    """A rounded square of the label's colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(QColor(colour).darker(140))
    painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 3, 3)
    painter.end()
    return QIcon(pixmap)


class LabelPalette(QWidget):
    """Emits ``label_clicked(label, exact)``; shows the current analyst's counts."""

    label_clicked = Signal(str, bool)

    def __init__(self, labels: tuple[Label, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPalette")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(4)
        self._labels = {label.name: label for label in labels}
        self._buttons: dict[str, QToolButton] = {}
        for label in labels:
            button = QToolButton(self)
            button.setObjectName(f"label_{label.name}")
            button.setIcon(swatch(label.color))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAutoRaise(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(
                f"<b>{label.name}</b> (key {label.key}): {label.description}<br>"
                f"Select text and press {label.key}; Alt+{label.key} keeps the exact selection; "
                f"Ctrl+Shift+{label.key} tags every search match."
            )
            button.setStyleSheet(_style(label.color))
            button.clicked.connect(lambda _=False, name=label.name: self._clicked(name))
            self._buttons[label.name] = button
            layout.addWidget(button)
        self.set_counts({})

    def set_counts(self, counts: Mapping[str, int]) -> None:
        for name, button in self._buttons.items():
            label = self._labels[name]
            button.setText(f"{label.key}  {name}  {counts.get(name, 0)}")

    def set_ink(self, ink: QColor) -> None:
        """The buttons' text colour, for a theme chosen while the window is open: a
        button with a style sheet of its own keeps the palette it had then."""
        for name, button in self._buttons.items():
            button.setStyleSheet(_style(self._labels[name].color, ink))

    def count_text(self, label: str) -> str:
        return self._buttons[label].text()

    def button(self, label: str) -> QToolButton:
        return self._buttons[label]

    def _clicked(self, name: str) -> None:
        exact = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier)
        self.label_clicked.emit(name, exact)


def _style(colour: str, ink: QColor | None = None) -> str:
    text = f" color: {ink.name()};" if ink is not None else ""
    hover = QColor(colour).lighter(170).name()
    # Hovered, the light background takes dark text whatever the theme.
    return (f"QToolButton {{ padding: 3px 8px; border-radius: 4px;{text} }}"
            f"QToolButton:hover {{ background: {hover}; color: #1d1d1f; }}")
