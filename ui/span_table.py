"""The span table: label, text, analyst, note of every span of the open document.

A thin adapter over a list of ``Span`` records kept sorted by the chosen
column, so one added span is one ``beginInsertRows`` at its bisected place
(cheap with 10,000 rows) instead of a re-sort.  Column -1 is document order.
The label and text filters are applied here too (every span is kept, the
rows are those that pass), so the window's row look-ups need no proxy.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from annotator.model import Span
from annotator.store.search import fold

from .table_model import ColumnsModel, bold_font

COLUMNS = ("Label", "Text", "Analyst", "Note")
NOTE = 3
Index = QModelIndex | QPersistentModelIndex
SortKey = tuple[Any, int, int, str]

# The view asks for every role of every visible cell at each repaint (after each
# key press): plain ints and ready-made values keep that to a few microseconds.
_DISPLAY, _EDIT = int(Qt.ItemDataRole.DisplayRole.value), int(Qt.ItemDataRole.EditRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT, _TOOLTIP = int(Qt.ItemDataRole.FontRole.value), int(Qt.ItemDataRole.ToolTipRole.value)
_SHOWN = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _SHOWN | Qt.ItemFlag.ItemIsEditable
Flag = QItemSelectionModel.SelectionFlag


def _primary(span: Span, column: int) -> Any:
    # Folded as search folds (Ångström by A, Łukasz by L, not after Z), then as
    # written, so that "Zoë" and "Zoe" keep one order.
    if column == 0:
        return span.label
    if column == 1:
        return fold(span.text), span.text
    if column == 2:
        return fold(span.annotator), span.annotator
    if column == NOTE:
        return fold(span.note or ""), span.note or ""
    return ""


def _as_shown(text: str) -> str:
    """``text`` as the filter compares it: folded as search folds, each run of white
    space one space, as the table's cells show it ("met\\nthe" is "met the")."""
    return " ".join(fold(text).split())


