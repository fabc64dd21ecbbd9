"""Write a file (or a folder of files) completely or not at all: a temporary
file or folder beside the target, then a rename."""

from __future__ import annotations

import errno
import fnmatch
import glob
import os
import re
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def default_mode(folder: bool = False) -> int:
    # mkstemp makes 0600 files (mkdtemp 0700 folders); a finished export gets
    # the mode a plain open (or mkdir) would.
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if folder else 0o666) & ~umask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


# ``.<target name>.<pid>.<mkstemp's letters>[.old].tmp``, and SQLite's files beside one.
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^/]*\.tmp(?:-journal|-wal|-shm)?$")
TMP_ENDS = ("", "-journal", "-wal", "-shm")


def remove_leftovers(target: Path, like: str | None = None) -> list[Path]:
    """Remove the temporary files (or folders) of writes to ``target`` whose
    process died before finishing (killed, or the machine stopped); returns them.
    ``like``: a pattern of target names instead (backups named by the time they
    were made never have the same name twice).

    Their names carry the writer's process id; a file of a live process (a
    write going on right now) is left alone.
    """
    removed = []
    names = like or glob.escape(target.name)
    # A temporary database written there also has SQLite's journal beside it.
    for path in target.parent.glob(f".{names}.*.tmp*"):
        found = _LEFTOVER.match(path.name)
        if found is None or not fnmatch.fnmatchcase(found["name"], like or target.name):
            continue
        if not _alive(int(found["pid"])):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def unmake_database(path: Path, *, was_empty: bool) -> None:
    """Take away a database a failed command made at ``path``: the file (back to the
    empty file it was, if it was one) and SQLite's files beside it."""
    for end in ("-wal", "-shm", "-journal"):
        Path(f"{path}{end}").unlink(missing_ok=True)
    if was_empty:
        path.write_bytes(b"")
    else:
        path.unlink(missing_ok=True)


def process_folder(parent: Path, prefix: str) -> Path:
    """A new folder in ``parent`` named ``prefix`` + this process's id, for work
    thrown away afterwards (the caller removes it); the folders of that prefix
    whose process died (killed during an import, say) are removed first."""
    for old in parent.glob(f"{glob.escape(prefix)}*"):
        pid = old.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}.", dir=parent))


