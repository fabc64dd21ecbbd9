"""A second process for big native exports: it builds and checks the spans
arrays of the blocks of documents it is handed while this process does the rest.

Two threads did not share the work: a second thread building JSON gained
nothing when measured (SQLite's process-wide memory accounting is the
likely cause); a second process does.  ``python -m
annotator.store.export_helper DB [ANALYST]`` opens the database read-only,
reports its snapshot, then reads the blocks it is to build from standard input
(a line ``first last`` each, sent as the parent hands them out) and writes
frames to standard output:

* ``R`` + mark (8 bytes): ready, reading the snapshot whose newest event is ``mark``;
* ``B`` + document count, then per document its id, span count, byte length
  and spans (the array's items): one block;
* ``E`` + length + message: an ``ExportError`` (a quote that does not match);
  ``D`` the same for a ``DatabaseFileError`` (a row written outside annotator).

The parent (``Helper``) does not wait for the helper to start (a Python
process: 0.05-0.08 s here): it builds blocks itself meanwhile, and hands the
helper blocks once it has reported, only if its snapshot has the same mark as
the parent's, so both halves of the export describe one state.  A helper of
another state (the database changed in between) is not used.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from ..errors import AnnotatorError, DatabaseFileError, ExportError
from .exporting import build_block, snapshot_mark

# How long the first block waits for the helper to start (tests: so that it is used
# however small the export).
JOIN_WAIT = 0.0
_MARK = struct.Struct("<q")
_DOC = struct.Struct("<qqq")
_NO_MARK = -1
# The frames of a refusal, by the class the caller gets (the same as without a helper).
_REFUSALS: dict[bytes, type[AnnotatorError]] = {b"E": ExportError, b"D": DatabaseFileError}


class OrderedBlocks:
    """The built blocks in order, shared between this process and a helper.

    The helper always has ``depth`` blocks in hand, taken from the front of the
    blocks nobody has claimed.  When the next block due is the helper's and is
    not back yet, this process builds the next unclaimed one instead of
    waiting (holding at most ``ahead`` of them), so neither side idles and the
    faster one does more.
    """

    def __init__(
        self,
        blocks: Sequence[tuple[int, int]],
        build: Callable[[int, int], list[tuple[int, bytes, int]]],
        helper: Helper | None,
        *,
        accept: Callable[[int | None], bool] | None = None,
        depth: int = 2,
        ahead: int = 4,
    ) -> None:
        """``accept(mark)``: whether a helper that started on the snapshot of this
        mark (``snapshot_mark``) reads what this process reads; None: it does."""
        self._blocks, self._build, self._helper = blocks, build, helper
        self._accept, self._joined = accept, accept is None  # joined: the helper is in use
        self._depth, self._ahead = depth, ahead
        self._built: dict[int, list[tuple[int, bytes, int]]] = {}  # ours, not yet due
        self._helpers: set[int] = set()  # handed to the helper, not yet due
        self._frontier = 0  # the first block nobody has claimed

    def _helper_now(self) -> Helper | None:
        """The helper, once it has started on this snapshot; None before (or never)."""
        if self._helper is None or self._joined:
            return self._helper
        started = self._helper.started_on(JOIN_WAIT if self._frontier == 0 else 0)
        if started is None:  # not yet: this process goes on alone for now
            return None
        if started[0] and self._accept is not None and self._accept(started[1]):
            self._joined = True
            return self._helper
        self._helper = None  # failed, or another state: not used (the caller closes it)
        return None

    def get(self, index: int) -> list[tuple[int, bytes, int]]:
        """Block ``index`` (asked for in order, each once)."""
        helper = self._helper_now()
        if helper is None:  # (then no block is the helper's)
            if index in self._built:
                return self._built.pop(index)
            self._frontier = max(self._frontier, index + 1)
            return self._build(*self._blocks[index])
        while len(self._helpers) < self._depth and self._frontier < len(self._blocks):
            helper.send(self._blocks[self._frontier])
            self._helpers.add(self._frontier)
            self._frontier += 1
        # Every block up to the frontier is claimed: ``index`` is the helper's or ours.
        while (index in self._helpers and not helper.ready()
               and self._frontier < len(self._blocks) and len(self._built) < self._ahead):
            self._built[self._frontier] = self._build(*self._blocks[self._frontier])
            self._frontier += 1  # fmt: skip
        if index in self._helpers:
            self._helpers.discard(index)
            return helper.next_block()
        return self._built.pop(index)


class Helper:
    """The parent's side: start the process, hand it blocks, read its results in order."""

    def __init__(self, db: Path, annotator: str | None) -> None:
        # The helper runs this very copy of the package, installed or not: first
        # on its path, and -P keeps the current folder (which -m would put before
        # it) out, lest an ``annotator`` folder there be run instead.
        args = [sys.executable, "-P", "-m", __name__, str(db), *([annotator] if annotator else [])]
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH")) if p
        )}  # fmt: skip
        import subprocess  # (here: the helper process itself does without)

        self.process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        self._out: IO[bytes] = self.process.stdout
        self._results: queue.Queue[Any] = queue.Queue(maxsize=4)
        self._stop = threading.Event()
        self._started = threading.Event()  # its first frame has come (or never will)
        self._state: tuple[bool, int | None] = (False, None)  # started? its snapshot's mark
        self._reader = threading.Thread(target=self._read_all, name="export-helper", daemon=True)
        self._reader.start()

    def started_on(self, timeout: float = 0) -> tuple[bool, int | None] | None:
        """None while the helper starts; then (True, the mark of its snapshot), or
        (False, None) if it could not start."""
        if not self._started.wait(timeout):
            return None
        return self._state

    def send(self, block: tuple[int, int]) -> None:
        """Hand the helper one more block; its results come back in the order sent."""
        assert self.process.stdin is not None
        self.process.stdin.write(b"%d %d\n" % block)
        self.process.stdin.flush()

    def ready(self) -> bool:
        """True when the next result (or error) has arrived."""
        return not self._results.empty()

    def next_block(self) -> list[tuple[int, bytes, int]]:
        item = self._results.get()
        if isinstance(item, BaseException):
            raise item
        return item  # type: ignore[no-any-return]

    def close(self) -> None:
        self._stop.set()
        if self.process.poll() is None:
            self.process.kill()
        if self._reader is not None:
            while self._reader.is_alive():  # let a reader blocked on a full queue finish
                try:
                    self._results.get(timeout=0.05)
                except queue.Empty:
                    pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None and not stream.closed:
                stream.close()

    def _read_all(self) -> None:
        try:
            if self._out.read(1) == b"R":
                mark = _MARK.unpack(self._read(_MARK.size))[0]
                self._state = (True, None if mark == _NO_MARK else mark)
        except ExportError:
            pass
        finally:
            self._started.set()
        if not self._state[0]:
            return
        try:
            while not self._stop.is_set():
                tag = self._out.read(1)
                if tag == b"B":
                    self._put(self._read_block())
                elif tag in _REFUSALS:
                    size = _MARK.unpack(self._read(_MARK.size))[0]
                    self._put(_REFUSALS[tag](self._read(size).decode("utf-8")))
                    return
                else:  # anything else, or the end of its output, is a broken helper
                    if tag or not self._stop.is_set():
                        self._put(ExportError(f"the export helper failed: {self._stderr()}"))
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)

    def _read_block(self) -> list[tuple[int, bytes, int]]:
        (count,) = _MARK.unpack(self._read(_MARK.size))
        rows = []
        for _ in range(count):
            doc_id, spans, size = _DOC.unpack(self._read(_DOC.size))
            rows.append((doc_id, self._read(size), spans))
        return rows

    def _read(self, size: int) -> bytes:
        data = self._out.read(size)
        if len(data) != size:
            raise ExportError(f"the export helper stopped early: {self._stderr()}")
        return data

    def _put(self, item: Any) -> None:
        while not self._stop.is_set():
            try:
                self._results.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _stderr(self) -> str:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        assert self.process.stderr is not None
        lines = self.process.stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"exit code {self.process.returncode}"


def main(argv: Sequence[str]) -> int:
    db, annotator = argv[0], (argv[1] if len(argv) > 1 else None)
    out = sys.stdout.buffer
    conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.text_factory = bytes
    conn.execute("BEGIN")
    mark = snapshot_mark(conn)
    out.write(b"R" + _MARK.pack(_NO_MARK if mark is None else mark))
    out.flush()
    for line in sys.stdin.buffer:
        first, last = map(int, line.split())
        try:
            rows = build_block(conn, first, last, annotator)
        except AnnotatorError as exc:  # a refusal (a quote, a row written outside annotator)
            message = str(exc).encode("utf-8")
            tag = b"D" if isinstance(exc, DatabaseFileError) else b"E"
            out.write(tag + _MARK.pack(len(message)) + message)
            out.flush()
            return 0
        out.write(b"B" + _MARK.pack(len(rows)))
        for doc_id, spans, count in rows:
            out.write(_DOC.pack(doc_id, count, len(spans)))
            out.write(spans)
        out.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # the parent stopped reading: it no longer needs us
        sys.exit(0)
