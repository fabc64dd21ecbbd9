"""The article: a read-only ``QPlainTextEdit`` the analyst selects in with mouse or keys.

``QPlainTextEdit`` (not ``QTextEdit``) because it lays out only what is on
screen: a 1 MB article opens in a fraction of a second.  Nothing here knows
about spans; the highlighter paints them and the editor decides what keys do.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QMimeData, QPoint, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QMenu, QPlainTextEdit, QWidget

from .span_index import display_text

READING_WIDTH = 820  # px: about 90 characters, a comfortable line for reading
MARGIN = 24
MIN_CHARS = 50  # the narrowest line the article gives way to: the docks shrink first
MIN_LINES = 8
# Zoomed in, the minimum stays this wide (fewer characters to a line) so that at
# 1024 px the document list and a column of docks still fit beside it.
MIN_COLUMN_CAP = 440  # px


# An ordinary line of news prose: its average advance is what a character costs.
LINE_SAMPLE = "The minister said on Monday that the bridge would reopen to traffic by June."


class DocumentView(QPlainTextEdit):
    """Shows one article; positions are Qt's UTF-16 units."""

    painted = Signal()
    zoom_requested = Signal(int)  # Ctrl+wheel: steps in (+) or out (-)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentView")
        self.setAccessibleName("Article")
        self.setAccessibleDescription(
            "The article, read-only: select text and press a label key to tag it"
        )
        self.setReadOnly(True)
        # Read-only editors are mouse-only by default; analysts select with Shift+arrows.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setCursorWidth(2)
        self.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.gutter = 0  # px kept left of the text column (set_gutter)
        self._units = b""  # the shown article's stored text in UTF-16 (show_text)
        self.shown_sha256: str | None = None  # its digest
        self.setPlaceholderText("No article open. Import one with File ▸ Import documents (Ctrl+I)")
        font = QFont("Noto Serif")
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSizeF(12.5)
        self.setFont(font)
        self.set_paper(QColor("#ffffff"), QColor("#1d1d1f"), QColor("#2f6fdb"))
        self.document().setDocumentMargin(MARGIN)

    def set_paper(self, paper: QColor, ink: QColor, highlight: QColor) -> None:
        """The article's own colours (label tints are blended on ``paper``)."""
        palette = self.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Base, paper)
            palette.setColor(group, QPalette.ColorRole.Text, ink)
            palette.setColor(group, QPalette.ColorRole.Highlight, highlight)
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        self.setPalette(palette)

    def show_text(self, text: str, sha256: str | None = None) -> None:
        """Show ``text`` (Python's str) with the caret at the start; ``sha256`` is its
        digest when the caller has it (``shown_sha256``: which text offsets came from)."""
        self._units = text.encode("utf-16-le")  # the stored text, by Qt's positions
        self.shown_sha256 = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.setPlainText(display_text(text))
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def copy(self) -> None:
        """Copy the stored text of the selection, not the view's: the view shows
        some spaces as paragraph breaks (long paragraphs) and a CR LF as a space
        and a break.  Ctrl+C and the context menu's Copy come here."""
        start, end = self.selection()
        if start != end:
            QApplication.clipboard().setText(self._stored(start, end))

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt's name)
        """What Qt hands to a drag and to X11's selection (middle-click paste):
        the stored text too, plain text only."""
        data = QMimeData()
        data.setText(self._stored(*self.selection()))
        return data

    def _stored(self, start: int, end: int) -> str:
        """The stored text between two of Qt's positions."""
        return self._units[2 * start : 2 * end].decode("utf-16-le", errors="replace")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            event.accept()
            return
        super().keyPressEvent(event)

    def context_menu(self, pos: QPoint) -> QMenu:
        """Qt's own menu for the text, its Copy copying the stored text."""
        menu = self.createStandardContextMenu(pos)
        for action in menu.actions():
            if action.objectName() == "edit-copy":
                action.triggered.disconnect()
                action.triggered.connect(self.copy)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt's name)
        menu = self.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def selection(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return cursor.selectionStart(), cursor.selectionEnd()

    def caret(self) -> int:
        return self.textCursor().position()

    def select_range(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (caret at the end) and scroll it into view."""
        cursor = self.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def place_caret(self, pos: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(pos)
        self.setTextCursor(cursor)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002,N802 (Qt's names)
        # Tab and Shift+Tab jump between spans here (see actions.py), not between widgets.
        return False

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        # Ctrl+wheel zooms through the window's zoom (remembered), not Qt's own.
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() // 120
            if steps:
                self.zoom_requested.emit(steps)
            event.accept()
            return
        super().wheelEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        self.painted.emit()

    def set_gutter(self, width: int) -> None:
        """Keep ``width`` px left of the text column for drawings (relation_margin.py)."""
        self.gutter = width
        self._centre()
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """A column of ``MIN_CHARS`` characters of the article's font (at most
        ``MIN_COLUMN_CAP`` px) beside the gutter and the scroll bar: the window's
        docks and panels give way before the article does."""
        metrics = QFontMetricsF(self.font())
        column = metrics.horizontalAdvance(LINE_SAMPLE) * MIN_CHARS / len(LINE_SAMPLE)
        chrome = self.gutter + 2 * MARGIN + self.verticalScrollBar().sizeHint().width()
        width = min(int(column) + 1, MIN_COLUMN_CAP) + chrome + 2 * self.frameWidth()
        height = int(metrics.lineSpacing() * MIN_LINES) + 2 * MARGIN
        return QSize(width, height)

    def _centre(self) -> None:
        # A column of reading width rather than lines across a wide screen; the
        # gutter comes out of the spare width on the left while there is some.
        spare = max(0, self.width() - READING_WIDTH - self.verticalScrollBar().sizeHint().width())
        side = spare // 2
        left = max(side, self.gutter)
        right = max(0, min(side, spare - left))
        margins = self.viewportMargins()
        if (margins.left(), margins.right()) != (left, right):
            self.setViewportMargins(left, 0, right, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._centre()
        super().resizeEvent(event)


def visible_blocks(view: QPlainTextEdit) -> range:
    """The numbers of the blocks (at least partly) on screen."""
    block, offset = view.firstVisibleBlock(), view.contentOffset()
    first, bottom = block.blockNumber(), view.viewport().height()
    count = 0
    while block.isValid() and view.blockBoundingGeometry(block).translated(offset).top() <= bottom:
        count += 1
        block = block.next()
    return range(first, first + max(count, 1))
