"""The corpus at a glance: progress per analyst, spans per label, frequent actors and citations.

``Store.overview`` runs in a ``StoreJob`` (own connection, off the GUI thread).  CSV: one
long table ``section,name,analyst,value``: ``corpus,spans,,345``, ``progress,done,alice,3``,
``spans,ACTOR,alice,40``, ``actor mentions,Zoë,,14``, ``actor documents,Zoë,,5``, ...
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeView,
    QWidget,
)

from annotator.atomicfile import atomic_open
from annotator.display_text import counted
from annotator.errors import NotFoundError, os_error_line
from annotator.model import DONE, IN_PROGRESS, NOT_STARTED, Label
from annotator.spreadsheet import inert
from annotator.store import Store

from .bar_chart import Bar, BarChart, Segment
from .dialogs import DialogService
from .workers import StoreJob

if TYPE_CHECKING:
    from .main_window import MainWindow

STATES = ((DONE, "done", "#3b9c5a"), (IN_PROGRESS, "in progress", "#e6a23c"),
          (NOT_STARTED, "not started", "#cfd4db"))  # fmt: skip
DOCS_SHOWN = 25  # documents listed under one mention; the rest are counted
DOCUMENT_ID = Qt.ItemDataRole.UserRole
CSV_HEADER = ("section", "name", "analyst", "value")


@dataclass(frozen=True)
class OverviewData:
    """``Store.overview``'s numbers, the titles of the documents listed, and when."""

    numbers: dict[str, Any]
    titles: dict[int, str]
    taken_at: str


def gather(store: Store, top: int = 10) -> OverviewData:
    """Runs in the worker thread, on the job's own connection."""
    numbers = store.overview(top=top)
    ids = {doc_id for key in ("top_actors", "top_citations") for mention in numbers[key]
           for doc_id in mention["documents"][:DOCS_SHOWN]}  # fmt: skip
    titles = {doc_id: store.document(doc_id).title or f"Document {doc_id}" for doc_id in ids}
    return OverviewData(numbers, titles, time.strftime("%H:%M"))


