"""Horizontal bar charts painted with QPainter (no QtCharts, which is in PySide6-Addons).

A chart is a list of ``Bar``s: a name on the left, the bar (one or more stacked
``Segment``s) scaled to the widget's width, and a note on the right (the total
unless given).  Bars that share a ``group`` sit under one heading, which is how
"spans per label and analyst" shows a label with one bar per analyst.  The
numbers stay readable as data: ``chart.bars`` is what was painted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

PAD = 8  # px around the chart and between its columns
GAP = 4  # px between rows
MIN_BAR = 60  # px the bars keep however narrow the widget
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar; ``name`` is what the legend calls it."""

    value: int
    colour: str
    name: str = ""


@dataclass(frozen=True)
class Bar:
    """A row of the chart: ``note`` (beside the bar) defaults to the total."""

    name: str
    segments: tuple[Segment, ...]
    note: str = ""
    group: str = ""
    group_colour: str = ""

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)

    @property
    def label(self) -> str:
        return self.note or f"{self.total:,}"


class BarChart(QWidget):
    """``set_bars(bars, legend, scale)``; ``scale`` is the value of a full-width bar
    (default: the largest total), e.g. the number of documents for progress."""

    def __init__(self, empty_text: str = "Nothing to show yet",
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.empty_text = empty_text
        self.bars: list[Bar] = []
        self.legend: list[tuple[str, str]] = []  # (name, colour)
        self.scale = 0

    def set_bars(self, bars: Sequence[Bar], legend: Sequence[tuple[str, str]] = (),
                 scale: int | None = None) -> None:  # fmt: skip
        self.bars, self.legend = list(bars), list(legend)
        self.scale = scale if scale else max((b.total for b in self.bars), default=0)
        self.setAccessibleDescription(
            "; ".join(f"{b.group + ' ' if b.group else ''}{b.name}: {b.label}" for b in self.bars)
        )
        self.updateGeometry()
        self.update()

    # -- geometry ----------------------------------------------------------------------

    def _metrics(self) -> tuple[int, int, int]:
        """Row height, name column width and note column width, from the font."""
        fm = QFontMetrics(self.font())
        row = fm.height() + 8
        name = max((fm.horizontalAdvance(b.name) for b in self.bars), default=0)
        note = max((fm.horizontalAdvance(b.label) for b in self.bars), default=0)
        return row, name + PAD, note + PAD

    def _content_height(self) -> int:
        row, _, _ = self._metrics()
        height = PAD + (row if self.legend else 0)
        group = None
        for bar in self.bars or [Bar("", ())]:
            if bar.group and bar.group != group:
                height += row + (GAP if group is not None else 0)
                group = bar.group
            height += row + GAP
        return height + PAD

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        _, name, note = self._metrics()
        return QSize(name + note + 4 * PAD + 260, self._content_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        _, name, note = self._metrics()
        return QSize(min(name, 160) + note + 2 * PAD + MIN_BAR, self._content_height())

    # -- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().windowText().color()
        faint = QColor(ink)
        faint.setAlpha(110)
        row, name_w, note_w = self._metrics()
        name_w = min(name_w, max(60, self.width() // 3))
        left = PAD + name_w
        width = max(MIN_BAR, self.width() - left - note_w - 2 * PAD)
        y = PAD
        if self.legend:
            self._legend(painter, y, row, ink)
            y += row
        if not self.bars:
            painter.setPen(faint)
            painter.drawText(QRectF(PAD, y, self.width() - 2 * PAD, row), LEFT, self.empty_text)
        group = None
        for bar in self.bars:
            if bar.group and bar.group != group:
                y += GAP if group is not None else 0
                self._heading(painter, bar, QRectF(PAD, y, self.width() - 2 * PAD, row), ink)
                group = bar.group
                y += row
            fm = painter.fontMetrics()
            painter.setPen(ink)
            name = _fitted(fm, bar.name, name_w - PAD)
            painter.drawText(QRectF(PAD, y, name_w - PAD + 2, row), LEFT, name)
            self._bar(painter, bar, QRectF(left, y + 3, width, row - 6))
            painter.setPen(ink)
            painter.drawText(QRectF(left + width + PAD, y, note_w, row), LEFT, bar.label)
            y += row + GAP
        painter.end()

    def _bar(self, painter: QPainter, bar: Bar, box: QRectF) -> None:
        track = QColor(self.palette().windowText().color())
        track.setAlpha(22)
        outline = QPainterPath()
        outline.addRoundedRect(box, 3, 3)
        painter.fillPath(outline, track)
        if self.scale <= 0:
            return
        painter.save()
        painter.setClipPath(outline)
        x = box.left()
        fm = painter.fontMetrics()
        for segment in bar.segments:
            part = QRectF(x, box.top(), box.width() * segment.value / self.scale, box.height())
            painter.fillRect(part, QColor(segment.colour))
            text = f"{segment.value:,}"
            # Numbers inside stacked parts wide enough to hold them; the note says the rest.
            fits = fm.horizontalAdvance(text) + 6 < part.width()
            if len(bar.segments) > 1 and segment.value and fits:
                painter.setPen(_readable_on(QColor(segment.colour)))
                painter.drawText(part, CENTRE, text)
            x = part.right()
        painter.restore()

    def _heading(self, painter: QPainter, bar: Bar, box: QRectF, ink: QColor) -> None:
        painter.save()
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        x = box.left()
        if bar.group_colour:
            size = box.height() * 0.45
            swatch = QRectF(x, box.center().y() - size / 2, size, size)
            painter.setPen(QColor(bar.group_colour).darker(130))
            painter.setBrush(QColor(bar.group_colour))
            painter.drawRoundedRect(swatch, 2, 2)
            x += size + 6
        painter.setPen(ink)
        painter.drawText(QRectF(x, box.top(), box.right() - x, box.height()), LEFT, bar.group)
        painter.restore()

    def _legend(self, painter: QPainter, y: int, row: int, ink: QColor) -> None:
        fm = painter.fontMetrics()
        x = float(PAD)
        size = fm.height() * 0.6
        for name, colour in self.legend:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(QRectF(x, y + (row - size) / 2, size, size), 2, 2)
            x += size + 5
            painter.setPen(ink)
            painter.drawText(QRectF(x, y, fm.horizontalAdvance(name) + 2, row), LEFT, name)
            x += fm.horizontalAdvance(name) + 16


def _fitted(fm: QFontMetrics, text: str, width: int) -> str:
    """``text``, elided only when its advance is wider than ``width``: Qt's elidedText
    cuts a name exactly as wide as the room (its advance is rounded, the text is not)."""
    if fm.horizontalAdvance(text) <= width:
        return text
    return fm.elidedText(text, Qt.TextElideMode.ElideRight, width)


def _readable_on(colour: QColor) -> QColor:
    """Black or white, whichever reads better on ``colour``."""
    luma = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
    return QColor("#1d1d1f") if luma > 150 else QColor("#ffffff")
