"""Work that takes longer than one edit runs here, off the GUI thread.

A ``StoreJob`` opens its OWN connection to the database file (a SQLite
connection belongs to the thread that made it), runs one function on it and
reports back with a signal, which Qt delivers on the GUI thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from annotator.errors import AnnotatorError, sqlite_error_line
from annotator.store import Store, open_store


class StoreJob(QThread):
    """Runs ``work(store)`` in a thread; emits ``succeeded(result)`` or ``failed(message)``."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(
        self, db_path: Path, work: Callable[[Store], Any], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._db_path = db_path
        self._work = work

    def run(self) -> None:
        try:
            with open_store(self._db_path) as store:
                result = self._work(store)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except sqlite3.Error as exc:
            self.failed.emit(sqlite_error_line(exc))
        else:
            self.succeeded.emit(result)


class ThreadKeeper(QObject):
    """Keeps started threads alive while they run, and waits for them on close."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: set[QThread] = set()
        self.doing = ""  # what the running job does, for "Still ... : one moment"

    def keep(self, job: QThread) -> None:
        """Track ``job`` until it finishes, then start it."""
        job.finished.connect(lambda: self._finished(job))
        self._running.add(job)
        job.start()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait_all(self) -> None:
        """Block until every job has finished (the window is closing)."""
        for job in list(self._running):
            job.wait()

    def _finished(self, job: QThread) -> None:
        self._running.discard(job)
        job.deleteLater()


class JobRunner(ThreadKeeper):
    """Starts ``StoreJob``s (each with its own connection)."""

    def start(
        self,
        db_path: Path,
        work: Callable[[Store], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[str], None],
        doing: str = "working",
    ) -> StoreJob:
        self.doing = doing
        job = StoreJob(db_path, work, self)
        job.succeeded.connect(on_success)
        job.failed.connect(on_failure)
        self.keep(job)
        return job
