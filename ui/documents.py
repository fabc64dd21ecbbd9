"""What the analyst does to whole documents: next unfinished, done, rename, delete.

Each change is one Store call (committed before the handler returns) and one
entry on the analyst's undo stack, like a span edit: the Store's history
undoes it, so Ctrl+Z brings a deleted document back with its spans.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from annotator.model import DONE, HistoryEntry
from annotator.store import Store

from .commands import short_text
from .dialogs import DialogService
from .document_list import document_title
from .document_panel import DocumentPanel
from .editor import Editor


class Documents(QObject):
    """Document-level actions on the open document, and the list kept in step."""

    done_changed = Signal(bool)  # the open document's done mark, for the checkable action
    message = Signal(str)

    def __init__(self, store: Store, editor: Editor, panel: DocumentPanel,
                 dialogs: DialogService, parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.store = store
        self.editor = editor
        self.panel = panel
        self.model = panel.model
        self.dialogs = dialogs

    def refresh(self) -> None:
        """Reload every summary (one ``store.documents()``) and keep the selection."""
        self.model.reset(self.store.documents(annotator=self.editor.analyst), self.editor.analyst)
        if self.editor.document is not None:
            self.panel.select(self.editor.document.id)
        self.done_changed.emit(self.is_done())

    def is_done(self) -> bool:
        doc = self.editor.document
        summary = self.model.summary_of(doc.id) if doc is not None else None
        return summary is not None and summary.state(self.editor.analyst) == DONE

    def next_unfinished(self) -> None:
        current = self.editor.document.id if self.editor.document is not None else None
        found = self.store.next_unfinished(self.editor.analyst, after=current)
        if found is None:  # none but (perhaps) the open one
            if self.store.document_count() == 0:
                self.message.emit(
                    "No documents yet: import some with File ▸ Import documents (Ctrl+I)"
                )
            elif current is not None and not self.is_done():
                self.message.emit("This is the only unfinished one")
            else:
                self.message.emit("Every document is done")
            return
        # The article takes the focus first: a field being typed in (a note, an
        # attribute) stores its text on leaving, while its span is still open.
        self.editor.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.editor.open_document(found)

    def toggle_done(self) -> None:
        if self.editor.busy():
            self.done_changed.emit(self.is_done())
            return
        doc = self.editor.document
        if doc is None:
            self.message.emit("Open a document first")
            self.done_changed.emit(False)
            return
        done = not self.is_done()
        analyst = self.editor.analyst
        stored = self.editor.call(
            "Cannot mark the document", lambda: self.store.set_done(doc.id, analyst, done)
        )
        if stored is None:
            self.done_changed.emit(not done)
            return
        self.model.set_done(doc.id, analyst, done)
        what = "done" if done else "not done"
        self.editor.history.record(f"Mark “{short_text(document_title(doc))}” {what}")
        self.done_changed.emit(done)
        self.message.emit(f"Marked {what}: Ctrl+J opens the next unfinished document"
                          if done else "Marked not done")  # fmt: skip

    def rename(self) -> None:
        if self.editor.busy():
            return
        doc = self.editor.document
        if doc is None:
            self.message.emit("Open a document first")
            return
        title = self.dialogs.text("Rename document", "Title:", doc.title or "")
        if title is None or title.strip() == (doc.title or ""):
            return
        analyst = self.editor.analyst
        if self.editor.call("Cannot rename",
                            lambda: self.store.rename_document(doc.id, title, by=analyst)) is None:
            return  # fmt: skip
        self.editor.history.record(f"Rename “{short_text(title.strip())}”")
        self.editor.refresh_document()
        self.refresh()
        self.message.emit(f"Renamed to “{short_text(title.strip())}”")

    def delete(self) -> None:
        if self.editor.busy():
            return
        doc = self.editor.document
        if doc is None:
            self.message.emit("Open a document first")
            return
        # Counted now: the list's numbers can lag behind the review window's gold spans.
        spans = len(self.store.spans(doc.id))
        question = (
            f"Delete “{document_title(doc)}” with its {spans:,} span{'s' if spans != 1 else ''}"
            " of every analyst?\nCtrl+Z brings it back."
        )
        if not self.dialogs.confirm("Delete document", question):
            return
        ids = self.model.ids()
        position = ids.index(doc.id) if doc.id in ids else 0
        analyst = self.editor.analyst
        if self.editor.call("Cannot delete the document",
                            lambda: self.store.delete_document(doc.id, by=analyst)) is None:
            return  # fmt: skip
        self.editor.history.record(f"Delete document “{short_text(document_title(doc))}”")
        self.editor.close_document()
        self.refresh()
        rest = self.model.ids()
        if rest:
            self.editor.open_document(rest[min(position, len(rest) - 1)])
        self.message.emit(f"Deleted “{document_title(doc)}”: Ctrl+Z brings it back")

    def focus_filter(self) -> None:
        self.panel.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.panel.filter_box.selectAll()

    def after_history(self, entry: HistoryEntry, direction: str) -> None:
        """An undo or redo happened: the list first, then the open document (when
        the step deleted it, the one next to it, as deleting it directly does)."""
        if self.editor.is_span_step(entry):  # the open document's counts follow the editor
            self.editor.after_history(entry, direction)
            return
        ids = self.model.ids()
        position = ids.index(entry.document_id) if entry.document_id in ids else 0
        self.refresh()
        self.editor.after_history(entry, direction)
        rest = self.model.ids()
        if self.editor.document is None and rest:
            self.editor.open_document(rest[min(position, len(rest) - 1)])
        self.done_changed.emit(self.is_done())
