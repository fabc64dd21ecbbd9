"""The right panel: span filters (label, text) above the span table (``spanTable``)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from annotator.model import Label

from .label_palette import swatch
from .span_columns import fit_columns
from .span_table import SpanTableModel, make_span_table


class SpanPanel(QWidget):
    def __init__(self, model: SpanTableModel, labels: tuple[Label, ...],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("spanPanel")
        self.model = model
        self.table = make_span_table(model, self)
        self.columns = fit_columns(self.table, model)  # the quote's room first
        self.table.setAccessibleName("Spans of the open document")
        self.label_box = QComboBox(self)
        self.label_box.setObjectName("spanLabelFilter")
        self.label_box.setAccessibleName("Show spans of one label")
        self.label_box.addItem("All labels", None)
        for label in labels:
            self.label_box.addItem(swatch(label.color), label.name, label.name)
        self.text_box = QLineEdit(self)
        self.text_box.setObjectName("spanFilter")
        self.text_box.setAccessibleName("Filter spans by text or note")
        self.text_box.setPlaceholderText("Filter spans by text or note")
        self.text_box.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.count.setObjectName("spanCount")

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(4)
        filters.addWidget(self.label_box)
        filters.addWidget(self.text_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 4, 0)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

        self.label_box.currentIndexChanged.connect(self._filter_changed)
        self.text_box.textChanged.connect(self._filter_changed)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._count_changed)

    def _filter_changed(self) -> None:
        self.model.set_filter(self.label_box.currentData(), self.text_box.text())

    def _count_changed(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        noun = "span" if total == 1 else "spans"
        self.count.setText(f"{shown:,} of {total:,} {noun}" if shown != total
                           else f"{total:,} {noun}")  # fmt: skip
