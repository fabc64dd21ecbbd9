"""When the disk says no: the error names the file asked for and says what to do,
and a failed export leaves nothing behind, not even the folders it made.

The disk is made to refuse for real: the export runs in a subprocess whose
files may not grow past 64 KiB (``RLIMIT_FSIZE``, with SIGXFSZ ignored, so a
write fails with EFBIG as it would with ENOSPC on a full disk).  SQLite errors
are real too: a page limit fills the database, garbage damages it.
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from cli_helpers import run

from annotator import open_store
from annotator.errors import os_error_line, sqlite_error_line, sqlite_trouble

LIMIT = 64 * 1024


def long_database(path: Path) -> Path:
    """One article of about 150 KB with a span: its export cannot fit in LIMIT."""
    with open_store(path) as store:
        doc = store.add_document("Kyiv talks resume. " * 8000, title="Long")
        store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
    return path


def annotator_with_small_files(
    *args: str, limit: int = LIMIT
) -> subprocess.CompletedProcess[str]:
    """Run ``annotator ARGS`` in a process whose files may not grow past ``limit``."""

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    code = "from ui.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, preexec_fn=small_files, timeout=120,
        cwd=Path(__file__).parent.parent,
    )  # fmt: skip


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_an_export_the_disk_refuses_names_its_file_and_leaves_nothing(
    tmp_path: Path, fmt: str
) -> None:
    db = long_database(tmp_path / "long.db")
    out = tmp_path / "new" / "deeper" / ("out.jsonl" if fmt == "jsonl" else "brat")
    args = ("export", "--db", str(db), "--format", fmt, "--out", str(out))
    done = annotator_with_small_files(*args)
    assert done.returncode == 1, done.stderr
    assert done.stderr == (
        f"Error: File too large: {out}: the file is too big for that place: choose another"
        " place\n"
    )
    assert not (tmp_path / "new").exists()  # the folders it made are gone again
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.db"]


def test_a_database_whose_disk_is_full_is_not_called_damaged(tmp_path: Path) -> None:
    # Opening needs the shared-memory file beside the database (32 KiB); with
    # no room for it, SQLite reports a disk I/O error.  The file is fine: the
    # message must not send anyone to their backups.
    db = long_database(tmp_path / "fine.db")
    done = annotator_with_small_files("list", "--db", str(db), limit=16 * 1024)
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: {db} could not be read (disk I/O error): check that its disk has free space"
        " and is still attached, then try again\n"
    )
    assert run("list", "--db", str(db)).exit_code == 0  # with room, it opens as ever


def test_the_same_export_with_room_succeeds(tmp_path: Path) -> None:
    # The limit is what made the exports above fail: without it, the same one works.
    db = long_database(tmp_path / "long.db")
    out = tmp_path / "new" / "out.jsonl"
    assert run("export", "--db", str(db), "--out", str(out)).exit_code == 0
    assert out.stat().st_size > LIMIT


def test_exported_files_get_the_mode_a_plain_file_would(tmp_path: Path) -> None:
    # Temporary files are made 0600; each export must give its file the usual mode.
    db = long_database(tmp_path / "modes.db")
    old = os.umask(0o022)
    try:
        for args in (["--out", "x.jsonl"], ["--format", "w3c", "--out", "x.json"],
                     ["--format", "brat", "--out", "brat"]):  # fmt: skip
            target = str(tmp_path / args[-1])
            assert run("export", "--db", str(db), *args[:-1], target).exit_code == 0
        plain = tmp_path / "plain.txt"
        plain.write_text("made by open()")
    finally:
        os.umask(old)
    files = [tmp_path / "x.jsonl", tmp_path / "x.json", *sorted((tmp_path / "brat").iterdir())]
    assert len(files) == 4  # the brat folder holds the article's .txt and .ann
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644 == stat.S_IMODE(plain.stat().st_mode)


def test_sqlite_errors_are_told_apart(tmp_path: Path) -> None:
    full = tmp_path / "full.db"
    with closing(sqlite3.connect(full)) as conn:
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.execute("PRAGMA max_page_count = 2")
        with pytest.raises(sqlite3.OperationalError) as filled:
            conn.execute("INSERT INTO t VALUES (?)", ["x" * 100_000])
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("this is a text file, not a database " * 200)
    with pytest.raises(sqlite3.DatabaseError) as wrong:
        sqlite3.connect(not_a_db).execute("SELECT * FROM sqlite_master").fetchall()
    with pytest.raises(sqlite3.OperationalError) as missing:
        sqlite3.connect(f"file:{tmp_path / 'no' / 'x.db'}?mode=ro", uri=True).execute(
            "SELECT 1 FROM sqlite_master"
        )
    with pytest.raises(sqlite3.OperationalError) as bad_sql:
        sqlite3.connect(":memory:").execute("SELECT * FROM nowhere")
    assert [sqlite_trouble(e.value) for e in (filled, wrong, missing, bad_sql)] == [
        "full", "damaged", "open", "",
    ]  # fmt: skip
    assert sqlite_error_line(filled.value) == (
        "the database could not be written (database or disk is full):"
        " free some space on its disk and try again"
    )
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing, for longer than we wait
    with pytest.raises(sqlite3.OperationalError) as locked:
        sqlite3.connect(tmp_path / "busy.db", timeout=0).execute("BEGIN IMMEDIATE")
    holder.close()
    assert sqlite_trouble(locked.value) == "busy"
    assert sqlite_error_line(locked.value) == (
        "the database could not be written (database is locked): another program kept it"
        " busy for several seconds (a big import?): nothing was stored; try again when that"
        " has finished"
    )
    assert sqlite_error_line(bad_sql.value) == (
        "the database could not be written (no such table: nowhere): try again"
    )


def test_file_errors_say_what_to_do() -> None:
    assert os_error_line(PermissionError(13, "Permission denied", "/srv/x.jsonl")) == (
        "Permission denied: /srv/x.jsonl: choose a place you may write to, or get access to"
        " this one"
    )
    assert os_error_line(OSError(28, "No space left on device")) == (
        "No space left on device: free some space or choose another place, and try again"
    )
