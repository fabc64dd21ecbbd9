"""The review diff table's quotes get the room first (ui/review_columns.py).

At 1100x700 the Text A and Text B columns used to shrink to three characters
("Del…", "Tue…") while Category, the labels, Decision, Gold and Comment kept
their fixed widths.  Room is measured here in the table's own font: a name's
advance plus the item delegate's margins (the style's focus frame margin and
one pixel, on each side), and the colour swatch with its own margins.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyle
from review_doc import add_bridge, scripted_dialogs
from review_helpers import shown_review

from annotator import Store
from ui.review_models import CATEGORY, COMMENT, DECISION, GOLD, LABEL_A, LABEL_B, TEXT_A, TEXT_B


def cell_width(table: Any, text: str, *, bold: bool = False, swatch: bool = False) -> int:
    """What a cell needs to show ``text`` whole, in the table's font."""
    style = table.style()
    margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    font = QFont(table.font())
    font.setBold(bold)
    icon = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, table) + margin
    return QFontMetrics(font).horizontalAdvance(text) + margin + (icon if swatch else 0)


@pytest.fixture
def review(qtbot: Any, store: Store, tmp_path: Any) -> Any:
    doc_id = add_bridge(store)

    def make(width: int, height: int) -> Any:
        window = shown_review(qtbot, store, doc_id, scripted_dialogs(tmp_path), "lead")
        window.resize(width, height)
        qtbot.waitUntil(lambda: window.width() == width)
        qtbot.wait(50)  # the header's own relayout, after the resize event
        return window

    return make


def widths(table: Any) -> list[int]:
    return [table.columnWidth(column) for column in range(table.model().columnCount())]


def test_at_1100_the_quotes_and_the_names_are_readable(review: Any) -> None:
    window = review(1100, 700)
    table = window.table
    for quote in ("Olena Koval", "Mayor Olena", "Kyiv"):  # rows of review_doc.py
        for column in (TEXT_A, TEXT_B):
            assert cell_width(table, quote) <= table.columnWidth(column), (quote, widths(table))
    assert cell_width(table, "boundary mismatch", swatch=True) <= table.columnWidth(CATEGORY)
    for column in (LABEL_A, LABEL_B):
        assert cell_width(table, "CITATION", bold=True, swatch=True) <= table.columnWidth(column)
    assert cell_width(table, "accepted both") <= table.columnWidth(DECISION)
    for column in (GOLD, COMMENT):
        title = table.model().headerData(column, table.horizontalHeader().orientation())
        assert cell_width(table, title) <= table.columnWidth(column)
    assert sum(widths(table)) <= table.viewport().width()  # nothing pushed out


def test_a_wider_window_widens_the_quotes_not_the_names(review: Any) -> None:
    narrow = widths(review(1100, 700).table)
    window = review(1600, 1000)
    wide = widths(window.table)
    assert [wide[c] for c in (CATEGORY, LABEL_A, LABEL_B, DECISION)] == [
        narrow[c] for c in (CATEGORY, LABEL_A, LABEL_B, DECISION)
    ]
    assert wide[TEXT_A] > narrow[TEXT_A] and wide[TEXT_B] > narrow[TEXT_B]
    assert cell_width(window.table, "the bridge will reopen") <= wide[TEXT_A]
    assert cell_width(window.table, "ACTOR “Olena Koval”") <= wide[GOLD]  # room to spare
    assert sum(wide) <= window.table.viewport().width()


def test_a_column_sized_by_hand_keeps_its_width(review: Any, qtbot: Any) -> None:
    window = review(1600, 1000)
    window.table.horizontalHeader().resizeSection(CATEGORY, 60)  # dragging its edge
    window.resize(1100, 700)
    qtbot.waitUntil(lambda: window.width() == 1100)
    qtbot.wait(50)
    assert window.table.columnWidth(CATEGORY) == 60
    assert cell_width(window.table, "Olena Koval") <= window.table.columnWidth(TEXT_A)
    assert sum(widths(window.table)) <= window.table.viewport().width()
