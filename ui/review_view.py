"""The review window: two analysts' layers side by side, adjudicated into gold. Layout only.

Top: the document, layer A, layer B, the gold layer's name, the row filter and
"Accept all matches".  Middle: the two synchronised panes (``reviewLeft``,
``reviewRight``).  Bottom: the diff table (``reviewDiffTable``: the span pairs,
then the pairs of relations) and beside it the document's agreement
(``reviewAgreementTable``, ``reviewStatistics``, with the relations' counts)
with its chart (``reviewChart``).  The status bar shows the gold layer's state
(``reviewGoldState``) and a progress bar while large layers are compared.
What the keys do lives in ``review_controller.py``, the keys in ``review_actions.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.adjudication import DEFAULT_GOLD
from annotator.display_text import counted
from annotator.model import DocumentSummary
from annotator.relation_review import RELATION_CATEGORIES
from annotator.store import Store

from .appearance import Theme, label_colours
from .commands import History
from .dialogs import DialogService
from .review_actions import build_review_actions
from .review_chart import AgreementChart
from .review_columns import ReviewColumns
from .review_controller import ReviewController
from .review_dialogs import ReviewDialogs
from .review_models import (
    ALL,
    CATEGORY_NAMES,
    DISAGREEMENTS,
    FILTERS,
    UNDECIDED,
    AgreementModel,
    DiffTableModel,
    number,
)
from .review_panes import ReviewPane, ScrollSync, table_view
from .review_relation_rows import RELATION_FILTER_NAMES, RELATION_NAMES, RELATIONS

FILTER_NAMES = {ALL: "All rows", DISAGREEMENTS: "Disagreements", UNDECIDED: "Without a verdict",
                **CATEGORY_NAMES, **RELATION_FILTER_NAMES}  # fmt: skip


class ReviewWindow(QMainWindow):
    """Review one document's layers A and B into a gold layer, as ``analyst``.

    ``gold_changed(document_id)`` fires after every decision, undo and redo that
    changed the gold layer, so a main window showing that document can reload it.
    ``history``: the main window's undo history of the same analyst, shared so
    both windows' Undo names the same step; else the review keeps its own.
    """

    gold_changed = Signal(int)

    def __init__(self, store: Store, analyst: str, *, dialogs: DialogService | None = None,
                 gold: str = DEFAULT_GOLD, parent: QWidget | None = None,
                 history: History | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        if parent is not None:
            self.setWindowFlag(Qt.WindowType.Window)  # its own window, closed with the parent
            parent.installEventFilter(self)
        self.setObjectName("reviewWindow")
        self.store = store
        self.deleted_document: int | None = None  # reviewed when deleted: undo brings it back
        self.dialogs = ReviewDialogs(dialogs if dialogs is not None else DialogService(self), self)
        colours = {label.name: label.color for label in store.schema.labels}

        self.document_box = self._combo("reviewDocument", "The document to review")
        self.layer_a_box = self._combo("reviewLayerA", "Layer A: shown on the left")
        self.layer_b_box = self._combo("reviewLayerB", "Layer B: shown on the right")
        self.gold_edit = QLineEdit(gold, self)
        self.gold_edit.setObjectName("reviewGold")
        self.gold_edit.setToolTip("The analyst name of the gold layer the decisions write to")
        self.gold_edit.setMaximumWidth(120)
        self.filter_box = self._combo("reviewFilter", "Which rows the table shows")
        for name in FILTERS:
            self.filter_box.addItem(FILTER_NAMES[name], name)
        self.accept_matches_button = QPushButton("Accept all matches", self)
        self.accept_matches_button.setObjectName("reviewAcceptMatches")
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setObjectName("reviewExport")
        for button in (self.accept_matches_button, self.export_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.left = ReviewPane("reviewLeft", self)
        self.right = ReviewPane("reviewRight", self)
        self.last_pane = self.left  # where E takes the edited boundaries from
        self.left_title = QLabel(self)
        self.left_title.setObjectName("reviewLeftTitle")
        self.right_title = QLabel(self)
        self.right_title.setObjectName("reviewRightTitle")
        self.model = DiffTableModel(colours, self)
        self.table = table_view(self.model, "reviewDiffTable", self)
        self.columns = ReviewColumns(self.table, list(colours))  # the quotes get the room
        self.agreement_model = AgreementModel(self)
        self.agreement_table = table_view(self.agreement_model, "reviewAgreementTable", self)
        self.agreement_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.statistics = QLabel(self)
        self.statistics.setObjectName("reviewStatistics")
        self.statistics.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = AgreementChart(self)
        self.gold_state = QLabel(self)
        self.gold_state.setObjectName("reviewGoldState")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("reviewProgress")
        self.progress.setRange(0, 0)  # busy: the work has no measurable steps
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.progress_label = QLabel(self)
        self.progress_label.hide()

        self.controller = ReviewController(self, store, analyst, history)
        self.actions_by_name = build_review_actions(self, self.controller)
        self._lay_out()
        self._menus()
        self._wire()
        self._set_title()

    def _combo(self, name: str, tip: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.setToolTip(tip)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return box

    def _lay_out(self) -> None:
        toolbar = QToolBar("Review", self)
        toolbar.setObjectName("reviewToolBar")
        toolbar.setMovable(False)
        for text, widget in (("Document ", self.document_box), (" A ", self.layer_a_box),
                             (" B ", self.layer_b_box), (" Gold ", self.gold_edit),
                             (" Show ", self.filter_box)):  # fmt: skip
            toolbar.addWidget(QLabel(text, self))
            toolbar.addWidget(widget)
        toolbar.addSeparator()
        toolbar.addWidget(self.accept_matches_button)
        toolbar.addWidget(self.export_button)
        self.addToolBar(toolbar)

        panes = QWidget(self)
        grid = QGridLayout(panes)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.left_title, 0, 0)
        grid.addWidget(self.right_title, 0, 1)
        grid.addWidget(self.left, 1, 0)
        grid.addWidget(self.right, 1, 1)
        grid.setColumnStretch(0, 1)  # equal widths: both panes wrap lines alike
        grid.setColumnStretch(1, 1)
        self.sync = ScrollSync(self.left, self.right)

        side = QWidget(self)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.agreement_table)
        column.addWidget(self.statistics)
        column.addWidget(self.chart, 1)
        bottom = QSplitter(Qt.Orientation.Horizontal, self)
        bottom.addWidget(self.table)
        bottom.addWidget(side)
        bottom.setStretchFactor(0, 2)  # a smaller window narrows the diff table most
        bottom.setStretchFactor(1, 1)
        bottom.setSizes([900, 420])
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("reviewSplitter")
        splitter.addWidget(panes)
        splitter.addWidget(bottom)
        splitter.setSizes([480, 360])
        self.setCentralWidget(splitter)
        status = self.statusBar()
        status.addPermanentWidget(self.progress_label)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.gold_state)
        self.resize(1400, 900)

    def _menus(self) -> None:
        menu = self.menuBar().addMenu("&Review")
        groups = (("accept_left", "accept_right", "accept_both", "reject", "edit", "undecide",
                   "comment"), ("next_disagreement", "previous_disagreement"),
                  ("accept_all_matches",), ("undo", "redo"), ("export_csv", "reload"))  # fmt: skip
        for group in groups:
            menu.addActions([self.actions_by_name[name] for name in group])
            menu.addSeparator()

    def _wire(self) -> None:
        c = self.controller
        self.document_box.currentIndexChanged.connect(lambda _: self._document_chosen())
        self.layer_a_box.currentIndexChanged.connect(lambda _: self._layer_chosen(a_side=True))
        self.layer_b_box.currentIndexChanged.connect(lambda _: self._layer_chosen(a_side=False))
        self.gold_edit.editingFinished.connect(self._gold_chosen)
        # Enter hands the keys to the decisions: A (accept) would go on typing the name.
        self.gold_edit.returnPressed.connect(
            lambda: self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        )
        self.filter_box.currentIndexChanged.connect(
            lambda _: self.model.set_filter(self.filter_box.currentData())
        )
        self.accept_matches_button.clicked.connect(c.accept_all_matches)
        self.export_button.clicked.connect(c.export_csv)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.left.focused.connect(lambda: setattr(self, "last_pane", self.left))
        self.right.focused.connect(lambda: setattr(self, "last_pane", self.right))
        c.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        c.busy.connect(self._busy)
        c.gold_changed.connect(self.gold_changed)

    # -- what the main window, scripts and tests call ----------------------------------------

    def set_theme(self, theme: Theme) -> None:
        """The main window's theme: the panes' paper and ink, and the label tints on it
        (the palette itself comes from the main window, which propagates it)."""
        colours = {label.name: label.color for label in self.controller.store.schema.labels}
        tints = label_colours(colours, theme)
        paper = QColor(theme.paper)
        for pane, highlighter in zip((self.left, self.right), self.controller.highlighters,
                                     strict=True):  # fmt: skip
            pane.set_paper(paper, QColor(theme.ink), QColor(theme.highlight))
            highlighter.set_paper(paper, tints)

    @property
    def analyst(self) -> str:
        return self.controller.reviewer

    def set_reviewer(self, analyst: str) -> None:
        self.controller.set_reviewer(analyst)
        self._set_title()

    def show_document(self, document_id: int | None = None, a: str | None = None,
                      b: str | None = None) -> None:  # fmt: skip
        """Review ``document_id`` (default: the first with two layers) with layers
        ``a`` and ``b`` (default: its first two analysts other than the gold layer)."""
        documents = self.store.documents()
        gold = self.gold_name()
        if document_id is None:
            document_id = next((d.id for d in documents if len(self._layers(d, gold)) >= 2),
                               documents[0].id if documents else None)  # fmt: skip
        self.document_box.blockSignals(True)
        self.document_box.clear()
        for d in documents:
            self.document_box.addItem(f"{d.id}: {d.title or 'untitled'}", d.id)
        self.document_box.setCurrentIndex(max(0, self.document_box.findData(document_id)))
        self.document_box.blockSignals(False)
        self._document_chosen(a, b)

    def document_deleted(self, document_id: int) -> None:
        """The reviewed document was deleted (in the main window): show another, and say so."""
        session = self.controller.session
        doc = session.document if session is not None else None
        title = doc.title or "untitled" if doc is not None and doc.id == document_id else "it"
        self.deleted_document = document_id
        self.show_document(None)
        self.statusBar().showMessage(
            f"The document under review, “{title}”, was deleted in the main window;"
            " Ctrl+Z there brings it back, and this review with it", 15000,
        )  # fmt: skip

    def document_restored(self, document_id: int) -> None:
        """An undo brought back the document this review showed when it was deleted."""
        if self.deleted_document != document_id:
            return
        self.deleted_document = None
        self.show_document(document_id)
        self.statusBar().showMessage("The deleted document is back: reviewing it again", 6000)

    def gold_name(self) -> str:
        return self.gold_edit.text().strip() or DEFAULT_GOLD

    def show_numbers(self, result: Mapping[str, Any] | None, counts: Mapping[str, int]) -> None:
        self.agreement_model.reset(result)
        view = self.agreement_table  # every row on show: a label per row and the overall
        rows = max(self.agreement_model.rowCount(), 1)
        view.setFixedHeight(view.horizontalHeader().sizeHint().height()
                            + rows * view.verticalHeader().defaultSectionSize()
                            + 2 * view.frameWidth())  # fmt: skip
        self.chart.set_result(result, counts)
        session = self.controller.session
        self.chart.set_relations(
            session.relation_counts() if session is not None and session.relation_pairs else {}
        )
        if result is None:
            self.statistics.setText("")
            return
        overall = result["overall"]
        text = (
            f"Cohen's κ {number(overall['cohen_kappa'])} · "
            f"Krippendorff's α {number(overall['krippendorff_alpha'])}  (over tokens)"
        )
        if session is not None and session.relation_pairs:
            counts = session.relation_counts()
            text += "\nRelations: " + " · ".join(
                f"{counts[c]} {RELATION_NAMES[c].removeprefix('relation ')}"
                for c in RELATION_CATEGORIES
            )  # fmt: skip
        self.statistics.setText(text)

    def show_counts(self) -> None:
        session = self.controller.session
        counts = session.counts() if session is not None else {}
        relations = session.relation_counts() if session is not None else {}
        numbers: dict[str, int] = {
            **counts, **{f"relation_{c}": n for c, n in relations.items()},
            DISAGREEMENTS: sum(n for c, n in (*counts.items(), *relations.items())
                               if c != "match"),
        }  # fmt: skip
        if session is not None:
            numbers[RELATIONS] = len(session.relation_pairs)
        for i in range(self.filter_box.count()):
            name = self.filter_box.itemData(i)
            n = numbers.get(name)
            text = FILTER_NAMES[name] + (f" ({n})" if n is not None else "")
            self.filter_box.setItemText(i, text)
        if session is None:
            self.left_title.setText("")
            self.right_title.setText("")
        else:
            self.left_title.setText(f"A: {session.a} · {counted(len(session.spans_a), 'span')}")
            self.right_title.setText(f"B: {session.b} · {counted(len(session.spans_b), 'span')}")

    def show_gold_state(self) -> None:
        session = self.controller.session
        if session is None:
            self.gold_state.setText("")
            return
        decided, pairs, gold = session.progress()
        links = ""
        if session.relation_pairs or session.gold_relations:
            more, relations, linked = session.relation_progress()
            decided, pairs = decided + more, pairs + relations
            links = f", {linked:,} relation{'s' * (linked != 1)}"
        self.gold_state.setText(
            f"Gold “{session.gold}”: {gold:,} span{'s' * (gold != 1)}{links} · "
            f"{decided:,} of {pairs:,} decided"
        )

    # -- slots -------------------------------------------------------------------------------

    def _layers(self, summary: DocumentSummary, gold: str) -> list[str]:
        return sorted((n for n in summary.analyst_counts if n != gold), key=str.casefold)

    def _document_chosen(self, a: str | None = None, b: str | None = None) -> None:
        document_id = self.document_box.currentData()
        summary = next((d for d in self.store.documents() if d.id == document_id), None)
        names = self._layers(summary, self.gold_name()) if summary is not None else []
        a = a or self.layer_a_box.currentData() or (names[0] if names else None)
        if a not in names:
            a = names[0] if names else None
        b = b or self.layer_b_box.currentData()
        if b not in names or b == a:
            b = next((n for n in names if n != a), a)
        for box, chosen in ((self.layer_a_box, a), (self.layer_b_box, b)):
            box.blockSignals(True)
            box.clear()
            for name in names:
                count = summary.analyst_counts[name] if summary is not None else 0
                box.addItem(f"{name} ({count:,})", name)
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)
        if len(names) < 2:
            self.controller.clear()
            self._set_title()
            self.statusBar().showMessage(
                "Only one analyst has spans in this document: nothing to compare yet"
                if names else "No analyst has spans in this document yet", 6000,
            )  # fmt: skip
            return
        self._open()

    def _gold_chosen(self) -> None:
        session = self.controller.session
        gold = self.gold_name()
        if session is not None and session.gold == gold:
            return
        hand_made = self.controller.store.hand_made_span_count(gold)
        if hand_made and not self.dialogs.confirm(
            "Gold layer",
            f"{gold}'s layer holds {counted(hand_made, 'span')} made by hand: decisions would be"
            f" written among them. Write the decisions into {gold}'s layer?",
        ):
            self.gold_edit.setText(session.gold if session is not None else DEFAULT_GOLD)
            return
        self._document_chosen()

    def _layer_chosen(self, *, a_side: bool) -> None:
        """A layer picked on one side that the other side shows: the sides swap,
        as a layer compared with itself agrees with itself on everything."""
        chosen, other = ((self.layer_a_box, self.layer_b_box) if a_side
                         else (self.layer_b_box, self.layer_a_box))  # fmt: skip
        session = self.controller.session
        if chosen.currentData() == other.currentData() and session is not None:
            before = session.a if a_side else session.b
            other.blockSignals(True)
            other.setCurrentIndex(max(0, other.findData(before)))
            other.blockSignals(False)
        self._open()

    def _open(self) -> None:
        document_id = self.document_box.currentData()
        a, b = self.layer_a_box.currentData(), self.layer_b_box.currentData()
        if document_id is None or a is None or b is None:
            return
        if a == b:
            self.controller.clear()
            self._set_title()
            self.statusBar().showMessage(f"A and B both show {a}: pick another layer for one", 6000)
            return
        self.controller.open(document_id, a, b, self.gold_name())
        self._set_title()

    def review_opened(self) -> None:
        """The pairs are in: select the pair kept by a reload, else the first row."""
        c = self.controller
        self._set_title()
        row = c.session.row_of(c.keep) if c.session is not None and c.keep is not None else None
        if c.session is not None and c.keep_relation is not None:
            row = c.session.relation_row_of(c.keep_relation)
        c.keep = c.keep_relation = None
        if row is not None:
            c.select_row(row)
        elif self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.controller.show_pair(self.model.session_row(current.row()))

    def _busy(self, text: str) -> None:
        self.progress.setVisible(bool(text))
        self.progress_label.setVisible(bool(text))
        self.progress_label.setText(text)

    def _set_title(self) -> None:
        session = self.controller.session
        what = (f"{session.document.title or 'untitled'} — {session.a} vs {session.b}"
                if session is not None else "no document")  # fmt: skip
        self.setWindowTitle(f"Review — {what} — reviewing as {self.analyst}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.parent() and event.type() == QEvent.Type.Close:
            self.close()  # the parent is closing: let running jobs finish first
        return False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.controller.wait()  # a comparison or "accept all" finishes first
        super().closeEvent(event)


def open_review(parent_window: QWidget | None, store: Store, analyst: str,
                document_id: int | None = None, history: History | None = None,
                ) -> ReviewWindow:  # fmt: skip
    """Show the review window of ``parent_window`` (made on first use) on ``document_id``."""
    window = parent_window.findChild(ReviewWindow) if parent_window is not None else None
    if window is None:
        dialogs = getattr(parent_window, "dialogs", None)
        window = ReviewWindow(store, analyst, dialogs=dialogs, parent=parent_window,
                              history=history)  # fmt: skip
        window.show_document(document_id)
    else:
        window.set_reviewer(analyst)
        if document_id is not None:
            window.show_document(document_id)
    appearance = getattr(parent_window, "appearance", None)
    if appearance is not None:
        window.set_theme(appearance.theme)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
