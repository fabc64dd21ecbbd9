"""The document list: each article's title and how many spans the analyst made in it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from annotator.model import DocumentSummary

Index = QModelIndex | QPersistentModelIndex
DOCUMENT_ID = Qt.ItemDataRole.UserRole + 1


class DocumentListModel(QAbstractListModel):
    """Rows of ``DocumentSummary`` with the current analyst's span counts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._docs: list[DocumentSummary] = []
        self._counts: dict[int, int] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._docs)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        doc = self._docs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            n = self._counts.get(doc.id, 0)
            title = doc.title or f"Document {doc.id}"
            return f"{title}\n{n} span{'' if n == 1 else 's'} · {doc.length:,} characters"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{doc.title or '(untitled)'}\n{doc.source or ''}".strip()
        if role == DOCUMENT_ID:
            return doc.id
        return None

    def reset(self, docs: list[DocumentSummary]) -> None:
        """New list; counts are the analyst's own (``documents(annotator=...)``)."""
        self.beginResetModel()
        self._docs = list(docs)
        self._counts = {d.id: d.span_total for d in docs}
        self.endResetModel()

    def set_count(self, document_id: int, count: int) -> None:
        self._counts[document_id] = count
        row = self.row_of(document_id)
        if row is not None:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def row_of(self, document_id: int) -> int | None:
        return next((i for i, d in enumerate(self._docs) if d.id == document_id), None)

    def document_id(self, row: int) -> int:
        return self._docs[row].id


def make_document_list(model: DocumentListModel, parent: QWidget | None = None) -> QListView:
    view = QListView(parent)
    view.setObjectName("documentList")
    view.setModel(model)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.setSpacing(2)
    view.setUniformItemSizes(True)
    return view
