"""Upgrading an old database file: a layout-1 file written by hand, opened today.

The layout-1 DDL below is a literal copy of ``annotator.migrations._v1`` as
released: the file an analyst has on disk does not change when the code does,
so this test must not import it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from annotator import DatabaseFileError, open_store
from annotator.migrations import APPLICATION_ID, LATEST

V1_DDL = [
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
]

# "Kyiv" is 0..4, "Olena Koval" 13..24, "said the bridge reopens" 25..48 (counted by hand).
TEXT = "Kyiv, 3 May: Olena Koval said the bridge reopens."
SCHEMA = {
    "name": "old-team",
    "version": 1,
    "labels": [
        {"name": "CLAIM", "key": "1", "color": "#E69F00", "description": "A claim."},
        {"name": "ACTOR", "key": "2", "color": "#56B4E9", "description": "An actor."},
    ],
    "relations": [
        {"type": "ATTRIBUTED_TO", "from": "CLAIM", "to": "ACTOR", "description": "Said by."}
    ],
}
TEXT_SHA256 = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
DOC_ROW = (1, "doc-kyiv", "Bridge", "wire", TEXT, TEXT_SHA256, 49, '{"desk": "city"}',
           "2025-01-02T03:04:05.000Z")  # fmt: skip
SPAN_ROWS = [
    ("span-actor", 1, "alice", "ACTOR", 13, 24, "Olena Koval", "mayor", '{"role": "mayor"}',
     "manual", "2025-01-02T03:05:00.000Z", "2025-01-02T03:05:00.000Z"),
    ("span-claim", 1, "alice", "CLAIM", 25, 48, "said the bridge reopens", None, "{}",
     "manual", "2025-01-02T03:06:00.000Z", "2025-01-02T03:06:00.000Z"),
]  # fmt: skip
RELATION_ROW = ("rel-1", 1, "alice", "ATTRIBUTED_TO", "span-claim", "span-actor", "{}",
                "2025-01-02T03:07:00.000Z")  # fmt: skip


def layout_file(path: Path, steps: list[Any]) -> sqlite3.Connection:
    """A file made by the released ``steps`` as they are, holding the document and
    its spans (not yet committed: the caller adds its layout's rows and version)."""
    conn = sqlite3.connect(path)
    for step in steps:
        step(conn)
    conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", DOC_ROW)
    conn.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                     SPAN_ROWS)  # fmt: skip
    conn.execute("INSERT INTO schema VALUES (1, ?)", [json.dumps(SCHEMA)])
    return conn


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def write_v1_file(path: Path, *, extra_sql: str | None = None) -> None:
    """A layout-1 database as the first release wrote it (rollback journal, no events)."""
    with closing(sqlite3.connect(path)) as conn:
        for statement in V1_DDL:
            conn.execute(statement)
        conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", DOC_ROW)
        conn.executemany("INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", SPAN_ROWS)
        conn.execute("INSERT INTO relations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", RELATION_ROW)
        conn.execute("INSERT INTO schema VALUES (1, ?)", [json.dumps(SCHEMA)])
        if extra_sql:
            conn.execute(extra_sql)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("PRAGMA application_id = 0x414E4E4F")
        conn.commit()


def test_hand_computed_offsets_of_the_old_file() -> None:
    # The old file's spans are only a fair test if their quotes are right.
    assert TEXT[13:24] == "Olena Koval" and TEXT[25:48] == "said the bridge reopens"
    assert (TEXT[:4], len(TEXT)) == ("Kyiv", 49)