@contextmanager
def made_folders(folder: Path) -> Iterator[None]:
    """``folder`` and the folders above it that are missing, made for the
    block and removed again (those still empty) if it fails: a failed write
    leaves no trace."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield
    except BaseException:
        for made in missing:  # the deepest first
            try:
                made.rmdir()
            except OSError:  # not empty (someone else's files), or gone
                break
        raise


DATABASE_LOGS = ("-wal", "-shm", "-journal")  # SQLite's files beside a database


def is_sqlite_file(path: Path) -> bool:
    """True when ``path`` starts as every SQLite database file does."""
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def database_log(path: Path) -> str | None:
    """"the wal file of the database x.db" when ``path`` is a log SQLite keeps beside
    a database that is there; None otherwise.  Written over, the database's
    committed work in it would be lost, and the database read as damaged."""
    for end in DATABASE_LOGS:
        if path.name.endswith(end) and Path(str(path).removesuffix(end)).exists():
            return f"the {end[1:]} file of the database {path.name.removesuffix(end)}"
    return None


def special_file(path: Path) -> str | None:
    """What ``path`` is when it is neither a file nor a folder ("a device", "a
    pipe", "a socket"), following links; None otherwise, or when nothing is there."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


@contextmanager
def temporary_path(target: Path, *, sync: bool = True) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it if the block succeeds
    (after the file reached the disk, unless ``sync`` is False because the
    caller synced it).

    Temporary files that earlier writes of ``target`` left behind when their
    process was killed are removed first.  An error of the file system (disk
    full, read-only) names ``target``, not the temporary file.
    """
    special = special_file(target)
    if special:  # the rename would put a file in the place of /dev/null
        raise OSError(errno.EPERM, f"{special}, not a file: nothing is written over it",
                      str(target))  # fmt: skip
    with made_folders(target.parent), _naming(target):
        remove_leftovers(target)
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
        )
        os.close(fd)
        tmp = Path(name)
        try:
            yield tmp
            if sync:
                with open(tmp, "rb+") as f:
                    os.fsync(f.fileno())
            os.chmod(tmp, default_mode())
            os.replace(tmp, target)
        finally:
            for end in TMP_ENDS:  # and a journal SQLite left beside a database written there
                Path(f"{tmp}{end}").unlink(missing_ok=True)


@contextmanager
def temporary_folder(target: Path) -> Iterator[Path]:
    """A new empty folder beside ``target``, put in its place if the block
    succeeds: the block writes (and syncs) the files, the folder's own entries
    are synced here, then it is renamed.

    A folder already at ``target`` is replaced whole (whether it may be is the
    caller's decision): it is moved aside, the new one renamed in, then the old
    one removed.  A process killed at any point leaves under the name ``target``
    the old folder or the complete new one (or, killed between those two
    renames, nothing); what it left beside it carries its process id and is
    removed by the next write of ``target``, as ``temporary_path`` does for files.
    """
    with made_folders(target.parent), _naming(target):
        remove_leftovers(target)
        tmp = Path(tempfile.mkdtemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
        ))  # fmt: skip
        try:
            yield tmp
            _sync_folder(tmp)
            os.chmod(tmp, default_mode(folder=True))
            _put_in_place(tmp, target)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    """Bring the folder's list of files to the disk (where a folder can be
    opened for it: not on Windows)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _put_in_place(new: Path, target: Path) -> None:
    """Rename the folder ``new`` to ``target``.  A folder there is moved aside
    first, under ``new``'s name with ``.old`` (so a killed process's leftover is
    recognised), and removed once ``new`` is in; if ``new`` cannot go in, the
    old folder goes back.  A file or link at ``target`` makes the rename fail."""
    if not target.is_dir() or target.is_symlink():
        os.rename(new, target)
        return
    old = new.with_name(f"{new.name.removesuffix('.tmp')}.old.tmp")
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    # Left over only if it cannot be removed (a file made read-only meanwhile):
    # the next write of ``target`` tries again.
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _naming(target: Path) -> Iterator[None]:
    """Give an ``OSError`` that names no file, or the temporary one, the name ``target``."""
    try:
        yield
    except OSError as exc:
        name = Path(exc.filename).name if exc.filename is not None else None
        ours = name is None or (name.startswith(f".{target.name}.") and name.endswith(".tmp"))
        if exc.errno is None or not ours:
            raise
        raise OSError(exc.errno, exc.strerror, str(target)) from exc


@contextmanager
def atomic_open(target: Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``target``; on success it is flushed to disk
    and renamed onto ``target``, on any error removed, leaving ``target`` as it was."""
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
        kwargs.setdefault("newline", "\n")
    with temporary_path(target, sync=False) as tmp, open(tmp, mode, **kwargs) as f:
        yield f
        f.flush()
        os.fsync(f.fileno())


class EarlySync:
    """Start writing a long file to disk while it is still being written.

    Every ``every`` bytes, the file is flushed and ``fdatasync`` runs on a
    thread, so the disk works while the writer goes on and the final
    ``fsync`` of ``atomic_open`` has only the tail left.  A stream that cannot
    be synced (a pipe, a terminal) is left alone.
    """

    def __init__(self, f: IO[bytes], every: int = 64 << 20) -> None:
        self._f, self._every, self._since = f, every, 0
        self._thread: threading.Thread | None = None
        self._fd: int | None = None
        try:
            if stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # not a pipe or a terminal
                self._fd = f.fileno()
        except (OSError, ValueError, AttributeError):  # no file descriptor at all
            pass

    def wrote(self, size: int) -> None:
        if self._fd is None:
            return
        self._since += size
        if self._since < self._every or (self._thread and self._thread.is_alive()):
            return
        self._since = 0
        self._f.flush()
        self._thread = threading.Thread(target=self._sync, name="early-sync", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def _sync(self) -> None:
        sync = getattr(os, "fdatasync", os.fsync)  # macOS and Windows have fsync only
        try:
            sync(self._fd)  # type: ignore[arg-type]
        except OSError:  # the final fsync reports real trouble
            pass
