"""File > New database, Open database and Open recent: the window moves to another Store.

File dialogs are answered by the dialog service (``ScriptedDialogs.paths``).
"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from annotator.schema import default_schema_body
from annotator.store import open_store

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(store, make_window):
    doc = store.add_document("Kyiv talks resumed on Monday.\n", title="Kyiv talks")
    return make_window(store, analyst="alice", document_id=doc.id)


@pytest.fixture
def other_db(tmp_path):
    path = tmp_path / "other.db"
    with open_store(path) as other:
        other.add_document("Odesa port reopened on Friday.\n", title="Odesa port")
        other.add_document("Lviv museum opened.\n", title="Lviv museum")
    return path


def titles(window):
    model = window.document_model
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def test_new_database_switches_and_closes_the_old_store(window, store, tmp_path, dialogs):
    switched = []
    window.store_changed.connect(switched.append)
    dialogs.paths.append(tmp_path / "fresh")  # ".db" is added
    window.action_map["new_database"].trigger()
    assert window.store.path == tmp_path / "fresh.db" and (tmp_path / "fresh.db").is_file()
    assert switched == [window.store]
    assert titles(window) == [] and window.editor.document is None
    assert window.windowTitle() == "annotator — fresh.db"
    with pytest.raises(sqlite3.ProgrammingError):  # the old connection is closed
        store.conn.execute("SELECT 1")
    assert window.analyst == "alice"
    assert window.files.recent_paths()[:2] == [tmp_path / "fresh.db", tmp_path / "annotations.db"]


def test_new_database_refuses_an_existing_file(window, store, other_db, dialogs):
    dialogs.paths.append(other_db)
    window.action_map["new_database"].trigger()
    assert window.store is store
    assert dialogs.errors == [
        "other.db already exists: choose a new name, or open it with File ▸ Open"
    ]


def test_open_database_shows_its_documents_and_works(window, other_db, dialogs, analyst_at):
    dialogs.paths.append(other_db)
    window.action_map["open_database"].trigger()
    assert window.store.path == other_db
    assert titles(window) == ["Odesa port", "Lviv museum"]
    window.open_document(window.document_model.document_id(0))
    alice = analyst_at(window)
    window.activateWindow()
    alice.select(0, 5)
    alice.press(Qt.Key.Key_2)  # the rebuilt actions tag in the new database
    alice.press(Qt.Key.Key_Z, CTRL)
    with open_store(other_db) as check:
        assert [e.action for e in check.history(limit=2)] == ["undo", "add_span"]
        assert check.spans(1) == []


def test_a_file_that_is_no_database_reaches_the_error_dialog(window, store, tmp_path, dialogs):
    bogus = tmp_path / "notes.db"
    bogus.write_text("just some notes\n", encoding="utf-8")
    dialogs.paths.append(bogus)
    window.action_map["open_database"].trigger()
    assert window.store is store and titles(window) == ["Kyiv talks"]
    assert dialogs.errors == [f"{bogus} is not a SQLite database: choose an annotator .db file"]


def test_recent_databases_are_remembered_and_reopened(window, store, other_db, dialogs,
                                                       make_window, db_path):  # fmt: skip
    dialogs.paths.append(other_db)
    window.action_map["open_database"].trigger()
    assert window.files.recent_paths() == [other_db, db_path]
    texts = [a.text() for a in window.files.recent_menu.actions() if a.data()]
    assert texts == [f"&1 other.db — {other_db.parent}", f"&2 annotations.db — {db_path.parent}"]
    back = next(a for a in window.files.recent_menu.actions() if a.data() == str(db_path))
    back.trigger()
    assert window.store.path == db_path and titles(window) == ["Kyiv talks"]
    window.close()
    with open_store(db_path) as again:
        second = make_window(again, analyst="alice")
        assert second.files.recent_paths() == [db_path, other_db]


def test_a_recent_file_that_is_gone_is_dropped(window, other_db, dialogs):
    dialogs.paths.append(other_db)
    window.action_map["open_database"].trigger()
    window.files.open_path(window.files.recent_paths()[1], must_exist=True)  # back to the first
    other_db.unlink()
    stale = next(a for a in window.files.recent_menu.actions() if a.data() == str(other_db))
    stale.trigger()
    assert dialogs.errors == [f"{other_db} does not exist: choose another file"]
    assert other_db not in window.files.recent_paths()


def test_a_database_with_another_schema_brings_its_labels_and_keys(window, tmp_path, dialogs,
                                                                   analyst_at):  # fmt: skip
    body = default_schema_body()
    body["labels"] = [*body["labels"], {"name": "PLACE", "key": "5", "color": "#0072B2",
                                        "description": "A place."}]  # fmt: skip
    path = tmp_path / "places.db"
    with open_store(path, schema=body) as places:
        doc = places.add_document("Talks in Kyiv resumed.\n", title="Places")
    dialogs.paths.append(path)
    window.action_map["open_database"].trigger()
    window.open_document(doc.id)
    assert window.action_map["tag_PLACE"].shortcut().toString() == "5"
    alice = analyst_at(window)
    alice.select(9, 13)
    alice.press(Qt.Key.Key_5)
    assert [(s.text, s.label) for s in window.store.spans(doc.id)] == [("Kyiv", "PLACE")]
