"""What the window remembers between starts, and taking it apart to switch databases.

Size and position, the splitters, where the docks are (their side, tabs,
sizes, floating or not: ``restore_docks``), the analyst and, per database,
the last open document are written to the settings when the window closes or
switches database (the last document also each time one opens, so a crash
forgets nothing).  Zoom, theme and recent databases are written when they
change (appearance.py, database_files.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QDockWidget, QMenu, QToolBar

from . import review_link
from .layout_fit import LayoutFit
from .workers import ThreadKeeper

if TYPE_CHECKING:
    from .main_window import MainWindow

DEFAULT_SIZE = (1400, 850)
DOCKS_VERSION = 1  # of the saved dock layout: raise it when docks are renamed


def restore_geometry(w: MainWindow) -> None:
    geometry = w.prefs.geometry()
    if geometry is None or not w.restoreGeometry(geometry):
        w.resize(*DEFAULT_SIZE)


def restore_splitters(w: MainWindow) -> None:
    for name, splitter in (("main_splitter", w.splitter), ("left_splitter", w.left_splitter)):
        state = w.prefs.splitter(name)
        if state is not None:
            splitter.restoreState(state)
    restore_docks(w)


def restore_docks(w: MainWindow) -> None:
    """Put the docks where the analyst left them, each shown or hidden as the
    window decides (the orphans while there are some, the search and the claims
    when asked for).  A dock made later takes its place as it is made
    (``docks.docked_panel``)."""
    state = w.prefs.splitter("docks")
    if state is None:
        return
    # The span table is always there; the others are as the window left them (a
    # dock made in a window already shown counts as hidden until Qt shows it).
    hidden = {dock: dock.isHidden() for dock in w.findChildren(QDockWidget)
              if dock is not w.span_dock}  # fmt: skip
    if not w.restoreState(state, DOCKS_VERSION):
        return
    for dock, was_hidden in hidden.items():
        dock.setHidden(was_hidden)
    w.span_dock.show()
    fit = w.findChild(LayoutFit, "layoutFit")
    if fit is not None:  # the span table keeps the width it was given
        fit.sized = True


def restore_document(w: MainWindow) -> bool:
    """Open the document that was open when this database was last closed, if it is here."""
    last = w.prefs.last_document(w.store.path)
    if last is None or w.document_model.row_of(last) is None:
        return False
    w.open_document(last)
    return True


def remember_document(w: MainWindow, document_id: int) -> None:
    w.prefs.set_last_document(w.store.path, document_id)


def save(w: MainWindow) -> None:
    prefs = w.prefs
    prefs.set_geometry(w.saveGeometry())
    prefs.set_splitter("main_splitter", w.splitter.saveState())
    prefs.set_splitter("left_splitter", w.left_splitter.saveState())
    prefs.set_splitter("docks", w.saveState(DOCKS_VERSION))
    prefs.analyst = w.editor.analyst
    if w.editor.document is not None:
        remember_document(w, w.editor.document.id)
    prefs.sync()


def tear_down(w: MainWindow) -> None:
    """Remove every database-bound part (``_build`` makes them again)."""
    w.editor.jobs.wait_all()
    for keeper in w.findChildren(ThreadKeeper):  # the panels' reads of the old file
        keeper.wait_all()
    review_link.close_review(w)  # it works on the Store about to be closed
    for dock in (w.orphans_dock, w.span_dock):
        w.removeDockWidget(dock)
        dock.setObjectName("")  # until it is deleted: the new one takes its saved place
    for toolbar in w.findChildren(QToolBar):
        w.removeToolBar(toolbar)
        toolbar.deleteLater()
    w.menuBar().clear()
    for menu in w.findChildren(QMenu):
        menu.deleteLater()
    for action in w.actions():
        w.removeAction(action)
        action.deleteLater()
    for group in w.findChildren(QActionGroup):
        group.deleteLater()
    status = w.statusBar()
    for label in (w.saved_label, w.position_label):
        status.removeWidget(label)
        label.deleteLater()
    # Not takeCentralWidget(): that makes it a parentless window whose later
    # destruction upsets window activation; setCentralWidget in _build deletes it.
    central = w.centralWidget()
    if central is not None:
        central.hide()
    for part in w.parts().values():
        part.deleteLater()


def after_import(w: MainWindow) -> None:
    """An import was committed: new documents, maybe new analysts."""
    had = set(w.document_model.ids())
    w.documents.refresh()
    w.layers.refresh()
    w.refresh_analysts()
    added = [doc_id for doc_id in w.document_model.ids() if doc_id not in had]
    if added:
        w.open_document(added[0])
    elif w.editor.document is not None:
        w.editor.reload()
