"""The part every flat table of the window answers alike: rows, columns, header."""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

Index = QModelIndex | QPersistentModelIndex


@cache
def bold_font() -> QFont:
    """The bold font of label columns and totals (made once, after the application)."""
    font = QFont()
    font.setBold(True)
    return font


class ColumnsModel(QAbstractTableModel):
    """A table whose ``COLUMNS`` name its columns; subclasses count their rows
    (``row_total``) and answer ``data``."""

    COLUMNS: tuple[str, ...] = ()

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.COLUMNS)):  # fmt: skip
            return self.COLUMNS[section]
        return None
