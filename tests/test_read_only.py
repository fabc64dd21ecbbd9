"""Databases that cannot be written: on a read-only disk, or where this user may
not write.  They are read (list, stats, export) and every write is refused
with the reason, changing nothing.

Tests run as root on a writable disk, where no file is read-only: the disk's
read-only flag and the permission answers are given by ``monkeypatch``; the
files and the SQLite connections (``mode=ro``, ``immutable=1``) are real.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cli_helpers import assert_error, run
from store_helpers import TEXT, file_state

from annotator import DatabaseFileError, open_store
from annotator.store import read_only

# TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."
KOVAL = (6, 17)  # "Olena Koval", counted by hand


def _on_read_only_disk(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Files in ``folder`` answer as on a read-only disk: the flag of ``statvfs``,
    and ``access`` refusing writes (as the system does there, even for root)."""
    real_statvfs, real_access = os.statvfs, os.access

    def statvfs(path: Any) -> Any:
        result = real_statvfs(path)
        if Path(path).resolve().parent == folder.resolve():
            return SimpleNamespace(f_flag=result.f_flag | os.ST_RDONLY)
        return result

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        inside = Path(path).resolve() in (folder.resolve(), *folder.resolve().iterdir())
        if inside and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(read_only.os, "statvfs", statvfs)
    monkeypatch.setattr(read_only.os, "access", access)


def _made(db: Path) -> int:
    with open_store(db) as store:
        doc = store.add_document(TEXT, title="Bridge")
        store.add_span(doc.id, *KOVAL, "ACTOR", annotator="alice")
        return doc.id


@pytest.fixture
def usb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int, Any]:
    """A database made, then seen on a read-only disk: (path, document id, file state)."""
    db = tmp_path / "usb.db"
    doc_id = _made(db)
    before = file_state(db)
    _on_read_only_disk(monkeypatch, tmp_path)
    return db, doc_id, before


def test_a_database_on_a_read_only_disk_is_read_and_never_written(
    usb: tuple[Path, int, Any], tmp_path: Path
) -> None:
    db, doc_id, before = usb
    with open_store(db) as store:
        assert store.read_only == "its disk is read-only"
        assert [(s.start, s.end, s.text) for s in store.spans(doc_id)] == [(6, 17, "Olena Koval")]
        out = io.StringIO()
        store.export_jsonl(out)
        record = json.loads(out.getvalue())
        assert [s["text"] for s in record["spans"]] == ["Olena Koval"]
        with pytest.raises(DatabaseFileError) as refused:
            store.add_span(doc_id, 26, 31, "DATE", annotator="alice")  # "3 May"
    assert str(refused.value) == (
        f"{db} is open read-only (its disk is read-only): nothing was changed; to change it,"
        " copy it to a folder you may write to and open the copy"
    )
    assert file_state(db) == before
    # Immutable: nothing was made beside it either.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["usb.db"]


# A process that commits and is killed: its changes stay in the log (-wal).
KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from annotator import open_store
    store = open_store(sys.argv[1])
    store.add_span(int(sys.argv[2]), 26, 31, "DATE", annotator="bob")
    os.kill(os.getpid(), signal.SIGKILL)
""")


def _made_with_changes_in_the_log(db: Path) -> int:
    """``_made``, then bob's span committed by a process killed at once."""
    doc_id = _made(db)
    result = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(db), str(doc_id)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert db.with_name(db.name + "-wal").stat().st_size > 0
    return doc_id


def test_with_its_shared_memory_file_there_the_log_is_read_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "usb.db"
    doc_id = _made_with_changes_in_the_log(db)
    assert db.with_name("usb.db-shm").exists()
    _on_read_only_disk(monkeypatch, tmp_path)
    with open_store(db) as store:
        assert store.read_only == "its disk is read-only"
        spans = store.spans(doc_id)
    assert [(s.text, s.annotator) for s in spans] == [("Olena Koval", "alice"), ("3 May", "bob")]


def test_changes_left_in_the_log_without_shared_memory_are_refused_with_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "usb.db"
    _made_with_changes_in_the_log(db)
    db.with_name("usb.db-shm").unlink()  # copied without it, or never made there
    before = file_state(db), file_state(db.with_name("usb.db-wal"))
    _on_read_only_disk(monkeypatch, tmp_path)
    with pytest.raises(DatabaseFileError) as refused:
        open_store(db)
    assert str(refused.value) == (
        f"{db} cannot be opened: its disk is read-only, and changes are still in its log"
        " (usb.db-wal) that can only be read where it may be written: copy the database and"
        " its usb.db-wal to a folder you may write to, and open the copy"
    )
    assert (file_state(db), file_state(db.with_name("usb.db-wal"))) == before


