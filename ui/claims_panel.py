"""The Claims panel: who claimed what, when, on what source (issue 9).

One row per claim of the current analyst: its text, actor(s), date(s),
citation(s), stance and whether it is check-worthy, from the relations that
start at it (``annotator.claims``).  Sortable (click a header) and filterable
(the filter box matches any column).  "This article" lists the open
document's claims; "All articles" lists the corpus's, with a Document column
and a summary line (the actors with most claims, the sources cited most).
Clicking a row selects the claim in the article (opening its document).
"Export CSV…" writes the rows shown, filtered and sorted, through the
dialog service.

Across the corpus the rows are read once on a worker thread (a thousand
articles take about a second) and kept per document; an edit in the open
article re-reads that article only, so tagging and linking stay instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.atomicfile import atomic_open
from annotator.claims import ClaimRow, claim_rows, top_partners, write_csv
from annotator.display_text import counted
from annotator.errors import os_error_line
from annotator.store import Store

from .docks import dock_of, docked_panel
from .table_model import ColumnsModel
from .workers import JobRunner

if TYPE_CHECKING:
    from .main_window import MainWindow

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Document", "Claim", "Actors", "Dates", "Citations", "Stance", "Check-worthy")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def _cells(row: ClaimRow) -> tuple[str, ...]:
    checkworthy = "" if row.checkworthy is None else ("yes" if row.checkworthy else "no")
    return (row.document, row.text, "; ".join(row.actors), "; ".join(row.dates),
            "; ".join(row.citations), row.stance, checkworthy)  # fmt: skip


class ClaimsModel(ColumnsModel):
    """Claim rows; ``Qt.UserRole`` gives the ``ClaimRow``, ``SORT_ROLE`` a sort key."""

    COLUMNS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ClaimRow] = []

    def set_rows(self, rows: list[ClaimRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_total(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _cells(row)[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role == SORT_ROLE:
            text = _cells(row)[index.column()].casefold()
            if index.column() in (0, 1):  # documents, then reading order
                return f"{text}\x00{row.document_id:09d}\x00{row.start:09d}"
            return text
        return None


class ClaimsPanel(QWidget):
    """The table, its filter, the scope switch, the summary and the CSV export."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claimsPanel")
        self.window_ = window
        self.model = ClaimsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.scope = QComboBox(self)
        self.scope.addItems(["This article", "All articles"])
        self.scope.setAccessibleName("Which claims")
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter claims, actors, dates, sources, stance…")
        self.filter.setClearButtonEnabled(True)
        self.export_button = QPushButton("Export CSV…", self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)  # the claim takes the room, not "Check-worthy"
        header.setSectionResizeMode(COLUMNS.index("Claim"), QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.scope)
        top.addWidget(self.filter, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._corpus: dict[int, list[ClaimRow]] | None = None  # per document, all articles
        self._reading = 0  # the newest corpus read asked for; older answers are dropped
        self._edited: set[int] = set()  # documents edited while the corpus is being read
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.export_button.clicked.connect(self.export_csv)
        self.table.clicked.connect(self.go_to)
        self.attach()

    @property
    def corpus(self) -> bool:
        return self.scope.currentIndex() == 1

    def attach(self) -> None:
        """Follow the window's (new) editor and linker: after File ▸ Open too."""
        w = self.window_
        editor = w.editor
        for signal in (editor.opened, editor.closed, editor.span_added, editor.span_removed,
                       editor.span_changed, w.relations.changed):  # fmt: skip
            signal.connect(lambda *_: self.refresh(open_article_only=True))
        for signal in (editor.spans_reset, editor.analyst_changed, editor.history.applied):
            signal.connect(lambda *_: self.refresh())
        self._corpus = None
        self.refresh()

    def refresh(self, *, open_article_only: bool = False) -> None:
        """Show the rows again; ``open_article_only``: only the open article changed."""
        dock = self.parentWidget()
        if dock is not None and dock.isHidden():
            self._corpus = None  # read again when shown: changes are not followed meanwhile
            return
        w = self.window_
        editor = w.editor
        doc_id = editor.document.id if editor.document is not None else None
        if not self.corpus:
            rows = [] if doc_id is None else claim_rows(w.store, editor.analyst, [doc_id])
            self._show(rows)
            return
        if self._corpus is None or not open_article_only:
            self._read_corpus()
            if doc_id is not None:
                self._edited.add(doc_id)
            return
        if doc_id is not None:
            self._corpus[doc_id] = claim_rows(w.store, editor.analyst, [doc_id])
        self._show([row for d in sorted(self._corpus) for row in self._corpus[d]])

    def _read_corpus(self) -> None:
        """Every article's claims, read on a worker thread with its own connection."""
        self._reading += 1
        reading, analyst = self._reading, self.window_.editor.analyst
        self._edited.clear()
        self.summary.setText("Reading the claims of all articles…")

        def work(store: Store) -> dict[int, list[ClaimRow]]:
            per_document: dict[int, list[ClaimRow]] = {}
            for row in claim_rows(store, analyst):
                per_document.setdefault(row.document_id, []).append(row)
            return per_document

        def done(per_document: dict[int, list[ClaimRow]]) -> None:
            if reading != self._reading or not self.corpus:
                return  # asked again since, or no longer shown
            editor = self.window_.editor
            for doc_id in self._edited:  # changed while the thread was reading
                per_document[doc_id] = claim_rows(self.window_.store, editor.analyst, [doc_id])
            self._corpus = per_document
            self._show([row for d in sorted(per_document) for row in per_document[d]])

        def failed(message: str) -> None:
            if reading == self._reading:
                self.summary.setText(f"The claims could not be read: {message}")

        self.jobs.start(self.window_.store.path, work, done, failed)

    @property
    def jobs(self) -> JobRunner:
        # The editor's: the window waits for them before it closes or opens another file.
        return self.window_.editor.jobs

    def _show(self, rows: list[ClaimRow]) -> None:
        self.model.set_rows(rows)
        self.table.setColumnHidden(0, not self.corpus)
        self._summarise(rows)

    def _summarise(self, rows: list[ClaimRow]) -> None:
        def listed(pairs: list[tuple[str, int]]) -> str:
            return ", ".join(f"{name} ({n})" for name, n in pairs) or "none linked"

        self.summary.setText(
            f"{counted(len(rows), 'claim')} · most claims: {listed(top_partners(rows, 'ACTOR', 3))}"
            f" · most cited: {listed(top_partners(rows, 'CITATION', 3))}"
        )

    def shown_rows(self) -> list[ClaimRow]:
        """The rows as the table shows them: filtered and sorted."""
        return [self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole)
                for r in range(self.proxy.rowCount())]  # fmt: skip

    def go_to(self, index: QModelIndex) -> None:
        row = index.data(Qt.ItemDataRole.UserRole)
        if not isinstance(row, ClaimRow):
            return
        editor = self.window_.editor
        if editor.document is None or editor.document.id != row.document_id:
            self.window_.open_document(row.document_id)
        editor.select_span(row.span_id)

    def export_csv(self) -> None:
        dialogs = self.window_.dialogs
        rows = self.shown_rows()
        path = dialogs.save_file_name("Export claims", "claims.csv", "CSV files (*.csv)")
        if path is None:
            return
        try:
            with atomic_open(Path(path), "w", newline="") as out:
                n = write_csv(rows, out)
        except OSError as exc:
            dialogs.error("Cannot export the claims", os_error_line(exc))
            return
        dialogs.inform("Claims exported", f"{counted(n, 'claim')} written to {path}")


def install_claims_panel(window: MainWindow) -> ClaimsPanel:
    """The panel in a bottom dock (``claimsDock``), hidden until ``show_claims``."""
    panel, made = docked_panel(
        window, lambda dock: ClaimsPanel(window, dock), ClaimsPanel, "claimsPanel", "Claims",
        "claimsDock", Qt.DockWidgetArea.BottomDockWidgetArea,
    )  # fmt: skip
    if made:
        window.store_changed.connect(lambda _store: panel.attach())
    return panel


def show_claims(window: MainWindow) -> ClaimsPanel:
    """Ctrl+Shift+C: show the Claims dock (installing it the first time), or hide it."""
    panel = install_claims_panel(window)
    dock = dock_of(panel)
    if dock.isVisible():
        dock.hide()
        return panel
    dock.show()
    dock.raise_()
    panel.refresh()
    panel.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
    return panel
