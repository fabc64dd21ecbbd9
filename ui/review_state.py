"""The open review: its session, the panes' span indexes and marks, in step with the Store.

Opening small layers is done at once, so the first paint already shows the
spans, the marks and the table.  Layers with more than ``BACKGROUND_SPANS``
spans are read and compared by a job on its own connection while the panes
show the text; the spans, the marks and the table arrive together, the
visible blocks are painted at once and the rest in slices; the agreement is
measured by a second job after that first paint, so the two never compete.
``ReviewController`` (review_controller.py) adds what the keys do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QObject, Signal

from annotator.adjudication import ReviewSession, read_review
from annotator.agreement import document_agreement
from annotator.display_text import counted
from annotator.errors import AnnotatorError
from annotator.offsets import OffsetMap
from annotator.review import Pair
from annotator.store import Store

from .commands import History
from .document_view import visible_blocks
from .review_jobs import JobKeeper, PreparedReview, gc_paused, measuring, prepare, reading
from .review_panes import AGREES, ReviewHighlighter, marks_of
from .span_index import SpanIndex
from .workers import JobRunner

if TYPE_CHECKING:
    from .review_view import ReviewWindow

BACKGROUND_SPANS = 2_000  # above this many spans in A and B together, work off the GUI thread
BACKGROUND_REQUESTS = 200  # "accept all matches" of more pairs runs in a job (~40 ms here)
BACKGROUND_CHARS = 100_000  # measuring agreement over a longer text runs in a job too
SCREEN_BLOCKS = 80  # blocks painted at once around the top of a pane


class ReviewState(QObject):
    """One review at a time: a document, layers A and B, and the gold layer."""

    message = Signal(str)  # what just happened, for the status bar
    busy = Signal(str)  # a progress text while working; "" when done
    compared = Signal()  # the pairs are in the table and marked in the panes
    measured = Signal()  # the agreement numbers are shown
    gold_changed = Signal(int)  # a decision, an undo or a redo changed this document's gold

    background_spans = BACKGROUND_SPANS  # tests lower these to take the threaded paths
    background_requests = BACKGROUND_REQUESTS

    def __init__(
        self, window: ReviewWindow, store: Store, reviewer: str, history: History | None = None
    ) -> None:
        super().__init__(window)
        self.w = window
        self.store = store
        self.session: ReviewSession | None = None
        self.offsets: OffsetMap | None = None
        self.index_a: SpanIndex | None = None
        self.index_b: SpanIndex | None = None
        self.result: dict[str, Any] | None = None
        self._marks: dict[str, int] = {}
        self._generation = 0
        self._last: tuple[int, str, str, str] | None = None
        self._unpainted: set[str] = set()  # panes to paint before measuring starts
        self.keep: tuple[str | None, str | None] | None = None  # the pair to select once open
        self.keep_relation: tuple[str | None, str | None] | None = None  # or the relations
        # Shared with the main window (which follows its analyst), or the review's own.
        self.own_history = history is None
        self.history = history or History(store, reviewer, window.dialogs.service, self)
        self.jobs = JobKeeper(self)
        self.writers = JobRunner(self)
        colours = {label.name: label.color for label in store.schema.labels}
        self.highlighters = [
            ReviewHighlighter(window.left.document(), colours, lambda: self.index_a, self.mark),
            ReviewHighlighter(window.right.document(), colours, lambda: self.index_b, self.mark),
        ]
        for pane, highlighter in zip((window.left, window.right), self.highlighters, strict=True):
            # Blocks scrolled into view before their turn are painted first.
            pane.verticalScrollBar().valueChanged.connect(
                lambda _v, p=pane, h=highlighter: h.ensure_painted(
                    p.firstVisibleBlock().blockNumber(), SCREEN_BLOCKS)
            )  # fmt: skip
        window.left.painted.connect(lambda: self._painted("left"))
        window.right.painted.connect(lambda: self._painted("right"))

    @property
    def reviewer(self) -> str:
        return self.history.analyst

    def set_reviewer(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        if self.own_history and name != self.reviewer:
            self.history.set_analyst(name)
        if self.session is not None:
            self.session.reviewer = name

    def mark(self, span_id: str) -> int:
        return self._marks.get(span_id, AGREES)

    @property
    def reviewed_document(self) -> int | None:
        """The document the review shows (or is opening), if any."""
        return self._last[0] if self._last is not None else None

    @property
    def loading(self) -> bool:
        return self.session is None and self._last is not None and self.jobs.busy

    # -- opening ---------------------------------------------------------------------

    def open(self, document_id: int, a: str, b: str, gold: str) -> bool:
        """Open a review; big layers arrive from a job (``compared`` says when)."""
        self._generation += 1
        self._last = (document_id, a, b, gold)
        try:
            with gc_paused():
                return self._open(document_id, a, b, gold)
        except AnnotatorError as exc:
            for pane in (self.w.left, self.w.right):
                pane.clear()  # no stale article under an empty table
            self.w.dialogs.error("Cannot open the review", str(exc))
            return False

    def clear(self) -> None:
        """No review: empty panes, table and numbers (a job still running is dropped)."""
        self._generation += 1
        self._last = None
        self._reset()
        for pane in (self.w.left, self.w.right):
            pane.clear()
        self.w.show_counts()
        self.w.show_gold_state()

    def _reset(self) -> None:
        self.session, self.result, self._marks = None, None, {}
        self.index_a = self.index_b = None
        self._unpainted = set()
        self.w.model.reset(None)  # nothing of the review before stays on show
        self.w.show_numbers(None, {})
        self.busy.emit("")  # a job of the review before may still run: its result is dropped

    def _open(self, document_id: int, a: str, b: str, gold: str) -> bool:
        self._reset()
        size = self.store.layer_sizes(document_id, (a, b))
        if gold in (a, b):
            raise AnnotatorError(f"the gold layer {gold!r} cannot be layer A or B: rename it")
        options = {"a": a, "b": b, "gold": gold, "reviewer": self.reviewer}
        if sum(size.values()) <= self.background_spans:
            data = read_review(self.store, document_id, a, b, gold=gold)
            self._install(prepare(self.store, data, **options), load=True)
            self._measure(self._generation)
            return True
        # The job starts first: it reads, compares and indexes while the panes take the text.
        work = reading(self.store.path, self.store, document_id, **options)
        self.jobs.start(self._generation, work, self._on_read, self._on_failed)
        self.busy.emit(f"Comparing {counted(sum(size.values()), 'span')}…")
        document = self.store.document(document_id)
        self.offsets = OffsetMap(document.text)
        for pane, highlighter in self._pairs_of_panes():
            highlighter.begin_load()
            pane.show_text(document.text)  # the text now, the spans with the pairs
            highlighter.end_load()
        return True

    def _on_read(self, generation: int, prepared: PreparedReview) -> None:
        if generation != self._generation:
            return
        with gc_paused():
            self._install(prepared, load=False)
        self.busy.emit("Measuring agreement…")
        # Measuring waits for both panes' paint: with the job running, every Python call
        # of the painting would wait for the GIL.
        self._unpainted = {"left", "right"}

    def _install(self, prepared: PreparedReview, *, load: bool) -> None:
        """Take a prepared review: paint the panes and fill the table."""
        self.session = session = prepared.session
        self.offsets, self._marks = prepared.offsets, prepared.marks
        self.index_a, self.index_b = prepared.index_a, prepared.index_b
        if load:  # the first screens are painted during setPlainText, the rest in slices
            for pane, highlighter in self._pairs_of_panes():
                highlighter.begin_load()
                pane.show_text(session.document.text)
                highlighter.end_load()
        self.w.model.reset(session)
        self.w.show_counts()
        self.w.show_gold_state()
        self.w.review_opened()  # selects the first pair: the panes scroll to it
        if not load:  # the text is there: paint what is on screen now, the rest in slices
            for pane, highlighter in self._pairs_of_panes():
                highlighter.defer_from(0)
                shown = visible_blocks(pane)
                highlighter.paint_now(shown.start, len(shown))
        self.compared.emit()

    def _painted(self, side: str) -> None:
        if side in self._unpainted:
            self._unpainted.discard(side)
            if not self._unpainted:
                self._measure(self._generation)

    def _measure(self, generation: int) -> None:
        session = self.session
        if session is None:
            return
        labels = self.store.schema.label_names
        text, spans_a, spans_b = session.document.text, session.spans_a, session.spans_b
        # Tokens cost as much as spans: a long article is measured in a job even with few.
        if len(spans_a) + len(spans_b) <= self.background_spans and len(text) <= BACKGROUND_CHARS:
            self._on_measured(generation, document_agreement(text, spans_a, spans_b, labels))
            return
        self.jobs.start(generation, measuring(text, spans_a, spans_b, labels),
                        self._on_measured, self._on_failed)  # fmt: skip

    def _on_measured(self, generation: int, result: dict[str, Any]) -> None:
        if generation != self._generation or self.session is None:
            return
        self.result = result
        self.w.show_numbers(result, self.session.counts())
        self.busy.emit("")
        self.measured.emit()

    def _on_failed(self, generation: int, error: str) -> None:
        if generation == self._generation:
            self.busy.emit("")
            self.w.dialogs.error("Cannot compare the layers", error)

    def wait(self) -> None:
        """Let running jobs finish (the window is closing)."""
        self._generation += 1
        self.jobs.wait_all()
        self.writers.wait_all()
        if self.own_history:  # a shared one belongs to the main window, which waits for it
            self.history.jobs.wait_all()

    # -- marks -------------------------------------------------------------------------

    def remark(self, pairs: Iterable[Pair]) -> None:
        """Bring the marks of these pairs' spans in step with their decisions."""
        assert self.session is not None
        marks = marks_of(pairs, self.session)
        changed = {i: m for i, m in marks.items() if self._marks.get(i) != m}
        self._marks.update(changed)
        for (_, highlighter), index in zip(self._pairs_of_panes(), (self.index_a, self.index_b),
                                           strict=True):  # fmt: skip
            blocks: set[int] = set()
            for span_id in changed:
                entry = index.entry(span_id) if index is not None else None
                if entry is not None:
                    blocks.update(index.blocks_of(entry))  # type: ignore[union-attr]
            highlighter.repaint(sorted(blocks))

    def _pairs_of_panes(self) -> list[tuple[Any, ReviewHighlighter]]:
        return list(zip((self.w.left, self.w.right), self.highlighters, strict=True))

    # -- the current row -------------------------------------------------------------

    def current_row(self) -> int | None:
        """The session row of the table's current row."""
        index = self.w.table.currentIndex()
        if not index.isValid() or self.session is None or not self.session.row_count:
            return None
        return self.w.model.session_row(index.row())

    def select_row(self, session_row: int) -> None:
        view_row = self.w.model.view_row(session_row)
        if view_row is None:
            return
        index = self.w.model.index(view_row, 0)
        self.w.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.w.table.scrollTo(index)

    def show_pair(self, session_row: int) -> None:
        """Select the pair's spans in both panes and scroll them into view; for a
        relation row, select each side's from-end and frame both ends."""
        if self.session is None or self.offsets is None:
            return
        if self.session.relation_at(session_row) is not None:
            self._show_relation(session_row)
            return
        pair = self.session.pairs[session_row]
        to16 = self.offsets.to_utf16
        for pane, span in ((self.w.left, pair.a), (self.w.right, pair.b)):
            pane.mark_ends(())
            if span is not None:
                pane.select_range(to16(span.start), to16(span.end))
            else:
                pane.place_caret(to16(pair.start))
        self._centre(self.w.left if pair.a is not None else self.w.right)

    def _show_relation(self, session_row: int) -> None:
        assert self.session is not None and self.offsets is not None
        session, to16 = self.session, self.offsets.to_utf16
        pair = session.relation_at(session_row)
        assert pair is not None
        shown = pair.a or pair.b
        assert shown is not None
        for pane, rel in ((self.w.left, pair.a), (self.w.right, pair.b)):
            ends = [session.span_of(i) for i in ((rel or shown).from_span, (rel or shown).to_span)]
            ranges = [(to16(s.start), to16(s.end)) for s in ends if s is not None]
            if rel is not None and ranges:
                pane.mark_ends(ranges)
                pane.select_range(*ranges[0])
            else:  # the other analyst has no such relation: only where it would be
                pane.mark_ends(())
                pane.place_caret(ranges[0][0] if ranges else 0)
        self._centre(self.w.left if pair.a is not None else self.w.right)

    def _centre(self, first: Any) -> None:
        first.centerCursor()  # the other pane follows the scroll
        for pane in (self.w.left, self.w.right):
            if not pane.viewport().rect().contains(pane.cursorRect()):
                pane.ensureCursorVisible()
