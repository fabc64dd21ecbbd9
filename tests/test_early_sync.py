"""Long exports start going to disk while they are written (``EarlySync``).

The file's content must not change for it, a pipe must be left alone, and the
syncs must happen as the bytes pass the mark; ``os.fdatasync`` is watched (and
still run) to see when.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from annotator import atomicfile
from annotator.atomicfile import EarlySync, atomic_open


def watch_syncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fdatasync

    def fdatasync(fd: int) -> None:
        calls.append(os.fstat(fd).st_size)  # what had reached the file by then
        real(fd)

    monkeypatch.setattr(atomicfile.os, "fdatasync", fdatasync)
    return calls


def test_without_fdatasync_fsync_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # macOS and Windows have no os.fdatasync.
    calls: list[int] = []
    real = os.fsync
    monkeypatch.delattr(atomicfile.os, "fdatasync")

    def fsync(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(atomicfile.os, "fsync", fsync)
    with open(tmp_path / "out.bin", "wb") as f:
        syncing = EarlySync(f, every=4)
        f.write(b"12345")
        syncing.wrote(5)
        syncing.wait()
        assert calls == [f.fileno()]


def test_a_long_file_is_synced_as_it_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = watch_syncs(monkeypatch)
    target = tmp_path / "out.jsonl"
    lines = [f"line {n:04d}\n".encode() for n in range(100)]  # 10 bytes each
    with atomic_open(target, "wb") as f:
        syncing = EarlySync(f, every=250)
        for line in lines:
            f.write(line)
            syncing.wrote(len(line))
            syncing.wait()  # one sync at a time: wait so each mark starts its own
    assert target.read_bytes() == b"".join(lines)
    # 1,000 bytes with a mark every 250: synced at 250, 500, 750 and 1,000 bytes.
    assert calls == [250, 500, 750, 1000]


def test_a_pipe_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = watch_syncs(monkeypatch)
    read_end, write_end = os.pipe()
    try:
        with os.fdopen(write_end, "wb") as pipe:
            syncing = EarlySync(pipe, every=4)
            pipe.write(b"12345678")
            syncing.wrote(8)
            syncing.wait()
        assert os.read(read_end, 100) == b"12345678"
    finally:
        os.close(read_end)
    assert calls == []


def test_a_stream_without_a_file_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    calls = watch_syncs(monkeypatch)
    buffer: Any = io.BytesIO()
    syncing = EarlySync(buffer, every=1)
    buffer.write(b"abc")
    syncing.wrote(3)
    syncing.wait()
    assert calls == [] and buffer.getvalue() == b"abc"