def test_a_layout_1_file_is_upgraded_with_its_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    write_v1_file(path)
    assert rows(path, "PRAGMA user_version") == [(1,)]

    with open_store(path) as store:
        assert store.schema.label_names == ("CLAIM", "ACTOR")
        doc = store.document(1)
        assert (doc.uid, doc.title, doc.source, doc.text, doc.meta) == (
            "doc-kyiv", "Bridge", "wire", TEXT, {"desk": "city"},
        )  # fmt: skip
        spans = store.spans(1)
        assert [(s.id, s.start, s.end, s.text, s.note, s.attributes) for s in spans] == [
            ("span-actor", 13, 24, "Olena Koval", "mayor", {"role": "mayor"}),
            ("span-claim", 25, 48, "said the bridge reopens", None, {}),
        ]
        assert [(r.id, r.from_span, r.to_span) for r in store.relations(1)] == [
            ("rel-1", "span-claim", "span-actor")
        ]
        assert [d.span_counts for d in store.documents()] == [{"ACTOR": 1, "CLAIM": 1}]

    assert rows(path, "PRAGMA user_version") == [(LATEST,)]
    assert rows(path, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert rows(path, "PRAGMA journal_mode") == [("wal",)]
    tables = {r[0] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "events" in tables
    # The old rows are byte-for-byte what was written.
    assert rows(path, "SELECT * FROM documents") == [DOC_ROW]
    # Columns added by later layouts come after the layout-1 ones.
    assert [
        r[: len(SPAN_ROWS[0])] for r in rows(path, "SELECT * FROM spans ORDER BY id")
    ] == SPAN_ROWS
    assert rows(path, "SELECT * FROM relations") == [RELATION_ROW]
    assert rows(path, "SELECT count(*) FROM events") == [(0,)]


def test_history_and_undo_work_on_an_upgraded_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    write_v1_file(path)
    with open_store(path) as store:
        kyiv = store.add_span(1, 0, 4, "ACTOR", annotator="alice")
        store.update_span("span-actor", note="the mayor", by="alice")
        assert [e.action for e in store.history()] == ["update_span", "add_span"]
        # Undo reaches the change made after the upgrade, and the old span's edit.
        undone = store.undo("alice")
        assert undone is not None and undone.action == "update_span"
        assert store.span("span-actor").note == "mayor"
        undone = store.undo("alice")
        assert undone is not None and undone.target == kyiv.id
        assert [s.id for s in store.spans(1)] == ["span-actor", "span-claim"]
        assert store.undo("alice") is None  # the pre-upgrade spans have no history
        redone = store.redo("alice")
        assert redone is not None and redone.target == kyiv.id
    with open_store(path) as store:  # and once more after reopening
        assert [s.text for s in store.spans(1)] == [
            "Kyiv",
            "Olena Koval",
            "said the bridge reopens",
        ]
    events = rows(path, "SELECT action FROM events ORDER BY id")
    assert events == [("add_span",), ("update_span",), ("undo",), ("undo",), ("redo",)]


def test_an_upgraded_file_has_the_layout_of_a_new_one(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    write_v1_file(old)
    open_store(old).close()
    open_store(new).close()
    layout = "SELECT type, name, tbl_name FROM sqlite_master ORDER BY type, name"
    assert rows(old, layout) == rows(new, layout)


def test_a_failed_upgrade_is_rolled_back(tmp_path: Path) -> None:
    # An index with the name the layout-2 step needs makes that step fail halfway
    # (after it has created the events table): nothing of it may remain.
    path = tmp_path / "odd.db"
    write_v1_file(path, extra_sql="CREATE INDEX events_annotator ON spans(annotator)")
    before = {q: rows(path, q) for q in ("SELECT * FROM sqlite_master ORDER BY name",
                                         "SELECT * FROM spans ORDER BY id")}  # fmt: skip
    with pytest.raises(DatabaseFileError, match="could not be upgraded from layout 1"):
        open_store(path)
    assert rows(path, "PRAGMA user_version") == [(1,)]
    assert {q: rows(path, q) for q in before} == before


def test_the_upgrade_does_not_run_twice(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    write_v1_file(path)
    for _ in range(3):
        with open_store(path) as store:
            assert len(store.spans(1)) == 2
    assert rows(path, "SELECT count(*) FROM sqlite_master WHERE name = 'events'") == [(1,)]


def test_a_layout_8_file_gains_the_relation_decisions_table(tmp_path: Path) -> None:
    # Layout 8 (before relation decisions): the released steps 1..8, run as they are.
    from annotator.migrations import STEPS

    path = tmp_path / "layout8.db"
    with closing(layout_file(path, STEPS[:8])) as conn:
        conn.execute("INSERT INTO relations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", RELATION_ROW)
        decision = ("d-1", 1, "gold", "span-claim", None, None, None, "reject", "no", "lead",
                    "2025-01-02T03:08:00.000Z")  # fmt: skip
        conn.execute("INSERT INTO review_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     decision)  # fmt: skip
        conn.execute("PRAGMA user_version = 8")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()

    with open_store(path) as store:
        assert [d.id for d in store.decisions(1)] == ["d-1"]
        assert store.relation_decisions(1) == []
    assert rows(path, "PRAGMA user_version") == [(LATEST,)]
    columns = [r[1] for r in rows(path, "PRAGMA table_info(relation_decisions)")]
    assert columns == ["id", "document_id", "gold", "a_relation", "b_relation", "gold_relation",
                       "gold_relation_2", "decision", "comment", "by", "created_at"]  # fmt: skip
    assert rows(path, "SELECT * FROM review_decisions") == [decision]
    assert rows(path, "SELECT * FROM relations") == [RELATION_ROW]
    indexes = rows(path, "SELECT name FROM sqlite_master WHERE tbl_name = 'relation_decisions'"
                   " AND type = 'index' AND sql IS NOT NULL ORDER BY name")  # fmt: skip
    assert indexes == [("relation_decisions_gold",), ("relation_decisions_gold_2",),
                       ("relation_decisions_pair",)]  # fmt: skip


def test_a_layout_9_file_learns_the_ids_given_before(tmp_path: Path) -> None:
    # Layout 9 (before id_sequence): document 1 is here; the history names a
    # document 5 (deleted since), a revision 7 in a step's state and a revision 9
    # brought by an import.  None of these ids may be given again.
    from annotator.migrations import STEPS

    path = tmp_path / "layout9.db"
    stamp = "2025-01-02T03:09:00.000Z"
    with closing(sqlite3.connect(path)) as conn:
        for step in STEPS[:9]:
            step(conn)
        conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", DOC_ROW)
        conn.execute("INSERT INTO schema VALUES (1, ?)", [json.dumps(SCHEMA)])
        revision = {"id": 7, "document_id": 5, "number": 1, "text": "old", "text_sha256": "x",
                    "length": 3, "replaced_at": stamp, "replaced_by": "bob"}  # fmt: skip
        events = [
            (stamp, "import", "add_document", 5, "u5", None, "{}", None),
            (stamp, "bob", "delete_document", 5, "5", json.dumps({"revisions": [revision]}),
             "{}", None),
            (stamp, "import", "import", 1, None, None,
             json.dumps({"span_ids": [], "revision_ids": [9]}), None),
        ]  # fmt: skip
        conn.executemany("INSERT INTO events (at, annotator, action, document_id, target,"
                         " before, after, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         events)  # fmt: skip
        conn.execute("PRAGMA user_version = 9")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()

    with open_store(path) as store:
        assert store.add_document("A new article about the bridge.").id == 6
        store.replace_text(1, TEXT + " Updated.", by="alice")
    assert rows(path, "SELECT id, document_id FROM revisions") == [(10, 1)]
    assert rows(path, "SELECT name, last FROM id_sequence ORDER BY name") == [
        ("documents", 6), ("revisions", 10)
    ]  # fmt: skip


# The search triggers as layout 10 released them (letters indexed as written).
V10_SEARCH_TRIGGERS = [
    "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN INSERT INTO"
    " documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN INSERT INTO"
    " documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title,"
    " old.text); END",
    "CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN"
    " INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id,"
    " old.title, old.text); INSERT INTO documents_fts(rowid, title, text) VALUES (new.id,"
    " new.title, new.text); END",
    "CREATE TRIGGER notes_fts_insert AFTER INSERT ON spans WHEN new.note IS NOT NULL BEGIN"
    " INSERT INTO notes_fts(rowid, note) VALUES (new.rowid, new.note); END",
    "CREATE TRIGGER notes_fts_delete AFTER DELETE ON spans WHEN old.note IS NOT NULL BEGIN"
    " INSERT INTO notes_fts(notes_fts, rowid, note) VALUES ('delete', old.rowid, old.note); END",
    "CREATE TRIGGER notes_fts_update AFTER UPDATE OF note ON spans BEGIN INSERT INTO"
    " notes_fts(notes_fts, rowid, note) SELECT 'delete', old.rowid, old.note WHERE old.note IS"
    " NOT NULL; INSERT INTO notes_fts(rowid, note) SELECT new.rowid, new.note WHERE new.note IS"
    " NOT NULL; END",
]


def test_a_layout_10_file_is_searched_with_folded_letters(tmp_path: Path) -> None:
    from annotator.migrations import STEPS

    path = tmp_path / "layout10.db"
    polish = "Łukasz Wróbel, mayor."  # Łukasz is [0, 6); the note names Søren
    with closing(sqlite3.connect(path)) as conn:
        for step in STEPS[:10]:
            step(conn)
        for name in ("documents_fts", "notes_fts"):
            for event in ("insert", "delete", "update"):
                conn.execute(f"DROP TRIGGER {name}_{event}")
        for trigger in V10_SEARCH_TRIGGERS:
            conn.execute(trigger)
        conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", DOC_ROW)
        conn.execute("INSERT INTO documents VALUES (2, 'doc-pl', 'Łódź', NULL, ?, 'x', 21, '{}',"
                     " '2025-01-02T03:04:05.000Z')", [polish])  # fmt: skip
        conn.execute("INSERT INTO spans VALUES ('s-pl', 2, 'alice', 'ACTOR', 0, 13,"
                     " 'Łukasz Wróbel', 'Søren asked', '{}', 'manual',"
                     " '2025-01-02T03:05:00.000Z', '2025-01-02T03:05:00.000Z', NULL)")  # fmt: skip
        conn.execute("INSERT INTO schema VALUES (1, ?)", [json.dumps(SCHEMA)])
        conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
        conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')")
        conn.execute("PRAGMA user_version = 10")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()
        # What layout 10 could not do:
        assert conn.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH"
                            " 'lukasz'").fetchall() == []  # fmt: skip

    with open_store(path) as store:
        assert store.locate(2, "lukasz") == (0, 6)
        assert [(h.kind, h.document_id) for h in store.search("lodz")] == [("text", 2)]
        assert [(h.kind, h.span_id) for h in store.search("soren")] == [("note", "s-pl")]
        assert [h.kind for h in store.search("bridge")] == ["text"]  # the other article
        # The folded rows are deleted as they were indexed: nothing is left behind.
        store.delete_document(2, by="alice")
        assert store.search("lukasz") == [] and store.search("soren") == []
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH"
                            " 'lukasz OR wrobel OR lodz'").fetchone() == (0,)  # fmt: skip


def test_a_layout_11_file_gets_each_spans_export_record(tmp_path: Path) -> None:
    """Layout 12 keeps each span's export record in the index by position: the
    upgrade makes one for every row already there, and the export joins them."""
    from annotator.migrations import STEPS

    path = tmp_path / "layout11.db"
    with closing(layout_file(path, STEPS[:11])) as conn:
        conn.execute("PRAGMA user_version = 11")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()

    out = tmp_path / "out.jsonl"
    with open_store(path) as store:
        store.export_jsonl(out)
        store.update_span("span-claim", note="checked")  # the record follows the row
        again = tmp_path / "again.jsonl"
        store.export_jsonl(again)
    assert rows(path, "PRAGMA user_version") == [(LATEST,)] and LATEST == 12
    assert json.loads(out.read_text(encoding="utf-8"))["spans"] == [
        {"id": "span-actor", "start": 13, "end": 24, "label": "ACTOR", "text": "Olena Koval",
         "annotator": "alice", "note": "mayor", "attributes": {"role": "mayor"},
         "origin": "manual", "created_at": "2025-01-02T03:05:00.000Z",
         "updated_at": "2025-01-02T03:05:00.000Z"},
        {"id": "span-claim", "start": 25, "end": 48, "label": "CLAIM",
         "text": "said the bridge reopens", "annotator": "alice", "note": None,
         "attributes": {}, "origin": "manual", "created_at": "2025-01-02T03:06:00.000Z",
         "updated_at": "2025-01-02T03:06:00.000Z"},
    ]  # fmt: skip
    claim = json.loads(again.read_text(encoding="utf-8"))["spans"][1]
    assert claim["note"] == "checked" and claim["updated_at"] > "2025-01-02T03:06:00.000Z"
