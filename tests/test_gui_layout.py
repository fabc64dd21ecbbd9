"""The article keeps a readable width whatever docks are open, on small screens too.

Readable is measured here by hand, not by asking the window: the text column
(the viewport less the document's margins on both sides) must hold the line
below, 50 characters of ordinary news prose, in the article's own font.
"""

from __future__ import annotations

from typing import Any

import pytest
from dock_helpers import every_dock_open
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QDockWidget

from annotator.store import Store

LINE_50 = "Officials said on Tuesday that the port would open"  # 50 characters
TEXT = (
    "The mayor said on Monday that the bridge across the river would reopen to traffic"
    " by June, according to the city's transport office. "
) * 20 + "The inspector Zoltan Brandt disagreed."


def test_the_measuring_line_is_fifty_characters() -> None:
    assert len(LINE_50) == 50


@pytest.fixture
def crowded(store: Store, make_window: Any, qtbot: Any) -> Any:
    """A window with every panel open: documents, layers, spans, orphans, claims, search."""
    doc_id = store.add_document(TEXT, title="Bridge").id
    store.add_span(doc_id, 0, 9, "ACTOR", annotator="alice")
    store.add_span(doc_id, TEXT.index("Zoltan"), TEXT.index("Zoltan") + 13, "ACTOR",
                   annotator="alice")  # fmt: skip
    store.replace_text(doc_id, TEXT.replace("The inspector Zoltan Brandt disagreed.", ""),
                       by="alice")  # an orphan: the Orphans dock opens  # fmt: skip

    def make(width: int, height: int) -> Any:
        return every_dock_open(qtbot, make_window, store, doc_id, width, height)

    return make


def text_column(window: Any) -> float:
    view = window.view
    return view.viewport().width() - 2 * view.document().documentMargin()


@pytest.mark.parametrize("width, height", [(1024, 640), (1366, 768), (1920, 1080)])
def test_the_article_holds_fifty_characters_with_every_dock_open(
    crowded: Any, width: int, height: int
) -> None:
    window = crowded(width, height)
    docks = {d.objectName() for d in window.findChildren(QDockWidget) if d.isVisible()}
    assert {"orphansDock", "claimsDock", "searchDock"} <= docks
    assert window.document_panel.isVisible() and window.layers_panel.isVisible()
    assert window.span_table.isVisible()
    assert (window.width(), window.height()) == (width, height)  # not pushed off the screen
    needed = QFontMetricsF(window.view.font()).horizontalAdvance(LINE_50)
    assert text_column(window) >= needed


def test_side_docks_become_tabs_in_a_short_window(crowded: Any) -> None:
    window = crowded(1366, 768)
    tabs = {d.objectName() for d in window.tabifiedDockWidgets(window.span_dock)}
    assert tabs == {"orphansDock", "searchDock"}
    assert window.span_table.width() >= 220  # the span table shares a column, not a strip


def test_a_wide_restored_side_panel_gives_way_to_the_article(crowded: Any, qtbot: Any) -> None:
    window = crowded(1024, 640)
    window.splitter.setSizes([900, 100])  # as restored from a wide screen's settings
    window.resizeDocks([window.span_dock], [900], Qt.Orientation.Horizontal)
    qtbot.wait(50)
    needed = QFontMetricsF(window.view.font()).horizontalAdvance(LINE_50)
    assert text_column(window) >= needed
    assert window.width() == 1024
