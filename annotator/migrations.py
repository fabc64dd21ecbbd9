"""The database layout and its upgrade ladder.

``PRAGMA user_version`` holds the layout version.  Each step upgrades a file by
one version inside the caller's transaction, so a failed upgrade leaves the file
as it was.  A file with a version above ``LATEST`` was written by a newer
release and is refused untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# 'ANNO' in ASCII: marks a SQLite file as one of ours (PRAGMA application_id).
APPLICATION_ID = 0x414E4E4F


def _v1(conn: sqlite3.Connection) -> None:
    """Documents, spans, relations and the label schema."""
    for statement in (
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            title TEXT,
            source TEXT,
            text TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            length INTEGER NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE spans (
            id TEXT PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            label TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            note TEXT,
            attributes TEXT NOT NULL DEFAULT '{}',
            origin TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (start >= 0 AND "end" > start)
        )""",
        "CREATE INDEX spans_document_annotator ON spans(document_id, annotator)",
        """CREATE TABLE relations (
            id TEXT PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            type TEXT NOT NULL,
            from_span TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            to_span TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            attributes TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX relations_document ON relations(document_id)",
        "CREATE INDEX relations_from ON relations(from_span)",
        "CREATE INDEX relations_to ON relations(to_span)",
        """CREATE TABLE schema (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            body TEXT NOT NULL
        )""",
    ):
        conn.execute(statement)


def _v2(conn: sqlite3.Connection) -> None:
    """The append-only history: the audit trail and the basis of undo."""
    conn.execute(
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            annotator TEXT NOT NULL,
            action TEXT NOT NULL,
            document_id INTEGER,
            target TEXT,
            before TEXT,
            after TEXT,
            ref INTEGER REFERENCES events(id)
        )"""
    )
    conn.execute("CREATE INDEX events_annotator ON events(annotator, id)")
    conn.execute(
        """CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
           BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"""
    )
    conn.execute(
        """CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
           BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"""
    )


def _v3(conn: sqlite3.Connection) -> None:
    """Spans by position (sorted exports straight from the index); texts by hash."""
    conn.execute('CREATE INDEX spans_document_position ON spans(document_id, start, "end", id)')
    conn.execute("CREATE INDEX documents_sha256 ON documents(text_sha256)")


def _v4(conn: sqlite3.Connection) -> None:
    """Each analyst's "done" mark per document (the id makes it undoable like a span)."""
    conn.execute(
        """CREATE TABLE document_status (
            id TEXT PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            done INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            UNIQUE (document_id, annotator)
        )"""
    )


def _search_index(conn: sqlite3.Connection) -> None:
    """Full-text search over documents and spans (FTS5, kept in sync by triggers)."""
    from .store.search import create_search_index

    create_search_index(conn)


STEPS: list[Callable[[sqlite3.Connection], None]] = [
    _v1, _v2, _v3, _v4, _search_index,
]  # fmt: skip
LATEST = len(STEPS)


def upgrade(conn: sqlite3.Connection, current: int) -> int:
    """Run every step above ``current``; the caller holds the transaction."""
    for version in range(current + 1, LATEST + 1):
        STEPS[version - 1](conn)
        conn.execute(f"PRAGMA user_version = {int(version)}")
    if current == 0:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return LATEST
