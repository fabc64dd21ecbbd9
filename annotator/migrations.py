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


def _review_decisions(conn: sqlite3.Connection) -> None:
    """Review decisions: how each pair of two layers was adjudicated into a gold layer.

    No foreign keys: a decision names spans of three layers that analysts keep
    editing, and it must outlive (for undo) a deleted document or span.
    """
    conn.execute(
        """CREATE TABLE review_decisions (
            id TEXT PRIMARY KEY,
            document_id INTEGER NOT NULL,
            gold TEXT NOT NULL,
            a_span TEXT,
            b_span TEXT,
            gold_span TEXT,
            gold_span_2 TEXT,
            decision TEXT NOT NULL CHECK (decision IN
                ('accept_a', 'accept_b', 'accept_both', 'reject', 'edit', 'pending')),
            comment TEXT,
            "by" TEXT NOT NULL,
            created_at TEXT NOT NULL,
            CHECK (a_span IS NOT NULL OR b_span IS NOT NULL)
        )"""
    )
    conn.execute(
        "CREATE INDEX review_decisions_pair ON review_decisions(document_id, gold, a_span, b_span)"
    )
    conn.execute("CREATE INDEX review_decisions_gold ON review_decisions(gold_span)")
    conn.execute("CREATE INDEX review_decisions_gold_2 ON review_decisions(gold_span_2)")


# The labels whose texts the overview ranks ("most frequent actors and citations").
MENTION_LABELS = ("ACTOR", "CITATION")


def _overview_indexes(conn: sqlite3.Connection) -> None:
    """Covering indexes for the overview: counts per document, analyst and label,
    and the texts of actors and citations (partial: only those labels' rows)."""
    conn.execute("DROP INDEX spans_document_annotator")
    conn.execute("CREATE INDEX spans_document_annotator ON spans(document_id, annotator, label)")
    conn.execute(
        "CREATE INDEX spans_mentions ON spans(label, text, document_id)"
        f" WHERE label IN {MENTION_LABELS!r}"
    )