def csv_rows(numbers: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    """The overview as one long table (see the module's docstring)."""
    rows = [("corpus", "documents", "", numbers["documents"]),
            ("corpus", "spans", "", numbers["spans"])]  # fmt: skip
    for analyst, states in numbers["progress"].items():
        rows += [("progress", state, analyst, states[state]) for state, _, _ in STATES]
    for label, per_analyst in numbers["by_label"].items():
        rows += [("spans", label, analyst, n) for analyst, n in per_analyst.items()]
    for kind, key in (("actor", "top_actors"), ("citation", "top_citations")):
        for mention in numbers[key]:
            text, count, docs = mention["text"], mention["count"], len(mention["documents"])
            rows += [(f"{kind} mentions", text, "", count), (f"{kind} documents", text, "", docs)]
    return rows


def progress_bars(numbers: dict[str, Any]) -> list[Bar]:
    return [
        Bar(analyst, tuple(Segment(states[state], colour, name) for state, name, colour in STATES),
            " · ".join(f"{states[state]:,} {name}" for state, name, _ in STATES))
        for analyst, states in numbers["progress"].items()
    ]  # fmt: skip


def label_bars(numbers: dict[str, Any], colours: dict[str, str]) -> list[Bar]:
    """One group per label (schema order first), one bar per analyst, in the label's colour."""
    by_label = numbers["by_label"]
    order = [name for name in colours if name in by_label] + sorted(set(by_label) - set(colours))
    bars = []
    for label in order:
        colour = colours.get(label, "#8a8a8a")
        heading = f"{label}  {sum(by_label[label].values()):,}"
        bars += [Bar(analyst, (Segment(n, colour, label),), group=heading, group_colour=colour)
                 for analyst, n in by_label[label].items()]  # fmt: skip
    return bars


class OverviewPanel(QWidget):
    """The ``overviewPanel`` window; ``open_document(id)`` opens a document in the main window."""

    loaded = Signal()  # the numbers are shown (or the failure), and the worker has ended

    def __init__(self, db_path: Path, labels: Sequence[Label], dialogs: DialogService,
                 open_document: Callable[[int], None],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("overviewPanel")
        self.setWindowTitle(f"Overview — {db_path.name}")
        self.db_path, self.dialogs, self.open_document = db_path, dialogs, open_document
        self.colours = {label.name: label.color for label in labels}
        self.data: OverviewData | None = None
        self.job: StoreJob | None = None
        self.content = QWidget(self)  # what the PNG shows: everything but the buttons
        self.content.setBackgroundRole(QPalette.ColorRole.Base)
        self.content.setAutoFillBackground(True)
        self.title = _heading("The corpus at a glance", 1.45, self.content)
        self.summary = QLabel("Loading…", self.content)
        self.progress_chart = BarChart("No analyst has tagged or finished a document yet")
        self.label_chart = BarChart("No spans yet")
        self.actor_model, self.actor_tree = self._mention_tree("Actor")
        self.citation_model, self.citation_tree = self._mention_tree("Citation")
        self.buttons = [QPushButton(t, self) for t in ("Refresh", "Export CSV…", "Export PNG…")]
        self.refresh_button, self.csv_button, self.png_button = self.buttons
        self.refresh_button.setShortcut("F5")
        slots = (self.refresh, self.export_csv, self.export_png)
        for button, slot in zip(self.buttons, slots, strict=True):
            button.clicked.connect(slot)
        self._lay_out()
        self.refresh()

    def _mention_tree(self, what: str) -> tuple[QStandardItemModel, QTreeView]:
        model = QStandardItemModel(0, 3, self)
        model.setHorizontalHeaderLabels([what, "Mentions", "Documents"])
        tree = QTreeView(self.content)
        tree.setModel(model)
        tree.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        tree.setMinimumHeight(150)
        tree.header().setStretchLastSection(False)
        for column, mode in enumerate(("Stretch", "ResizeToContents", "ResizeToContents")):
            tree.header().setSectionResizeMode(column, QHeaderView.ResizeMode[mode])
        tree.clicked.connect(self._clicked)  # a click opens a document, as a link would
        tree.activated.connect(self._clicked)
        return model, tree

    def _lay_out(self) -> None:
        grid = QGridLayout(self.content)
        grid.setContentsMargins(16, 12, 16, 16)
        grid.setHorizontalSpacing(28)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.summary, 1, 0, 1, 2)
        # Left what a lead reads first (progress), then who and what is cited; right the labels.
        sections = ((2, 0, "Documents per analyst", self.progress_chart),
                    (4, 0, "Most mentioned actors", self.actor_tree),
                    (6, 0, "Most cited sources", self.citation_tree),
                    (2, 1, "Spans per label and analyst", self.label_chart))  # fmt: skip
        for row, column, text, widget in sections:
            heading = _heading(text, 1.1, self.content)
            heading.setContentsMargins(0, 14, 0, 2)
            grid.addWidget(heading, row, column)
            top = Qt.AlignmentFlag.AlignTop if isinstance(widget, BarChart) else Qt.AlignmentFlag(0)
            grid.addWidget(widget, row + 1, column, 5 if widget is self.label_chart else 1, 1, top)
        grid.setRowStretch(5, 1)  # charts are as tall as their bars; the trees take the rest
        grid.setRowStretch(7, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.content)
        outer = QGridLayout(self)
        outer.setContentsMargins(0, 0, 0, 10)
        outer.addWidget(scroll, 0, 0, 1, 5)
        outer.setColumnStretch(0, 1)
        outer.setColumnMinimumWidth(4, 6)  # the buttons off the right edge, not the charts
        for column, button in enumerate(self.buttons, 1):
            outer.addWidget(button, 1, column)

    def refresh(self) -> None:
        """Compute the numbers again, off the GUI thread."""
        if self.job is not None:
            return
        self.summary.setText("Loading…")
        for button in self.buttons:
            button.setEnabled(False)
        self.job = StoreJob(self.db_path, gather, self)
        self.job.succeeded.connect(self._show)
        self.job.failed.connect(lambda error: self.summary.setText(f"Cannot count: {error}"))
        self.job.finished.connect(self._finished)
        self.job.start()

    def _finished(self) -> None:
        assert self.job is not None
        self.job.wait()  # ``finished`` comes just before the thread ends; ``loaded`` after
        self.job.deleteLater()
        self.job = None
        if self.summary.text() == "Loading…":  # neither result nor message: it crashed
            self.summary.setText("Cannot count: see the log, then Refresh")
        for button in self.buttons:
            button.setEnabled(button is self.refresh_button or self.data is not None)
        self.loaded.emit()

    def _show(self, data: OverviewData) -> None:
        self.data, numbers = data, data.numbers
        n = len(numbers["progress"])
        self.summary.setText(f"{counted(numbers['documents'], 'document')} · "
                             f"{counted(numbers['spans'], 'span')} · {counted(n, 'analyst')}"
                             f" · as of {data.taken_at}")  # fmt: skip
        self.progress_chart.set_bars(progress_bars(numbers),
                                     [(name, colour) for _, name, colour in STATES],
                                     scale=numbers["documents"])  # fmt: skip
        self.label_chart.set_bars(label_bars(numbers, self.colours))
        for model, key in ((self.actor_model, "top_actors"),
                           (self.citation_model, "top_citations")):  # fmt: skip
            model.removeRows(0, model.rowCount())
            for mention in numbers[key]:
                model.appendRow(_mention_row(mention, data.titles))

    def _clicked(self, index: QModelIndex) -> None:
        doc_id = index.siblingAtColumn(0).data(DOCUMENT_ID)
        if doc_id is not None:
            self.open_document(int(doc_id))

    def export_csv(self) -> None:
        path = self.dialogs.save_file_name("Export the overview as CSV", "overview.csv",
                                           "CSV files (*.csv)")  # fmt: skip
        if path is None or self.data is None:
            return
        try:
            with atomic_open(Path(path), "w", newline="") as f:
                csv.writer(f).writerows([CSV_HEADER, *(map(inert, row) for row in
                                                      csv_rows(self.data.numbers))])  # fmt: skip
        except OSError as exc:
            self.dialogs.error("Cannot export", os_error_line(exc))

    def export_png(self) -> None:
        path = self.dialogs.save_file_name("Export the overview as an image", "overview.png",
                                           "PNG images (*.png)")  # fmt: skip
        if path is not None and not self.content.grab().save(str(path), "PNG"):
            self.dialogs.error("Cannot export", f"{path} could not be written: try another folder")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.job is not None:
            self.job.wait()  # under a second; a thread must not outlive its panel
        super().closeEvent(event)


def show_overview(window: MainWindow) -> OverviewPanel:
    """Open the overview (or bring it up to date and to the front) for the window's database."""
    panel = window.findChild(OverviewPanel, "overviewPanel")
    if panel is not None and panel.db_path != window.store.path:  # File > Open since
        panel.close()
        panel.deleteLater()
        panel = None
    if panel is None:
        panel = OverviewPanel(window.store.path, window.store.schema.labels, window.dialogs,
                              lambda doc_id: _open_in(window, doc_id), window)  # fmt: skip
        panel.resize(1040, 780)
    else:
        panel.refresh()
    panel.show()
    panel.raise_()
    panel.activateWindow()
    return panel


def _heading(text: str, scale: float, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet(f"font-weight: bold; font-size: {label.font().pointSizeF() * scale:.1f}pt")
    return label


def _mention_row(mention: dict[str, Any], titles: dict[int, str]) -> list[QStandardItem]:
    """A mention, its counts, and its documents (the first ``DOCS_SHOWN``) under it."""
    docs = mention["documents"]
    row = [QStandardItem(text) for text in (mention["text"], f"{mention['count']:,}",
                                             f"{len(docs):,}")]  # fmt: skip
    for item in row[1:]:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    for doc_id in docs[:DOCS_SHOWN]:
        child = QStandardItem(titles.get(doc_id, f"Document {doc_id}"))
        child.setData(doc_id, DOCUMENT_ID)
        child.setToolTip("Click to open this document")
        row[0].appendRow([child, QStandardItem(), QStandardItem(f"#{doc_id}")])
    if len(docs) > DOCS_SHOWN:
        more = QStandardItem(f"… and {len(docs) - DOCS_SHOWN:,} more: search for it")
        row[0].appendRow([more, QStandardItem(), QStandardItem()])
    return row


def _open_in(window: MainWindow, doc_id: int) -> None:
    if window.editor.document is None or window.editor.document.id != doc_id:
        try:  # once, though a double-click is two clicks
            window.open_document(doc_id)
        except NotFoundError:  # deleted since the overview counted
            window.statusBar().showMessage("That document was deleted: refresh the overview", 8000)
            return
    window.raise_()
    window.activateWindow()
    window.view.setFocus(Qt.FocusReason.OtherFocusReason)
