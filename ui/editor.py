"""What the analyst's keys do to the open document: tag, relabel, delete, move.

The ``Editor`` is where the window meets the Store.  Every change is committed
by the Store before the handler returns (one short transaction); then
``DocumentState`` brings the index, the painted blocks, the table and the
counts along.  Qt's UTF-16 positions become code points here, through the
document's ``OffsetMap``, and nowhere else.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from annotator.errors import AnnotatorError
from annotator.model import HistoryEntry, Span
from annotator.store import Store

from .commands import History, short_text
from .dialogs import DialogService
from .document_state import DocumentState
from .document_view import DocumentView
from .snapping import snap_to_words
from .span_index import Entry
from .workers import JobRunner


class Editor(DocumentState):
    """Tagging, relabelling, deleting, notes, moving between spans, undo and redo."""

    def __init__(self, store: Store, analyst: str, view: DocumentView, dialogs: DialogService,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(store, analyst, view, dialogs, parent)
        self.history = History(store, analyst, dialogs, self)
        self.history.applied.connect(self._after_history)
        self.history.message.connect(self.message)
        self.jobs = JobRunner(self)

    def tag(self, label: str, *, exact: bool = False) -> None:
        """Tag the selection, or relabel the analyst's span at the caret."""
        if not self._ready():
            return
        assert self.index is not None and self.offsets is not None and self.document is not None
        start16, end16 = self.view.selection()
        current = self._current_entry()
        if current is not None and (current.start, current.end) == (start16, end16):
            self._relabel(current, label)  # a span chosen with Tab or the table
            return
        if start16 == end16:
            target = self._target()
            if target is not None:
                self._relabel(target, label)
            else:
                self.message.emit(self._why_no_target("Select text first, then press a label key"))
            return
        if not exact:
            start16, end16 = snap_to_words(self.view.document(), start16, end16)
        if start16 >= end16:
            self.message.emit("Nothing to tag: the selection is only spaces")
            return
        same = self.index.same_range(start16, end16)
        if any(e.span.label == label and e.span.annotator == self.analyst for e in same):
            self.message.emit(f"Already tagged {label}")
            return
        doc_id, analyst = self.document.id, self.analyst
        start = self.offsets.to_codepoint(start16, snap="down")
        end = self.offsets.to_codepoint(end16, snap="up")
        span = self._call(
            "Cannot tag", lambda: self.store.add_span(doc_id, start, end, label, annotator=analyst)
        )
        if span is None:
            return
        self._added([span])
        self.history.record(f"Tag {label} “{short_text(span.text)}”")
        self.view.place_caret(end16)  # collapsed: the next key relabels, never duplicates
        self._choose(span, end16)
        self._saved()

    def delete(self) -> None:
        """Delete the analyst's span at the caret (the innermost; again for the next)."""
        if not self._ready():
            return
        target = self._target()
        if target is None:
            self.message.emit(self._why_no_target("No span of yours at the caret"))
            return
        span = target.span
        if self._call("Cannot delete", lambda: self.store.delete_span(span.id, by=self.analyst)):
            self._removed(span)
            self._current = None
            self.history.record(f"Delete {span.label} “{short_text(span.text)}”")
            self._saved()

    def edit_note(self, span: Span, note: str) -> Span | None:
        """Store a note on one of the analyst's spans (from the table)."""
        new = self._call(
            "Cannot save the note",
            lambda: self.store.update_span(span.id, note=note, by=self.analyst),
        )
        if new is not None:
            self._changed(span, new)
            self.history.record(f"Note on {span.label} “{short_text(span.text)}”")
            self._saved()
        return new  # type: ignore[no-any-return]

    def add_many(self, ranges: list[tuple[int, int]], label: str, *, background: bool) -> None:
        """Tag code point ranges with ``label`` as ONE undo step (search's "Tag all")."""
        assert self.document is not None
        doc_id, analyst = self.document.id, self.analyst
        rows = [{"start": s, "end": e, "label": label, "annotator": analyst} for s, e in ranges]
        text = f"Tag all: {len(rows)} × {label}"

        def done(spans: list[Span]) -> None:
            if self.document is not None and self.document.id == doc_id:
                self._added(spans)
            if self.analyst == analyst:  # else it is in that analyst's history only
                self.history.record(text)
            self.message.emit(f"Tagged {len(spans)} matches as {label}")
            self._saved()

        if not background:
            spans = self._call(
                "Cannot tag all", lambda: self.store.add_spans(doc_id, rows, by=analyst)
            )
            if spans is not None:
                done(spans)
            return
        self.message.emit(f"Tagging {len(rows):,} matches as {label}…")
        # Off the GUI thread, on its own connection: the window stays responsive.
        self.jobs.start(
            self.store.path,
            lambda store: store.add_spans(doc_id, rows, by=analyst),
            done,
            lambda error: self.dialogs.error("Cannot tag all", error),
        )

    def select_next(self, *, backwards: bool = False) -> None:
        if self.index is None:
            return
        current = self._current_entry()
        caret = self.view.caret()
        key = current.key if current is not None else (caret, caret, "")
        entry = self.index.previous_before(key) if backwards else self.index.next_after(key)
        if entry is None:
            self.message.emit("No spans in this document yet")
            return
        self.select_span(entry.span.id)

    def set_analyst(self, name: str) -> None:
        name = name.strip()
        if not name or name == self.analyst:
            return
        self.analyst = name
        self.history.set_analyst(name)
        self._current = None
        if self.index is not None:
            self._counts = Counter(e.span.label for e in self.index.entries()
                                   if e.span.annotator == name)  # fmt: skip
            self.highlighter.rehighlight()  # whose spans are full colour changed everywhere
            self._emit_counts()
            self.status.emit(f"All saved · {self._total()} spans")
        self.analyst_changed.emit(name)
        self.message.emit(f"Now annotating as {name}")

    def undo(self) -> None:
        # No open document needed: the change undone may be in any of them.
        if not self._busy():
            self.history.undo()

    def redo(self) -> None:
        if not self._busy():
            self.history.redo()

    def _after_history(self, entry: HistoryEntry, direction: str) -> None:
        if entry.document_id is None:
            return
        if self.document is None or entry.document_id != self.document.id:
            self.open_document(entry.document_id)  # show where the change happened
        else:
            self.reload()
        state = entry.before if direction == "undo" else entry.after
        rows = (state or {}).get("spans") or (entry.after or entry.before or {}).get("spans") or []
        if rows and self.offsets is not None:
            self.view.place_caret(self.offsets.to_utf16(min(r["start"] for r in rows)))
            self.view.ensureCursorVisible()

    def _relabel(self, entry: Entry, label: str) -> None:
        old = entry.span
        if old.annotator != self.analyst:
            self.message.emit(f"That span is {old.annotator}'s: it is read-only for you")
            return
        if old.label == label:
            self.message.emit(f"Already {label}")
            return
        new = self._call(
            "Cannot relabel", lambda: self.store.update_span(old.id, label=label, by=self.analyst)
        )
        if new is not None:
            self._changed(old, new)
            self.history.record(f"Relabel “{short_text(old.text)}” {old.label} → {label}")
            self._saved()

    def _target(self) -> Entry | None:
        """The analyst's span that a relabel or Delete acts on, if any."""
        current = self._current_entry()
        if current is not None and current.span.annotator == self.analyst:
            return current
        assert self.index is not None
        start, end = self.view.selection()
        own = [e for e in self.index.at(start, annotator=self.analyst) if e.end >= end]
        return own[0] if own else None

    def _why_no_target(self, default: str) -> str:
        assert self.index is not None
        others = self.index.at(self.view.caret())
        if others:
            return f"That span is {others[0].span.annotator}'s: it is read-only for you"
        return default

    def _ready(self) -> bool:
        if self.document is None:
            self.message.emit("Open a document first")
            return False
        return not self._busy()

    def _busy(self) -> bool:
        if self.jobs.busy:
            self.message.emit("Still tagging all matches: one moment")
        return self.jobs.busy

    def _call(self, title: str, work: Callable[[], Any]) -> Any:
        """Run one Store change; an error becomes one dialog, and nothing changed."""
        try:
            result = work()
        except AnnotatorError as exc:
            self.dialogs.error(title, str(exc))
            return None
        except sqlite3.OperationalError as exc:
            self.dialogs.error(title, f"The database could not be written ({exc}): try again.")
            return None
        return True if result is None else result
