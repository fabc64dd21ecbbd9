"""Search the whole corpus: hits grouped by document, filtered by label and analyst.

``Store.search`` (FTS5, fast enough for the GUI thread) runs on Enter, a filter change or a
pause in typing.  Opening a hit selects it in its document with the focus in the article, so a
label key tags it at once.  The window's store, view and editor are read on every use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFont, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTreeView,
    QWidget,
)

from annotator.display_text import counted
from annotator.errors import AnnotatorError, NotFoundError
from annotator.store.search import SearchHit, SearchQueryError

from .docks import dock_of, docked_panel
from .label_palette import swatch
from .layout_fit import show_dock

if TYPE_CHECKING:
    from .main_window import MainWindow

DEBOUNCE_MS = 300
LIMIT = 200
Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Hit", "Label", "Analyst")


class SearchHitModel(QAbstractItemModel):
    """Documents (in the order of their first hit), their hits under them; a hit's
    ``internalId`` is its document's row + 1, a document's is 0."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups: list[tuple[int, str, list[SearchHit]]] = []  # (id, title, hits)
        self.icons: dict[str, QIcon] = {}  # label swatches, made once
        self.bold = QFont()
        self.bold.setBold(True)

    def set_hits(self, hits: list[SearchHit]) -> None:
        by_doc: dict[int, tuple[int, str, list[SearchHit]]] = {}
        for hit in hits:
            title = hit.title or f"Document {hit.document_id}"
            by_doc.setdefault(hit.document_id, (hit.document_id, title, []))[2].append(hit)
        self.beginResetModel()
        self.groups = list(by_doc.values())
        self.endResetModel()

    def hit_at(self, index: Index) -> SearchHit | None:
        if index.isValid() and index.internalId():
            return self.groups[index.internalId() - 1][2][index.row()]
        return None

    def document_at(self, index: Index) -> int | None:
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == 0 else index.internalId() - 1
        return self.groups[row][0]

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1 if parent.isValid() else 0)

    def parent(self, index: Index | None = None) -> Any:  # type: ignore[override]
        if index is None:  # QObject.parent()
            return super().parent()
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.groups[parent.row()][2])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        return len(HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemNeverHasChildren if index.internalId() else flags

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit, column = self.hit_at(index), index.column()
        if hit is None:
            doc_id, title, hits = self.groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{title}  ({len(hits)})" if column == 0 else None
            if role == Qt.ItemDataRole.FontRole and column == 0:
                return self.bold
            return title if role == Qt.ItemDataRole.ToolTipRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            text = " ".join(hit.context.split())  # one line, whatever the text's breaks
            return (text, hit.label or "in the text", hit.annotator or "")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.context
        if role == Qt.ItemDataRole.DecorationRole and column == 1 and hit.label:
            return self.icons.get(hit.label)
        return None


class SearchPanel(QWidget):
    """The ``corpusSearchPanel``: a query, two filters, the hits and a one-line message."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("corpusSearchPanel")
        self.setMinimumWidth(280)  # a line of context beside label and analyst, in a narrow window
        self.main_window = window
        self.query = QLineEdit(self)
        self.query.setObjectName("corpusSearchBox")
        self.query.setPlaceholderText("Search all articles, spans and notes")
        self.query.setClearButtonEnabled(True)
        self.query.setToolTip('cafe finds Café; "a phrase"; kyiv* a prefix; a OR b; a NOT b')
        self.label_filter, self.analyst_filter = QComboBox(self), QComboBox(self)
        self.label_filter.setAccessibleName("Only spans with this label")
        self.analyst_filter.setAccessibleName("Only spans of this analyst")
        self.model = SearchHitModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("corpusSearchResults")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setExpandsOnDoubleClick(False)  # double-click opens; groups stay open
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel(self)
        self.message.setObjectName("corpusSearchMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        # A long message is clipped (all of it in the tooltip) rather than widening the dock.
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message_text, self.error, self.searched = "", False, ""
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)  # typing pauses
        layout = QGridLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.query, 0, 0, 1, 2)
        layout.addWidget(self.label_filter, 1, 0)
        layout.addWidget(self.analyst_filter, 1, 1)
        layout.addWidget(self.tree, 2, 0, 1, 2)
        layout.addWidget(self.message, 3, 0, 1, 2)
        layout.setRowStretch(2, 1)

        self.query.textChanged.connect(lambda _text: self.timer.start())
        self.query.returnPressed.connect(self.search)
        self.timer.timeout.connect(self.search)
        self.label_filter.currentIndexChanged.connect(lambda _i: self.search())
        self.analyst_filter.currentIndexChanged.connect(lambda _i: self.search())
        self.tree.activated.connect(self.open_hit)
        self.query.installEventFilter(self)
        self.tree.installEventFilter(self)
        self.refresh_filters()
        self._say("Type words and press Enter")

    def refresh_filters(self) -> None:
        """Labels from the schema, analysts from the store; the choices kept when still there."""
        store = self.main_window.store
        self.model.icons = {label.name: swatch(label.color, 10) for label in store.schema.labels}
        _refill(self.label_filter, "Any label", list(self.model.icons.items()))
        analysts = [(name, QIcon()) for name in store.annotators()]
        _refill(self.analyst_filter, "Any analyst", analysts)

    def search(self) -> None:
        self.timer.stop()
        query = self.searched = self.query.text().strip()  # a text hit's match is located with it
        label, analyst = self.label_filter.currentData(), self.analyst_filter.currentData()
        try:
            hits = self.main_window.store.search(query, label=label, annotator=analyst, limit=LIMIT)
        except SearchQueryError as exc:
            self.model.set_hits([])
            self._say(str(exc), error=True)
            return
        self.model.set_hits(hits)
        self.tree.expandAll()
        for row in range(len(self.model.groups)):  # a document's title runs across the columns
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        for column in (1, 2):
            self.tree.resizeColumnToContents(column)
        docs, n = len(self.model.groups), len(hits)
        if not query:
            self._say("Type words and press Enter")
        elif not hits:
            self._say(f"No hits for “{query}”{' with these filters' if label or analyst else ''}")
        elif n >= LIMIT:
            where = counted(docs, "document")
            self._say(f"The first {LIMIT} hits, in {where}: add words or a filter")
        else:
            self._say(f"{n} hit{'s' * (n != 1)} in {docs} document{'s' * (docs != 1)}")

    def open_hit(self, index: Index) -> None:
        """Open the hit's document, select the hit and hand the article the focus."""
        doc_id = self.model.document_at(index)
        if doc_id is None:
            return
        w = self.main_window
        if w.editor.document is None or w.editor.document.id != doc_id:
            try:
                w.open_document(doc_id)
            except NotFoundError:
                self._say("That document was deleted since: search again", error=True)
                return
        hit = self.model.hit_at(index)
        where = (hit.start, hit.end) if hit is not None and hit.start is not None else None
        if hit is not None and hit.span_id is not None:  # where it is now (text replaced?)
            try:
                span = w.store.span(hit.span_id)
            except AnnotatorError:
                self._say("That span was deleted or orphaned since: search again", error=True)
                return
            where = (span.start, span.end)
        if hit is not None and where is None:  # a text hit: its first match, unless in the title
            where = w.store.locate(doc_id, self.searched)
            if where is None:
                self._say(f"“{self.searched}” is in this article's title, not in its text")
        offsets = w.editor.offsets  # the open document's code points -> Qt's UTF-16
        if where is not None and where[1] is not None and offsets is not None:
            w.view.select_range(offsets.to_utf16(where[0]), offsets.to_utf16(where[1]))
            w.view.centerCursor()
        w.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() == Qt.Key.Key_Escape:
            self.main_window.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        if watched is self.query and event.key() == Qt.Key.Key_Down and self.model.groups:
            self.tree.setCurrentIndex(self.model.index(0, 0, self.model.index(0, 0)))
            self.tree.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return False

    def _say(self, text: str, *, error: bool = False) -> None:
        self.error, self.message_text = error, text
        self.message.setToolTip(text)
        self.message.setText(text)
        self.message.setStyleSheet("color: #c0392b;" if error else "")


def _refill(combo: QComboBox, anything: str, items: list[tuple[str, QIcon]]) -> None:
    """Refill a filter quietly (no search), keeping its choice if it is still there."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(anything, None)
    for name, icon in items:
        combo.addItem(icon, name, name)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)


def install_search_panel(window: MainWindow) -> SearchPanel:
    """The panel in a right-side dock (``searchDock``), hidden until ``show_search``.

    The window installs it once; a second call returns the same panel.
    """
    panel, made = docked_panel(
        window, lambda dock: SearchPanel(window, dock), SearchPanel, "corpusSearchPanel",
        "Search all articles", "searchDock", Qt.DockWidgetArea.RightDockWidgetArea,
    )  # fmt: skip
    if made:
        # File > Open: the other database's analysts, and the same query in it (in this order).
        window.store_changed.connect(lambda _store: panel.refresh_filters())
        window.store_changed.connect(lambda _store: panel.search())
    return panel


def show_search(window: MainWindow) -> SearchPanel:
    """Ctrl+Shift+F: show the dock (installing it the first time) and focus the query."""
    panel = install_search_panel(window)
    dock = dock_of(panel)
    panel.refresh_filters()  # analysts may have been added since
    show_dock(window, dock)
    dock.raise_()
    panel.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
    panel.query.selectAll()
    return panel
