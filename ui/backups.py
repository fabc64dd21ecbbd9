"""A rolling backup of the database each time the window starts, off the start path.

``start_rolling_backup(db_path)`` returns at once with a started thread.  The
thread opens its OWN connection (a SQLite connection belongs to the thread that
made it) and copies the database with SQLite's online backup API
(``Store.backup``), which is consistent while the window writes, into
``backups/`` beside the database::

    team.db
    backups/team.backup-20260314-091502-123456Z.db   (UTC, oldest first by name)

A copy is written under a temporary name and renamed when complete, so a
backup file is always whole.  When the copy is byte for byte the newest backup
(nothing changed since the last start) it is not kept: five starts without a
change do not push five older states out.  Then all but the newest ``keep``
backups of this database are deleted; files that are not its backups (other
databases', the analyst's own) are never touched.

Nothing here can fail the window: a backup that cannot be made (read-only
folder, full disk) is logged and left in ``error``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.store import open_store
from annotator.store.maintenance import backup_name

KEEP = 5
FOLDER = "backups"
_STAMP = r"\d{8}-\d{6}-\d{6}Z"

log = logging.getLogger(__name__)


def backup_folder(db_path: Path) -> Path:
    return db_path.parent / FOLDER


def backups_of(db_path: Path, folder: Path | None = None) -> list[Path]:
    """This database's rolling backups, oldest first."""
    folder = backup_folder(db_path) if folder is None else folder
    mine = re.compile(re.escape(db_path.stem) + r"\.backup-" + _STAMP + r"\.db")
    try:
        names = [p for p in folder.iterdir() if mine.fullmatch(p.name) and p.is_file()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(names, key=lambda p: p.name)  # the UTC stamp sorts by time


class RollingBackup(threading.Thread):
    """Makes one backup of ``db_path`` and keeps the newest ``keep``.

    After ``join()``: ``made`` is the new backup (None if none was kept),
    ``unchanged`` says the database equalled the newest backup, ``removed``
    lists the old backups deleted, ``error`` says why no backup was made.
    """

    def __init__(self, db_path: Path, keep: int = KEEP, folder: Path | None = None) -> None:
        # Not a daemon: a backup under way when the window closes is finished,
        # rather than cut off (which would leave only a hidden temporary file).
        super().__init__(name=f"rolling backup of {Path(db_path).name}", daemon=False)
        if keep < 1:
            raise ValueError("keep at least one backup")
        self.db_path = Path(db_path)
        self.keep = keep
        self.folder = backup_folder(self.db_path) if folder is None else Path(folder)
        self.made: Path | None = None
        self.unchanged = False
        self.removed: list[Path] = []
        self.error: str | None = None

    def run(self) -> None:
        try:
            self._back_up()
        except (AnnotatorError, sqlite3.Error, OSError) as exc:
            self.error = f"no backup of {self.db_path.name} in {self.folder}: {exc}"
            log.warning("%s", self.error)

    def _back_up(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        earlier = backups_of(self.db_path, self.folder)
        target = self.folder / backup_name(self.db_path, datetime.now(UTC))
        with open_store(self.db_path) as store:  # this thread's own connection
            store.backup(target)
        if earlier and _same_bytes(earlier[-1], target):
            target.unlink()
            self.unchanged = True
        else:
            self.made = target
        for old in backups_of(self.db_path, self.folder)[: -self.keep]:
            old.unlink(missing_ok=True)  # another window may have rotated it already
            self.removed.append(old)


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    return _digest(a) == _digest(b)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def start_rolling_backup(
    db_path: str | Path, keep: int = KEEP, *, folder: str | Path | None = None
) -> RollingBackup:
    """Back up ``db_path`` on a new thread and return that (started) thread at once."""
    thread = RollingBackup(Path(db_path), keep, None if folder is None else Path(folder))
    thread.start()
    return thread


@dataclass
class PendingBackup:
    """The rolling backup a window starts after its first paint (``thread`` until then None)."""

    db_path: Path
    keep: int = KEEP
    thread: RollingBackup | None = None


def start_after_first_paint(window: Any, keep: int = KEEP) -> PendingBackup:
    """Start the rolling backup of ``window.store`` once the window has painted.

    Even on its own thread, a copy of a large file competes with the first
    paint for the disk and the processor; after it, the analyst is reading.
    """
    pending = PendingBackup(Path(window.store.path), keep)

    def painted() -> None:
        window.view.painted.disconnect(painted)
        pending.thread = start_rolling_backup(pending.db_path, pending.keep)

    window.view.painted.connect(painted)
    return pending
