"""A second process for big native exports: it builds and checks the spans
arrays of every other block of documents while this process does the rest.

Two threads did not share the work: a second thread building JSON gained
nothing when measured (SQLite's process-wide memory accounting is the
likely cause); a second process does.  ``python -m
annotator.store.export_helper DB [ANALYST]`` opens the database read-only,
reports its snapshot, then reads the blocks it is to build from standard input
(one JSON list) and writes frames to standard output:

* ``R`` + mark (8 bytes): ready, reading the snapshot whose newest event is ``mark``;
* ``B`` + document count, then per document its id, span count, byte length
  and spans array: one block;
* ``E`` + length + message: an ``ExportError`` (a quote that does not match).

The parent (``Helper``) checks that its own snapshot has the same mark before
it sends any block, so both halves of the export describe one state.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import struct
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError
from .exporting import build_block, snapshot_mark

_MARK = struct.Struct("<q")
_DOC = struct.Struct("<qqq")
_NO_MARK = -1


class Helper:
    """The parent's side: start the process, hand it blocks, read its results in order."""

    def __init__(self, db: Path, annotator: str | None) -> None:
        args = [sys.executable, "-m", __name__, str(db)] + ([annotator] if annotator else [])
        # The helper runs this very copy of the package, installed or not.
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH")) if p
        )}  # fmt: skip
        self.process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        self._out: IO[bytes] = self.process.stdout
        self._results: queue.Queue[Any] = queue.Queue(maxsize=4)
        self._stop = threading.Event()
        self._reader: threading.Thread | None = None
        tag = self._out.read(1)
        if tag != b"R":
            raise ExportError(f"the export helper did not start: {self._stderr()}")
        mark = _MARK.unpack(self._read(_MARK.size))[0]
        self.mark = None if mark == _NO_MARK else mark

    def start(self, blocks: Sequence[tuple[int, int]]) -> None:
        """Send the helper its blocks; results are read on a thread from now on."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(list(blocks)).encode("ascii"))
        self.process.stdin.close()
        self._reader = threading.Thread(target=self._read_all, name="export-helper", daemon=True)
        self._reader.start()

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
            while not self._stop.is_set():
                tag = self._out.read(1)
                if tag == b"B":
                    self._put(self._read_block())
                elif tag == b"E":
                    size = _MARK.unpack(self._read(_MARK.size))[0]
                    self._put(ExportError(self._read(size).decode("utf-8")))
                    return
                else:
                    if tag:  # anything else is a broken helper
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
    blocks = json.loads(sys.stdin.buffer.read() or b"[]")
    for first, last in blocks:
        try:
            rows = build_block(conn, first, last, annotator)
        except ExportError as exc:
            message = str(exc).encode("utf-8")
            out.write(b"E" + _MARK.pack(len(message)) + message)
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
