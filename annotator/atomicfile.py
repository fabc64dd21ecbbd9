"""Write a file completely or not at all: a temporary file, then a rename."""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def default_mode() -> int:
    # mkstemp makes 0600 files; a finished export gets the mode a plain open would.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary files of writes to ``target`` whose process died
    before finishing (killed, or the machine stopped); returns them.

    Their names carry the writer's process id; a file of a live process (a
    write going on right now) is left alone.
    """
    removed = []
    # A temporary database written there also has SQLite's journal beside it.
    for path in target.parent.glob(f".{target.name}.*.tmp*"):
        if not path.name.endswith((".tmp", ".tmp-journal", ".tmp-wal", ".tmp-shm")):
            continue
        pid = path.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


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


@contextmanager
def temporary_path(target: Path, *, sync: bool = True) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it if the block succeeds
    (after the file reached the disk, unless ``sync`` is False because the
    caller synced it).

    Temporary files that earlier writes of ``target`` left behind when their
    process was killed are removed first.  An error of the file system (disk
    full, read-only) names ``target``, not the temporary file.
    """
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
            if tmp.exists():
                tmp.unlink()


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
