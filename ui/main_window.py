"""The annotation window: layout only.

Left the document list above the layers, centre the article, right the span
table with its filters in a dock (the docks give way to the article: see
``layout_fit.py``); on top the label palette, the search box and the
analyst.  What keys and clicks do lives in ``editor.py``, ``search.py``,
``documents.py``, ``layers.py``, ``edge_drag.py`` and ``orphans_panel.py`` (a dock
shown while the open document has orphans); the review window is linked in
``review_link.py``; the actions and menus in ``actions.py``; the signal wiring
in ``wiring.py``; what is remembered between starts in ``window_state.py``.
Everything that depends on the database (its schema gives the labels, hence
the keys and menus) is built by ``_build`` and built again when File > Open
switches to another database.
"""

from __future__ import annotations

import getpass
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QToolButton,
    QWidget,
)

from annotator.store import Store

from . import layout_fit, review_link, window_state
from .actions import action_specs, build_actions, build_menus
from .appearance import Appearance
from .attributes_form import AttributesForm
from .database_files import DatabaseFiles
from .dialogs import DialogService
from .document_list import DocumentListModel
from .document_panel import DocumentPanel
from .document_view import DocumentView
from .documents import Documents
from .edge_drag import EdgeDrag
from .editor import Editor
from .label_palette import LabelPalette
from .layers import LayerModel, Layers, LayersPanel
from .live_refresh import reload_window
from .orphans_panel import OrphansPanel
from .relation_margin import RelationMargin
from .relations import RelationLinker
from .search import Search, SearchBox
from .settings import Prefs, app_settings
from .shortcut_sheet import Binding, ShortcutSheet, bindings
from .span_panel import SpanPanel
from .span_table import SpanTableModel
from .transfer import Transfer
from .wiring import wire
from .workers import ThreadKeeper


def default_analyst() -> str:
    """The OS user name, which is who is at the keyboard unless they say otherwise."""
    try:
        return getpass.getuser() or "analyst"
    except (KeyError, OSError):  # no user name in the environment or passwd
        return "analyst"


