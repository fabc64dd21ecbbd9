"""File > New database, Open database and Open recent.

Opening a database builds the window again around a new Store
(``MainWindow.set_store``), which closes the old one.  A file that cannot be
opened (not SQLite, another program's, written by a newer annotator) is
refused by the Store with a message that says what to do, shown in the one
error dialog; the window stays on the database it had.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu, QWidget

from annotator.errors import AnnotatorError
from annotator.store import Store, database_in_use, open_store

from .dialogs import DATABASE_FILTER

if TYPE_CHECKING:
    from .main_window import MainWindow


class DatabaseFiles(QObject):
    """New, open and recent databases; the recent list lives in the settings."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.recent_menu: QMenu | None = None

    def new_database(self) -> None:
        path = self.window.dialogs.save_file_name(
            "New database", str(self.window.store.path.parent / "annotations.db"),
            DATABASE_FILTER, confirm_overwrite=False,
        )  # fmt: skip
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(".db")
        if path.exists():
            self.window.dialogs.error(
                "New database",
                f"{path.name} already exists: choose a new name, or open it with File ▸ Open",
            )
            return
        self.open_path(path)

    def open_database(self) -> None:
        path = self.window.dialogs.open_file_name("Open database", DATABASE_FILTER)
        if path is not None:
            self.open_path(path, must_exist=True)

    def open_path(self, path: Path, *, must_exist: bool = False) -> bool:
        """Switch the window to the database at ``path``; False if it could not be opened."""
        if must_exist and not path.is_file():
            self.window.prefs.remove_recent(path)
            self.fill_recent()
            self.window.dialogs.error(
                "Cannot open the database", f"{path} does not exist: choose another file"
            )
            return False
        if path.resolve() == self.window.store.path.resolve():
            self.window.statusBar().showMessage(f"{path.name} is already open", 4000)
            return True
        store = self._open(path)
        if store is None:
            return False
        self.window.set_store(store)
        self.remember(path)
        self.window.statusBar().showMessage(f"Opened {path}", 6000)
        return True

    def _open(self, path: Path) -> Store | None:
        try:
            return open_store(path)
        except AnnotatorError as exc:
            self.window.dialogs.error("Cannot open the database", str(exc))
        except (sqlite3.Error, OSError) as exc:
            self.window.dialogs.error(
                "Cannot open the database",
                f"{path} could not be opened ({exc}): check the file and its folder",
            )
        return None

    def rescue_replaced(self) -> None:
        """The open database's file was moved, deleted or replaced while open:
        say so, and offer to save everything to a file and go on in it."""
        store = self.window.store
        dialogs = self.window.dialogs
        if not dialogs.confirm(
            "The database file has gone",
            f"{store.path} was moved, renamed, deleted or replaced while open here. The"
            " work in this window is not in the file at that path any more, and if the"
            " file was deleted, it is lost when the window closes. Save a copy of"
            " everything now and go on working in it?",
        ):
            return
        while True:
            path = dialogs.save_file_name("Save a copy of the database",
                                          str(store.path.with_name(f"{store.path.stem}-saved.db")),
                                          DATABASE_FILTER)  # fmt: skip
            if path is None:
                return
            if path.exists() or database_in_use(path):
                dialogs.error("Save a copy of the database",
                              f"{path} already exists: choose a new name")  # fmt: skip
                continue
            try:
                store.backup(path)
            except (AnnotatorError, sqlite3.Error, OSError) as exc:
                dialogs.error("Save a copy of the database", f"{path} could not be written"
                              f" ({exc}): choose another place")  # fmt: skip
                continue
            shown = self.window.editor.document
            if self.open_path(path) and shown is not None:
                self.window.open_document(shown.id)  # go on where the analyst was
            return

    def remember(self, path: Path) -> None:
        self.window.prefs.add_recent(path)
        self.fill_recent()

    # -- the Open recent submenu -------------------------------------------------------

    def make_recent_menu(self, parent: QWidget) -> QMenu:
        self.recent_menu = QMenu("Open &recent", parent)
        self.recent_menu.setObjectName("recentMenu")
        self.fill_recent()
        return self.recent_menu

    def fill_recent(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        for action in menu.actions():  # not clear(): one of them may be triggering now
            menu.removeAction(action)
            action.deleteLater()
        recent = self.window.prefs.recent()
        for n, path in enumerate(recent, 1):
            action = menu.addAction(f"&{n} {path.name} — {path.parent}")
            action.setData(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_path(p, must_exist=True))
        if not recent:
            menu.addAction("No recent databases").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("&Clear the list")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(self._clear)

    def recent_paths(self) -> list[Path]:
        menu = self.recent_menu
        return [Path(a.data()) for a in (menu.actions() if menu else []) if a.data()]

    def _clear(self) -> None:
        self.window.prefs.set_recent([])
        self.fill_recent()
