"""The document list: each article's title, the analyst's counts per label and done marks.

``DocumentListModel`` is a thin adapter over the Store's ``DocumentSummary``
records (one ``store.documents()`` call fills it; 1,000 documents paint in a
few milliseconds, as only the visible rows are drawn).  ``DocumentFilter``
narrows it by title text and by the current analyst's state, and
``DocumentDelegate`` draws a row: the title, small coloured counts per label,
and a ✓ when the current analyst has marked it done (everyone's marks are in
the tooltip).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from annotator.model import DONE, IN_PROGRESS, NOT_STARTED, Document, DocumentSummary
from annotator.store.search import fold

Index = QModelIndex | QPersistentModelIndex
DOCUMENT_ID = Qt.ItemDataRole.UserRole + 1
STATE = Qt.ItemDataRole.UserRole + 2  # the current analyst's: done, in_progress, not_started
COUNTS = Qt.ItemDataRole.UserRole + 3  # [(label, count, QColor)] of the current analyst
STATE_NAMES = {NOT_STARTED: "not started", IN_PROGRESS: "in progress", DONE: "done"}
DONE_GREEN = QColor("#1b8a3a")
PROGRESS_AMBER = QColor("#d08a00")


def document_title(doc: Document | DocumentSummary) -> str:
    return doc.title or f"Document {doc.id}"


class DocumentListModel(QAbstractListModel):
    """Rows of ``DocumentSummary``; counts and state are those of ``analyst``."""

    def __init__(self, colours: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colours = {label: QColor(c) for label, c in colours.items()}
        self._docs: list[DocumentSummary] = []
        self._rows: dict[int, int] = {}
        self.analyst = ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._docs)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._docs):
            return None
        doc = self._docs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return document_title(doc)
        if role == DOCUMENT_ID:
            return doc.id
        if role == STATE:
            return doc.state(self.analyst)
        if role == COUNTS:
            return [(label, n, self._colour(label)) for label, n in self._ordered(doc)]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return self.describe(doc)
        return None

    def describe(self, doc: DocumentSummary) -> str:
        """The tooltip: counts per label, state, and who marked it done."""
        counts = ", ".join(f"{label} {n}" for label, n in self._ordered(doc)) or "no spans"
        others = ", ".join(
            f"{name} {n}" for name, n in sorted(doc.analyst_counts.items()) if name != self.analyst
        )
        lines = [
            document_title(doc),
            f"{self.analyst}: {counts} ({STATE_NAMES[doc.state(self.analyst)]})",
            f"{doc.length:,} characters" + (f" · {doc.source}" if doc.source else ""),
        ]
        if others:
            lines.append(f"Other analysts: {others}")
        if doc.done_by:
            lines.append("Done: " + ", ".join(sorted(doc.done_by, key=str.casefold)))
        return "\n".join(lines)

    def _ordered(self, doc: DocumentSummary) -> list[tuple[str, int]]:
        order = list(self._colours)
        return sorted(
            ((label, n) for label, n in doc.span_counts.items() if n),
            key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
        )

    def _colour(self, label: str) -> QColor:
        return self._colours.get(label, QColor("#999999"))

    # -- changes ---------------------------------------------------------------------

    def reset(self, docs: list[DocumentSummary], analyst: str) -> None:
        """New rows from ``store.documents(annotator=analyst)``."""
        self.beginResetModel()
        self._docs = list(docs)
        self._rows = {doc.id: row for row, doc in enumerate(self._docs)}
        self.analyst = analyst
        self.endResetModel()

    def set_colours(self, colours: dict[str, QColor]) -> None:
        self._colours = dict(colours)
        self._all_changed()

    def set_counts(self, document_id: int, per_label: dict[str, int]) -> None:
        """The open document's counts for the current analyst changed."""
        row = self._rows.get(document_id)
        if row is None:
            return
        doc = self._docs[row]
        analysts = {**doc.analyst_counts, self.analyst: sum(per_label.values())}
        counts = {label: n for label, n in per_label.items() if n}
        self._docs[row] = replace(doc, span_counts=counts, analyst_counts=analysts)
        self._row_changed(row)

    def set_layer_counts(self, document_id: int, per_analyst: dict[str, int]) -> None:
        """The open document's spans per analyst changed (the tooltip's other analysts)."""
        row = self._rows.get(document_id)
        if row is None or self._docs[row].analyst_counts == per_analyst:
            return
        self._docs[row] = replace(self._docs[row], analyst_counts=dict(per_analyst))
        self._row_changed(row)

    def set_done(self, document_id: int, analyst: str, done: bool) -> None:
        row = self._rows.get(document_id)
        if row is None:
            return
        doc = self._docs[row]
        marks = doc.done_by | {analyst} if done else doc.done_by - {analyst}
        self._docs[row] = replace(doc, done_by=frozenset(marks))
        self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)

    def _all_changed(self) -> None:
        if self._docs:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._docs) - 1, 0))

    # -- looking up --------------------------------------------------------------------

    def row_of(self, document_id: int) -> int | None:
        return self._rows.get(document_id)

    def document_id(self, row: int) -> int:
        return self._docs[row].id

    def summary(self, row: int) -> DocumentSummary:
        return self._docs[row]

    def summary_of(self, document_id: int) -> DocumentSummary | None:
        row = self._rows.get(document_id)
        return None if row is None else self._docs[row]

    def ids(self) -> list[int]:
        return [doc.id for doc in self._docs]


