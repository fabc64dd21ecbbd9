"""An export never writes over a device, a pipe or a socket (``--out /dev/null``
as root replaced the system's own with a file): refused in one line, whatever
the format, ``--force`` or not, and by the atomic writer itself for API callers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run

from annotator import open_store
from annotator.atomicfile import atomic_open


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "conll", "brat"])
def test_an_export_never_replaces_a_device_or_a_pipe(tmp_path: Path, fmt: str) -> None:
    """--out naming /dev/null (here through a link) or a named pipe: a new file
    renamed onto it would replace the device (as root, the system's own) and
    reading a pipe's first bytes waits forever.  Refused, --force or not.  The
    pipe is tried in a child process, so that a hang fails the test."""
    db = tmp_path / "t.db"
    with open_store(db) as store:
        store.add_document("Kyiv bridge reopens.")
    device, pipe = tmp_path / "null", tmp_path / "pipe"
    device.symlink_to("/dev/null")
    os.mkfifo(pipe)
    result = run("export", "--format", fmt, "--out", str(device), "--force", "--db", str(db))
    assert (result.exit_code, result.stderr) == (1, (
        f"Error: {device} is a device, not a file: choose a file, or --out - to write to"
        " standard output\n"))  # fmt: skip
    assert device.is_symlink() and os.readlink(device) == "/dev/null"
    child = subprocess.run(
        [sys.executable, "-m", "ui.cli", "export", "--format", fmt, "--out", str(pipe),
         "--db", str(db)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (child.returncode, child.stderr) == (1, (
        f"Error: {pipe} is a pipe, not a file: choose a file, or --out - to write to"
        " standard output\n"))  # fmt: skip
    assert pipe.is_fifo()


def test_the_writers_themselves_never_replace_a_device(tmp_path: Path) -> None:
    device = tmp_path / "null"
    device.symlink_to("/dev/null")
    with pytest.raises(OSError, match="a device, not a file: nothing is written over it"):
        with atomic_open(device) as f:
            f.write("x")
    assert device.is_symlink()
