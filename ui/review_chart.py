"""A small bar chart of the review's numbers, painted with QPainter (no QtCharts).

Top: exact and overlap F1 per label (0 to 1, one pair of bars per label, the
overall pair last).  Bottom: how many pairs fall in each category.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from annotator.review import CATEGORIES

from .review_models import CATEGORY_COLOURS, CATEGORY_NAMES
from .review_relation_rows import RELATION_COLOURS, RELATION_NAMES

ROW = 16  # px per bar
GAP = 6
NAME_WIDTH = 110
VALUE_WIDTH = 48
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
EXACT_COLOUR = QColor("#4c78a8")
OVERLAP_COLOUR = QColor("#9ecae9")


class AgreementChart(QWidget):
    """``set_numbers(f1, counts)``: ``f1`` maps a label (and ``overall``) to
    ``(exact, overlap)``, either None when undefined; ``counts`` maps categories."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewChart")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.f1: dict[str, tuple[float | None, float | None]] = {}
        self.counts: dict[str, int] = {}
        self.relation_counts: dict[str, int] = {}  # by relation category; empty: no section

    def set_relations(self, counts: Mapping[str, int]) -> None:
        """Relation pairs per category (none: the section is left out)."""
        self.relation_counts = dict(counts)
        self.updateGeometry()
        self.update()

    def set_numbers(self, f1: Mapping[str, tuple[float | None, float | None]],
                    counts: Mapping[str, int]) -> None:  # fmt: skip
        self.f1, self.counts = dict(f1), dict(counts)
        self.updateGeometry()
        self.update()

    def set_result(self, result: Mapping[str, Any] | None, counts: Mapping[str, int]) -> None:
        """Take ``document_agreement``'s result as it is."""
        f1: dict[str, tuple[float | None, float | None]] = {}
        if result is not None:
            for label, n in result["labels"].items():
                f1[label] = (n["exact_f1"], n["overlap_f1"])
            f1["overall"] = (result["overall"]["exact_f1"], result["overall"]["overlap_f1"])
        self.set_numbers(f1, counts)

    def sizeHint(self) -> QSize:  # noqa: N802
        f1_rows = 2 * len(self.f1) + len(self.f1)  # two bars and a gap per label
        bars = len(CATEGORIES) + len(self.relation_counts)
        titles = 3 + bool(self.relation_counts)
        height = titles * ROW + (f1_rows + bars) * (ROW // 2 + 4) + 4 * GAP
        return QSize(NAME_WIDTH + VALUE_WIDTH + 160, max(height, 120))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(NAME_WIDTH + VALUE_WIDTH + 60, 120)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base().color())  # the theme's paper
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.9))
        painter.setFont(small)
        width = max(20, self.width() - NAME_WIDTH - VALUE_WIDTH - 2 * GAP)
        y = float(GAP)
        y = self._title(painter, y, "F1 per label  (dark: exact, light: overlap)")
        if not self.f1:
            y = self._note(painter, y, "no spans in either layer")
        for label, (exact, overlap) in self.f1.items():
            for i, (value, colour) in enumerate(((exact, EXACT_COLOUR),
                                                 (overlap, OVERLAP_COLOUR))):  # fmt: skip
                name = label if i == 0 else ""
                y = self._bar(painter, y, name, value, 1.0, colour, width, ROW // 2 + 2)
            y += 4
        y += GAP
        y = self._title(painter, y, "Pairs per category")
        most = max(self.counts.values(), default=0) or 1
        for category in CATEGORIES:
            count = self.counts.get(category, 0)
            y = self._bar(painter, y, CATEGORY_NAMES[category], count, most,
                          QColor(CATEGORY_COLOURS[category]), width, ROW - 4)  # fmt: skip
        if self.relation_counts:
            y = self._title(painter, y + GAP, "Relation pairs per category")
            most = max(self.relation_counts.values()) or 1
            for category, count in self.relation_counts.items():
                y = self._bar(painter, y, RELATION_NAMES[category].removeprefix("relation "),
                              count, most, QColor(RELATION_COLOURS[category]), width, ROW - 4)
        painter.end()

    def _title(self, painter: QPainter, y: float, text: str) -> float:
        painter.setPen(self.palette().text().color())
        font = QFont(painter.font())
        font.setBold(True)
        painter.save()
        painter.setFont(font)
        painter.drawText(QRectF(GAP, y, self.width() - 2 * GAP, ROW), LEFT, text)
        painter.restore()
        return y + ROW + 2

    def _note(self, painter: QPainter, y: float, text: str) -> float:
        painter.setPen(self.palette().placeholderText().color())
        painter.drawText(QRectF(GAP, y, self.width() - 2 * GAP, ROW), LEFT, text)
        return y + ROW

    def _bar(self, painter: QPainter, y: float, name: str, value: float | int | None,
             scale: float, colour: QColor, width: int, height: int) -> float:  # fmt: skip
        centre = Qt.AlignmentFlag.AlignVCenter
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(GAP, y, NAME_WIDTH - GAP, height),
                         Qt.AlignmentFlag.AlignLeft | centre, name)  # fmt: skip
        left = NAME_WIDTH + GAP
        painter.fillRect(QRectF(left, y, width, height), self.palette().alternateBase().color())
        if value is not None and value > 0:
            painter.fillRect(QRectF(left, y, width * min(1.0, value / scale), height), colour)
        text = "–" if value is None else str(value) if isinstance(value, int) else f"{value:.2f}"
        painter.drawText(QRectF(left + width + 4, y, VALUE_WIDTH, height),
                         Qt.AlignmentFlag.AlignLeft | centre, text)  # fmt: skip
        return y + height + 2
