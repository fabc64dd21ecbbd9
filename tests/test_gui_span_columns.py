"""The span table's Text column gets the room it needs first (ui/span_columns.py).

At 1024-1600 px with every dock open the span dock is about 300 px wide; the
Text column used to stretch into what Label, Analyst and an empty Note (fixed
at 96, 72 and 90 px) left, about 40 px: "Frid…", "VEL…", "Zoë…".  A quote's
room is measured here in the view's own font: the quote's advance plus the
item delegate's text margins (the style's focus frame margin and one pixel,
on each side) must fit in the column.
"""

from __future__ import annotations

from typing import Any

import pytest
from dock_helpers import every_dock_open
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QDockWidget, QStyle

from annotator.store import Store

SHORT = ("Friday", "VELMORA", "Zoë Ångström", "14 March 2026")
CLAIM = "the fund would begin accepting applications from every coastal city"
TEXT = (
    f"VELMORA — Mayors met on Friday. {CLAIM}, said Zoë Ångström on 14 March 2026. "
    + "The talks went on late into the evening, and resumed the next morning. " * 40
)


def quote_width(table: Any, quote: str) -> int:
    """What a cell needs to show ``quote`` whole, in the table's font."""
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    return QFontMetrics(table.font()).horizontalAdvance(quote) + 2 * margin


@pytest.fixture
def crowded(store: Store, make_window: Any, qtbot: Any) -> Any:
    """A window with every dock open (orphans, claims, corpus search) at a given size."""
    doc_id = store.add_document(TEXT, title="Velmora").id
    for quote, label in ((SHORT[0], "DATE"), (SHORT[1], "ACTOR"), (SHORT[2], "ACTOR"),
                         (SHORT[3], "DATE"), (CLAIM, "CLAIM")):  # fmt: skip
        start = TEXT.index(quote)
        store.add_span(doc_id, start, start + len(quote), label, annotator="alice")
    store.add_span(doc_id, 0, 7, "ACTOR", annotator="maria")  # a second analyst's VELMORA
    gone = "The inspector Zoltan Brandt disagreed."
    store.replace_text(doc_id, TEXT + gone, by="alice")
    zoltan = (TEXT + gone).index("Zoltan")
    store.add_span(doc_id, zoltan, zoltan + 13, "ACTOR", annotator="alice")
    store.replace_text(doc_id, TEXT, by="alice")  # Zoltan Brandt is an orphan: its dock opens

    def make(width: int, height: int) -> Any:
        window = every_dock_open(qtbot, make_window, store, doc_id, width, height,
                                 spans_in_front=True)  # fmt: skip
        qtbot.waitUntil(window.span_table.isVisible)
        docks = {d.objectName() for d in window.findChildren(QDockWidget) if d.isVisible()}
        assert {"spanDock", "orphansDock", "claimsDock", "searchDock"} <= docks
        return window

    return make


def widths(table: Any) -> list[int]:
    return [table.columnWidth(column) for column in range(4)]


@pytest.mark.parametrize("width, height", [(1024, 640), (1366, 768), (1600, 1000)])
def test_short_quotes_are_whole_with_every_dock_open(
    crowded: Any, width: int, height: int
) -> None:
    window = crowded(width, height)
    table = window.span_table
    assert sorted(window.span_model.data(window.span_model.index(row, 1))
                  for row in range(window.span_model.rowCount())) == sorted(
        [*SHORT, CLAIM, "VELMORA"])  # fmt: skip
    for quote in SHORT:
        assert quote_width(table, quote) <= table.columnWidth(1), (quote, widths(table))
    # Every column within the table (nothing pushed out past its right edge), and the
    # label and analyst names whole as well.
    assert sum(widths(table)) <= table.viewport().width()
    assert quote_width(table, "maria") <= table.columnWidth(2)
    bold = window.span_model.data(window.span_model.index(0, 0), Qt.ItemDataRole.FontRole)
    icon = table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, table)
    assert QFontMetrics(bold).horizontalAdvance("ACTOR") + icon < table.columnWidth(0)


def test_at_1366_the_text_column_is_wider_than_an_empty_note_column(crowded: Any) -> None:
    window = crowded(1366, 768)
    table = window.span_table
    assert table.viewport().width() < 320  # the narrow case the analysts work in
    label, text, analyst, note = widths(table)
    assert text > note and text > label and text > analyst
    assert quote_width(table, "Friday") <= text


def test_a_column_sized_by_hand_keeps_its_width(crowded: Any, qtbot: Any) -> None:
    window = crowded(1600, 1000)
    table = window.span_table
    header = table.horizontalHeader()
    header.resizeSection(1, 80)  # what dragging the Text column's edge does
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366)
    qtbot.wait(50)
    assert table.columnWidth(1) == 80
    assert sum(widths(table)) <= table.viewport().width()  # the Note column gave way
