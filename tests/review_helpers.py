"""Opening the review window in tests, shown and active (its shortcuts need that)."""

from __future__ import annotations

from typing import Any

from annotator import Store
from ui.review_view import ReviewWindow


def shown_review(qtbot: Any, store: Store, doc_id: int, dialogs: Any, analyst: str) -> ReviewWindow:
    w = ReviewWindow(store, analyst, dialogs=dialogs)
    qtbot.addWidget(w)
    w.show_document(doc_id)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.table.setFocus()
    return w
