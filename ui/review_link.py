"""The main window's review window: Review ▸ Review two analysts… (Ctrl+R).

One review window per main window, made on first use (``review_view.open_review``),
on the main window's Store and with its analyst as the reviewer.  Decisions
write the gold layer through that same Store, so the main window hears of them
only through ``gold_changed``: the open document is reloaded when it is the one
changed, and the gold spans appear there at once (a read-only layer, like any
other analyst's).  The Store keeps one history per analyst, and the reviewer is
the window's analyst, so both windows share one undo history (``History``):
Ctrl+Z in either undoes the analyst's latest step, tag or decision, and both
name it the same way.  The review window belongs to its Store: switching databases
closes it.  The review modules are imported on first use, not at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .review_view import ReviewWindow

OBJECT_NAME = "reviewWindow"  # ReviewWindow's objectName: found without importing it


def find_review(w: MainWindow) -> ReviewWindow | None:
    return w.findChild(QMainWindow, OBJECT_NAME)  # type: ignore[return-value]


def show_review(w: MainWindow, document_id: int | None = None) -> ReviewWindow:
    """Open (or raise) the review of ``document_id``, by default the open document."""
    from .review_view import open_review

    if document_id is None and w.editor.document is not None:
        document_id = w.editor.document.id
    made = find_review(w) is None
    review = open_review(w, w.store, w.editor.analyst, document_id, w.editor.history)
    if made:  # connected once, for the life of this review window (and of w.editor)
        review.gold_changed.connect(lambda changed: gold_changed(w, changed))
        _follow_main_window(w, review)
    return review


def _follow_main_window(w: MainWindow, review: ReviewWindow) -> None:
    """Compare again when the main window changes what the review shows: a span
    tagged, changed or deleted in its document, a new text, the document deleted.
    Signals of one change are taken together, once the event loop is free."""
    changed: set[int | None] = set()  # documents changed; None: one was closed (deleted?)

    def now() -> None:
        follow_changes(w, set(changed))
        changed.clear()

    def soon(document_id: int | None) -> None:
        if not changed:
            QTimer.singleShot(0, review, now)
        changed.add(document_id)

    editor = w.editor
    for signal in (editor.span_added, editor.span_removed):
        signal.connect(lambda span: soon(span.document_id))
    editor.span_changed.connect(lambda _old, new: soon(new.document_id))
    editor.closed.connect(lambda: soon(None))
    editor.opened.connect(lambda doc, _spans: review.document_restored(doc.id))
    w.orphans_panel.text_replaced.connect(soon)


def follow_changes(w: MainWindow, changed: set[int | None]) -> None:
    """The review of a document the main window changed compares again; one of a
    document deleted there shows another."""
    review = find_review(w)
    if review is None or not review.isVisible():
        return
    reviewed = review.controller.reviewed_document
    if reviewed is None or not ({reviewed, None} & changed):
        return
    if not w.store.has_document(reviewed):
        review.document_deleted(reviewed)  # shows the first other document with two layers
        return
    refresh_review(w)


def gold_changed(w: MainWindow, document_id: int) -> None:
    """A decision, or its undo, changed ``document_id``'s gold layer."""
    editor = w.editor
    if editor.document is not None and editor.document.id == document_id:
        editor.reload()  # the span table, the painting and the layer counts follow


def refresh_review(w: MainWindow) -> None:
    """Compare the open review again (another process changed the layers), unless busy."""
    review = find_review(w)
    if review is None or not review.isVisible():
        return
    controller = review.controller
    if not (controller.loading or controller.writers.busy):
        controller.reload()


def close_review(w: MainWindow) -> None:
    """Close the review window before its Store is closed (File ▸ Open)."""
    review = find_review(w)
    if review is None:
        return
    review.close()  # waits for a running comparison or "accept all"
    review.setParent(None)  # not found again while waiting for deletion
    review.deleteLater()