class MainWindow(QMainWindow):
    """One database, one open document at a time.

    ``settings`` (default ``settings.app_settings()``) is where the window
    remembers zoom, theme, size, splitters, recent databases and the last
    document; tests pass their own or redirect the default.

    ``store_changed(store)`` is emitted after File > Open or New has rebuilt the
    window around another database: whatever was attached to the old parts
    (docks, extra actions, watchers) attaches again to the new ones.
    """

    store_changed = Signal(object)

    def __init__(self, store: Store, *, analyst: str | None = None,
                 dialogs: DialogService | None = None,
                 settings: QSettings | None = None) -> None:  # fmt: skip
        super().__init__()
        self.setObjectName("mainWindow")
        self.setAccessibleName("annotator")
        self.prefs = Prefs(settings if settings is not None else app_settings())
        self.dialogs = dialogs if dialogs is not None else DialogService(self)
        self.appearance = Appearance(self.prefs, self)
        self.files = DatabaseFiles(self)
        self.transfer = Transfer(self)
        self.transfer.imported.connect(lambda _result: window_state.after_import(self))
        self.transfer.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.sheet: ShortcutSheet | None = None
        self.owns_store = False  # the caller closes the Store it gave; the window its own
        self._build(store, analyst or self.prefs.analyst or default_analyst())
        # The corpus search dock outlives rebuilds (it follows ``store_changed``).
        from .search_panel import install_search_panel

        install_search_panel(self)
        from .suggestions import install_suggestions

        install_suggestions(self)  # follows ``store_changed`` by itself
        window_state.restore_geometry(self)
        self.files.remember(store.path)
        window_state.restore_document(self)

    def _build(self, store: Store, analyst: str) -> None:
        """Every part that depends on the database: widgets, models, actions, menus."""
        self.store = store
        schema = store.schema
        self.label_colours = {label.name: label.color for label in schema.labels}
        self.view = DocumentView(self)
        self.editor = Editor(store, analyst, self.view, self.dialogs, self)
        self.search = Search(self.editor, self.dialogs, self)
        self.span_model = SpanTableModel(
            self.label_colours, self.editor.can_edit, self.editor.edit_note, self
        )
        self.span_panel = SpanPanel(self.span_model, schema.labels, self)
        self.span_table = self.span_panel.table
        self.attributes_form = AttributesForm(self.editor, self.span_panel)
        self.span_panel.layout().addWidget(self.attributes_form)  # type: ignore[union-attr]
        self.document_model = DocumentListModel(self.label_colours, self)
        self.document_panel = DocumentPanel(self.document_model, self)
        self.document_list = self.document_panel.view
        self.layers_panel = LayersPanel(LayerModel(self), self)
        self.documents = Documents(store, self.editor, self.document_panel, self.dialogs, self)
        self.layers = Layers(store, self.editor, self.layers_panel, self)
        self.orphans_panel = OrphansPanel(store, lambda: self.editor.analyst, self.view, self)
        self.orphans_panel.can_edit = self.editor.can_edit
        self.edge_drag = EdgeDrag(self.editor, self)
        self.relations = RelationLinker(self.editor, self)  # after EdgeDrag: its clicks first
        self.relation_margin = RelationMargin(self.relations, self.prefs)
        self.palette_bar = LabelPalette(schema.labels, self)
        self.palette_bar.setAccessibleName("Labels: click one to tag the selection")
        self.search_box = SearchBox(self)
        self.search_box.setMinimumWidth(220)
        self.search_box.setAccessibleName("Search the article")
        self.tag_all_button = QToolButton(self)
        self.tag_all_button.setObjectName("tagAllButton")
        self.tag_all_button.setText("Tag all")
        self.tag_all_button.setToolTip("Tag every search match with a label (Ctrl+Shift+key)")
        self.tag_all_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.tag_all_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tag_all_menu = QMenu(self.tag_all_button)
        self.tag_all_button.setMenu(self.tag_all_menu)
        self.analyst_box = QComboBox(self)
        self.analyst_box.setObjectName("analystBox")
        self.analyst_box.setAccessibleName("Analyst")
        self.analyst_box.setEditable(True)
        self.analyst_box.setInsertPolicy(QComboBox.InsertPolicy.InsertAlphabetically)
        self.analyst_box.setMinimumContentsLength(10)
        self.analyst_box.setToolTip("Who is annotating: pick a name or type a new one")
        self.saved_label = QLabel(self)
        self.saved_label.setObjectName("savedLabel")
        self.position_label = QLabel(self)
        self.position_label.setObjectName("positionLabel")

        self._lay_out()
        self.action_specs = action_specs(schema, self)
        self.action_map = build_actions(
            self,
            {"view": self.view, "spans": self.span_table, "documents": self.document_list,
             "layers": self.layers_panel.view},
            self.action_specs,
        )  # fmt: skip
        build_menus(self.menuBar(), self.action_map, schema,
                    {"@recent": self.files.make_recent_menu(self)})  # fmt: skip
        for label in schema.labels:
            self.tag_all_menu.addAction(self.action_map[f"tag_all_{label.name}"])
        self.layers_panel.set_edit_action(self.action_map["edit_layer"])
        self.document_list.addActions([self.action_map[name] for name in (
            "mark_done", "rename_document", "next_unfinished")])  # fmt: skip
        wire(self)
        self.appearance.apply(self)
        self.documents.refresh()
        self.layers.refresh()
        self.refresh_analysts()
        self.show_title()
        window_state.restore_splitters(self)

    def _lay_out(self) -> None:
        toolbar = QToolBar("Labels", self)
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(14, 14))
        toolbar.addWidget(self.palette_bar)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search_box)
        toolbar.addWidget(self.tag_all_button)
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Analyst ", self))
        toolbar.addWidget(self.analyst_box)
        self.addToolBar(toolbar)

        self.left_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.left_splitter.setObjectName("leftSplitter")
        self.left_splitter.addWidget(self.document_panel)
        self.left_splitter.addWidget(self.layers_panel)
        self.left_splitter.setStretchFactor(0, 1)
        self.left_splitter.setSizes([560, 160])
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left_splitter)
        self.splitter.addWidget(self.view)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([240, 1160])
        self.setCentralWidget(self.splitter)
        # The span table heads the right column of docks, which the orphans and the
        # corpus search join (as tabs in a short window: layout_fit.py).
        self.span_dock = QDockWidget("Spans", self)
        self.span_dock.setObjectName("spanDock")
        self.span_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                   | QDockWidget.DockWidgetFeature.DockWidgetFloatable)  # fmt: skip
        self.span_dock.setWidget(self.span_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.span_dock)
        self.resizeDocks([self.span_dock], [470], Qt.Orientation.Horizontal)
        self.orphans_dock = QDockWidget("Orphans", self)
        self.orphans_dock.setObjectName("orphansDock")
        self.orphans_dock.setWidget(self.orphans_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.orphans_dock)
        self.orphans_dock.hide()  # shown while there are orphans or fuzzy placements
        fit = layout_fit.install(self, self.span_dock)
        fit.watch(self.orphans_dock)

        status = self.statusBar()
        status.setStyleSheet(
            "QStatusBar::item { border: none; }"
            "QLabel#positionLabel { padding: 0 12px; border-right: 1px solid palette(mid); }"
            "QLabel#savedLabel { padding: 0 8px 0 12px; }"
        )
        status.addPermanentWidget(self.position_label)
        status.addPermanentWidget(self.saved_label)

    # -- what scripts and tests call ---------------------------------------------------

    @property
    def analyst(self) -> str:
        return self.editor.analyst

    def open_document(self, document_id: int) -> None:
        self.editor.open_document(document_id)

    def set_analyst(self, name: str) -> None:
        self.editor.set_analyst(name)

    def set_store(self, store: Store) -> None:
        """Switch to another database: the old Store is closed, everything is rebuilt."""
        analyst = self.editor.analyst
        self.commit_typing()
        self.transfer.wait()
        window_state.save(self)
        window_state.tear_down(self)
        self.store.close()
        self.owns_store = True
        self._build(store, analyst)
        window_state.restore_document(self)
        self.store_changed.emit(store)

    def show_review(self, document_id: int | None = None) -> Any:
        """Review ▸ Review two analysts (Ctrl+R): the one review window, on this document."""
        return review_link.show_review(self, document_id)

    def reload_from_store(self) -> None:
        """Show what the Store holds now, everywhere (another process changed it)."""
        reload_window(self)
        self.orphans_panel.refresh()
        review_link.refresh_review(self)

    def bindings(self) -> list[Binding]:
        """Every key binding of the window, from its actions (see shortcut_sheet.py)."""
        return bindings(self.action_specs, self.action_map)

    def show_shortcuts(self) -> None:
        if self.sheet is not None:
            self.sheet.close()
            self.sheet.deleteLater()
        self.sheet = ShortcutSheet(self.bindings(), self)
        self.sheet.show()
        self.sheet.raise_()

    def focus_search(self) -> None:
        """Ctrl+F: a short selection becomes the query, as in a browser."""
        start, end = self.view.selection()
        selected = self.view.textCursor().selectedText()
        if 0 < end - start <= 100 and "\u2029" not in selected:
            self.search_box.setText(selected)
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def refresh_analysts(self) -> None:
        names = sorted(set(self.store.annotators()) | {self.editor.analyst}, key=str.casefold)
        self.analyst_box.blockSignals(True)
        self.analyst_box.clear()
        self.analyst_box.addItems(names)
        self.analyst_box.setCurrentText(self.editor.analyst)
        self.analyst_box.blockSignals(False)

    def show_title(self) -> None:
        doc = self.editor.document
        lead = f"{doc.title or 'Untitled'} — " if doc is not None else ""
        why = self.store.read_only  # a disk or folder that cannot be written
        tail = f" (read-only: {why})" if why is not None else ""
        self.setWindowTitle(f"{lead}annotator — {self.store.path.name}{tail}")

    def commit_typing(self) -> None:
        """Store what is being typed (a note in the span table, an attribute in the
        form): their widgets commit when they lose the focus, and must do so while
        the Store is still open."""
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.commit_typing()
        self.transfer.wait()
        self.editor.jobs.wait_all()  # a running "Tag all" finishes its commit first
        for keeper in self.findChildren(ThreadKeeper):  # and the panels' reads end
            keeper.wait_all()
        window_state.save(self)
        if self.sheet is not None:
            self.sheet.close()
        if self.owns_store:
            self.store.close()
        super().closeEvent(event)

    def parts(self) -> dict[str, Any]:
        """The database-bound parts, by name (for ``window_state.tear_down``)."""
        return {name: getattr(self, name) for name in (
            "editor", "search", "span_model", "document_model", "documents", "layers",
            "edge_drag", "relations", "orphans_dock", "span_dock")}  # fmt: skip
