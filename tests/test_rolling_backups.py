"""The window's rolling backup (ui/backups.py): the last five, made off the start path."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from annotator.store import Store, open_store
from ui.backups import backups_of, start_after_first_paint, start_rolling_backup

TEXT = "Mayor Ana Ruiz said on Monday that the bridge in Kyiv reopens next week."


def read_only(path: Path) -> sqlite3.Connection:
    # immutable: reading a backup must not create files beside it or change it
    return sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)


def notes_in(path: Path) -> list[str]:
    with closing(read_only(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return [n for (n,) in conn.execute("SELECT note FROM spans ORDER BY note")]


def finish(thread: Any) -> Any:
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert thread.error is None, thread.error
    return thread


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_six_starts_leave_the_newest_five_each_whole(db_path: Path) -> None:
    with open_store(db_path) as store:
        doc_id = store.add_document(TEXT).id
        made = []
        for start in range(1, 7):  # before each start the analyst added one span
            store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice", note=f"span {start}")
            made.append(finish(start_rolling_backup(db_path)).made)
    kept = backups_of(db_path)
    assert len(kept) == 5 and kept == made[1:]  # the oldest one went
    assert not made[0].exists()
    assert kept[0].parent == db_path.parent / "backups"
    for n, backup in enumerate(kept, 2):  # backup n holds the first n spans
        assert notes_in(backup) == [f"span {i}" for i in range(1, n + 1)]
        with open_store(backup) as copy:
            assert copy.check() == []
            assert copy.document(doc_id).text == TEXT


def test_the_call_returns_before_the_copy_is_done(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(db_path) as store:
        store.add_document(TEXT)
    gate, copying = threading.Event(), threading.Event()
    copiers: list[threading.Thread] = []
    real_backup = Store.backup

    def held_backup(self: Store, target: Path) -> Path:
        copiers.append(threading.current_thread())
        copying.set()
        assert gate.wait(timeout=60), "the test never opened the gate"
        return real_backup(self, target)

    monkeypatch.setattr(Store, "backup", held_backup)
    began = time.perf_counter()
    thread = start_rolling_backup(db_path)
    returned_after = time.perf_counter() - began
    try:
        assert copying.wait(timeout=60)
        # The copy is under way, held at the gate, yet the call has returned.
        assert thread.is_alive() and backups_of(db_path) == []
        assert copiers == [thread] and thread is not threading.main_thread()
        assert returned_after < 0.5  # far inside the window's one-second start budget
    finally:
        gate.set()
    finish(thread)
    assert backups_of(db_path) == [thread.made]


def test_starting_is_much_faster_than_copying_a_big_database(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.add_document("Kyiv bridge. " * 1_500_000)  # about 20 MB of text
    began = time.perf_counter()
    thread = start_rolling_backup(db_path)
    returned_after = time.perf_counter() - began
    finish(thread)
    copied_after = time.perf_counter() - began
    assert returned_after < copied_after / 5, (returned_after, copied_after)
    assert thread.made is not None and thread.made.stat().st_size > 19_000_000


def test_an_unchanged_database_is_not_backed_up_twice(db_path: Path) -> None:
    with open_store(db_path) as store:
        doc_id = store.add_document(TEXT).id
    first = finish(start_rolling_backup(db_path))
    again = finish(start_rolling_backup(db_path))
    assert first.made is not None and again.made is None and again.unchanged
    assert backups_of(db_path) == [first.made]
    with open_store(db_path) as store:
        store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice")
    changed = finish(start_rolling_backup(db_path))
    assert backups_of(db_path) == [first.made, changed.made]


def test_only_this_database_s_backups_are_rotated(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    folder = tmp_path / "backups"
    folder.mkdir()
    strangers = {
        "notes.txt": b"the analyst's own file",
        "other.backup-20200101-000000-000000Z.db": b"another database's backup",
        "team.backup-before-the-audit.db": b"a copy made and named by hand",
        "team.db": b"not a rolling backup either",
    }
    for name, data in strangers.items():
        (folder / name).write_bytes(data)
    with open_store(db) as store:
        doc_id = store.add_document(TEXT).id
        for n in range(7):
            store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice", note=str(n))
            finish(start_rolling_backup(db, keep=2))
    assert len(backups_of(db)) == 2
    for name, data in strangers.items():
        assert (folder / name).read_bytes() == data


def test_a_backup_that_cannot_be_made_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    (tmp_path / "backups").write_text("a file where the folder should be")
    before = sha256(db)
    thread = start_rolling_backup(db)
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert thread.made is None and thread.error is not None and "backups" in thread.error
    assert sha256(db) == before
    assert (tmp_path / "backups").read_text() == "a file where the folder should be"


def test_the_window_starts_it_after_its_first_paint(
    qtbot: Any, store: Store, db_path: Path
) -> None:
    from ui.main_window import MainWindow

    doc_id = store.add_document(TEXT).id
    window = MainWindow(store, analyst="alice")
    qtbot.addWidget(window)
    window.open_document(doc_id)
    pending = start_after_first_paint(window)
    assert pending.thread is None and backups_of(db_path) == []  # not shown, not painted
    window.show()
    qtbot.waitUntil(lambda: pending.thread is not None, timeout=10_000)
    thread = pending.thread
    assert thread is not None
    finish(thread)
    assert backups_of(db_path) == [thread.made]
    assert notes_in(thread.made) == []
    with open_store(thread.made) as copy:
        assert copy.document(doc_id).text == TEXT


def _dead_pid() -> int:
    import subprocess
    import sys

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # its process id now belongs to no process
    return finished.pid


def test_a_killed_backups_leftovers_go_with_the_next_backup(db_path: Path, store: Store) -> None:
    """Backups are named by the time they are made, so a killed one's temporary file
    never has the next one's name: the next backup of that database removes it
    (and its journal), but not a live writer's, nor another database's."""
    import os

    store.add_document("Kyiv bridge reopens.")
    folder = db_path.parent / "backups"
    folder.mkdir()
    stem, dead = db_path.stem, _dead_pid()
    killed = folder / f".{stem}.backup-20260101-000000-000001Z.db.{dead}.ab12cd34.tmp"
    journal = Path(f"{killed}-journal")
    live = folder / f".{stem}.backup-20260101-000000-000002Z.db.{os.getpid()}.ef56gh78.tmp"
    other = folder / f".other.backup-20260101-000000-000003Z.db.{dead}.ij90kl12.tmp"
    for leftover in (killed, journal, live, other):
        leftover.write_bytes(b"half a copy")
    start_rolling_backup(db_path).join()
    assert not killed.exists() and not journal.exists()
    assert live.exists() and other.exists()
    assert len(backups_of(db_path)) == 1


def test_a_failed_write_leaves_no_journal_beside_it(tmp_path: Path) -> None:
    from annotator.atomicfile import temporary_path

    with pytest.raises(OSError), temporary_path(tmp_path / "copy.db") as tmp:
        Path(f"{tmp}-journal").write_bytes(b"SQLite's journal")
        raise OSError(27, "File too large")
    assert list(tmp_path.iterdir()) == []