class SpanTableModel(ColumnsModel):
    """Rows of spans; ``edit_note(span, text)`` stores a note and returns the new span.

    ``editable(analyst)`` says whose spans the current analyst may change.
    """

    COLUMNS = COLUMNS

    def __init__(
        self,
        colours: dict[str, str],
        editable: Callable[[str], bool],
        edit_note: Callable[[Span, str], Span | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._colours = {label: QColor(c) for label, c in colours.items()}
        self._grey, self._dimmed = QColor("#999999"), QColor("#8a8a8a")
        self._editable = editable
        self._edit_note = edit_note
        self._all: dict[str, Span] = {}  # every span, shown or filtered out
        self._label: str | None = None
        self._text = ""
        self._column = -1
        self._descending = False
        self._spans: list[Span] = []  # ascending by key; reversed rows when descending
        self._keys: list[SortKey] = []

    # -- the Qt model protocol -------------------------------------------------------

    def row_total(self) -> int:
        return len(self._spans)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        role = int(role)
        span = self.span_at(index.row())
        column = index.column()
        if role == _DISPLAY or role == _EDIT:
            if column == 1:
                return " ".join(span.text.split())  # one line, however many paragraphs
            return (span.label, None, span.annotator, span.note or "")[column]
        if role == _DECORATION:
            return self._colours.get(span.label, self._grey) if column == 0 else None
        if role == _FOREGROUND:
            # Other analysts' spans: read-only, shown dimmed.
            return None if self._editable(span.annotator) else self._dimmed
        if role == _FONT:
            return bold_font() if column == 0 else None
        if role == _TOOLTIP:
            tip = f"{span.label} [{span.start}, {span.end}) by {span.annotator}\n{span.text[:500]}"
            return f"{tip}\nNote: {span.note[:500]}" if span.note else tip  # a narrow Note column
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.column() != NOTE or self._edit_note is None:
            return _SHOWN
        return _EDITABLE if self._editable(self.span_at(index.row()).annotator) else _SHOWN

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not (index.isValid() and index.column() == NOTE and role == Qt.ItemDataRole.EditRole):
            return False
        if self._edit_note is None or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        span = self.span_at(index.row())
        if (span.note or "") == str(value):
            return False
        # The callback stores it and, through the editor, calls replace() on this model.
        return self._edit_note(span, str(value)) is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old = {span.id: row for row, span in enumerate(self._rows())}
        persistent = self.persistentIndexList()
        self._column = column if 0 <= column < len(COLUMNS) else -1
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._resort()
        new = {span.id: row for row, span in enumerate(self._rows())}
        by_old_row = {row: span_id for span_id, row in old.items()}
        for index in persistent:
            span_id = by_old_row.get(index.row())
            if span_id is not None:
                self.changePersistentIndex(index, self.index(new[span_id], index.column()))
        self.layoutChanged.emit()

    # -- changes from the editor -----------------------------------------------------

    def reset(self, spans: Iterable[Span]) -> None:
        self.beginResetModel()
        self._all = {span.id: span for span in spans}
        filtered = self._label is not None or self._text
        self._spans = [s for s in self._all.values() if self.passes(s)] if filtered \
            else list(self._all.values())  # fmt: skip
        self._resort()
        self.endResetModel()

    def set_filter(self, label: str | None, text: str) -> None:
        """Show only spans of ``label`` (None: all) whose text or note contains ``text``,
        case and accents aside as in search ("angstrom" finds Ångström)."""
        self._label, self._text = label, _as_shown(text)
        self.reset(list(self._all.values()))

    def passes(self, span: Span) -> bool:
        if self._label is not None and span.label != self._label:
            return False
        if self._text:
            return self._text in _as_shown(span.text) or self._text in _as_shown(span.note or "")
        return True

    @property
    def total(self) -> int:
        """Every span of the open document's shown layers, filtered out or not."""
        return len(self._all)

    def set_colours(self, colours: dict[str, QColor]) -> None:
        self._colours = dict(colours)
        self.refresh_roles()

    def add(self, span: Span) -> int | None:
        """Insert ``span`` at its sorted place; returns its row (None: filtered out)."""
        self._all[span.id] = span
        if not self.passes(span):
            return None
        key = self._key(span)
        i = bisect_left(self._keys, key)
        row = self._row_of(i, inserting=True)
        self.beginInsertRows(QModelIndex(), row, row)
        self._spans.insert(i, span)
        self._keys.insert(i, key)
        self.endInsertRows()
        return row

    def remove(self, span: Span) -> None:
        self._all.pop(span.id, None)
        row = self.row_of(span)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        i = self._internal(row)
        del self._spans[i]
        del self._keys[i]
        self.endRemoveRows()

    def replace(self, old: Span, new: Span) -> None:
        """``old`` became ``new`` (a relabel or a note): remove and re-insert if it moves."""
        row = self.row_of(old)
        if row is not None and self._key(old) == self._key(new) and self.passes(new):
            self._all[new.id] = new
            self._spans[self._internal(row)] = new
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return
        self.remove(old)
        self.add(new)

    def refresh_roles(self) -> None:
        """The analyst changed: colours and editability of every row."""
        if self._spans:
            last = self.index(len(self._spans) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- looking up ------------------------------------------------------------------

    def spans(self) -> list[Span]:
        """The spans shown (those the filters pass), in no particular order."""
        return self._spans

    def label_names(self) -> list[str]:
        """Every label of the schema (the table's colours are keyed by them)."""
        return list(self._colours)

    def span_at(self, row: int) -> Span:
        return self._spans[self._internal(row)]

    def row_of_id(self, span_id: str) -> int | None:
        """The row of the span with this id (None: not there, or filtered out)."""
        span = self._all.get(span_id)
        return self.row_of(span) if span is not None else None

    def row_of(self, span: Span) -> int | None:
        key = self._key(span)
        i = bisect_left(self._keys, key)
        if i < len(self._keys) and self._keys[i] == key:
            return self._row_of(i)
        return None

    def _rows(self) -> list[Span]:
        return self._spans[::-1] if self._descending else self._spans

    def _key(self, span: Span) -> SortKey:
        return (_primary(span, self._column), span.start, span.end, span.id)

    def _resort(self) -> None:
        # Runs over 10,000 spans when a document opens: each key is made once, and
        # the Store's own order (start, end, id) is document order already.
        keys = [self._key(s) for s in self._spans]
        if any(a > b for a, b in pairwise(keys)):
            order = sorted(range(len(keys)), key=keys.__getitem__)
            keys = [keys[i] for i in order]
            self._spans = [self._spans[i] for i in order]
        self._keys = keys

    def _internal(self, row: int) -> int:
        return len(self._spans) - 1 - row if self._descending else row

    def _row_of(self, i: int, *, inserting: bool = False) -> int:
        n = len(self._spans) + (1 if inserting else 0)
        return n - 1 - i if self._descending else i


class Choice(NamedTuple):
    """The table's current cell and selected rows, by span id (rows move on a reset)."""

    current: str | None
    column: int
    selected: tuple[str, ...]


def remember_choice(view: QTableView, model: SpanTableModel) -> Choice:
    current = view.currentIndex()
    rows = view.selectionModel().selectedRows()
    return Choice(
        model.span_at(current.row()).id if current.isValid() else None,
        max(current.column(), 0),
        tuple(model.span_at(index.row()).id for index in rows),
    )


def restore_choice(view: QTableView, model: SpanTableModel, choice: Choice) -> None:
    """Choose again the rows of ``choice``'s spans that are still shown, where they are
    now (the scroll position outlives a reset by itself).

    The caller keeps the window from acting on it: ``currentRowChanged`` fires."""
    chosen = view.selectionModel()
    last = len(COLUMNS) - 1
    selection = QItemSelection()
    for span_id in choice.selected:
        row = model.row_of_id(span_id)
        if row is not None:
            selection.select(model.index(row, 0), model.index(row, last))
    if choice.current is not None:
        row = model.row_of_id(choice.current)
        if row is not None:
            chosen.setCurrentIndex(model.index(row, choice.column), Flag.NoUpdate)
    chosen.select(selection, Flag.ClearAndSelect)


def make_span_table(model: SpanTableModel, parent: QWidget | None = None) -> QTableView:
    """The ``spanTable`` view: sortable, whole-row selection, document order at first."""
    view = QTableView(parent)
    view.setObjectName("spanTable")
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
    )
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # -1: document order
    header.setSortIndicatorClearable(True)
    header.setHighlightSections(False)  # the widths are span_columns.py's
    view.setSortingEnabled(True)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view
