"""The two read-only panes of a review: each paints one layer, scrolled together
(and the setup of the review's two tables).

Spans are tinted by label as in the main window; a span in a pair that
disagrees gets a red wavy underline until the pair has a verdict, then a green
dotted one, so the gold's progress shows in the text too.  Painting changes no
metrics (no bold, no size), so both panes lay out line for line alike, and the
scroll sync maps the top block of one onto the other.

Like the main highlighter, a long article paints its first screens during
``setPlainText`` and the rest in slices of a few milliseconds afterwards;
blocks that come into view first are painted first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import QAbstractItemModel, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QAbstractItemView, QPlainTextEdit, QTableView, QTextEdit, QWidget

from annotator.adjudication import ReviewSession, pair_key
from annotator.review import MATCH, Pair

from .document_view import DocumentView
from .highlighter import PAPER, blend
from .sliced_painting import SlicedHighlighter
from .span_index import Entry, SpanIndex, split_at_edges

ALPHA = 0.42
AGREES, DISAGREES, DECIDED = 0, 1, 2  # the mark of a span
DISAGREE_COLOUR = QColor("#d62728")
DECIDED_COLOUR = QColor("#2ca02c")
END_COLOUR = QColor("#e377c2")  # the ends of the relation row on show

Layer = tuple[str, int]  # (label, mark)


class ReviewHighlighter(SlicedHighlighter):
    """Paints one layer's spans; ``index`` and ``mark`` are read at paint time."""

    def __init__(self, document: QTextDocument, colours: Mapping[str, str],
                 index: Callable[[], SpanIndex | None],
                 mark: Callable[[str], int]) -> None:  # fmt: skip
        super().__init__(document, index)
        self._colours = {label: QColor(c) for label, c in colours.items()}
        self._paper = PAPER
        self._mark = mark
        self._formats: dict[tuple[Layer, ...], QTextCharFormat] = {}

    def set_paper(self, paper: QColor, colours: Mapping[str, QColor]) -> None:
        """The theme's paper and its label colours; repaints."""
        self._paper, self._colours = paper, dict(colours)
        self._formats.clear()
        self.rehighlight()

    def _paint_block(self, block: QTextBlock, entries: list[Entry]) -> None:
        for start, end, layers in segments(entries, block.position(), block.length(),
                                           self._mark):  # fmt: skip
            self.setFormat(start, end - start, self._format(layers))

    def _format(self, layers: tuple[Layer, ...]) -> QTextCharFormat:
        fmt = self._formats.get(layers)
        if fmt is not None:
            return fmt
        fmt = QTextCharFormat()
        colour = self._paper
        for label, _ in layers:
            colour = blend(colour, self._colours.get(label, QColor("#999999")), ALPHA)
        fmt.setBackground(colour)
        marks = {mark for _, mark in layers}
        if DISAGREES in marks:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(DISAGREE_COLOUR)
        elif DECIDED in marks:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            fmt.setUnderlineColor(DECIDED_COLOUR)
        elif len(layers) > 1:  # nested spans: the inner one underlined, as in the main view
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(self._colours.get(layers[-1][0], QColor("#999999")).darker(130))
        self._formats[layers] = fmt
        return fmt


def segments(entries: list[Entry], origin: int, length: int,
             mark: Callable[[str], int]) -> list[tuple[int, int, tuple[Layer, ...]]]:  # fmt: skip
    """Split a block at every span edge: ``(start, end, layers outer->inner)``."""
    return split_at_edges(entries, origin, length, lambda e: (e.span.label, mark(e.span.id)))


def marks_of(pairs: Iterable[Pair], session: ReviewSession) -> dict[str, int]:
    """The marks of disagreeing spans: DISAGREES until their pair has a verdict on
    its present version (as the table says: ``has_verdict``), then DECIDED."""
    marks = {}
    for pair in pairs:
        if pair.category == MATCH:
            continue
        row = session.row_of(pair_key(pair))
        decided = row is not None and session.has_verdict(row)
        mark = DECIDED if decided else DISAGREES
        if pair.a is not None:
            marks[pair.a.id] = mark
        if pair.b is not None:
            marks[pair.b.id] = mark
    return marks


class ReviewPane(DocumentView):
    """A read-only article pane of the review (Tab moves focus on, as usual)."""

    focused = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setPlaceholderText("Choose a document and two layers")

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        self.focused.emit()

    def mark_ends(self, ranges: Iterable[tuple[int, int]]) -> None:
        """Frame the ends of the relation on show (UTF-16 ranges); none clears them."""
        selections = []
        for start, end in ranges:
            selection = QTextEdit.ExtraSelection()
            cursor = self.textCursor()
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor  # type: ignore[attr-defined]
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(END_COLOUR)
            fmt.setFontOverline(True)
            selection.format = fmt  # type: ignore[attr-defined]
            selections.append(selection)
        self.setExtraSelections(selections)

    def marked_ends(self) -> list[tuple[int, int]]:
        return [(s.cursor.selectionStart(), s.cursor.selectionEnd())
                for s in self.extraSelections()]  # fmt: skip

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002,N802 (Qt's names)
        return QPlainTextEdit.focusNextPrevChild(self, next)


class ScrollSync:
    """Keeps two panes on the same line: the top block of one becomes the other's."""

    def __init__(self, left: QPlainTextEdit, right: QPlainTextEdit) -> None:
        self._busy = False
        for source, target in ((left, right), (right, left)):
            source.verticalScrollBar().valueChanged.connect(
                lambda _v, s=source, t=target: self._follow(s, t)
            )
            source.horizontalScrollBar().valueChanged.connect(
                lambda v, t=target: self._guarded(lambda: t.horizontalScrollBar().setValue(v))
            )

    def _guarded(self, move: Callable[[], None]) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            move()
        finally:
            self._busy = False

    def _follow(self, source: QPlainTextEdit, target: QPlainTextEdit) -> None:
        def move() -> None:
            top = source.firstVisibleBlock()
            # Lines into the top block (it may be a long, wrapped paragraph).
            within = source.verticalScrollBar().value() - top.firstLineNumber()
            block = target.document().findBlockByNumber(top.blockNumber())
            if block.isValid():
                target.verticalScrollBar().setValue(block.firstLineNumber() + max(0, within))

        self._guarded(move)


def table_view(model: QAbstractItemModel, name: str, parent: QWidget) -> QTableView:
    """A read-only table of whole rows, as the review window shows its two."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setHighlightSections(False)
    return view
