"""The annotation window: layout only.

Left the document list, centre the article, right the span table; on top the
label palette, the search box and the analyst.  What keys and clicks do lives
in ``editor.py`` and ``search.py``, the actions in ``actions.py``, and the
signal wiring between the parts in ``wiring.py``.
"""

from __future__ import annotations

import getpass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
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

from .actions import action_specs, build_actions
from .dialogs import DialogService
from .document_list import DocumentListModel, make_document_list
from .document_view import DocumentView
from .editor import Editor
from .label_palette import LabelPalette
from .search import Search, SearchBox
from .span_table import SpanTableModel, make_span_table
from .wiring import wire


def default_analyst() -> str:
    """The OS user name, which is who is at the keyboard unless they say otherwise."""
    try:
        return getpass.getuser() or "analyst"
    except (KeyError, OSError):  # no user name in the environment or passwd
        return "analyst"


class MainWindow(QMainWindow):
    """One database, one open document at a time."""

    def __init__(self, store: Store, *, analyst: str | None = None,
                 dialogs: DialogService | None = None) -> None:  # fmt: skip
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.dialogs = dialogs if dialogs is not None else DialogService(self)
        schema = store.schema
        colours = {label.name: label.color for label in schema.labels}

        self.view = DocumentView(self)
        self.editor = Editor(store, analyst or default_analyst(), self.view, self.dialogs, self)
        self.search = Search(self.editor, self.dialogs, self)
        self.span_model = SpanTableModel(
            colours, lambda: self.editor.analyst, self.editor.edit_note, self
        )
        self.span_table = make_span_table(self.span_model, self)
        self.document_model = DocumentListModel(self)
        self.document_list = make_document_list(self.document_model, self)
        self.palette_bar = LabelPalette(schema.labels, self)
        self.search_box = SearchBox(self)
        self.search_box.setMinimumWidth(220)
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
        self.analyst_box.setEditable(True)
        self.analyst_box.setInsertPolicy(QComboBox.InsertPolicy.InsertAlphabetically)
        self.analyst_box.setMinimumContentsLength(10)
        self.analyst_box.setToolTip("Who is annotating: pick a name or type a new one")
        self.saved_label = QLabel(self)
        self.saved_label.setObjectName("savedLabel")
        self.position_label = QLabel(self)
        self.position_label.setObjectName("positionLabel")

        self._lay_out()
        self.action_map = build_actions(
            self, self.view,
            action_specs(schema, self.editor, self.search, self.focus_search),
        )  # fmt: skip
        self._menus()
        wire(self)
        self.document_model.reset(store.documents(annotator=self.editor.analyst))
        self.refresh_analysts()

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

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.document_list)
        splitter.addWidget(self.view)
        splitter.addWidget(self.span_table)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        splitter.setSizes([210, 690, 500])
        self.setCentralWidget(splitter)

        status = self.statusBar()
        status.setStyleSheet(
            "QStatusBar::item { border: none; }"
            "QLabel#positionLabel { padding: 0 12px; border-right: 1px solid #c4c4c4; }"
            "QLabel#savedLabel { padding: 0 8px 0 12px; }"
        )
        status.addPermanentWidget(self.position_label)
        status.addPermanentWidget(self.saved_label)
        self.resize(1400, 850)

    def _menus(self) -> None:
        edit = self.menuBar().addMenu("&Edit")
        for group in (("undo", "redo"), ("find", "find_next", "find_previous"),
                      ("next_span", "previous_span", "delete_span")):  # fmt: skip
            edit.addActions([self.action_map[name] for name in group])
            edit.addSeparator()
        tag = self.menuBar().addMenu("&Tag")
        for label in self.store.schema.labels:
            tag.addAction(self.action_map[f"tag_{label.name}"])
        tag.addSeparator()
        for label in self.store.schema.labels:
            tag.addAction(self.action_map[f"tag_exact_{label.name}"])
        for label in self.store.schema.labels:
            self.tag_all_menu.addAction(self.action_map[f"tag_all_{label.name}"])

    # -- what scripts and tests call ---------------------------------------------------

    @property
    def analyst(self) -> str:
        return self.editor.analyst

    def open_document(self, document_id: int) -> None:
        self.editor.open_document(document_id)

    def set_analyst(self, name: str) -> None:
        self.editor.set_analyst(name)

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

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.editor.jobs.wait_all()  # a running "Tag all" finishes its commit first
        super().closeEvent(event)
