"""The open document: its text, offsets and spans, in step with the view and the Store.

``DocumentState`` loads a document (spans indexed in UTF-16 before the text
reaches Qt, so the highlighter paints it in one pass), applies changes the
Store has committed to the index, the painted blocks and the counts, and
announces each change once through its signals; the table, the palette and
the status bar follow.  ``Editor`` (editor.py) adds what the keys do.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.display_text import counted
from annotator.errors import InvalidSpanError, NotFoundError
from annotator.model import Document, HistoryEntry, Span
from annotator.offsets import OffsetMap
from annotator.store import Store

from .dialogs import DialogService
from .document_view import DocumentView, visible_blocks
from .highlighter import SpanHighlighter
from .sliced_painting import EAGER_UNITS
from .span_index import Entry, SpanIndex

SLICED_REPAINT_BLOCKS = 40  # beyond this many changed blocks, repaint those on screen first
# History actions that change only spans or links of their document (no title, text,
# done mark or other document): shown in place when that document is open.
SPAN_STEPS = frozenset(
    {"add_span", "add_spans", "update_span", "delete_span", "add_relation", "delete_relation"}
)
STEP_SPANS = 200  # an undo or redo touching more spans than this reads them all again
SCREEN_BLOCKS = 80  # blocks painted at once from the top of the view (more than a screen)


class DocumentState(QObject):
    """The open document's spans, kept in step with the Store, the view and the table."""

    opened = Signal(object, list)  # Document, its spans
    span_added = Signal(object)
    span_removed = Signal(object)
    span_changed = Signal(object, object)  # old Span, new Span
    spans_reset = Signal(list)
    counts_changed = Signal(int, dict)  # document id, {label: the analyst's count}
    current_changed = Signal(object)  # the Span chosen with Tab or the table
    analyst_changed = Signal(str)
    editable_changed = Signal()  # a layer became editable or read-only
    layers_changed = Signal(dict)  # {analyst: spans in the open document}, hidden ones too
    closed = Signal()  # no document open any more (it was deleted)
    retitled = Signal(object)  # the open Document, renamed
    status = Signal(str)  # saved state
    message = Signal(str)  # what just happened
    position = Signal(str)  # the caret, in code points

    def __init__(self, store: Store, analyst: str, view: DocumentView, dialogs: DialogService,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.store = store
        self.analyst = analyst
        self.view = view
        self.dialogs = dialogs
        self.document: Document | None = None
        self.offsets: OffsetMap | None = None
        self.index: SpanIndex | None = None
        self._counts: Counter[str] = Counter()
        self._layers: Counter[str] = Counter()  # spans per analyst, hidden layers too
        self.hidden: set[str] = set()  # analysts whose spans are neither painted nor listed
        self.unlocked: set[str] = set()  # other analysts' layers the analyst may edit
        # (span id, anchor, caret when chosen): see _current_entry
        self._current: tuple[str, int, int] | None = None
        colours = {label.name: label.color for label in store.schema.labels}
        self.highlighter = SpanHighlighter(
            view.document(), colours, lambda: self.index, self.can_edit
        )
        view.cursorPositionChanged.connect(self._caret_moved)
        # Blocks scrolled into view before the highlighter reached them are painted first.
        view.verticalScrollBar().valueChanged.connect(
            lambda _: self.highlighter.ensure_painted(
                view.firstVisibleBlock().blockNumber(), SCREEN_BLOCKS
            )
        )

    def open_document(self, document_id: int) -> None:
        # Tens of thousands of small objects are made here at once; without the
        # cyclic garbage collector's passes over them this is a third faster.
        gc_was_on = gc.isenabled()
        gc.disable()
        try:
            self._open(document_id)
        finally:
            if gc_was_on:
                gc.enable()

    def can_edit(self, annotator: str) -> bool:
        """The analyst's own layer, and layers unlocked with "Edit this layer"."""
        return annotator == self.analyst or annotator in self.unlocked

    def layer_counts(self) -> dict[str, int]:
        return {name: n for name, n in self._layers.items() if n}

    def set_hidden(self, hidden: set[str]) -> None:
        """Show only the layers not in ``hidden``: in the view, the table and Tab."""
        if hidden == self.hidden:
            return
        self.hidden = set(hidden)
        self._resync()

    def set_unlocked(self, name: str, editable: bool) -> None:
        if editable:
            self.unlocked.add(name)
        else:
            self.unlocked.discard(name)
        self._current = None
        self.highlighter.rehighlight()  # editable layers are drawn in full colour
        self.editable_changed.emit()

    def close_document(self) -> None:
        """Show nothing (the open document was deleted)."""
        self.document = self.offsets = self.index = None
        self._current = None
        self._counts, self._layers = Counter(), Counter()
        self.view.show_text("")
        self.closed.emit()
        self.layers_changed.emit({})

    def refresh_document(self) -> None:
        """Read the open document's record again (after a rename or its undo)."""
        if self.document is not None:
            self.document = self.store.document(self.document.id)
            self.retitled.emit(self.document)

    def _visible(self, spans: list[Span]) -> list[Span]:
        self._layers = Counter(s.annotator for s in spans)
        self._counts = Counter(s.label for s in spans if s.annotator == self.analyst)
        if not self.hidden:
            return spans
        return [s for s in spans if s.annotator not in self.hidden]

    def _open(self, document_id: int) -> None:
        doc = self.store.document(document_id)
        spans = self._visible(self.store.spans(document_id))
        offsets = OffsetMap(doc.text)
        # The index exists before the text reaches Qt, so the highlighter paints
        # the first screens during setPlainText; the rest follows after the first
        # paint, in slices (see highlighter.py).
        self.document, self.offsets = doc, offsets
        self.index = SpanIndex(doc.text, offsets, spans, eager_until=2 * EAGER_UNITS)
        self._current = None
        self.highlighter.begin_load()
        self.view.show_text(doc.text, doc.text_sha256)
        self.highlighter.end_load()
        if self.view.document().characterCount() - 1 != offsets.utf16_length:
            self.dialogs.error(
                "Cannot show this article",
                "Qt changed the text while loading it, so offsets would be wrong.",
            )
        self.opened.emit(doc, spans)
        self.layers_changed.emit(self.layer_counts())
        self._caret_moved()  # the caret is at 0 whether or not it moved
        self._emit_counts()
        self.status.emit(f"All saved · {counted(self._total(), 'span')}")

    def select_span(self, span_id: str) -> None:
        """Select a span's text in the view (from Tab, or a click in the table)."""
        entry = self.index.entry(span_id) if self.index is not None else None
        if entry is None:
            return
        self.view.select_range(entry.start, entry.end)
        self._choose(entry.span, entry.end)

    def reload(self, spans: list[Span] | None = None) -> None:
        """Bring the open document's spans back in step with the Store (``spans``:
        all of them, just read, if the caller has them)."""
        if self._resync(spans):
            self._saved()

    def stored(self, *, added: Iterable[Span] = (), removed: Iterable[Span] = ()) -> None:
        """Spans just added to or deleted from the Store by another part of the window
        (an accepted or rejected suggestion): the index, table and counts follow without
        reading the document's spans again (with a layer hidden, they are read again)."""
        if self.document is None or self.index is None:
            return
        added, removed = list(added), list(removed)
        pairs: list[tuple[Span | None, Span | None]] = [(span, None) for span in removed]
        pairs += [(self._shown(span.id), span) for span in added]
        self._follow(pairs, {s.annotator for s in added + removed})

    def is_span_step(self, entry: HistoryEntry) -> bool:
        """Whether undoing or redoing ``entry`` changes only the open document's spans:
        the window then follows it in place (``after_step``), and the document list and
        the layers' totals through the counts, without reading every document again."""
        return (self.document is not None and entry.document_id == self.document.id
                and entry.action in SPAN_STEPS)  # fmt: skip

    def after_step(self, entry: HistoryEntry, spans: list[Span] | None = None) -> None:
        """An undo or redo of ``entry`` changed the open document: update only the
        spans its states name (a small step costs what a tag does); a big step, one
        whose spans the worker read (``spans``), or one touching a hidden layer
        reloads them all."""
        if self.document is None or self.index is None:
            return
        rows = [r for state in (entry.before, entry.after) for r in (state or {}).get("spans", [])]
        ids = list(dict.fromkeys(r["id"] for r in rows))
        if spans is not None or len(ids) > STEP_SPANS or not rows:
            self.reload(spans)
            return
        found: dict[str, tuple[Span | None, Span | None]] = {}
        for span_id in ids:
            try:
                new: Span | None = self.store.span(span_id)
            except (NotFoundError, InvalidSpanError):  # gone, or an orphan of an earlier text
                new = None
            found[span_id] = (self._shown(span_id), new)
        touched = {r.get("annotator") for r in rows} | {n.annotator for _, n in found.values() if n}
        self._follow(list(found.values()), touched)

    def _shown(self, span_id: str) -> Span | None:
        entry = self.index.entry(span_id) if self.index is not None else None
        return entry.span if entry is not None else None

    def _follow(self, pairs: list[tuple[Span | None, Span | None]], layers: set[Any]) -> None:
        """Bring the index, table and counts from each ``old`` span to its ``new`` one
        (None: not there); a change in a hidden layer reads everything again (the
        hidden layers' counts come from a full read)."""
        assert self.document is not None
        if layers & self.hidden:
            self.reload()
            return
        fresh: list[Span] = []  # added all at once: one repaint, one table reset if many
        for old, new in pairs:
            if old == new:
                continue
            if new is None or new.document_id != self.document.id:
                if old is not None:
                    self._removed(old)
            elif old is None:
                fresh.append(new)
            elif old.annotator != new.annotator:
                self._removed(old)
                fresh.append(new)
            else:
                self._changed(old, new)
        if fresh:
            self._added(fresh)
        self._saved()

    def _resync(self, spans: list[Span] | None = None) -> bool:
        if self.document is None or self.index is None:
            return False
        spans = self._visible(spans if spans is not None else self.store.spans(self.document.id))
        new = {s.id: s for s in spans}
        stale = [e.span.id for e in self.index.entries() if new.get(e.span.id) != e.span]
        blocks = self.index.remove_many(stale) | self.index.add_many(spans)
        self._repaint(blocks)
        self.spans_reset.emit(spans)
        self._emit_counts()
        self.layers_changed.emit(self.layer_counts())
        return True

    def _added(self, spans: Iterable[Span]) -> None:
        assert self.index is not None
        spans = list(spans)
        blocks: set[int] = set()
        for span in spans:
            self._layers[span.annotator] += 1
            if span.annotator == self.analyst:
                self._counts[span.label] += 1
        spans = [s for s in spans if s.annotator not in self.hidden]
        for span in spans:
            blocks.update(self.index.add(span))
        self._repaint(blocks)
        if len(spans) > 50:  # one reset beats thousands of row inserts
            self.spans_reset.emit([e.span for e in self.index.entries()])
        else:
            for span in spans:
                self.span_added.emit(span)
        self._emit_counts()
        self.layers_changed.emit(self.layer_counts())

    def _removed(self, span: Span) -> None:
        assert self.index is not None
        self._repaint(self.index.remove(span.id))
        self._layers[span.annotator] -= 1
        if span.annotator == self.analyst:
            self._counts[span.label] -= 1
        self.span_removed.emit(span)
        self._emit_counts()
        self.layers_changed.emit(self.layer_counts())

    def _changed(self, old: Span, new: Span) -> None:
        assert self.index is not None
        blocks = set(self.index.remove(old.id)) | set(self.index.add(new))
        self._repaint(blocks)
        if old.annotator == self.analyst:
            self._counts[old.label] -= 1
            self._counts[new.label] += 1
        self.span_changed.emit(old, new)
        self._emit_counts()

    def _repaint(self, blocks: Iterable[int]) -> None:
        blocks = sorted(set(blocks))
        if len(blocks) > SLICED_REPAINT_BLOCKS:  # those on screen now, the rest in slices
            self.highlighter.repaint_soon(blocks, visible_blocks(self.view))
        else:
            self.highlighter.rehighlight_blocks(blocks)

    def _current_entry(self) -> Entry | None:
        # The chosen span counts only while the selection has not changed since:
        # a selection made again, even of the same text, is a new one.
        if self._current is None or self.index is None or self._current[1:] != self._ends():
            return None
        return self.index.entry(self._current[0])

    def _choose(self, span: Span, caret: int) -> None:
        self._current = (span.id, self.view.textCursor().anchor(), caret)
        self.current_changed.emit(span)

    def _ends(self) -> tuple[int, int]:
        cursor = self.view.textCursor()
        return cursor.anchor(), cursor.position()

    def _caret_moved(self) -> None:
        if self._current is not None and self._current[1:] != self._ends():
            self._current = None  # coming back to the same place is no choice
        if self.offsets is None or self.index is None:
            return
        pos = self.view.caret()
        cp = self.offsets.to_codepoint(pos, snap="down")
        # The span the keys act on: the one chosen with Tab, else the analyst's own
        # (as the attribute form shows it), else another layer's.
        inside = self.index.at(pos)
        chosen = self._current_entry()
        mine = [e for e in inside if e.span.annotator == self.analyst]
        first = chosen or next(iter(mine or inside), None)
        more = f" (+{len(inside) - 1} more)" if len(inside) > 1 else ""
        where = f" · in {first.span.label} ({first.span.annotator}){more}" if first else ""
        self.position.emit(f"Offset {cp:,} of {self.offsets.length:,}{where}")

    def _total(self) -> int:
        return sum(self._counts.values())

    def _emit_counts(self) -> None:
        if self.document is not None:
            self.counts_changed.emit(self.document.id, dict(self._counts))

    def _saved(self) -> None:
        self.status.emit(f"Saved {time.strftime('%H:%M:%S')} · {counted(self._total(), 'span')}")
