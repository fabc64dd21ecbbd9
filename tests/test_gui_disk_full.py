"""A key press when the database cannot grow: one dialog that says what to do,
nothing half-stored, and the same key works again once there is room.

The database is filled for real: ``PRAGMA max_page_count`` holds it at its
size, and history rows are committed until SQLite answers SQLITE_FULL, so the
next change (a span and its history event) finds no room.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

TEXT = "Mayor Olena Koval said the bridge reopens on Friday."  # Olena Koval = 6-17


def fill_up(conn: sqlite3.Connection) -> None:
    """Let the file grow no more, then use up its free pages with history rows."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    for size in (2000, 200, 20):
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO events (at, annotator, action, after) VALUES (?, ?, ?, ?)",
                    ["2026-11-28T00:00:00.000Z", "filler", "note", "x" * size],
                )
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                assert exc.sqlite_errorname == "SQLITE_FULL"
                if conn.in_transaction:  # SQLite may have rolled it back itself
                    conn.execute("ROLLBACK")
                break


def test_a_tag_key_on_a_full_database_says_so_and_stores_nothing(
    store, make_window, analyst_at, dialogs
):
    doc_id = store.add_document(TEXT, title="Bridge").id
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    fill_up(store.conn)
    alice.select(6, 17)
    alice.press(Qt.Key.Key_2)
    assert dialogs.errors == [
        "The database could not be written (database or disk is full): free some space on"
        " its disk and try again."
    ]
    assert store.spans(doc_id) == []
    assert not alice.window.editor.history.stack.canUndo()
    # Room again (as after freeing space): the same key press stores the span.
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    alice.select(6, 17)
    alice.press(Qt.Key.Key_2)
    assert [(s.start, s.end, s.label, s.text) for s in store.spans(doc_id)] == [
        (6, 17, "ACTOR", "Olena Koval")
    ]
