"""The review diff table's column widths: the two quotes get the room first.

At 1100 px the diff table was about 650 px wide: Category, the labels and
Decision at fixed widths, and Gold and Comment at Qt's default, left the two
stretching Text columns three characters each ("Del…", "Tue…").  So, in the
view's own font:

1. Category, Label A, Label B and Decision are as wide as their longest name
   (span categories: a relation's longer one is cut short, its tooltip says
   it whole; the schema's labels in bold; the verdicts), beside their swatch;
   Gold and Comment as wide as their headers;
2. the quotes get ``TEXT_MIN_CHARS`` average characters each, the four named
   columns giving up room for that, down to their headers' widths;
3. the quotes grow to ``TEXT_CHARS`` each;
4. Gold grows to ``GOLD_CHARS``, then Comment to ``COMMENT_CHARS``;
5. the quotes share whatever is left (they are the stretching columns).

No row is measured: the widths follow the table's width and font only (a
large review opens no slower).  A column the reviewer sized by hand keeps
that width.
"""

from __future__ import annotations

from math import ceil

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

from .review_models import (
    CATEGORY,
    CATEGORY_NAMES,
    COMMENT,
    DECISION,
    DECISION_NAMES,
    DIFF_COLUMNS,
    GOLD,
    LABEL_A,
    LABEL_B,
    TEXT_A,
    TEXT_B,
)
from .span_columns import cell_padding

TEXT_MIN_CHARS = 14  # each quote's share before the named columns give up more
TEXT_CHARS = 24  # then each quote's, before Gold and Comment grow
GOLD_CHARS = 24  # a label and a short quote: "ACTOR “Olena Koval”"
COMMENT_CHARS = 16
MOST_CHARS = 12  # a label column grows no wider than this
NAMED = (CATEGORY, LABEL_A, LABEL_B, DECISION)  # fitted to their names


class ReviewColumns(QObject):
    """Keeps the diff table's column widths fitted to its width (see the module)."""

    def __init__(self, view: QTableView, labels: list[str]) -> None:
        super().__init__(view)
        self.view = view
        self.labels = labels
        self.by_hand: set[int] = set()  # columns the reviewer sized: left alone
        self._fitting = False
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column in (TEXT_A, TEXT_B):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.sectionResized.connect(self._resized)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if (kind == QEvent.Type.FontChange and watched is self.view) or (
            kind == QEvent.Type.Resize and watched is self.view.viewport()
        ):
            self.fit()
        return False

    # -- what the columns need -----------------------------------------------------------

    def _pad(self) -> int:
        return cell_padding(self.view)

    def _chars(self, n: int) -> int:
        return self.view.fontMetrics().averageCharWidth() * n + self._pad()

    def _widest(self, names: list[str], *, bold: bool = False) -> int:
        font = QFont(self.view.font())
        font.setBold(bold)
        metrics = QFontMetricsF(font)
        # Rounded up, and one pixel more: a pixel short, "accepted both" shows "accepted bo…".
        return max((ceil(metrics.horizontalAdvance(name)) + 1 for name in names), default=0)

    def _header(self, column: int) -> int:
        title = DIFF_COLUMNS[column]
        return self.view.horizontalHeader().fontMetrics().horizontalAdvance(title) + 2 * self._pad()

    def _named(self, column: int) -> int:
        """The width that shows a named column's longest name whole."""
        icon = self.view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, self.view)
        icon += self._pad()  # the swatch and the gap after it
        if column == CATEGORY:
            return self._widest(list(CATEGORY_NAMES.values())) + icon + self._pad()
        if column == DECISION:
            return self._widest(list(DECISION_NAMES.values())) + self._pad()
        labels = min(self._widest(self.labels, bold=True), self._chars(MOST_CHARS))
        return labels + icon + self._pad()

    # -- sharing the width out -----------------------------------------------------------

    def widths(self, room: int) -> dict[int, int]:
        """The width of every column but the quotes, for a table ``room`` px wide."""
        header = self.view.horizontalHeader()
        least = max(header.minimumSectionSize(), 1)
        floor = {c: max(self._header(c), least) for c in (*NAMED, GOLD, COMMENT)}
        want = {c: max(self._named(c), floor[c]) for c in NAMED}
        out = {c: header.sectionSize(c) for c in self.by_hand}
        named = [c for c in NAMED if c not in out]
        fixed = sum(out.values()) + sum(floor[c] for c in (GOLD, COMMENT) if c not in out)
        # 1. and 2.: the named columns give up what the quotes' first share needs.
        spare = room - fixed - 2 * self._chars(TEXT_MIN_CHARS)
        excess = sum(want[c] - floor[c] for c in named)
        give = max(0, min(excess, sum(want[c] for c in named) - spare))
        for c in named:
            cut = give * (want[c] - floor[c]) // excess if excess else 0
            out[c] = want[c] - cut
        # 3. and 4.: the quotes grow to TEXT_CHARS, then Gold, then Comment.
        grown = [c for c in (GOLD, COMMENT) if c not in out]
        left = room - sum(out.values()) - sum(floor[c] for c in grown) - 2 * self._chars(TEXT_CHARS)
        for column in grown:
            chars = GOLD_CHARS if column == GOLD else COMMENT_CHARS
            more = max(0, min(left, self._chars(chars) - floor[column]))
            out[column] = floor[column] + more
            left -= more
        return out

    def fit(self) -> None:
        """Give each column its share of the table's width now (the quotes stretch)."""
        room = self.view.viewport().width()
        if room <= 0:
            return
        header = self.view.horizontalHeader()
        self._fitting = True
        try:
            for column, width in self.widths(room).items():
                if column not in self.by_hand and header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column not in (TEXT_A, TEXT_B):
            self.by_hand.add(column)  # dragged, or double-clicked to fit its contents
