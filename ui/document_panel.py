"""The left panel: a filter line, a state filter and the document list (``documentList``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from annotator.display_text import counted
from annotator.model import DONE, IN_PROGRESS, NOT_STARTED

from .document_list import DocumentDelegate, DocumentFilter, DocumentListModel

STATES = (("All documents", None), ("Not started", NOT_STARTED),
          ("In progress", IN_PROGRESS), ("Done", DONE))  # fmt: skip


class DocumentPanel(QWidget):
    """The list of documents with its filters; ``model`` holds every document.

    The filters apply when they change, not when a row's data does: marking a
    document done under "Not started" leaves it in view until the filter
    changes, rather than pulling the list from under the analyst's pointer.
    """

    filtered = Signal()

    def __init__(self, model: DocumentListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentPanel")
        self.model = model
        self.proxy = DocumentFilter(model, self)
        self.proxy.setDynamicSortFilter(False)
        self.filtering = False  # the current row moves because rows hide: not a choice
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("documentFilter")
        self.filter_box.setPlaceholderText("Filter documents (Ctrl+L)")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName("Filter documents by title")
        self.state_box = QComboBox(self)
        self.state_box.setObjectName("documentStateFilter")
        self.state_box.setAccessibleName("Filter documents by state")
        self.state_box.setToolTip("Show documents in this state for the current analyst")
        for text, state in STATES:
            self.state_box.addItem(text, state)
        self.view = QListView(self)
        self.view.setObjectName("documentList")
        self.view.setAccessibleName("Documents")
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(DocumentDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.summary = QLabel(self)
        self.summary.setObjectName("documentSummary")

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(4)
        filters.addWidget(self.filter_box, 1)
        filters.addWidget(self.state_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)

        self.filter_box.textChanged.connect(self._filter_changed)
        self.state_box.currentIndexChanged.connect(self._filter_changed)
        model.modelReset.connect(self.update_summary)
        model.dataChanged.connect(self.update_summary)

    def _filter_changed(self) -> None:
        self.filtering = True
        try:
            self.proxy.set_text(self.filter_box.text())
            self.proxy.set_state(self.state_box.currentData())
        finally:
            self.filtering = False
        self.update_summary()
        self.filtered.emit()

    def set_state_filter(self, state: str | None) -> None:
        self.state_box.setCurrentIndex(next(i for i, (_, s) in enumerate(STATES) if s == state))

    def update_summary(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        done = sum(1 for row in range(total)
                   if self.model.summary(row).state(self.model.analyst) == DONE)  # fmt: skip
        lead = f"{shown:,} of {total:,} documents" if shown != total else counted(total, "document")
        self.summary.setText(f"{lead} · {done:,} done")

    def select(self, document_id: int) -> bool:
        """Make ``document_id`` the current row, if the filters show it; else no row
        is current (another row's focus would look like the one Delete acts on)."""
        row = self.proxy.row_of(document_id)
        if row is None:
            self.view.clearSelection()
            self.view.selectionModel().clearCurrentIndex()
            return False
        index = self.proxy.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.proxy.document_id(index.row()) if index.isValid() else None
