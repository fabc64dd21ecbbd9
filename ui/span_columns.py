"""The span table's column widths: the quote gets the room it needs first.

The span dock is narrow (about 300 px beside a readable article at 1366 px),
so its columns share out the table's width by need, in the view's own font:

1. Label and Analyst are as wide as their longest entry (the schema's label
   names in bold beside their swatch; the analysts in the table) and no wider;
2. Text is as wide as its widest quote up to ``TEXT_CHARS`` average
   characters, leaving Note at least its header's width;
3. Note then gets up to its widest note (at most ``NOTE_CHARS``);
4. Text grows on to its widest quote, up to ``LONG_TEXT_CHARS``;
5. Note takes whatever is left (it is the stretching column).

The widths follow the table's width, its rows and its font.  A column the
analyst widened or narrowed by hand keeps that width.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView, QWidget

from annotator.model import Span

from .span_table import NOTE, SpanTableModel

LABEL, TEXT, ANALYST = 0, 1, 2
TEXT_CHARS = 32  # the quote's share before Note gets any more than its minimum
NOTE_CHARS = 24  # then the note's share
LONG_TEXT_CHARS = 80  # then the quote's, at most
LONGEST = 16  # the widest quote is looked for among this many longest ones
MOST_CHARS = 12  # a label or analyst column grows no wider than this



def cell_padding(view: QWidget) -> int:
    """A table cell's text margins, as the item delegate draws them."""
    style = view.style()
    return 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)

class SpanColumns(QObject):
    """Keeps ``view``'s column widths fitted to its width and rows (see the module)."""

    def __init__(self, view: QTableView, model: SpanTableModel) -> None:
        super().__init__(view)
        self.view = view
        self.model = model
        self.by_hand: set[int] = set()  # columns the analyst sized: left alone
        self._fitting = False
        self._text = self._note = 0  # px: the widest quote and note (capped)
        self._analysts: set[str] = set()
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)  # the rest
        header.setStretchLastSection(False)
        header.sectionResized.connect(self._resized)
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda _parent, first, last: self._grow(first, last))
        model.dataChanged.connect(lambda top, bottom, *_: self._grow(top.row(), bottom.row()))
        self._soon = QTimer(self)  # a burst of changes fits once
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.fit)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)
        self._reset()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.FontChange and watched is self.view:
            self._reset()
        elif kind == QEvent.Type.Resize and watched is self.view.viewport():
            self.fit()
        return False

    # -- what the columns need -----------------------------------------------------------

    def _pad(self) -> int:
        return cell_padding(self.view)

    def _chars(self, n: int) -> int:
        return self.view.fontMetrics().averageCharWidth() * n

    def _quote(self, text: str) -> int:
        # The cell shows one line; nothing wider than the longest share is measured.
        line = " ".join(text.split())[: LONG_TEXT_CHARS * 2]
        return self.view.fontMetrics().horizontalAdvance(line) + self._pad()

    def _spans(self, rows: Iterable[int]) -> list[Span]:
        return [self.model.span_at(row) for row in rows]

    def _reset(self) -> None:
        shown = self.model.spans()
        longest = heapq.nlargest(LONGEST, shown, key=lambda s: len(s.text))
        noted = heapq.nlargest(LONGEST, shown, key=lambda s: len(s.note or ""))
        self._text = max((self._quote(s.text) for s in longest), default=0)
        self._note = max((self._quote(s.note) for s in noted if s.note), default=0)
        self._analysts = {s.annotator for s in shown}
        self._soon.start()

    def _grow(self, first: int, last: int) -> None:
        """Rows added or changed: the widths may only need to grow (one tag costs little)."""
        if first < 0:
            return
        if last - first >= LONGEST:  # every row repainted (another analyst, colours)
            self._reset()
            return
        for span in self._spans(range(first, last + 1)):
            self._text = max(self._text, self._quote(span.text))
            if span.note:
                self._note = max(self._note, self._quote(span.note))
            self._analysts.add(span.annotator)
        self._soon.start()

    def _header(self, column: int) -> int:
        title = str(self.model.COLUMNS[column])
        return self.view.horizontalHeader().fontMetrics().horizontalAdvance(title) + 2 * self._pad()

    def _label_width(self) -> int:
        bold = QFont(self.view.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        widest = max((metrics.horizontalAdvance(name) for name in self.model.label_names()),
                     default=0)  # fmt: skip
        icon = self.view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, self.view)
        return min(widest, self._chars(MOST_CHARS)) + icon + 2 * self._pad()

    def _analyst_width(self) -> int:
        metrics = self.view.fontMetrics()
        widest = max((metrics.horizontalAdvance(name) for name in self._analysts), default=0)
        return min(widest, self._chars(MOST_CHARS)) + self._pad()

    # -- sharing the width out -----------------------------------------------------------

    def widths(self, room: int) -> tuple[int, int, int, int]:
        """Label, Text, Analyst and Note widths for a table ``room`` px wide."""
        header = self.view.horizontalHeader()
        least = max(header.minimumSectionSize(), 1)
        label = (header.sectionSize(LABEL) if LABEL in self.by_hand
                 else max(self._label_width(), self._header(LABEL)))  # fmt: skip
        analyst = (header.sectionSize(ANALYST) if ANALYST in self.by_hand
                   else max(self._analyst_width(), self._header(ANALYST)))  # fmt: skip
        note_least = max(least, self._header(NOTE))
        if TEXT in self.by_hand:
            text = header.sectionSize(TEXT)
        else:
            both = room - label - analyst  # Text and Note share this
            wanted = min(self._text, self._chars(LONG_TEXT_CHARS))
            text = min(wanted, self._chars(TEXT_CHARS), both - note_least)  # 2.
            note = min(max(self._note, note_least), self._chars(NOTE_CHARS))  # 3.
            text += max(0, min(wanted - text, both - text - note))  # 4.
            text = max(text, self._header(TEXT), least)
        note = max(room - label - text - analyst, least)
        return label, text, analyst, note

    def fit(self) -> None:
        """Give each column its share of the table's width now."""
        room = self.view.viewport().width()
        if room <= 0:
            return
        label, text, analyst, _note = self.widths(room)
        header = self.view.horizontalHeader()
        self._fitting = True
        try:
            for column, width in ((LABEL, label), (TEXT, text), (ANALYST, analyst)):
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column != NOTE:
            self.by_hand.add(column)  # dragged, or double-clicked to fit its contents


def fit_columns(view: QTableView, model: SpanTableModel) -> SpanColumns:
    """Fit ``view``'s columns from now on (the fitter is the view's Qt child)."""
    return SpanColumns(view, model)

