"""A bulk write's pages copied from the WAL into the database file on a thread
of their own, after the write has committed.

With WAL, a transaction is durable once its pages are in the ``-wal`` file and
that file is synced (``synchronous = FULL``); copying them into the database
file (a checkpoint) is housekeeping.  SQLite does it by itself at the end of any
commit that leaves more than 1,000 pages in the WAL, on the committing thread:
for a bulk import of 50,000 spans that is about a tenth of the import's time,
spent after its data is safe.  ``deferred`` turns that off for one bulk write
and, once it has committed, checkpoints on another thread, so the import
returns (and the window goes on) while the other core copies.  The store
waits for it when closed (``wait``).

The other thread's connection is opened before the write begins, while the
file at the store's path is checked to be the one the store opened, and it
reads once so that SQLite holds that file's WAL open too: if the file is moved
or replaced meanwhile (by hand, or by a sync tool), the checkpoint still goes
into the store's own file, never into another one found by the path (nor does
it make an empty file there: SQLite, opening an empty file, deletes the WAL
beside it).  When the file is not the store's any more before the write,
nothing is deferred: SQLite checkpoints at the commit, on the store's own
connection, as it always did.  A checkpoint that cannot run (another process
reading) is left to the next commit's own, as SQLite would.
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
        """``replaced()``: True once the file at ``path`` is not the one the store
        opened (it must not hold the store itself: a closed-over path and identity)."""
        self._path, self._replaced = path, replaced
        self._thread: threading.Thread | None = None

    @contextmanager
    def deferred(self, conn: sqlite3.Connection) -> Iterator[None]:
        """No checkpoint at the commit inside; one on a thread after it, when the
        WAL holds more than SQLite's automatic threshold."""
        self.wait()
        pinned = self._pin()
        if pinned is None:
            yield  # SQLite's own checkpoint at the commit
            return
        try:
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            try:
                yield
            finally:
                conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
        except BaseException:
            pinned.close()
            raise
        if self._wal_pages(conn) > AUTOCHECKPOINT_PAGES:
            # Not a daemon: a script that ends without closing its store still
            # leaves a whole file (Python waits for the thread, then closes).
            self._thread = threading.Thread(target=_checkpoint, args=(pinned,), name="checkpoint")
            self._thread.start()
        else:
            pinned.close()

    def _pin(self) -> sqlite3.Connection | None:
        """A connection to the store's own file and WAL, or None when the file at
        the path is not the store's (or cannot be opened)."""
        if self._replaced():
            return None
        try:  # mode=rw: a file that is gone is not made again
            pinned = sqlite3.connect(f"{self._path.as_uri()}?mode=rw", uri=True,
                                     isolation_level=None, check_same_thread=False)  # fmt: skip
        except sqlite3.Error:
            return None
        try:
            pinned.execute("SELECT count(*) FROM sqlite_master").fetchall()  # opens the WAL
        except sqlite3.Error:
            pinned.close()
            return None
        if self._replaced():  # (replaced while it opened: it may hold another file)
            pinned.close()
            return None
        return pinned

    def _wal_pages(self, conn: sqlite3.Connection) -> int:
        """About how many pages the WAL holds: its size (it is reused from the start
        after a checkpoint, so an older bigger WAL counts too, which only costs a
        checkpoint with little to copy)."""
        try:
            size = Path(f"{self._path}-wal").stat().st_size
        except OSError:
            return 0
        return size // int(conn.execute("PRAGMA page_size").fetchone()[0])

    def wait(self) -> None:
        """Until the checkpoint running (if any) has finished."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def _checkpoint(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:
        pass  # busy: the next commit's own checkpoint copies the pages
    finally:
        conn.close()
