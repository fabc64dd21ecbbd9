"""The store and its files: opening, layout, refused files, label schemas.

Every database is a real SQLite file in ``tmp_path``, read back through a
separate plain ``sqlite3`` connection.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from store_helpers import (
    ROOT,
    TEXT,
    count,
    file_state,
    query,
    write_schema,
)

from annotator import (
    AnnotatorError,
    DatabaseFileError,
    InvalidSpanError,
    SchemaError,
    Store,
    migrations,
    open_store,
)


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_document(TEXT, title="Bridge").id


# -- opening -------------------------------------------------------------------------


def test_open_store_creates_the_file_and_the_layout(db_path: Path) -> None:
    assert not db_path.exists()
    with open_store(db_path) as store:
        assert isinstance(store, Store)
        assert db_path.is_file()
        assert store.documents() == []
    names = {r[0] for r in query(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "spans", "relations", "events", "schema"} <= names
    assert query(db_path, "PRAGMA user_version") == [(migrations.LATEST,)]
    assert query(db_path, "PRAGMA application_id") == [(0x414E4E4F,)]


def test_context_manager_closes_the_connection(db_path: Path) -> None:
    with open_store(db_path) as store:
        conn = store.conn
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")


def test_db_is_sqlite_utils_on_the_stores_own_connection(store: Store) -> None:
    import sqlite_utils

    doc = store.add_document(TEXT, title="Kyiv briefing")
    assert isinstance(store.db, sqlite_utils.Database)
    assert store.conn is store.conn
    assert [r["title"] for r in store.db["documents"].rows_where("id = ?", [doc.id])] == [
        "Kyiv briefing"
    ]


def test_the_command_line_starts_without_importing_sqlite_utils() -> None:
    # sqlite-utils takes about 0.1 s to import: the store makes ``db`` only when asked.
    code = (
        "import sys; from annotator.cli import cli; from annotator import open_store\n"
        "import tempfile, pathlib\n"
        "with open_store(pathlib.Path(tempfile.mkdtemp()) / 'a.db') as store:\n"
        "    store.add_document('Odesa port reopened.')\n"
        "    before = 'sqlite_utils' in sys.modules\n"
        "    store.db\n"
        "print(before, 'sqlite_utils' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)  # fmt: skip
    assert result.stdout.split() == ["False", "True"], result.stderr


def test_close_without_context_manager(db_path: Path) -> None:
    store = open_store(db_path)
    store.add_document(TEXT)
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store.conn.execute("SELECT 1")
    assert count(db_path, "documents") == 1


def test_pragmas_wal_foreign_keys_synchronous_full(store: Store, db_path: Path) -> None:
    # journal_mode is stored in the file: another connection sees WAL.
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]
    # The others are per connection: read them on the store's own.
    conn = store.conn
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # 2 = FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    # 2 = MEMORY: a bulk write's statement journals never spill to a temporary file.
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2


def test_a_new_database_holds_the_default_schema(store: Store, db_path: Path) -> None:
    default = json.loads((ROOT / "schemas" / "default.json").read_text(encoding="utf-8"))
    assert store.schema.label_names == ("CLAIM", "ACTOR", "DATE", "CITATION")
    assert json.loads(query(db_path, "SELECT body FROM schema")[0][0]) == default


def test_every_change_is_committed_before_the_call_returns(store: Store, db_path: Path) -> None:
    doc = store.add_document(TEXT)
    assert count(db_path, "documents") == 1
    span = store.add_span(doc.id, 6, 17, "ACTOR", annotator="alice")
    assert query(db_path, "SELECT id, text FROM spans") == [(span.id, "Olena Koval")]


# -- files that are refused ------------------------------------------------------------


def _text_file(path: Path) -> None:
    path.write_text("id,name\n1,Olena\n", encoding="utf-8")


def _png(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))


def _sqlite_header_then_garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)


def _foreign_sqlite(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('Olena')")
        conn.commit()


def _foreign_sqlite_with_a_version(path: Path) -> None:
    # Many programs set user_version: that alone must not make a file ours.
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()


def _newer(path: Path) -> None:
    with open_store(path) as store:
        store.add_document(TEXT)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
        conn.commit()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_text_file, "is not a SQLite database"),
        (_png, "is not a SQLite database"),
        (_sqlite_header_then_garbage, "is damaged"),
        (_foreign_sqlite, "is a SQLite file of another program"),
        (_foreign_sqlite_with_a_version, "is a SQLite file of another program"),
        (_newer, "was written by a newer annotator"),
    ],
)
def test_foreign_or_newer_files_are_refused_untouched(
    tmp_path: Path, make: Any, message: str
) -> None:
    path = tmp_path / "data.db"
    make(path)
    before = file_state(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DatabaseFileError, match=message) as info:
        open_store(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    assert file_state(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no -wal / -shm left


def test_newer_file_message_names_both_versions(tmp_path: Path) -> None:
    path = tmp_path / "data.db"
    _newer(path)
    with pytest.raises(DatabaseFileError) as info:
        open_store(path)
    assert f"layout {migrations.LATEST + 1}" in str(info.value)
    assert f"up to {migrations.LATEST}" in str(info.value)


def test_a_folder_or_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseFileError, match="is a folder"):
        open_store(tmp_path)
    with pytest.raises(DatabaseFileError, match="does not exist"):
        open_store(tmp_path / "nowhere" / "team.db")
    assert not (tmp_path / "nowhere").exists()


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with open_store(path) as store:
        store.add_document(TEXT)
    assert count(path, "documents") == 1


def test_two_stores_on_one_file_see_each_others_changes(db_path: Path) -> None:
    # The window and the command line may have the same file open at once.
    with open_store(db_path) as window, open_store(db_path) as command:
        doc = window.add_document(TEXT)
        span = command.add_span(doc.id, 6, 17, "ACTOR", annotator="alice")
        assert window.spans(doc.id) == [span]
        window.update_span(span.id, label="CLAIM")
        assert command.span(span.id).label == "CLAIM"
        entry = command.undo("alice")
        assert entry is not None and entry.action == "update_span"  # history is shared
        assert window.span(span.id).label == "ACTOR"


def test_reopening_keeps_the_data(db_path: Path) -> None:
    with open_store(db_path) as store:
        doc = store.add_document(TEXT, title="Bridge")
        span = store.add_span(doc.id, 6, 17, "ACTOR", annotator="alice")
    with open_store(db_path) as store:
        assert store.document(doc.id) == doc
        assert store.spans(doc.id) == [span]


# -- schemas ---------------------------------------------------------------------------


def test_custom_schema_is_copied_into_a_new_database(tmp_path: Path, db_path: Path) -> None:
    schema_path = write_schema(tmp_path / "people.json")
    with open_store(db_path, schema=schema_path) as store:
        assert store.schema.label_names == ("PERSON", "PLACE")
        doc = store.add_document(TEXT)
        person = store.add_span(doc.id, 6, 17, "PERSON", annotator="alice")
        with pytest.raises(InvalidSpanError):
            store.add_span(doc.id, 6, 17, "ACTOR", annotator="alice")
    stored = json.loads(query(db_path, "SELECT body FROM schema")[0][0])
    assert stored == json.loads(schema_path.read_text(encoding="utf-8"))

    # The file is self-describing: the schema file is no longer needed, and a
    # schema given for an existing database does not replace the stored one.
    schema_path.unlink()
    with open_store(db_path) as store:
        assert store.schema.label_names == ("PERSON", "PLACE")
    with open_store(db_path, schema=ROOT / "schemas" / "default.json") as store:
        assert store.schema.label_names == ("PERSON", "PLACE")
        assert store.spans(doc.id) == [person]


def test_schema_given_as_a_mapping(tmp_path: Path, db_path: Path) -> None:
    body = json.loads(write_schema(tmp_path / "s.json").read_text(encoding="utf-8"))
    with open_store(db_path, schema=body) as store:
        assert store.schema.name == "people-places" and store.schema.version == 3


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_text('{"name": "broken", ', encoding="utf-8"),  # not JSON
        lambda p: write_schema(p, labels=[]),  # no labels
        lambda p: write_schema(p, version=0),
        lambda p: write_schema(
            p, relations=[{"type": "X", "from": "PERSON", "to": "NOBODY", "description": ""}]
        ),  # fmt: skip
        lambda p: write_schema(
            p,
            labels=[
                {"name": "A", "key": "1", "color": "#000000", "description": ""},
                {"name": "B", "key": "1", "color": "#000000", "description": ""},
            ],
        ),  # fmt: skip
        lambda p: None,  # missing file
    ],
)
def test_a_bad_schema_file_is_refused_and_creates_no_database(
    tmp_path: Path, db_path: Path, make: Any
) -> None:
    schema_path = tmp_path / "bad.json"
    make(schema_path)
    with pytest.raises(SchemaError) as info:
        open_store(db_path, schema=schema_path)
    assert "\n" not in str(info.value)
    assert not db_path.exists()


def test_nan_in_attributes_or_meta_is_refused(tmp_path: Path) -> None:
    """A NaN is not JSON: stored, it would make every later export fail."""
    from annotator.errors import InvalidSpanError

    with open_store(tmp_path / "nan.db") as store:
        doc = store.add_document("Kyiv said so.")
        with pytest.raises(InvalidSpanError, match="plain JSON"):
            store.add_span(doc.id, 0, 4, "ACTOR", annotator="a", attributes={"x": float("nan")})
        with pytest.raises(InvalidSpanError, match="plain JSON"):
            store.add_document("Another text.", meta={"score": float("inf")})
        assert store.spans(doc.id) == [] and len(store.documents()) == 1


def test_meta_keys_of_the_documents_own_fields_are_refused(tmp_path: Path) -> None:
    """"title", "source", "sha256" and "created_at" in meta would be overwritten by
    the document's own fields in every native export: lost without a word."""
    from annotator.errors import InvalidSpanError

    with open_store(tmp_path / "meta.db") as store:
        with pytest.raises(InvalidSpanError, match=r"^document meta cannot hold 'title',"
                                                   r" 'sha256': they are the document's"):
            store.add_document("Kyiv said so.", meta={"sha256": "abc", "title": "T", "x": 1})
        assert store.documents() == []
        doc = store.add_document("Kyiv said so.", title="T", meta={"x": 1})
        assert (doc.title, doc.meta) == ("T", {"x": 1})


