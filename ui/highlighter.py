"""Paints spans over the article without touching the document's text or formats.

A ``QSyntaxHighlighter`` only sets per-layout formats, so the document stays
exactly the stored text; the spans come from a ``SpanIndex`` bucketed by block,
so painting one paragraph costs a dictionary look-up plus its own spans.
Overlaps stay visible: tints of nested spans are blended (a DATE inside a
CLAIM is green over orange) and the innermost of a nest is underlined in its
label's colour.  Read-only layers (other analysts', unless unlocked) are faint
with a dotted underline.  ``set_theme`` changes the paper, the label colours
and the strengths (lighter tints on dark paper, see appearance.py).

Opening a long article paints the first screens at once and the rest in
slices of a few milliseconds right after the first paint (``begin_load`` /
``end_load``); a block scrolled into view before its turn is painted first.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from .span_index import Entry, SpanIndex

OWN_ALPHA = 0.42
OTHER_ALPHA = 0.13
PAPER = QColor("#ffffff")
EAGER_UNITS = 20_000  # UTF-16 units painted before the first paint: a few screens
SLICE_SECONDS = 0.008  # each later slice leaves the event loop free within a frame

# A painting layer: (label, is the current analyst's span).
Layer = tuple[str, bool]


def blend(base: QColor, over: QColor, alpha: float) -> QColor:
    """``over`` at ``alpha`` on top of ``base`` (opaque result: no stacking surprises)."""
    return QColor(
        round(base.red() + (over.red() - base.red()) * alpha),
        round(base.green() + (over.green() - base.green()) * alpha),
        round(base.blue() + (over.blue() - base.blue()) * alpha),
    )


class SpanHighlighter(QSyntaxHighlighter):
    """Tints each span by label; ``index`` and ``editable`` are asked at paint time."""

    def __init__(
        self,
        document: QTextDocument,
        colours: Mapping[str, str],
        index: Callable[[], SpanIndex | None],
        editable: Callable[[str], bool],
    ) -> None:
        super().__init__(document)
        self._colours = {label: QColor(c) for label, c in colours.items()}
        self._index = index
        self._editable = editable
        self._paper = PAPER
        self._alphas = (OWN_ALPHA, OTHER_ALPHA, OWN_ALPHA)
        self._dark = False
        self._formats: dict[tuple[Layer, ...], QTextCharFormat] = {}
        self._loading = False
        self._deferred_from: int | None = None  # first block skipped while loading
        self._pending: list[int] = []  # skipped blocks with spans, still to paint
        self._next = 0  # position in _pending of the next slice
        self._done_early: set[int] = set()
        self._pending_known = True
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._paint_slice)

    # -- opening a document: eager first screens, the rest in slices ----------------

    def begin_load(self) -> None:
        """The next ``setPlainText`` paints only the first ``EAGER_UNITS`` at once."""
        self._timer.stop()
        self._loading, self._deferred_from = True, None
        self._pending, self._next, self._done_early = [], 0, set()

    def end_load(self) -> None:
        self._loading = False
        self._pending_known = False
        if self._deferred_from is not None:
            self._timer.start()  # the first slice runs after the first paint

    def _find_pending(self) -> None:
        # Here, not in end_load: it completes the span index, which can wait.
        index = self._index()
        blocks = index.blocks_with_spans() if index is not None else []
        self._pending = blocks[bisect_left(blocks, self._deferred_from or 0) :]
        self._pending_known = True

    @property
    def catching_up(self) -> bool:
        return self._timer.isActive()

    def ensure_painted(self, first: int, count: int) -> None:
        """Paint now the deferred blocks in ``[first, first + count)`` (scrolled into view)."""
        if not self._timer.isActive():
            return
        if not self._pending_known:
            self._find_pending()
        document = self.document()
        for i in range(bisect_left(self._pending, first), len(self._pending)):
            number = self._pending[i]
            if number >= first + count:
                break
            if number not in self._done_early:
                self._done_early.add(number)
                self.rehighlightBlock(document.findBlockByNumber(number))

    def _paint_slice(self) -> None:
        deadline = time.perf_counter() + SLICE_SECONDS
        if not self._pending_known:
            self._find_pending()
        document = self.document()
        while self._next < len(self._pending):
            number = self._pending[self._next]
            self._next += 1
            if number not in self._done_early:
                self.rehighlightBlock(document.findBlockByNumber(number))
            if time.perf_counter() > deadline:
                return
        self._timer.stop()
        self._pending, self._done_early = [], set()

    # -- painting ------------------------------------------------------------------------

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        index = self._index()
        if index is None:
            return
        block = self.currentBlock()
        if self._loading:
            if self._deferred_from is not None:
                return
            if block.position() > EAGER_UNITS:
                self._deferred_from = block.blockNumber()
                return
        entries = index.in_block(block.blockNumber())
        if not entries:
            return
        origin = block.position()
        length = block.length()  # includes the separator, which spans may cover
        for start, end, layers in _segments(entries, origin, length, self._editable):
            self.setFormat(start, end - start, self._format(layers))

    def rehighlight_blocks(self, blocks: Iterable[int]) -> None:
        """Repaint only these blocks (one added span touches one or two)."""
        document = self.document()
        for number in blocks:
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)

    def set_theme(self, paper: QColor, colours: Mapping[str, QColor],
                  alphas: tuple[float, float, float], *, dark: bool) -> None:  # fmt: skip
        """New paper, label colours and strengths (editable, read-only, an editable span
        inside another); repaints."""
        self._paper, self._colours, self._alphas, self._dark = paper, dict(colours), alphas, dark
        self._formats.clear()
        self.rehighlight()

    def clear_formats(self) -> None:
        """Which layers are editable changed: formats are made again on the next paint."""
        self._formats.clear()

    def _format(self, layers: tuple[Layer, ...]) -> QTextCharFormat:
        fmt = self._formats.get(layers)
        if fmt is not None:
            return fmt
        fmt = QTextCharFormat()
        colour = self._paper
        own_alpha, other_alpha, nested_alpha = self._alphas
        tinted = False
        for label, own in layers:
            alpha = (nested_alpha if tinted else own_alpha) if own else other_alpha
            colour = blend(colour, self._label_colour(label), alpha)
            tinted = tinted or own
        fmt.setBackground(colour)
        inner_label, inner_own = layers[-1]
        if not inner_own:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            fmt.setUnderlineColor(self._label_colour(inner_label))
        elif len(layers) > 1:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            inner = self._label_colour(inner_label)
            fmt.setUnderlineColor(inner.lighter(130) if self._dark else inner.darker(130))
        self._formats[layers] = fmt
        return fmt

    def _label_colour(self, label: str) -> QColor:
        # A label unknown to the schema (imported data) still shows, in grey.
        return self._colours.get(label, QColor("#999999"))


def _segments(
    entries: list[Entry], origin: int, length: int, editable: Callable[[str], bool]
) -> list[tuple[int, int, tuple[Layer, ...]]]:
    """Split a block at every span edge: ``(start, end, layers outer->inner)``."""
    clipped = []
    cuts = {0, length}
    known: dict[str, bool] = {}
    for e in entries:
        start, end = max(e.start - origin, 0), min(e.end - origin, length)
        if start < end:
            who = e.span.annotator
            own = known.get(who)
            if own is None:
                own = known[who] = editable(who)
            clipped.append((start, end, e, own))
            cuts.update((start, end))
    edges = sorted(cuts)
    # Outer spans first: longer, then earlier; the id keeps the order stable.
    clipped.sort(key=lambda c: (-(c[2].end - c[2].start), c[2].start, c[2].span.id))
    out = []
    for a, b in zip(edges, edges[1:], strict=False):
        layers = tuple((e.span.label, own) for s, t, e, own in clipped if s <= a and b <= t)
        if layers:
            out.append((a, b, layers))
    return out
