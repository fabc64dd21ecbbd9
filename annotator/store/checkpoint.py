"""A bulk write's pages copied from the WAL into the database file on a thread
of their own, after the write has committed.

With WAL, a transaction is durable once its pages are in the ``-wal`` file and
that file is synced (``synchronous = FULL``); copying them into the database
file (a checkpoint) is housekeeping.  SQLite does it by itself at the end of any
commit that leaves more than 1,000 pages in the WAL, on the committing thread:
for a bulk import of 50,000 spans that is about a tenth of the import's time,
spent after its data is safe.  ``deferred`` turns that off for one bulk write
and, once it has committed, starts the checkpoint on another connection and
thread, so the import returns (and the window goes on) while the other core
copies.  The store waits for it when closed (``wait``).

A checkpoint that cannot run (another process holds the file) is left to the
next commit's own, as SQLite would.  Once the file at the store's path is no
longer the one it opened (moved, deleted or replaced while open), no
connection is made by that path: it would reach another file, or make an
empty one, and SQLite, opening an empty file, deletes the WAL beside it,
which holds the import.  The store's own connection, which goes on with the
file it opened, checkpoints then (``now``): SQLite itself does not when
closing a moved file, and the pages would stay in a WAL beside its old name.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

AUTOCHECKPOINT_PAGES = 1000  # SQLite's default


class BackgroundCheckpoint:
    """Checkpoints of one store's file, one at a time, each on a thread."""

    def __init__(self, path: Path, replaced: Callable[[], bool]) -> None:
        """``replaced()``: True once the file at ``path`` is not the one the store opened."""
        self._path, self._replaced = path, replaced
        self._thread: threading.Thread | None = None

    @contextmanager
    def deferred(self, conn: sqlite3.Connection) -> Iterator[None]:
        """No checkpoint at the commit inside; one on a thread after it, when the
        WAL holds more than SQLite's automatic threshold."""
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
        if self._replaced():
            self.now(conn)
        elif self._wal_pages(conn) > AUTOCHECKPOINT_PAGES:
            self.start()

    def now(self, conn: sqlite3.Connection) -> None:
        """Checkpoint on the store's own connection, into the file it opened, and
        leave the WAL empty (a WAL beside a moved file's old name would be read
        as the log of any database put there)."""
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # busy: the file's next writer checkpoints

    def _wal_pages(self, conn: sqlite3.Connection) -> int:
        """About how many pages the WAL holds: its size (it is reused from the start
        after a checkpoint, so an older bigger WAL counts too, which only costs a
        checkpoint with little to copy)."""
        try:
            size = Path(f"{self._path}-wal").stat().st_size
        except OSError:
            return 0
        return size // int(conn.execute("PRAGMA page_size").fetchone()[0])

    def start(self) -> None:
        self.wait()
        self._thread = threading.Thread(target=self._run, name="checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._replaced():
            return
        try:  # mode=rw: a file that is gone is not made again
            conn = sqlite3.connect(f"{self._path.as_uri()}?mode=rw", uri=True,
                                   isolation_level=None, check_same_thread=False)  # fmt: skip
        except sqlite3.Error:
            return
        try:
            # SQLite opened the file above: the store's, if it still is now.
            if not self._replaced():
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # busy or gone: the next commit's own checkpoint copies the pages
        finally:
            conn.close()

    def wait(self) -> None:
        """Until the checkpoint running (if any) has finished."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