def test_an_older_layout_that_cannot_be_upgraded_there_is_refused_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "old.db"
    _made(db)
    with closing(sqlite3.connect(db)) as conn:  # as if an older annotator wrote it
        conn.execute("PRAGMA user_version = 10")
    before = file_state(db)
    _on_read_only_disk(monkeypatch, tmp_path)
    with pytest.raises(DatabaseFileError) as refused:
        open_store(db)
    assert str(refused.value) == (
        f"{db} has the older layout 10 and its disk is read-only: copy it to a folder you may"
        " write to, and open the copy"
    )
    assert file_state(db) == before


def test_a_folder_this_user_may_not_write_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "theirs.db"
    doc_id = _made(db)
    real_access = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if Path(path).resolve() == tmp_path.resolve() and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(read_only.os, "access", access)
    with open_store(db) as store:
        assert store.read_only == "you may not write to its folder"
        assert len(store.spans(doc_id)) == 1
        with pytest.raises(DatabaseFileError, match=r"is open read-only \(you may not write to"):
            store.delete_span(store.spans(doc_id)[0].id)
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone() == (1,)


def test_the_command_line_lists_and_exports_but_refuses_to_import(
    usb: tuple[Path, int, Any], tmp_path: Path
) -> None:
    db, _doc_id, before = usb
    article = tmp_path.parent / f"{tmp_path.name}-article.txt"
    article.write_text("Odesa port reopened on Friday.\n", encoding="utf-8")
    listed = run("list", "--db", str(db))
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[1].split() == ["1", "Bridge", "0", "1", "0", "0", "1"]
    exported = run("export", "--db", str(db), "--out", "-")
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["spans"][0]["text"] == "Olena Koval"
    assert_error(
        run("import", str(article), "--db", str(db)),
        f"{db} is open read-only (its disk is read-only): nothing was changed; to change it,"
        " copy it to a folder you may write to and open the copy",
    )
    assert file_state(db) == before


def test_the_window_says_read_only_and_a_label_key_stores_nothing(
    usb: tuple[Path, int, Any], make_window: Any, analyst_at: Any, dialogs: Any
) -> None:
    from PySide6.QtCore import Qt

    db, doc_id, before = usb
    with open_store(db) as store:
        window = make_window(store, document_id=doc_id)
        assert window.windowTitle() == (
            "Bridge — annotator — usb.db (read-only: its disk is read-only)"
        )
        alice = analyst_at(window)
        alice.select(26, 31)  # "3 May" (no character above U+FFFF before it)
        alice.press(Qt.Key.Key_3)
        assert dialogs.errors == [
            f"{db} is open read-only (its disk is read-only): nothing was changed; to change"
            " it, copy it to a folder you may write to and open the copy"
        ]
        assert len(store.spans(doc_id)) == 1
        window.close()
    assert file_state(db) == before


def test_a_shared_memory_file_left_without_a_log_does_not_stop_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "usb.db"
    doc_id = _made(db)
    db.with_name("usb.db-shm").write_bytes(b"\0" * 32768)  # left by a program killed earlier
    _on_read_only_disk(monkeypatch, tmp_path)
    with open_store(db) as store:
        assert store.read_only == "its disk is read-only"
        assert [s.text for s in store.spans(doc_id)] == ["Olena Koval"]


def test_undo_and_redo_in_the_window_say_the_file_is_read_only(
    usb: tuple[Path, int, Any], make_window: Any, analyst_at: Any, dialogs: Any
) -> None:
    from PySide6.QtCore import Qt

    db, doc_id, before = usb  # alice has a step to undo: her ACTOR
    with open_store(db) as store:
        alice = analyst_at(make_window(store, document_id=doc_id))
        alice.view.setFocus()
        alice.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        alice.press(Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
        assert dialogs.errors == [
            f"{db} is open read-only (its disk is read-only): nothing was changed; to change"
            " it, copy it to a folder you may write to and open the copy"
        ] * 2
        assert len(store.spans(doc_id)) == 1
        alice.window.close()
    assert file_state(db) == before


def test_the_review_window_reloads_and_refuses_decisions_and_undo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from PySide6.QtCore import Qt
    from review_doc import add_bridge, scripted_dialogs
    from review_helpers import shown_review

    db = tmp_path / "usb.db"
    with open_store(db) as store:
        doc_id = add_bridge(store)
    before = file_state(db)
    _on_read_only_disk(monkeypatch, tmp_path)
    dialogs = scripted_dialogs(tmp_path.parent / f"{tmp_path.name}-out")
    with open_store(db) as store:
        window = shown_review(qtbot, store, doc_id, dialogs, "lead")
        rows = window.model.rowCount()
        for key, modifiers in ((Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier),
                               (Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier),
                               (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)):  # fmt: skip
            qtbot.keyClick(window.table, key, modifiers)
        assert window.model.rowCount() == rows  # the reload compared again
        refusal = (
            f"{db} is open read-only (its disk is read-only): nothing was changed; to change"
            " it, copy it to a folder you may write to and open the copy"
        )
        assert refusal in dialogs.errors  # the decision (A) and the undo, each said
        assert store.decisions(doc_id) == []
        window.close()
    assert file_state(db) == before
