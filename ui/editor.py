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

from annotator.display_text import counted, with_count
from annotator.errors import (
    AnnotatorError,
    NotFoundError,
    TextChangedError,
    sqlite_error_line,
)
from annotator.model import SUGGEST, HistoryEntry, Span
from annotator.store import Store
from annotator.word_edges import exact_range

from .boundaries import next_stop, previous_stop
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
        self.jobs = JobRunner(self)  # Tag all, and big undos and redos (History)
        self.history = History(store, analyst, dialogs, self, jobs=self.jobs)
        self.history.message.connect(self.message)
        # Why span changes must wait now ("" when they need not): linking adds one.
        # The history (shared with the review window) asks the same.
        self.guards: list[Callable[[], str]] = self.history.guards

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
        # Only a new span shows a hidden own layer: a relabel, like Delete, acts on what is seen.
        self.show_own_layer()
        assert self.index is not None
        if not exact:
            start16, end16 = snap_to_words(self.view.document(), start16, end16)
        if start16 >= end16:
            self.message.emit("Nothing to tag: the selection is only spaces")
            return
        start = self.offsets.to_codepoint(start16, snap="down")
        end = self.offsets.to_codepoint(end16, snap="up")
        if exact:  # exact, but never a letter without its accent, nor half an emoji
            found = exact_range(self.document.text, start, end)
            if found is None:  # spaces alone mark nothing
                self.message.emit("Nothing to tag: the selection is only spaces")
                return
            start, end = found
            start16, end16 = self.offsets.to_utf16(start), self.offsets.to_utf16(end)
        same = self.index.same_range(start16, end16)
        if any(e.span.label == label and e.span.annotator == self.analyst for e in same):
            self.message.emit(f"Already tagged {label}")
            return
        doc_id, analyst, seen = self.document.id, self.analyst, self.document.text_sha256
        span = self.call(
            "Cannot tag",
            lambda: self.store.add_span(doc_id, start, end, label, annotator=analyst, seen=seen),
        )
        if span is None:
            return
        self._added([span])
        self.history.record(f"Tag {label} “{short_text(span.text)}”")
        self.view.place_caret(end16)  # collapsed: the next key relabels, never duplicates
        self._choose(span, end16)
        self._saved()

    def delete(self) -> None:
        """Delete the editable span at the caret (the innermost; again for the next)."""
        target = self._target_or_say("No span of yours at the caret")
        if target is None:
            return
        span = target.span
        if self.call("Cannot delete", lambda: self.store.delete_span(span.id, by=self.analyst)):
            self._removed(span)
            self._current = None
            self.history.record(f"Delete {span.label} “{short_text(span.text)}”")
            self._saved()

    def edit_note_at_caret(self) -> None:
        """N: a small note editor for the editable span at the caret."""
        target = self._target_or_say("Put the caret in one of your spans first")
        if target is None:
            return
        span = target.span
        note = self.dialogs.text(
            "Note", f"Note on {span.label} “{short_text(span.text)}”:", span.note or "",
            multiline=True,
        )  # fmt: skip
        if note is not None and note != (span.note or ""):
            self.edit_note(span, note)

    def edit_note(self, span: Span, note: str) -> Span | None:
        """Store a note on an editable span (from the table or the N key); a note of
        spaces alone is none."""
        if not note.strip():
            note = ""
            if not span.note:
                return span
        new = self.call(
            "Cannot save the note",
            lambda: self.store.update_span(span.id, note=note, by=self.analyst),
        )
        if new is not None:
            self._changed(span, new)
            self.history.record(f"Note on {span.label} “{short_text(span.text)}”")
            self._saved()
        return new  # type: ignore[no-any-return]

    def show_own_layer(self) -> None:
        """Show the analyst's layer if hidden: tagging into it would look like nothing
        (and what is already there must be seen to be left alone)."""
        if self.analyst in self.hidden:
            self.set_hidden(self.hidden - {self.analyst})

    def add_many(
        self, ranges: list[tuple[int, int]], label: str, *, background: bool, aside: str = ""
    ) -> None:
        """Tag code point ranges with ``label`` as ONE undo step (search's "Tag all");
        ``aside`` ends the message that says how many were tagged."""
        assert self.document is not None
        doc_id, analyst, seen = self.document.id, self.analyst, self.document.text_sha256
        rows = [{"start": s, "end": e, "label": label, "annotator": analyst} for s, e in ranges]
        text = f"Tag all: {len(rows)} × {label}"

        def done(spans: list[Span]) -> None:
            if self.document is not None and self.document.id == doc_id:
                self._added(spans)
            if self.analyst == analyst:  # else it is in that analyst's history only
                self.history.record(text)
            tagged = with_count("{n} match{|es}", len(spans))
            self.message.emit(f"Tagged {tagged} as {label}" + (f"; {aside}" if aside else ""))
            self._saved()

        if not background:
            spans = self.call(
                "Cannot tag all", lambda: self.store.add_spans(doc_id, rows, by=analyst, seen=seen)
            )
            if spans is not None:
                done(spans)
            return
        self.message.emit(f"Tagging {len(rows):,} matches as {label}…")
        # Off the GUI thread, on its own connection: the window stays responsive.
        self.jobs.start(
            self.store.path,
            lambda store: store.add_spans(doc_id, rows, by=analyst, seen=seen),
            done,
            lambda error: self.dialogs.error("Cannot tag all", error),
            doing="tagging all matches",
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

    def move_edge(self, edge: str, step: int) -> None:
        """Move the start or end of the span at the caret to the next word edge.

        ``step`` +1 moves right, -1 left; word edges are Unicode word boundaries
        (``QTextBoundaryFinder``), and the span keeps at least one character.
        """
        target = self._target_or_say("Put the caret in one of your spans first")
        if target is None:
            return
        document = self.view.document()
        find = next_stop if step > 0 else previous_stop
        pos = find(document, target.end if edge == "end" else target.start, edge)
        if pos is None:
            self.message.emit("No word further that way")
            return
        start16, end16 = (target.start, pos) if edge == "end" else (pos, target.end)
        if start16 >= end16:
            self.message.emit("A span keeps at least one word: Delete removes it")
            return
        self.set_span_range(target.span, start16, end16)

    def set_span_range(self, span: Span, start16: int, end16: int) -> None:
        """Give ``span`` the UTF-16 range ``[start16, end16)``: one update, one undo step."""
        assert self.offsets is not None and self.index is not None and self.document is not None
        start = self.offsets.to_codepoint(start16, snap="down")
        end = self.offsets.to_codepoint(end16, snap="up")
        # Whole characters, no space at either end, as a span tagged by hand.
        found = exact_range(self.document.text, start, end) if start < end else None
        if found is None or found == (span.start, span.end):
            return
        start, end = found
        if self._twin(span, self.offsets.to_utf16(start), self.offsets.to_utf16(end), span.label):
            self.message.emit(f"Already tagged {span.label} there: the span stays as it was")
            return
        seen = self.document.text_sha256
        new = self.call(
            "Cannot change the span",
            lambda: self.store.update_span(span.id, start=start, end=end, by=self.analyst,
                                           seen=seen),  # fmt: skip
        )
        if new is None:
            return
        self._changed(span, new)
        self.history.record(f"Resize {new.label} to “{short_text(new.text)}”")
        entry = self.index.entry(new.id)
        if entry is not None:  # stays chosen: the next key moves the same span again
            self.view.select_range(entry.start, entry.end)
            self._choose(new, entry.end)
        self._saved()

    def set_analyst(self, name: str) -> bool:
        """Annotate as ``name`` from now on; False (and why) while a job runs."""
        name = name.strip()
        if not name or name == self.analyst:
            return True
        if self.busy():  # its history steps are the current analyst's
            return False
        if name == SUGGEST:
            self.message.emit(f"“{SUGGEST}” is the layer of machine suggestions: choose another"
                              " name")  # fmt: skip
            return False
        self.analyst = name
        self.unlocked = set()
        self.history.set_analyst(name)
        self._current = None
        if self.document is not None:
            spans = self.store.spans(self.document.id, annotator=name)
            self._counts = Counter(s.label for s in spans)
            self.highlighter.rehighlight()  # whose spans are full colour changed everywhere
            self._emit_counts()
            self.status.emit(f"All saved · {counted(self._total(), 'span')}")
        self.analyst_changed.emit(name)
        self.message.emit(f"Now annotating as {name}")
        return True

    def undo(self) -> None:
        # No open document needed: the change undone may be in any of them.
        self.history.undo()  # it waits for a running job, and while linking

    def redo(self) -> None:
        self.history.redo()

    def after_history(self, entry: HistoryEntry, direction: str) -> None:
        """Show where an undo or redo happened, or close a document it deleted."""
        if entry.document_id is None:
            return
        is_open = self.document is not None and entry.document_id == self.document.id
        try:
            # A new (or the old) text moved every offset: reopen, or old spans paint on it.
            if not is_open or entry.action == "replace_text":
                self.open_document(entry.document_id)  # show where the change happened
            else:
                if not self.is_span_step(entry):  # a rename: the record (title) changed
                    self.refresh_document()
                self.after_step(entry, self.history.fresh_spans(entry.document_id))
        except NotFoundError:  # a document deleted again by a redo
            if is_open:
                self.close_document()
            return
        if entry.action == "replace_text":
            return  # its rows hold offsets of both texts: the reopened article starts at the top
        state = entry.before if direction == "undo" else entry.after
        rows = (state or {}).get("spans") or (entry.after or entry.before or {}).get("spans") or []
        if rows and self.offsets is not None:
            first = min(r["start"] for r in rows)
            if first <= self.offsets.length:
                self.view.place_caret(self.offsets.to_utf16(first))
                self.view.ensureCursorVisible()

    def _relabel(self, entry: Entry, label: str) -> None:
        old = entry.span
        if not self.can_edit(old.annotator):
            self.message.emit(self._with_hidden_hint(read_only(old.annotator)))
            return
        if old.label == label:
            self.message.emit(f"Already {label}")
            return
        if self._twin(old, entry.start, entry.end, label):
            self.message.emit(f"Already tagged {label}: {label} and {old.label} both mark it")
            return
        new = self.call(
            "Cannot relabel", lambda: self.store.update_span(old.id, label=label, by=self.analyst)
        )
        if new is not None:
            self._changed(old, new)
            self.history.record(f"Relabel “{short_text(old.text)}” {old.label} → {label}")
            self._saved()
            dropped = [name for name in old.attributes if name not in new.attributes]
            if dropped:
                self.message.emit(f"Relabelled {label}: {', '.join(dropped)} dropped, as {label}"
                                  " does not allow the value (Ctrl+Z brings it back)")  # fmt: skip

    def _twin(self, span: Span, start16: int, end16: int, label: str) -> bool:
        """True when ``span``'s layer has another span of ``label`` on ``[start16, end16)``:
        a relabel or a resize would make the two one span twice."""
        assert self.index is not None
        return any(e.span.id != span.id and e.span.annotator == span.annotator
                   and e.span.label == label
                   for e in self.index.same_range(start16, end16))  # fmt: skip

    def _target(self) -> Entry | None:
        """The editable span that a relabel, Delete, N or a resize acts on, if any.

        A span chosen in the table or with Tab is the one meant: when it is
        another analyst's, nothing is (not the analyst's own span around it)."""
        current = self._current_entry()
        if current is not None:
            return current if self.can_edit(current.span.annotator) else None
        assert self.index is not None
        start, end = self.view.selection()
        own = [e for e in self.index.at(start) if self.can_edit(e.span.annotator) and e.end >= end]
        return own[0] if own else None

    def _target_or_say(self, hint: str) -> Entry | None:
        """The span at the caret to act on; None (and why, in the status bar) if none."""
        if not self._ready():
            return None
        target = self._target()
        if target is None:
            self.message.emit(self._why_no_target(hint))
        return target

    def _why_no_target(self, default: str) -> str:
        if self.index is None:
            return "Open a document first"
        return self._with_hidden_hint(self._why_not_editable(default))

    def _with_hidden_hint(self, why: str) -> str:
        """``why``, and that the analyst's own layer is hidden if it is."""
        if self.analyst in self.hidden:
            return f"{why} · your layer is hidden: show it in Layers"
        return why

    def _why_not_editable(self, default: str) -> str:
        assert self.index is not None
        current = self._current_entry()
        if current is not None:
            return read_only(current.span.annotator)
        others = self.index.at(self.view.caret())
        if others:
            return read_only(others[0].span.annotator)
        return default

    def _ready(self) -> bool:
        if self.document is None:
            self.message.emit("Open a document first")
            return False
        return not self.busy() and not self.held()

    def held(self) -> bool:
        """True, and why in the status bar, while a mode (linking) holds span changes back."""
        return self.history.held()

    def busy(self) -> bool:
        """True, and why in the status bar, while a job (Tag all, a big undo) runs."""
        return self.history.working()  # the history runs its jobs on self.jobs

    def call(self, title: str, work: Callable[[], Any]) -> Any:
        """Run one Store change; an error becomes one dialog, and nothing changed."""
        try:
            result = work()
        except TextChangedError:
            # Offsets taken from the old text: show the new one (the live refresh
            # would in a moment) and say why nothing happened.
            if self.document is not None:
                self.open_document(self.document.id)
            self.message.emit("The article was changed elsewhere: here is the new text;"
                              " nothing was stored, do it again")  # fmt: skip
            return None
        except AnnotatorError as exc:
            self.dialogs.error(title, str(exc))
            return None
        except sqlite3.OperationalError as exc:
            self.dialogs.error(title, sqlite_error_line(exc, sentence=True))
            return None
        return True if result is None else result


def read_only(analyst: str) -> str:
    return f"That span is {analyst}'s: read-only for you (Layers ▸ Edit this layer to change it)"
