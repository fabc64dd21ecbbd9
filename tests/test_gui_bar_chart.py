"""The bar chart's names: cut only when they do not fit."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QPainter

import ui.bar_chart as bar_chart
from ui.bar_chart import Bar, BarChart, Segment


def test_a_short_name_is_drawn_whole_when_the_chart_is_wide(qtbot, monkeypatch) -> None:
    drawn: list[str] = []

    class Recording(QPainter):
        def drawText(self, *args: Any) -> None:  # type: ignore[override]  # noqa: N802
            drawn.append(args[-1])
            super().drawText(*args)

    monkeypatch.setattr(bar_chart, "QPainter", Recording)
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_bars([Bar("alice", (Segment(1, "#4c9be8"),)), Bar("bob", (Segment(2, "#4c9be8"),))])
    chart.resize(600, 100)
    chart.grab()  # paints
    assert "alice" in drawn and "bob" in drawn
    assert not [t for t in drawn if "…" in t]
