"""The relations in view, drawn as connectors in a margin left of the article.

A relation is a vertical line in a lane of the margin, from the line where one
span starts to the line where the other starts, with a tick at each end
towards the text, in the colour of the span it points to (ACTOR, DATE,
CITATION).  All relations are thin and faint; those of the span at the caret
are drawn bold on top, in the same lanes, so the picture does not jump as the
caret moves.  A relation within one line is a short bar beside it.  Lanes
(relation_lanes.py) keep overlapping connectors apart; past ``MAX_LANES`` a
connector shrinks to a stub at each end, with the number of stubs at that line.
An end above or below the view runs off the margin's edge.

Cheap enough for every scroll step: the relations come from the linker's
cache (no store reads), the spans' blocks from the span index, and only the
blocks in view are measured in pixels; what is drawn is kept until the view
scrolls, reflows or the relations or spans change.  "View ▸ Show all
relations" off draws only the caret's (remembered).  ``segments()`` is what
is drawn, in the margin's pixels, for tests.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen, QTextCursor
from PySide6.QtWidgets import QWidget

from annotator.model import Relation

from .relation_lanes import assign_lanes
from .relations import RelationLinker
from .settings import Prefs
from .span_index import Entry, SpanIndex

GUTTER = 40  # px the view keeps left of its text column for the lanes
FIRST = 8  # px between the text and the nearest lane
STEP = 5  # px between lanes
MAX_LANES = 7  # lanes 0-6, FIRST .. FIRST + 30 px left of the text; beyond: stubs
LONG_BLOCKS = 40  # relations reaching over more paragraphs are checked on every measure
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
BRACKET = 5  # px above and below a line: the bar of a relation within it


class Segment(NamedTuple):
    relation_id: str
    lane: int | None  # None: no lane free (a stub at each end; the caret's: the outer lane)
    x: int
    y_from: int  # the from-span's line; -1 above the view, height + 1 below it
    y_to: int
    text_x: int  # where the ticks end, at the text's left edge
    colour: str
    focus: bool  # a relation of the span at the caret: drawn bold, on top


Ends = tuple[Relation, Entry, Entry, int, int]  # a relation, its ends, their blocks


class RelationEnds:
    """The relations with their ends' entries and blocks, found by the blocks in view.

    Sorted by their first block, so the relations reaching blocks ``first..last``
    are a bisect away; the few spanning more than ``LONG_BLOCKS`` are checked
    every time.  Built once per change of the relations or spans.
    """

    def __init__(self, relations: list[Relation], index: SpanIndex) -> None:
        rows: list[tuple[int, int, Ends]] = []
        self.long: list[tuple[int, int, Ends]] = []
        for rel in relations:
            a, b = index.entry(rel.from_span), index.entry(rel.to_span)
            if a is None or b is None:
                continue  # an end in a hidden layer
            block_a, block_b = index.block_of(a.start), index.block_of(b.start)
            row = (min(block_a, block_b), max(block_a, block_b), (rel, a, b, block_a, block_b))
            (self.long if row[1] - row[0] > LONG_BLOCKS else rows).append(row)
        rows.sort(key=lambda row: row[0])
        self.rows, self.tops = rows, [row[0] for row in rows]

    def reaching(self, first: int, last: int) -> list[Ends]:
        """The relations with an end in blocks ``first..last``, or one above and one below."""
        start, stop = bisect_left(self.tops, first - LONG_BLOCKS), bisect_right(self.tops, last)
        near = self.rows[start:stop]
        return [ends for top, bottom, ends in near + self.long if top <= last and bottom >= first]


class RelationMargin(QWidget):
    show_all_changed = Signal(bool)  # for the View menu's check mark

    def __init__(self, linker: RelationLinker, prefs: Prefs) -> None:
        view = linker.view
        super().__init__(view)
        self.setObjectName("relationMargin")
        self.linker = linker
        self.prefs = prefs
        self.show_all = prefs.all_relations
        self._segments: list[Segment] | None = None
        self._stale = False  # spans, relations or the caret changed since the measure
        self._painted: list[Segment] | None = None  # what the last paint drew
        self._check = QTimer(self)  # after an edit: repaint only if the drawing changes
        self._check.setSingleShot(True)
        self._check.setInterval(0)
        self._check.timeout.connect(self._repaint_if_changed)
        self._ends: RelationEnds | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        # It paints all of itself (paper): Qt need not repaint the text view beneath it,
        # which, for a see-through strip, cost ~10 ms on every key press.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        view.set_gutter(GUTTER)
        view.viewport().installEventFilter(self)
        editor = linker.editor
        for signal in (linker.changed, editor.span_added, editor.span_removed,
                       editor.span_changed, editor.spans_reset):  # fmt: skip
            signal.connect(self._data_changed)
        linker.partners_shown.connect(self._recheck)
        view.verticalScrollBar().valueChanged.connect(self.invalidate)
        view.updateRequest.connect(self._update_requested)
        self._place()
        self.show()

    def set_show_all(self, on: bool) -> None:
        """All relations in view (on), or only those of the span at the caret; remembered."""
        self.show_all = self.prefs.all_relations = on
        self.invalidate()
        self.show_all_changed.emit(on)

    def toggle_all(self) -> None:
        self.set_show_all(not self.show_all)

    def invalidate(self, *_args: object) -> None:
        """Measure again at the next paint: the view scrolled, reflowed or the caret moved."""
        self._segments = None
        self.update()

    def _data_changed(self, *_args: object) -> None:
        self._ends = None
        self._recheck()

    def _recheck(self, *_args: object) -> None:
        """Spans, relations or the caret changed: measure again, but repaint (after
        this event) only if the drawing changed.  A repaint of this transparent strip
        makes Qt repaint the window around it: a key press that tags a word without
        links must not pay for that."""
        self._stale = True
        self._check.start()

    def _repaint_if_changed(self) -> None:
        # Hidden: not shown, or its window is closing this database (File > Open).
        if self.isVisible() and self.segments() != self._painted:
            self.update()

    def _update_requested(self, rect: QRect, dy: int) -> None:
        # A caret blink asks for a sliver; a scroll or a relayout for the whole viewport.
        if dy or rect.height() >= self.linker.view.viewport().height():
            self.invalidate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False

    def _place(self) -> None:
        """Over the view's gutter and the document margin, up to the caret's left edge."""
        viewport = self.linker.view.viewport().geometry()
        self.setGeometry(viewport.x() - GUTTER, viewport.y(), self.text_x() - 2, viewport.height())
        self.raise_()
        self.invalidate()

    def text_x(self) -> int:
        return GUTTER + int(self.linker.view.document().documentMargin())

    def lane_x(self, lane: int) -> int:
        return self.text_x() - FIRST - STEP * lane

    # -- what to draw ---------------------------------------------------------------

    def segments(self) -> list[Segment]:
        if self._segments is None or self._stale:
            self._segments, self._stale = self._measure(), False
        return self._segments

    def _visible_blocks(self) -> tuple[int, int]:
        view = self.linker.view
        block, offset, height = view.firstVisibleBlock(), view.contentOffset(), self.height()
        first = last = block.blockNumber()
        while block.isValid() and view.blockBoundingGeometry(block).top() + offset.y() < height:
            last = block.blockNumber()
            block = block.next()
        return first, last

    def _y(self, pos: int, block: int, shown: tuple[int, int]) -> int:
        """The middle of the line at ``pos``; -1 above the view, height + 1 below it."""
        below = self.height() + 1
        if block < shown[0]:
            return -1
        if block > shown[1]:
            return below
        cursor = QTextCursor(self.linker.view.document())
        cursor.setPosition(pos)
        return min(max(self.linker.view.cursorRect(cursor).center().y(), -1), below)

    def _measure(self) -> list[Segment]:
        linker, index = self.linker, self.linker.editor.index
        if index is None or linker.editor.document is None:
            return []
        if self._ends is None:
            self._ends = RelationEnds(linker.relations(), index)
        focus = None if linker.linking or linker.focus is None else linker.focus.span.id
        shown = self._visible_blocks()
        rows = []
        for rel, a, b, block_a, block_b in self._ends.reaching(*shown):
            if not self.show_all and focus not in (rel.from_span, rel.to_span):
                continue
            y_a, y_b = self._y(a.start, block_a, shown), self._y(b.start, block_b, shown)
            if max(y_a, y_b) < 0 or min(y_a, y_b) > self.height():
                continue
            label = linker.schema.label(b.span.label)
            rows.append((focus in (rel.from_span, rel.to_span), rel.id, y_a, y_b,
                         label.color if label else "#808080"))  # fmt: skip
        rows.sort(key=lambda r: (r[0], min(r[2], r[3]), max(r[2], r[3]), r[1]))
        extents = [(y_a - BRACKET, y_a + BRACKET) if y_a == y_b else (min(y_a, y_b), max(y_a, y_b))
                   for _, _, y_a, y_b, _ in rows]  # fmt: skip
        lanes = assign_lanes(extents, MAX_LANES)
        text_x, outer = self.text_x(), self.lane_x(MAX_LANES)
        out = []
        for (is_focus, rel_id, y_a, y_b, colour), lane in zip(rows, lanes, strict=True):
            # No lane free: a stub from outside the lanes to the text at each end;
            # the caret's connector is drawn whole there.
            x = outer if lane is None else self.lane_x(lane)
            out.append(Segment(rel_id, lane, x, y_a, y_b, text_x, colour, is_focus))
        return out

    # -- drawing --------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        # Paper colour over the gutter (outside the viewport) and the page's blank
        # left margin: the lanes are on the page.
        painter.fillRect(self.rect(), self.linker.view.palette().base())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        stubs: Counter[int] = Counter()
        self._painted = self.segments()
        for seg in self._painted:
            stubs.update(self._draw(painter, seg))
        self._draw_counts(painter, stubs)
        painter.end()

    def _draw(self, painter: QPainter, seg: Segment) -> list[int]:
        """Draw one connector; the lines where it is only a stub."""
        colour = QColor(seg.colour)
        if seg.focus:  # stands out from the paper, light or dark
            dark_paper = self.linker.view.palette().base().color().lightness() < 128
            colour = colour.lighter(125) if dark_paper else colour.darker(130)
        else:
            colour = colour.darker(110)
            colour.setAlpha(170)
        painter.setPen(QPen(colour, 2.5 if seg.focus else 1.2))
        if seg.lane is None and not seg.focus:
            ends = [y for y in {seg.y_from, seg.y_to} if 0 <= y <= self.height()]
            for y in ends:
                painter.drawLine(seg.x, y, seg.text_x - 3, y)
            return ends
        if seg.y_from == seg.y_to:  # within one line: a short bar beside it
            painter.setPen(QPen(colour, 3 if seg.focus else 2))
            painter.drawLine(seg.x, seg.y_from - BRACKET, seg.x, seg.y_from + BRACKET)
            return []
        top, bottom = sorted((seg.y_from, seg.y_to))
        painter.drawLine(seg.x, top, seg.x, bottom)
        for y in (top, bottom):
            painter.drawLine(seg.x, y, seg.text_x - 3, y)
        return []

    def _draw_counts(self, painter: QPainter, stubs: Counter[int]) -> None:
        """How many connectors found no lane, beside each line where they end."""
        font = QFont(self.font())
        font.setPointSizeF(7)
        painter.setFont(font)
        painter.setPen(self.linker.view.palette().color(QPalette.ColorRole.Text))
        width = self.lane_x(MAX_LANES) - 3
        for y, n in stubs.items():
            painter.drawText(QRect(0, y - 7, width, 14), RIGHT, f"+{n}")
