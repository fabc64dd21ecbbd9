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
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
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
from annotator.claims import ClaimRow, claim_rows, claim_rows_touching, top_partners, write_csv
from annotator.display_text import counted
from annotator.errors import NotFoundError, os_error_line
from annotator.store import Store

from .claims_model import COLUMNS, ClaimsFilter, ClaimsModel
from .docks import dock_of, docked_panel
from .layout_fit import show_dock
from .workers import JobRunner

if TYPE_CHECKING:
    from .main_window import MainWindow

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

class ClaimsPanel(QWidget):
    """The table, its filter, the scope switch, the summary and the CSV export."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claimsPanel")
        self.window_ = window
        self.model = ClaimsModel(self)
        self.proxy = ClaimsFilter(self.model, self)
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
        self._reading_article = False  # articles' rows are being read (_read_article)
        self._asked: set[int] = set()  # articles whose rows are to be read (again)
        self._jobs = JobRunner(self)
        self._read_soon = QTimer(self)
        self._read_soon.setSingleShot(True)
        self._read_soon.setInterval(0)
        self._read_soon.timeout.connect(self._read_article)
        self._summary_soon = QTimer(self)
        self._summary_soon.setSingleShot(True)
        self._summary_soon.setInterval(150)
        self._summary_soon.timeout.connect(lambda: self._summarise(self.model.rows))
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.filter.textChanged.connect(self.proxy.set_text)
        self.export_button.clicked.connect(self.export_csv)
        self.table.clicked.connect(self.go_to)
        self.table.installEventFilter(self)  # Enter on a row jumps to it, as a click does
        self.table.selectionModel().currentRowChanged.connect(lambda now, _was: self._follow(now))
        self.attach()

    @property
    def reading(self) -> bool:
        """True while the open article's rows are being read (tests and scripts wait)."""
        return self._reading_article or self._read_soon.isActive()

    @property
    def corpus(self) -> bool:
        return self.scope.currentIndex() == 1

    def attach(self) -> None:
        """Follow the window's (new) editor and linker: after File ▸ Open too."""
        w = self.window_
        editor = w.editor
        editor.span_added.connect(lambda span: self._touched({span.id}))
        editor.span_removed.connect(lambda span: self._touched({span.id}))
        editor.span_changed.connect(lambda old, new: self._touched({old.id, new.id}))
        editor.retitled.connect(lambda doc: self._retitle(doc.id, doc.title or f"#{doc.id}"))
        for signal in (editor.opened, w.relations.changed):
            signal.connect(lambda *_: self.refresh(open_article_only=True))
        # The open article was deleted: its rows go from "All articles" too.
        for signal in (editor.closed, editor.spans_reset, editor.analyst_changed,
                       editor.history.applied):  # fmt: skip
            signal.connect(lambda *_: self.refresh())
        self._corpus = None
        self.refresh()

    def refresh(self, *, open_article_only: bool = False) -> None:
        """Show the rows again; ``open_article_only``: only the open article changed.

        The open article's rows are read on a worker thread (thousands of claims take
        most of a second) and then only the rows that differ change in the table."""
        if self._hidden():
            return
        editor = self.window_.editor
        doc_id = editor.document.id if editor.document is not None else None
        if self.corpus and (self._corpus is None or not open_article_only):
            self._read_corpus()
            if doc_id is not None:
                self._edited.add(doc_id)
            return
        if not self.corpus and (doc_id is None or any(
                row.document_id != doc_id for row in self.model.rows)):  # fmt: skip
            self._show([])  # another article (or none; or all of them): its rows come next
        if doc_id is not None:
            self._asked.add(doc_id)  # kept if another article opens before the read starts
            self._read_soon.start()  # once the key that asked has returned, once for many

    def _hidden(self) -> bool:
        dock = self.parentWidget()
        if dock is not None and dock.isHidden():
            self._corpus = None  # read again when shown: changes are not followed meanwhile
            return True
        return False

    def _touched(self, span_ids: set[str]) -> None:
        """A span edit: read again only the rows of the claims it can change."""
        if self._hidden():
            return
        w = self.window_
        doc = w.editor.document
        if doc is None:
            return
        if self.corpus and self._corpus is None:
            self.refresh(open_article_only=True)
            return
        if self._reading_article:
            self._asked.add(doc.id)  # the read going on is out of date for this article
        self._edited.add(doc.id)  # in case all articles are being read
        ids = span_ids | self.model.linked_to(span_ids)
        rows, gone = claim_rows_touching(
            w.store, w.editor.analyst, doc.id, doc.title or f"#{doc.id}", ids
        )
        self.model.remove(gone)
        self.model.upsert(rows)
        self._changed(doc.id)

    def _retitle(self, document_id: int, title: str) -> None:
        self.model.retitle(document_id, title)
        self._changed(document_id)

    def _changed(self, document_id: int) -> None:
        """After rows of ``document_id`` changed in the model: the summary, the cache."""
        if self.corpus and self._corpus is not None:
            rows = self.model.rows
            self._corpus[document_id] = [r for r in rows if r.document_id == document_id]
        self.table.setColumnHidden(0, not self.corpus)
        self._summary_soon.start()  # counting 2,500 rows after every key would be felt

    def _read_article(self) -> None:
        """The asked articles' rows, read on a worker thread; one read at a time.
        Showing one article, only its rows matter; showing all, every asked one's."""
        if self._reading_article:
            return  # the read going on asks for the next when it is done
        editor = self.window_.editor
        shown = {editor.document.id} if editor.document is not None else set()
        ids: set[int] = set(self._asked) if self.corpus else shown & self._asked
        self._asked.clear()
        if not ids:
            return
        analyst = editor.analyst
        self._reading_article = True

        def done(rows: list[ClaimRow]) -> None:
            self._reading_article = False
            per_document: dict[int, list[ClaimRow]] = {doc_id: [] for doc_id in ids}
            for row in rows:
                per_document[row.document_id].append(row)
            document = self.window_.editor.document
            for doc_id, found in per_document.items():
                if doc_id in self._asked:
                    continue  # changed while read: the next read has it
                if self.corpus:
                    if self._corpus is None:
                        continue
                    self._corpus[doc_id] = found
                elif document is None or document.id != doc_id:
                    continue  # another article is shown now
                self.model.replace_document(doc_id, found)
                self._changed(doc_id)
            if self._asked:
                self._read_soon.start()

        def failed(message: str) -> None:
            self._reading_article = False
            self.summary.setText(f"The claims could not be read: {message}")

        def work(store: Store) -> list[ClaimRow]:
            return claim_rows(store, analyst, sorted(ids))

        self.jobs.start(self.window_.store.path, work, done, failed)

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
        # The panel's own: the editor's would hold every key back ("Still working") while
        # the claims are read.  The window waits for them before it closes.
        return self._jobs

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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Return, Enter (and keypad Enter) on a row jump to its claim, as a click does."""
        kind = event.type()
        if watched is not self.table or kind not in (QEvent.Type.ShortcutOverride,
                                                     QEvent.Type.KeyPress):  # fmt: skip
            return False
        assert isinstance(event, QKeyEvent)
        keypad = Qt.KeyboardModifier.KeypadModifier
        if event.key() not in _ENTER or event.modifiers() & ~keypad:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes here, not to "find next"
            return True
        if self.table.currentIndex().isValid():
            self.go_to(self.table.currentIndex())
        return True

    def _follow(self, current: QModelIndex) -> None:
        """Arrows in the table show their claim when it is in the open article."""
        row = current.data(Qt.ItemDataRole.UserRole)
        document = self.window_.editor.document
        if (self.table.hasFocus() and isinstance(row, ClaimRow) and document is not None
                and row.document_id == document.id):  # fmt: skip
            self.go_to(current)

    def go_to(self, index: QModelIndex) -> None:
        row = index.data(Qt.ItemDataRole.UserRole)
        if not isinstance(row, ClaimRow):
            return
        editor = self.window_.editor
        if editor.document is None or editor.document.id != row.document_id:
            try:
                self.window_.open_document(row.document_id)
            except NotFoundError:  # deleted by another window since the rows were read
                editor.message.emit(f"“{row.document}” was deleted since: the list is read again")
                self._corpus = None
                self.refresh()
                return
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
    show_dock(window, dock)
    dock.raise_()
    panel.refresh()
    panel.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
    return panel
