"""Starting the window: the display check, the QApplication, the first document.

Kept light: nothing slow runs before the window's first paint.  The running
app's window also refreshes itself when another process writes to its
database and backs the database up after its first paint
(``window_services.py``); ``open_window`` builds it so, for ``run`` and tests.  With
``ANNOTATOR_EXIT_AFTER_PAINT=1`` the app prints how long that took and quits
(``bench/window.py`` uses it to time ``annotator gui``).
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.store import Store

    from .dialogs import DialogService
    from .main_window import MainWindow

EXIT_AFTER_PAINT = "ANNOTATOR_EXIT_AFTER_PAINT"
NO_DISPLAY = (
    "no display found: run it under a virtual screen with  xvfb-run -a annotator gui  "
    "(apt-get install xvfb)"
)


def no_display() -> bool:
    """True on Linux when Qt would find no screen and abort the process."""
    if not sys.platform.startswith("linux"):
        return False
    return not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def first_document(store: Store, file: Path | None, *, first_start: bool) -> int | None:
    """Import ``file`` (if given) and return the document to open first.

    On the very first start of the default database the bundled sample is
    added, so a new user has something to annotate at once.
    """
    if file is not None:
        found = _import(store, file)
        if found is not None:
            return found
    docs = store.documents()
    if not docs and first_start:
        from annotator.sample_article import add_sample

        added = add_sample(store)
        return added[0].id if added else None
    return docs[0].id if docs else None


def _import(store: Store, file: Path) -> int | None:
    """Import ``file``; the id of its document, also when it was already there."""
    from annotator.importing import ARTICLE_SUFFIXES
    from annotator.store import sha256

    result = store.import_file(file)
    for line in result.skipped:
        print(f"Skipped {line}", file=sys.stderr)
    if result:
        return int(result[0].id)
    if file.suffix.lower() in ARTICLE_SUFFIXES and file.is_file():
        from annotator.textfile import read_article

        existing = store.document_by_uid(sha256(read_article(file).text))
        return existing.id if existing is not None else None
    return None



def fusion_application() -> QApplication:
    """This process's QApplication (made on the first call) in the Fusion style,
    which honours the light and dark palettes on every desktop."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "annotator"])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    return app

def run(store: Store, *, analyst: str | None, document_id: int | None,
        started: float | None = None, imported: bool = False) -> int:  # fmt: skip
    """Show the window on ``store`` and run until it closes; returns the exit code.

    The window reopens the document that was open last time; ``document_id``
    is opened instead when it was just ``imported``, or when there is no last one.
    """
    started = time.perf_counter() if started is None else started
    app = fusion_application()
    app.setApplicationName("annotator")
    window = open_window(store, analyst=analyst, document_id=document_id, imported=imported)
    sys.excepthook = _show_errors_in(window)
    if os.environ.get(EXIT_AFTER_PAINT):
        _exit_after_first_paint(window, started)
    window.show()
    window.view.setFocus()
    return int(app.exec())


def open_window(store: Store, *, analyst: str | None, document_id: int | None,
                imported: bool = False, dialogs: DialogService | None = None,
                settings: QSettings | None = None,
                interval_ms: int | None = None) -> MainWindow:  # fmt: skip
    """The window as ``run`` shows it: its first document open, live refresh polling
    every ``interval_ms`` (default 500) and the rolling backup waiting for the first paint."""
    from .main_window import MainWindow
    from .window_services import start_window_services

    window = MainWindow(store, analyst=analyst, dialogs=dialogs, settings=settings)
    if document_id is not None and (imported or window.editor.document is None):
        window.open_document(document_id)
    if interval_ms is None:
        start_window_services(window)
    else:
        start_window_services(window, interval_ms=interval_ms)
    return window


def _exit_after_first_paint(window: MainWindow, started: float) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def painted() -> None:
        window.view.painted.disconnect(painted)
        print(f"first paint after {time.perf_counter() - started:.3f} s", flush=True)
        QTimer.singleShot(0, QApplication.quit)

    window.view.painted.connect(painted)


def _show_errors_in(window: MainWindow):  # type: ignore[no-untyped-def]
    """An unexpected error in a slot becomes one dialog instead of a silent traceback."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        traceback.print_exception(kind, exc, tb)
        window.dialogs.error(
            "Unexpected error", f"{kind.__name__}: {exc}\n\nDetails are in the terminal."
        )

    return hook
