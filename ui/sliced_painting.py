"""Painting spans over a long document without freezing the window.

``SlicedHighlighter`` is a ``QSyntaxHighlighter`` that, while a document is
being loaded, paints only the first ``EAGER_UNITS`` at once; the other blocks
with spans are painted after the first paint, in slices of ``SLICE_SECONDS``
each, and any block scrolled into view before its turn is painted at once.
While the analyst is working (an edit or a scroll repaints blocks), the slices
wait ``PAUSE_MS``: a key press never queues behind a slice.
Subclasses say how one block is painted (``_paint_block``).
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Iterable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QSyntaxHighlighter, QTextBlock, QTextDocument

from .span_index import Entry, SpanIndex

EAGER_UNITS = 20_000  # UTF-16 units painted before the first paint: a few screens
SLICE_SECONDS = 0.008  # each later slice leaves the event loop free within a frame
PAUSE_MS = 300  # after an edit or a scroll the slices wait, so key presses repaint at once


class SlicedHighlighter(QSyntaxHighlighter):
    """Paints the blocks of ``index()`` that hold spans; the rest of a load in slices."""

    def __init__(self, document: QTextDocument, index: Callable[[], SpanIndex | None]) -> None:
        super().__init__(document)
        self._index = index
        self._loading = False
        self._deferred_from: int | None = None  # first block skipped while loading
        self._pending: list[int] = []  # blocks still to paint, ascending
        self._pending_from: int | None = None  # and every block with spans from here on
        self._done: set[int] = set()  # painted early: the slices skip them
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._paint_slice)
        self._paused = QTimer(self)  # the slices' break while the analyst works
        self._paused.setSingleShot(True)
        self._paused.setInterval(PAUSE_MS)
        self._paused.timeout.connect(self._timer.start)

    def begin_load(self) -> None:
        """The next ``setPlainText`` paints only the first ``EAGER_UNITS`` at once."""
        self._timer.stop()
        self._paused.stop()
        self._loading, self._deferred_from = True, None
        self._pending, self._pending_from, self._done = [], None, set()

    def end_load(self) -> None:
        self._loading = False
        if self._deferred_from is not None:
            self.defer_from(self._deferred_from)

    def defer_from(self, block: int) -> None:
        """Paint every block with spans from ``block`` on, in slices after the next paint.

        The list is made in the first slice: it completes the span index, which can wait.
        """
        self._pending_from = block if self._pending_from is None else min(block, self._pending_from)
        self._timer.start()

    def paint_now(self, first: int, count: int) -> None:
        """Paint blocks ``[first, first + count)`` at once (those on screen)."""
        blocks = range(first, min(first + count, self.document().blockCount()))
        self.repaint(blocks)
        if self.catching_up:
            self._done.update(blocks)

    @property
    def catching_up(self) -> bool:
        return self._timer.isActive() or self._paused.isActive()

    def ensure_painted(self, first: int, count: int) -> None:
        """Paint now the waiting blocks in ``[first, first + count)`` (scrolled into view)."""
        if not self.catching_up:
            return
        self._resolve()
        lo = bisect_left(self._pending, first)
        hi = bisect_left(self._pending, first + count)
        now = [b for b in self._pending[lo:hi] if b not in self._done]
        self._done.update(now)
        self.repaint(now)

    def repaint(self, blocks: Iterable[int]) -> None:
        """Repaint only these blocks (one added span touches one or two)."""
        if self.catching_up:  # the analyst is working: the slices wait
            self._timer.stop()
            self._paused.start()
        document = self.document()
        for number in blocks:
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)

    def repaint_soon(self, blocks: Iterable[int], on_screen: range) -> None:
        """Repaint ``blocks``: those ``on_screen`` at once, the others in slices
        (an undo of thousands of spans would hold the window for a second)."""
        changed = set(blocks)
        later = sorted(b for b in changed if b not in on_screen)
        self.repaint([b for b in on_screen if b in changed])
        if later:
            self._done.difference_update(later)  # painted early, but changed since
            self._pending = sorted(set(self._pending) | set(later))
            if not self._timer.isActive():
                self._paused.start()  # the slices begin once the keys are quiet

    def _resolve(self) -> None:
        index = self._index()
        if self._pending_from is not None and index is not None:
            blocks = index.blocks_with_spans()
            rest = blocks[bisect_left(blocks, self._pending_from) :]
            self._pending = sorted(set(self._pending) | set(rest))
        self._pending_from = None

    def _paint_slice(self) -> None:
        deadline = time.perf_counter() + SLICE_SECONDS
        self._resolve()
        document = self.document()
        done = 0
        for number in self._pending:
            done += 1
            if number in self._done:
                continue
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)
            if time.perf_counter() > deadline:
                break
        del self._pending[:done]
        if not self._pending:
            self._timer.stop()
            self._paused.stop()
            self._done = set()

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
        if entries:
            self._paint_block(block, entries)

    def _paint_block(self, block: QTextBlock, entries: list[Entry]) -> None:
        raise NotImplementedError
