"""Signal wiring between the window's parts, kept out of the layout code.

The editor announces every change once; the table, the palette, the document
list, the layers and the status bar each follow.  Two loops need a guard:
choosing a span in the table selects it in the article, and choosing it in
the article (Tab, tagging) selects its table row, which must not jump back;
the same holds for the document list and the open document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from annotator.model import Document, HistoryEntry, Span

from . import review_link, window_state
from .layout_fit import show_dock
from .span_table import remember_choice, restore_choice

if TYPE_CHECKING:
    from .main_window import MainWindow


def wire(w: MainWindow) -> None:
    editor, view, model, table = w.editor, w.view, w.span_model, w.span_table
    syncing = [False]  # True while the window itself moves a selection

    def span_row_chosen(current: QModelIndex, _previous: QModelIndex) -> None:
        if syncing[0] or not current.isValid():
            return
        syncing[0] = True
        try:
            editor.select_span(model.span_at(current.row()).id)
        finally:
            syncing[0] = False

    def show_current(span: Span) -> None:
        if syncing[0]:
            return
        row = model.row_of(span)
        if row is None:
            return
        syncing[0] = True
        try:
            index = model.index(row, 0)
            table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            table.scrollTo(index)
        finally:
            syncing[0] = False

    def spans_reset(spans: list[Span]) -> None:
        # Read again (another process committed, a layer was hidden): the same spans
        # stay chosen, by id, and the article is not told (its choice has not moved).
        choice = remember_choice(table, model)
        model.reset(spans)
        syncing[0] = True
        try:
            restore_choice(table, model, choice)
        finally:
            syncing[0] = False

    def document_chosen(current: QModelIndex, _previous: QModelIndex) -> None:
        if syncing[0] or w.document_panel.filtering or not current.isValid():
            return
        document_id = w.document_panel.proxy.document_id(current.row())
        if editor.document is None or editor.document.id != document_id:
            editor.open_document(document_id)

    def select_open_document() -> None:
        if editor.document is None:
            return
        syncing[0] = True
        try:
            w.document_panel.select(editor.document.id)
        finally:
            syncing[0] = False

    def opened(doc: Document, spans: list[Span]) -> None:
        model.reset(spans)
        w.show_title()
        select_open_document()
        window_state.remember_document(w, doc.id)
        w.documents.done_changed.emit(w.documents.is_done())

    def closed() -> None:
        model.reset([])
        w.show_title()
        w.palette_bar.set_counts({})
        w.documents.done_changed.emit(False)

    def counts(document_id: int, per_label: dict[str, int]) -> None:
        w.palette_bar.set_counts(per_label)
        w.document_model.set_counts(document_id, per_label)

    def layers(per_analyst: dict[str, int]) -> None:
        if editor.document is not None:
            w.document_model.set_layer_counts(editor.document.id, per_analyst)

    def analyst_changed(name: str) -> None:
        model.refresh_roles()
        w.documents.refresh()
        w.layers.refresh()
        w.refresh_analysts()
        w.prefs.analyst = name
        select_open_document()
        review = review_link.find_review(w)
        if review is not None:  # it shares the history, which follows the analyst now
            review.set_reviewer(name)

    def history_applied(entry: HistoryEntry, direction: str) -> None:
        in_place = editor.is_span_step(entry)  # the layers' totals follow the counts then
        w.documents.after_history(entry, direction)
        if not in_place:
            w.layers.refresh()

    status = w.statusBar()
    editor.opened.connect(opened)
    editor.closed.connect(closed)
    editor.retitled.connect(lambda _doc: w.show_title())
    editor.span_added.connect(model.add)
    editor.span_removed.connect(model.remove)
    editor.span_changed.connect(model.replace)
    editor.spans_reset.connect(spans_reset)
    editor.counts_changed.connect(counts)
    editor.layers_changed.connect(layers)
    editor.current_changed.connect(show_current)
    editor.analyst_changed.connect(analyst_changed)
    editor.editable_changed.connect(model.refresh_roles)
    editor.history.applied.connect(history_applied)
    editor.status.connect(w.saved_label.setText)
    editor.position.connect(w.position_label.setText)
    for source in (editor, w.search, w.documents, w.layers, w.orphans_panel, w.relations):
        source.message.connect(lambda text: status.showMessage(text, 6000))
    w.documents.done_changed.connect(w.action_map["mark_done"].setChecked)
    w.layers.editable_changed.connect(w.action_map["edit_layer"].setChecked)
    w.action_map["all_relations"].setChecked(w.relation_margin.show_all)
    w.relation_margin.show_all_changed.connect(w.action_map["all_relations"].setChecked)
    table.selectionModel().currentRowChanged.connect(span_row_chosen)
    w.document_list.selectionModel().currentChanged.connect(document_chosen)
    w.document_panel.filtered.connect(select_open_document)
    w.palette_bar.label_clicked.connect(lambda label, exact: editor.tag(label, exact=exact))
    view.zoom_requested.connect(w.appearance.zoom_by)
    _wire_orphans(w)

    def to_article() -> None:
        """The keys back to the article, where label keys tag (from a field)."""
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    box = w.search_box
    box.textChanged.connect(w.search.set_query)
    box.next_requested.connect(lambda: _find_and_focus(w, backwards=False))
    box.previous_requested.connect(lambda: _find_and_focus(w, backwards=True))
    box.escaped.connect(to_article)

    analysts = w.analyst_box

    def analyst_chosen(name: str) -> None:
        if not editor.set_analyst(name):  # refused for now: the box shows who annotates
            analysts.setEditText(editor.analyst)

    analysts.activated.connect(lambda i: analyst_chosen(analysts.itemText(i)))
    typed = analysts.lineEdit()
    assert typed is not None  # the box is editable
    # A name picked or typed with Enter hands the keys back to the article: keys
    # meant for it would go on typing a new name, taken as the analyst on leaving.
    analysts.activated.connect(lambda _i: to_article())
    typed.returnPressed.connect(to_article)

    def analyst_typed() -> None:
        if not analysts.currentText().strip():  # edits would go on as the old name, unshown
            analysts.setEditText(editor.analyst)
            editor.message.emit(f"An analyst needs a name: still annotating as {editor.analyst}")
            return
        analyst_chosen(analysts.currentText())

    typed.editingFinished.connect(analyst_typed)

    # The document filter lets go of the keys as the search box does: Return or
    # Escape go back to the article, where label keys tag.
    back = w.document_panel.filter_box
    back.returnPressed.connect(to_article)
    escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), back)
    escape.setContext(Qt.ShortcutContext.WidgetShortcut)
    escape.activated.connect(to_article)


def _wire_orphans(w: MainWindow) -> None:
    """The orphans panel follows the open document; its changes are undo steps."""
    editor, panel, dock = w.editor, w.orphans_panel, w.orphans_dock
    editor.opened.connect(lambda doc, _spans: panel.set_document(doc.id))
    editor.closed.connect(lambda: panel.set_document(None))
    editor.history.applied.connect(lambda _entry, _direction: panel.refresh())
    panel.stored.connect(editor.history.record)
    panel.spans_changed.connect(lambda _document_id: editor.reload())
    panel.text_replaced.connect(editor.open_document)  # every offset moved
    panel.counts.connect(lambda orphans, fuzzy: show_dock(w, dock) if orphans or fuzzy
                         else dock.hide())  # fmt: skip
    panel.confirm = w.dialogs.confirm  # Enter on other words than the orphan's asks first
    w.search.matched.connect(panel.disarm)  # then Enter is "find next", not "place"


def _find_and_focus(w: MainWindow, *, backwards: bool) -> None:
    # The article takes focus so the next key is a label key, not a search character.
    if w.search.find(backwards=backwards):
        w.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
