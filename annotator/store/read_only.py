"""Opening a database that cannot be written: on a read-only disk (a write-
protected USB stick, a read-only network share), or a file or folder this
user may not write to.

SQLite in WAL mode keeps a shared-memory file (``-shm``) beside the database
and must create it to read, which a folder that cannot be written refuses:
such a database is opened read-only (``mode=ro``) when its ``-shm`` can be
made, or is there with changes in the log to read, else as immutable
(``immutable=1``: read without the files beside it), which is only safe while
its log (``-wal``) holds no changes.  Every read works;
every write is refused with ``DatabaseFileError`` naming the reason.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..atomicfile import database_log
from ..errors import DatabaseFileError

# More connections to a writable database read through this URI query.
READ = "mode=ro"


def why_read_only(path: Path) -> str | None:
    """Why the existing database file ``path`` cannot be written, or ``None``."""
    if not path.is_file():
        return None  # a new file: made (or refused) by SQLite as usual
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "its disk is read-only"
    except (OSError, AttributeError):  # no statvfs (Windows)
        pass
    if not os.access(path, os.W_OK):
        return "you may not write to it"
    if not os.access(path.parent, os.W_OK):
        return "you may not write to its folder"
    return None


def read_only_query(path: Path, why: str) -> str:
    """The URI query that opens ``path`` for reading where it cannot be written."""
    shm, wal = (path.with_name(path.name + suffix) for suffix in ("-shm", "-wal"))
    pending = wal.exists() and wal.stat().st_size > 0
    if os.access(path.parent, os.W_OK) or (shm.exists() and pending):  # SQLite uses its -shm
        return READ
    if pending:
        raise DatabaseFileError(
            f"{path} cannot be opened: {why}, and changes are still in its log ({wal.name})"
            " that can only be read where it may be written: copy the database and its"
            f" {wal.name} to a folder you may write to, and open the copy"
        )
    return "immutable=1"


def connect(path: Path, timeout: float) -> tuple[sqlite3.Connection, str | None, str]:
    """A connection to ``path``; why it is read-only (``None``: it is not); and the
    URI query that opens more connections for reading (``snapshot_readers``)."""
    why = why_read_only(path)
    if why is None:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=timeout)
        return conn, None, READ
    query = read_only_query(path, why)
    uri = f"{path.resolve().as_uri()}?{query}"
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout), why, query


def refuse_no_database(path: Path) -> None:
    """Refuse a folder, a database's own log, or a file in a folder that does not exist.

    Whether the file is SQLite at all is left to SQLite (it reads without
    writing and says "file is not a database"): reading the file here would
    open and close it, and closing any descriptor of a database file drops
    every lock this process holds on it.  Another store open on the same file
    in this process (the window's backups, a second window) would then lose
    its locks, and another program could delete the log it still writes to.
    """
    if path.is_dir():
        raise DatabaseFileError(f"{path} is a folder: give the path of a database file")
    log = database_log(path)
    if log:
        raise DatabaseFileError(f"{path} is {log}, not a database: give the database itself")
    if not path.exists() and not path.parent.exists():
        raise DatabaseFileError(f"folder {path.parent} does not exist: create it first")