class DocumentFilter(QSortFilterProxyModel):
    """Rows whose title contains the filter text and whose state is the one chosen; case
    and accents do not matter, as in search ("zoe" finds "Zoë")."""

    def __init__(self, source: DocumentListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self._source = source
        self._text = ""
        self._state: str | None = None

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = fold(text.strip())
        self.endFilterChange()

    def set_state(self, state: str | None) -> None:
        self.beginFilterChange()
        self._state = state
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802 (Qt's name)
        doc = self._source.summary(row)
        if self._state is not None and doc.state(self._source.analyst) != self._state:
            return False
        if self._text:
            haystack = fold(f"{document_title(doc)}\n{doc.source or ''}")
            return self._text in haystack
        return True

    def document_id(self, row: int) -> int:
        return int(self.data(self.index(row, 0), DOCUMENT_ID))

    def row_of(self, document_id: int) -> int | None:
        source_row = self._source.row_of(document_id)
        if source_row is None:
            return None
        index = self.mapFromSource(self._source.index(source_row, 0))
        return index.row() if index.isValid() else None


class DocumentDelegate(QStyledItemDelegate):
    """Two lines per document: the title, then coloured counts and the state mark."""

    PAD = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        line = option.fontMetrics.height()
        return QSize(200, 2 * line + 2 * self.PAD + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        rect = opt.rect.adjusted(self.PAD + 2, self.PAD, -self.PAD, -self.PAD)
        line = opt.fontMetrics.height()
        state = index.data(STATE)
        painter.save()
        mark_width = line + 4
        title_rect = QRect(rect.left(), rect.top(), rect.width() - mark_width, line)
        font = QFont(opt.font)
        font.setBold(state != DONE)
        painter.setFont(font)
        painter.setPen(text_colour)
        title = painter.fontMetrics().elidedText(
            str(index.data() or ""), Qt.TextElideMode.ElideRight, title_rect.width()
        )
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignVCenter, title)
        self._paint_state(painter, state, QRect(rect.right() - line, rect.top(), line, line))
        small = QFont(opt.font)
        small.setPointSizeF(max(opt.font.pointSizeF() * 0.88, 6.0))
        painter.setFont(small)
        x, y = rect.left(), rect.top() + line + 2
        metrics = painter.fontMetrics()
        counts = index.data(COUNTS) or []
        if not counts:
            painter.setPen(palette.placeholderText().color() if not selected else text_colour)
            painter.drawText(QRect(x, y, rect.width(), line), Qt.AlignmentFlag.AlignVCenter,
                             "no spans yet")  # fmt: skip
        for _label, n, colour in counts:
            dot = metrics.height() // 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawEllipse(x, y + (line - dot) // 2, dot, dot)
            x += dot + 3
            painter.setPen(text_colour)
            text = str(n)
            painter.drawText(QRect(x, y, metrics.horizontalAdvance(text) + 1, line),
                             Qt.AlignmentFlag.AlignVCenter, text)  # fmt: skip
            x += metrics.horizontalAdvance(text) + 9
            if x > rect.right() - 20:
                break
        painter.restore()

    @staticmethod
    def _paint_state(painter: QPainter, state: str, box: QRect) -> None:
        if state == DONE:
            font = painter.font()
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(DONE_GREEN)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "✓")
        elif state == IN_PROGRESS:
            painter.setPen(PROGRESS_AMBER)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            side = box.height() // 2
            painter.drawEllipse(box.center().x() - side // 2, box.center().y() - side // 2,
                                side, side)  # fmt: skip
