"""Show what other processes write to the database, without a restart.

Two analysts (two windows, or a window and a script) may share one database
file.  ``LiveRefresh`` polls ``Store.data_version()`` (SQLite's ``PRAGMA
data_version``: a few microseconds, no table read) on a timer and whenever the
window is activated; when another connection has committed since the last look,
it reloads what the window shows (``MainWindow.reload_from_store``) through the
window's own refresh paths: the open document's spans (``Editor.reload``), its
title, the document list, the layers, the analyst names, the orphans panel and
an open review (a new text of the open document reopens it).
This window's own commits do not change the number, so they never cause a reload.

It waits while the window is busy with something a reload would disturb: a
"Tag all" or an import running in the background (they refresh when they
finish), a note being typed in the span table, or a modal dialog.  What a
reload does not wait for, it leaves in place: an attribute being typed in the
form keeps its text and the focus (``attributes_form.py`` says in the status
bar when that span itself was changed, relabelled or deleted elsewhere), and
the span table keeps its current row and selection by span id (``wiring.py``).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QApplication

from annotator.errors import NotFoundError

if TYPE_CHECKING:
    from .main_window import MainWindow

DEFAULT_INTERVAL_MS = 500


class LiveRefresh(QObject):
    """Reloads ``window`` when another connection has changed its database."""

    refreshed = Signal()  # after each reload

    def __init__(self, window: MainWindow, interval_ms: int = DEFAULT_INTERVAL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.reloads = 0
        self._store: Any = None
        self._seen: int | None = None
        self._told_replaced = False  # the file of this database has gone, and we said so
        self._remember()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() == QEvent.Type.WindowActivate:
            # After the activation has been handled: focus and shortcuts settle first.
            QTimer.singleShot(0, self, self.check)
        return False

    def check(self) -> bool:
        """Reload if another connection committed since the last look; True if it did."""
        store = self.window.store
        if store is not self._store:  # File > Open switched databases: all is fresh
            self._remember()
            return False
        if not self._told_replaced and not self._busy() and store.file_replaced():
            self._told_replaced = True  # once per database: the analyst has been told
            self.window.files.rescue_replaced()
            return False
        version = self._version()
        if version is None or version == self._seen or self._busy():
            return False  # a busy window is looked at again on the next tick
        self._seen = version  # first: a commit during the reload is seen next time
        self.window.reload_from_store()
        self.reloads += 1
        self.refreshed.emit()
        return True

    def _remember(self) -> None:
        self._store = self.window.store
        self._seen = self._version()
        self._told_replaced = False

    def _version(self) -> int | None:
        try:
            return self.window.store.data_version()
        except sqlite3.Error:  # closed while the window switches databases
            return None

    def _busy(self) -> bool:
        w = self.window
        if QApplication.activeModalWidget() is not None:
            return True
        if w.editor.jobs.busy or getattr(getattr(w, "transfer", None), "busy", False):
            return True
        return w.span_table.state() == QAbstractItemView.State.EditingState


def reload_window(window: MainWindow) -> None:
    """Bring the open document, the lists and the analysts back in step with the Store."""
    editor = window.editor
    shown = editor.document
    if shown is not None:
        try:
            stored = window.store.document(shown.id)
        except NotFoundError:
            editor.close_document()
            editor.message.emit(f"{shown.title or 'The open document'} was deleted elsewhere")
        else:
            if stored.text_sha256 != shown.text_sha256:
                editor.open_document(shown.id)  # a new text: every offset moved
            else:
                editor.refresh_document()  # the title may have changed
                editor.reload()
    editor.history.notice_others()  # the same analyst in another window: labels go stale
    window.documents.refresh()
    window.layers.refresh()
    typed = window.analyst_box.lineEdit()
    if typed is None or not typed.hasFocus():  # never under the analyst's fingers
        window.refresh_analysts()


def install_live_refresh(
    window: MainWindow, interval_ms: int = DEFAULT_INTERVAL_MS
) -> LiveRefresh:
    """Start polling ``window``'s database every ``interval_ms`` and on activation.

    The returned object belongs to the window (it is its Qt child); keep it to
    call ``check()`` or stop ``timer``.
    """
    return LiveRefresh(window, interval_ms)
