"""The open database's file is deleted, renamed or replaced while the window works.

SQLite goes on writing to the file it opened: a deleted one vanishes when the
window closes, a renamed one is not what anyone opening the old name finds.
The window notices on its next look (the live refresh), says so once, and
offers to save everything to a new file and go on there.  Files, SQLite and
key presses are real; the dialogs answer from a script.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from annotator.store import Store
from ui.live_refresh import install_live_refresh

TEXT = "Mayor Ana Ruiz said on Monday that the talks in Kyiv resume."  # by hand below
HOUR_MS = 3_600_000  # the timer never fires in a test: check() is called by hand


def quotes(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [row[0] for row in conn.execute("SELECT text FROM spans ORDER BY start")]


def tag(alice: Any, start: int, end: int) -> None:
    alice.select(start, end)
    alice.press(Qt.Key.Key_2)


def test_a_deleted_database_is_saved_to_a_new_file_and_work_goes_on_there(
    store: Store, db_path: Path, make_window: Any, analyst_at: Any, dialogs: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    doc = store.add_document(TEXT, title="Talks").id
    window = make_window(store, analyst="alice", document_id=doc)
    live = install_live_refresh(window, interval_ms=HOUR_MS)
    alice = analyst_at(window)
    tag(alice, 6, 14)  # "Ana Ruiz"
    live.check()
    assert dialogs.asked == []  # the file is where it was: nothing to say

    os.unlink(db_path)
    tag(alice, 48, 52)  # "Kyiv": stored in the deleted file, which SQLite still has open
    saved = tmp_path / "rescued.db"
    dialogs.answers, dialogs.paths = [True], [saved]
    live.check()
    assert [kind for kind, _title, _text in dialogs.asked] == ["confirm", "save_file_name"]
    assert f"{db_path} was moved, renamed, deleted or replaced" in dialogs.asked[0][2]
    assert window.store.path == saved
    assert quotes(saved) == ["Ana Ruiz", "Kyiv"]  # what was done before and after
    assert window.editor.document.title == "Talks"  # the same article, open again
    tag(analyst_at(window), 23, 29)  # "Monday": the window now works in the saved file
    assert quotes(saved) == ["Ana Ruiz", "Monday", "Kyiv"]
    live.check()
    assert len(dialogs.asked) == 2  # the saved file is in place: nothing more to say


def test_a_renamed_database_is_told_once_even_when_declined(
    store: Store, db_path: Path, make_window: Any, dialogs: Any
) -> None:
    doc = store.add_document(TEXT, title="Talks").id
    window = make_window(store, analyst="alice", document_id=doc)
    live = install_live_refresh(window, interval_ms=HOUR_MS)
    db_path.rename(db_path.with_name("renamed.db"))
    dialogs.answers = [False]
    live.check()
    live.check()
    assert [kind for kind, _title, _text in dialogs.asked] == ["confirm"]
    assert window.store is store  # declined: the window goes on as it was


def test_a_copy_is_not_saved_over_an_existing_file(
    store: Store, db_path: Path, make_window: Any, dialogs: Any, tmp_path: Path
) -> None:
    doc = store.add_document(TEXT, title="Talks").id
    window = make_window(store, analyst="alice", document_id=doc)
    live = install_live_refresh(window, interval_ms=HOUR_MS)
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"someone else's file")
    os.unlink(db_path)
    dialogs.answers, dialogs.paths = [True], [taken, tmp_path / "free.db"]
    live.check()
    assert ("error", "Save a copy of the database", f"{taken} already exists: choose a new"
            " name") in dialogs.asked  # fmt: skip
    assert taken.read_bytes() == b"someone else's file"
    assert window.store.path == tmp_path / "free.db"
    assert [d.title for d in window.store.documents()] == ["Talks"]