def _revisions(conn: sqlite3.Connection) -> None:
    """Earlier texts of edited documents, and spans that lost their place (orphans)."""
    conn.execute(
        """CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            text TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            length INTEGER NOT NULL,
            replaced_at TEXT NOT NULL,
            replaced_by TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX revisions_document ON revisions(document_id, number)")
    conn.execute("ALTER TABLE spans ADD COLUMN orphan_revision")
    # Orphans are left out of every count: this index finds them without a scan.
    conn.execute(
        "CREATE INDEX spans_orphans ON spans(document_id, annotator, label)"
        " WHERE orphan_revision IS NOT NULL"
    )


def _relation_decisions(conn: sqlite3.Connection) -> None:
    """Review decisions on relations: how each pair of two layers' relations went into gold.

    Like ``review_decisions`` (no foreign keys, for the same reasons); a decision
    names the relations of A and B it decided and the gold relations it made.
    """
    conn.execute(
        """CREATE TABLE relation_decisions (
            id TEXT PRIMARY KEY,
            document_id INTEGER NOT NULL,
            gold TEXT NOT NULL,
            a_relation TEXT,
            b_relation TEXT,
            gold_relation TEXT,
            gold_relation_2 TEXT,
            decision TEXT NOT NULL CHECK (decision IN
                ('accept_a', 'accept_b', 'accept_both', 'reject', 'pending')),
            comment TEXT,
            "by" TEXT NOT NULL,
            created_at TEXT NOT NULL,
            CHECK (a_relation IS NOT NULL OR b_relation IS NOT NULL)
        )"""
    )
    conn.execute(
        "CREATE INDEX relation_decisions_pair"
        " ON relation_decisions(document_id, gold, a_relation, b_relation)"
    )
    conn.execute("CREATE INDEX relation_decisions_gold ON relation_decisions(gold_relation)")
    conn.execute("CREATE INDEX relation_decisions_gold_2 ON relation_decisions(gold_relation_2)")


def _id_sequence(conn: sqlite3.Connection) -> None:
    """The last document and revision id ever given, so none is given twice: an
    undo brings a deleted document back by its id (SQLite hands out the highest
    id + 1 again once that row is gone).  Ids given before this step are found in
    the tables and in the history (each document's ``add_document`` event names
    it; replaced texts list their revisions)."""
    conn.execute("CREATE TABLE id_sequence (name TEXT PRIMARY KEY, last INTEGER NOT NULL)")
    documents = conn.execute(
        "SELECT max(coalesce((SELECT max(id) FROM documents), 0),"
        " coalesce((SELECT max(document_id) FROM events), 0))"
    ).fetchone()[0]
    revisions = conn.execute(
        """WITH states(state) AS (
               SELECT before FROM events WHERE before LIKE '%"revisions"%'
               UNION ALL SELECT after FROM events WHERE after LIKE '%"revisions"%'
           ), given(id) AS (
               SELECT json_extract(j.value, '$.id') FROM states, json_each(state, '$.revisions') j
               UNION ALL SELECT j.value FROM events, json_each(after, '$.revision_ids') j
               WHERE after LIKE '%"revision_ids"%'
           )
           SELECT max(coalesce((SELECT max(id) FROM revisions), 0),
                      coalesce((SELECT max(CAST(id AS INTEGER)) FROM given), 0))"""
    ).fetchone()[0]
    conn.executemany(
        "INSERT INTO id_sequence (name, last) VALUES (?, ?)",
        [("documents", documents), ("revisions", revisions)],
    )


def _folded_search(conn: sqlite3.Connection) -> None:
    """Search folds letters without a decomposition (Ł, ø, đ ...): the search
    indexes are filled again with the folded words."""
    from .store.search import fold_search_index

    fold_search_index(conn)


# The columns of a span that its record holds.
RECORD_COLUMNS = ("id", "start", '"end"', "label", "text", "annotator", "note", "origin",
                  "created_at", "updated_at")  # fmt: skip
# A span's record in the native export, made by SQLite from the row; NULL when the
# attributes are no JSON object or a value is bytes (a BLOB: JSON cannot hold it),
# written outside annotator: the export refuses those, and `check` names them.
SPAN_RECORD = f"""CASE WHEN CASE WHEN attributes = '{{}}' THEN 1 WHEN json_valid(attributes)
    THEN json_type(attributes) = 'object' END
    AND 'blob' NOT IN ({', '.join(f'typeof({c})' for c in RECORD_COLUMNS)})
  THEN json_object('id', id, 'start', start, 'end', "end", 'label', label, 'text', text,
    'annotator', annotator, 'note', note, 'attributes', json(attributes), 'origin', origin,
    'created_at', created_at, 'updated_at', updated_at) END"""


def _span_records(conn: sqlite3.Connection) -> None:
    """Each span's export record, kept by SQLite in the index of spans by position.

    A virtual column costs no room in the table; the index stores it, in the
    order the export writes spans, next to what the export's quote check reads.
    The export then joins stored records instead of building JSON per span (a
    third of the time of an export of a million spans); a bulk import writes
    about twice the bytes per span.
    """
    conn.execute(f"ALTER TABLE spans ADD COLUMN record TEXT GENERATED ALWAYS AS ({SPAN_RECORD})")
    conn.execute("DROP INDEX spans_document_position")
    # Live spans only: orphans are counted through ``spans_orphans``, not by scanning
    # this one (it holds ``orphan_revision`` so that the export reads nothing else).
    conn.execute(
        'CREATE INDEX spans_document_position ON spans(document_id, start, "end", id,'
        " annotator, orphan_revision, text, record) WHERE orphan_revision IS NULL"
    )


STEPS: list[Callable[[sqlite3.Connection], None]] = [
    _v1, _v2, _v3, _v4, _search_index, _review_decisions, _overview_indexes, _revisions,
    _relation_decisions, _id_sequence, _folded_search, _span_records,
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
