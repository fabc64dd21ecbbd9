"""The relations of the span at the caret, drawn as connectors in the article's margin.

Only the chosen span's links are drawn, so fifty claims in view stay readable:
a vertical line in the left margin from the span's line to each partner's
line, with a short tick at each end towards the text, in the partner's label
colour.  A transparent overlay on the view's viewport; mouse events pass
through.  ``segments()`` (viewport pixels) is what it draws, for tests.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QTextCursor
from PySide6.QtWidgets import QWidget

from .relations import RelationLinker

GAP = 10  # px between the connector and the text column
STEP = 4  # px between the connectors of several partners


class Segment(NamedTuple):
    x: int
    y_from: int
    y_to: int
    text_x: int  # where the ticks end, at the text's left edge
    colour: str


class RelationMargin(QWidget):
    def __init__(self, linker: RelationLinker) -> None:
        viewport = linker.view.viewport()
        super().__init__(viewport)
        self.setObjectName("relationMargin")
        self.linker = linker
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.resize(viewport.size())
        viewport.installEventFilter(self)
        linker.partners_shown.connect(self.update)
        linker.view.verticalScrollBar().valueChanged.connect(lambda _v: self.update())
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize:
            self.resize(self.linker.view.viewport().size())
        return False

    def _y_x(self, pos: int) -> tuple[int, int]:
        view = self.linker.view
        cursor = QTextCursor(view.document())
        cursor.setPosition(pos)
        rect = view.cursorRect(cursor)
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        return rect.center().y(), view.cursorRect(cursor).left()

    def segments(self) -> list[Segment]:
        linker, index = self.linker, self.linker.editor.index
        focus = linker.focus
        if linker.linking or focus is None or index is None:
            return []
        y0, text_x = self._y_x(focus.start)
        out = []
        partners = [e for e in map(index.entry, linker.highlighted) if e is not None]
        for i, partner in enumerate(sorted(partners, key=lambda e: e.key)):
            y1, x1 = self._y_x(partner.start)
            label = linker.schema.label(partner.span.label)
            left = min(text_x, x1)
            out.append(Segment(max(2, left - GAP - STEP * i), y0, y1, left,
                               label.color if label else "#808080"))  # fmt: skip
        return out

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        segments = self.segments()
        if not segments:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for seg in segments:
            painter.setPen(QPen(QColor(seg.colour).darker(130), 2))
            painter.drawLine(seg.x, seg.y_from, seg.x, seg.y_to)
            painter.drawLine(seg.x, seg.y_from, seg.text_x - 2, seg.y_from)
            painter.drawLine(seg.x, seg.y_to, seg.text_x - 2, seg.y_to)
        painter.end()
