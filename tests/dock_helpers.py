"""A main window with every dock open, at a given size (the layout tests)."""

from __future__ import annotations

from typing import Any


def every_dock_open(qtbot: Any, make_window: Any, store: Any, doc_id: int, width: int,
                    height: int, *, spans_in_front: bool = False) -> Any:  # fmt: skip
    """The window on ``doc_id`` (which must have an orphan: the Orphans dock opens)
    with the claims and corpus search docks shown too, at ``width`` x ``height``;
    ``spans_in_front`` raises the span table where the docks are tabbed."""
    from ui.claims_panel import show_claims
    from ui.search_panel import show_search

    window = make_window(store, document_id=doc_id)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.orphans_dock.isVisible())
    show_claims(window)
    show_search(window)
    if spans_in_front:
        window.span_dock.raise_()
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    qtbot.wait(50)  # the dock layout settles on the next turn of the event loop
    return window
