"""The Claims panel's table: claim rows kept by span id, changed row by row.

An edit changes a few rows of thousands: ``upsert``, ``remove`` and
``replace_document`` insert, drop and update just those (the sort proxy places
them), so a key press never re-sorts the table.  Each row's cells, sort keys and
folded filter text are made once, when the row arrives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from annotator.claims import ClaimRow
from annotator.store.search import fold

from .table_model import ColumnsModel

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Document", "Claim", "Actors", "Dates", "Citations", "Stance", "Check-worthy")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RESET_AT = 200  # more changed rows than this: one reset costs less than row by row


def _cells(row: ClaimRow) -> tuple[str, ...]:
    checkworthy = "" if row.checkworthy is None else ("yes" if row.checkworthy else "no")
    return (row.document, row.text, "; ".join(row.actors), "; ".join(row.dates),
            "; ".join(row.citations), row.stance, checkworthy)  # fmt: skip


class _Shown:
    """What the table asks of one row, made once."""

    __slots__ = ("row", "cells", "keys", "folded")

    def __init__(self, row: ClaimRow) -> None:
        self.row = row
        self.cells = _cells(row)
        # Case and accents aside, as the span table sorts ("Éric" before "Zoe").
        keys = [f"{fold(text)}\x01{text}" for text in self.cells]
        for column in (0, 1):  # documents, then reading order
            keys[column] = f"{keys[column]}\x00{row.document_id:09d}\x00{row.start:09d}"
        self.keys = tuple(keys)
        self.folded = fold("\n".join(self.cells))


class ClaimsModel(ColumnsModel):
    """Claim rows; ``Qt.UserRole`` gives the ``ClaimRow``, ``SORT_ROLE`` a sort key."""

    COLUMNS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._shown: list[_Shown] = []
        self._row_of: dict[str, int] = {}  # span id -> row

    @property
    def rows(self) -> list[ClaimRow]:
        return [shown.row for shown in self._shown]

    def set_rows(self, rows: Iterable[ClaimRow]) -> None:
        self.beginResetModel()
        self._shown = [_Shown(row) for row in rows]
        self._row_of = {shown.row.span_id: i for i, shown in enumerate(self._shown)}
        self.endResetModel()

    def upsert(self, rows: Iterable[ClaimRow]) -> None:
        """Update the rows of these claims, adding those not shown yet."""
        added = []
        for row in rows:
            i = self._row_of.get(row.span_id)
            if i is None:
                added.append(_Shown(row))
            elif self._shown[i].row != row:
                self._shown[i] = _Shown(row)
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
        if added:
            first = len(self._shown)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._shown += added
            self._row_of.update((s.row.span_id, first + k) for k, s in enumerate(added))
            self.endInsertRows()

    def remove(self, span_ids: Iterable[str]) -> None:
        """Drop the rows of these claims (those shown)."""
        rows = sorted((self._row_of[s] for s in set(span_ids) if s in self._row_of), reverse=True)
        if not rows:
            return
        for i in rows:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._shown[i]
            self.endRemoveRows()
        self._row_of = {shown.row.span_id: i for i, shown in enumerate(self._shown)}

    def replace_document(self, document_id: int, rows: list[ClaimRow]) -> None:
        """The document's rows become ``rows``; the other documents' stay as they are."""
        new = {row.span_id: row for row in rows}
        gone = [s.row.span_id for s in self._shown
                if s.row.document_id == document_id and s.row.span_id not in new]  # fmt: skip
        changed = [row for row in rows if (i := self._row_of.get(row.span_id)) is None
                   or self._shown[i].row != row]  # fmt: skip
        if len(gone) + len(changed) > RESET_AT:
            kept = [s.row for s in self._shown if s.row.document_id != document_id]
            self.set_rows(kept + rows)
            return
        self.remove(gone)
        self.upsert(changed)

    def retitle(self, document_id: int, title: str) -> None:
        """The document's rows show its new title."""
        self.upsert([dataclasses.replace(s.row, document=title) for s in self._shown
                     if s.row.document_id == document_id])  # fmt: skip

    def linked_to(self, span_ids: set[str]) -> set[str]:
        """The claims shown whose partners include one of ``span_ids``."""
        return {s.row.span_id for s in self._shown if s.row.partner_ids & span_ids}

    def folded(self, row: int) -> str:
        return self._shown[row].folded

    def row_total(self) -> int:
        return len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        shown = self._shown[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return shown.cells[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return shown.row
        if role == SORT_ROLE:
            return shown.keys[index.column()]
        return None


class ClaimsFilter(QSortFilterProxyModel):
    """Sorts by ``SORT_ROLE``; the filter text matches any column as search does:
    case and accents do not matter ("zoe" finds "Zoë", "cafe" both "Café")."""

    def __init__(self, model: ClaimsModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.claims = model
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        self._folded = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._folded = fold(text.strip())
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802 (Qt's name)
        return not self._folded or self._folded in self.claims.folded(row)