def test_an_imported_documents_own_fields_in_its_meta_are_kept(tmp_path: Path) -> None:
    # A Label Studio task whose "meta" holds a title (the data's is used), a source
    # and a time (taken as the document's), and a stale hash (dropped).
    task = {"id": 7, "data": {"text": "Kyiv talks resume.", "title": "From the data"},
            "meta": {"title": "From the meta", "source": "wire", "sha256": "stale",
                     "created_at": "2026-01-02T03:04:05.000Z", "desk": "politics"},
            "annotations": []}  # fmt: skip
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    with open_store(tmp_path / "ls.db") as store:
        (doc,) = store.import_file(path)
        assert (doc.title, doc.source, doc.created_at) == (
            "From the data", "wire", "2026-01-02T03:04:05.000Z")
        assert doc.meta == {"labelstudio_id": 7, "desk": "politics",
                            "original_title": "From the meta"}  # fmt: skip
        out = tmp_path / "back.jsonl"
        store.export_jsonl(out)
    (line,) = out.read_text(encoding="utf-8").splitlines()
    meta = json.loads(line)["meta"]
    assert (meta["title"], meta["original_title"], meta["desk"]) == (
        "From the data", "From the meta", "politics")
    assert meta["sha256"] == hashlib.sha256(b"Kyiv talks resume.").hexdigest()


def test_a_change_inside_reading_is_refused_with_what_to_do(store: Store) -> None:
    doc = store.add_document(TEXT)
    with store.reading():
        assert store.spans(doc.id) == []
        with pytest.raises(AnnotatorError) as refused:
            store.add_span(doc.id, 6, 17, "ACTOR", annotator="alice")  # Olena Koval
    assert str(refused.value) == (
        "nothing can be changed inside store.reading(), which reads one state throughout:"
        " make the change after its with block"
    )
    assert store.add_span(doc.id, 6, 17, "ACTOR", annotator="alice").text == "Olena Koval"
