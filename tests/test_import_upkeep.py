"""What a bulk import does besides storing rows, done its cheaper way: the search
indexes' insert triggers paused while new rows go in (``search.PausedIndexTriggers``),
the WAL copied into the file on another thread after the commit
(``checkpoint.BackgroundCheckpoint``), and new files' 8 KB pages.

The reference for the indexes is the same file imported on one thread, where
every row goes through the triggers.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import weakref
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from test_import_ahead import dump, fixed_time  # noqa: F401

from annotator import InvalidSpanError, open_store
from annotator.store import import_ahead
from annotator.store.span_batch import ROWS_PER_STATEMENT, TAIL_STATEMENT_FROM

ROOT = Path(__file__).resolve().parent.parent
WORDS = "Łukasz Bjørn said the Đakovo bridge would reopen on Monday after repairs".split()


def long_record(n: int, spans: int) -> dict[str, Any]:
    """A record of 120 words with a span on each of the first ``spans`` words
    (every third with a note)."""
    words = [WORDS[(n + i) % len(WORDS)] for i in range(120)]
    text = " ".join(words) + f" #{n}"
    items, at = [], 0
    for i, word in enumerate(words[:spans]):
        item = {"id": f"r{n}-s{i}", "start": at, "end": at + len(word), "label": "ACTOR",
                "text": word, "annotator": "carol"}  # fmt: skip
        if i % 3 == 0:
            item["note"] = f"Ħalf checked by Ŧom, {n}"
        items.append(item)
        at += len(word) + 1
    return {"id": f"doc-{n}", "text": text, "meta": {"title": f"Łódź story {n}"},
            "spans": items, "relations": [], "offset_unit": "codepoint"}  # fmt: skip


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def imported_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path) -> Any:
    """Import ``path`` on two threads and on one; both databases must hold the
    same rows, index words and triggers.  Returns the two-thread tables."""
    with open_store(tmp_path / "ahead.db") as store:
        store.import_file(path)
    monkeypatch.setattr(import_ahead, "AHEAD_FROM", 10**9)  # every row through the triggers
    with open_store(tmp_path / "alone.db") as store:
        store.import_file(path)
    ahead = dump(tmp_path / "ahead.db")
    assert ahead == dump(tmp_path / "alone.db")
    return ahead


@pytest.mark.usefixtures("fixed_time")
def test_a_file_of_new_records_is_indexed_as_the_triggers_index_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [long_record(n, 90) for n in range(40)]  # 3,600 spans: statements while paused
    assert 40 * 90 > ROWS_PER_STATEMENT
    tables = imported_alike(tmp_path, monkeypatch, write(tmp_path / "new.jsonl", records))
    # By hand: Ł, ø, Đ, Ħ and Ŧ are indexed as L, o, D, H and T; each document
    # holds "Łukasz" 10 times (120 words, 12 words a round) and its title "Łódź" once.
    words = {row[0] for row in tables["documents_fts"]}
    assert {"lukasz", "bjorn", "dakovo", "lodz"} <= words
    assert all(word.isascii() for word in words)
    assert sum(1 for row in tables["documents_fts"] if row[:2] == ("lukasz", 1)) == 10
    notes = [row for row in tables["notes_fts"] if row[0] == "tom"]
    assert len(notes) == 40 * 30  # a note on every third of 90 spans
    assert len(tables["triggers"]) == 8
    with open_store(tmp_path / "ahead.db") as store:
        hits = store.search("half", limit=5000)
        assert len(hits) == 1200 and {hit.kind for hit in hits} == {"note"}
        assert len(store.search("lodz", limit=5000)) == 40


@pytest.mark.usefixtures("fixed_time")
def test_a_record_stored_the_careful_way_brings_the_triggers_back_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some rows written while paused, then a record the importing thread stores
    itself (a CR LF text), then more: each row indexed once."""
    records = [long_record(n, 90) for n in range(40)]
    records[30]["text"] = records[30]["text"].replace(" #30", "\r\n#30")  # the careful way
    tables = imported_alike(tmp_path, monkeypatch, write(tmp_path / "mixed.jsonl", records))
    assert len([row for row in tables["notes_fts"] if row[0] == "tom"]) == 1200
    assert sorted({row[1] for row in tables["documents_fts"]}) == list(range(1, 41))


@pytest.mark.usefixtures("fixed_time")
def test_a_bad_record_late_in_the_file_leaves_the_triggers_and_indexes_as_they_were(
    tmp_path: Path,
) -> None:
    db = tmp_path / "here.db"
    with open_store(db) as store:
        store.add_document("Łukasz was here first.", title="Here")
    before = dump(db)
    records = [long_record(n, 90) for n in range(40)]
    records[38]["spans"][5]["text"] = "elsewhere"
    with open_store(db) as store, pytest.raises(InvalidSpanError):
        store.import_file(write(tmp_path / "bad.jsonl", records))
    assert dump(db) == before


def test_the_import_leaves_the_wal_to_a_checkpoint_on_another_thread(tmp_path: Path) -> None:
    """Soon after a big import, and before the store is closed, the database file
    alone (without its -wal) holds the import; the store checkpoints at its
    commits as before."""
    db = tmp_path / "big.db"
    records = [long_record(n, 90) for n in range(200)]  # a WAL of over 1,000 pages
    with open_store(db) as store:
        store.import_file(write(tmp_path / "new.jsonl", records))
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        found = None
        for _ in range(200):  # up to 10 s
            try:  # immutable: the file alone, without its WAL (read while being written)
                with closing(sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)) as conn:
                    found = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
            except sqlite3.DatabaseError:  # no table yet, or pages half written
                found = None
            if found == 18_000:
                break
            time.sleep(0.05)
        assert found == 18_000
        span = store.add_span(1, 0, 6, "ACTOR", annotator="dana")  # the store goes on writing
    with open_store(db) as store:
        assert store.spans(1, annotator="dana")[0].id == span.id


def test_an_import_that_fails_leaves_the_automatic_checkpoint_on(tmp_path: Path) -> None:
    records = [long_record(n, 90) for n in range(200)]
    records[199]["spans"][0]["text"] = "elsewhere"
    with open_store(tmp_path / "x.db") as store:
        with pytest.raises(InvalidSpanError):
            store.import_file(write(tmp_path / "bad.jsonl", records))
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000


def test_a_new_file_has_8_kb_pages_and_a_written_file_keeps_its_own(tmp_path: Path) -> None:
    with open_store(tmp_path / "new.db") as store:
        store.add_document("A new article.")
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == 8192
    old = tmp_path / "old.db"
    with closing(sqlite3.connect(old)) as conn:  # 4 KB pages, written (only VACUUM changes them)
        conn.execute("PRAGMA page_size = 4096")
        conn.execute("CREATE TABLE scratch (x)")
        conn.execute("DROP TABLE scratch")
    with open_store(old) as store:
        store.add_document("An older file's article.")
    with closing(sqlite3.connect(old)) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert conn.execute("SELECT text FROM documents").fetchall() == [
            ("An older file's article.",)
        ]


@pytest.mark.parametrize("records", [40, 240])  # 400 rows, or 2,400: a whole statement first
def test_a_span_id_of_another_document_in_the_last_rows_is_named_with_its_record(
    tmp_path: Path, records: int
) -> None:
    """The rows after the last whole statement go in as one statement of their own
    (from ``TAIL_STATEMENT_FROM`` rows); one taken id there is named as anywhere."""
    db = tmp_path / "here.db"
    with open_store(db) as store:
        doc = store.add_document("Łukasz was here first.", title="Here")
        store.add_spans(doc.id, [{"id": "taken", "start": 0, "end": 6, "label": "ACTOR",
                                  "annotator": "dana"}])  # fmt: skip
    before = dump(db)
    lines = [long_record(n, 10) for n in range(records)]
    assert TAIL_STATEMENT_FROM <= records * 10 % ROWS_PER_STATEMENT
    lines[records - 3]["spans"][4]["id"] = "taken"
    with open_store(db) as store, pytest.raises(InvalidSpanError) as caught:
        store.import_file(write(tmp_path / "copy.jsonl", lines))
    assert str(caught.value) == (
        f"copy.jsonl line {records - 2}: span id taken already belongs to document 1:"
        " give the copy new ids"
    )
    assert dump(db) == before


def big_file(tmp_path: Path) -> Path:
    """200 records of 90 spans: the import leaves over 1,000 pages in the WAL."""
    return write(tmp_path / "big.jsonl", [long_record(n, 90) for n in range(200)])


def count(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])


def test_a_file_moved_before_an_import_keeps_it_and_nothing_appears_at_its_old_name(
    tmp_path: Path,
) -> None:
    """A connection made by the old name would make an empty file there, and SQLite,
    opening an empty file, deletes the WAL beside it, the import's."""
    source = big_file(tmp_path)
    db, moved = tmp_path / "team.db", tmp_path / "moved.db"
    store = open_store(db)
    store.add_document("My earlier work.")
    db.rename(moved)  # the analyst, or a sync tool, moves the file
    store.import_file(source)
    store.close()
    assert not db.exists()
    assert count(moved) == 201


def test_another_file_put_at_the_path_before_an_import_is_left_as_it_was(
    tmp_path: Path,
) -> None:
    source = big_file(tmp_path)
    db, moved, other = tmp_path / "team.db", tmp_path / "moved.db", tmp_path / "other.db"
    with open_store(other) as elsewhere:
        elsewhere.add_document("Another team's article.")
    store = open_store(db)
    store.add_document("My earlier work.")
    db.rename(moved)
    shutil.copyfile(other, db)  # a sync tool brings another version under the name
    before = db.read_bytes()
    store.import_file(source)
    store.close()
    assert db.read_bytes() == before  # (SQLite reading it now would take the WAL beside it)
    assert count(moved) == 201


def test_another_file_put_at_the_path_right_after_an_import_is_read_as_it_is(
    tmp_path: Path,
) -> None:
    """The checkpoint thread's connection holds the store's own file and WAL from
    before the import: it copies the import into that file whatever is at the path
    by then, and a reader of the new file, while the store is open, reads that file."""
    source = big_file(tmp_path)
    db, other = tmp_path / "team.db", tmp_path / "other.db"
    with open_store(other) as elsewhere:
        elsewhere.add_document("Another team's article.")
    store = open_store(db)
    store.import_file(source)
    other.replace(db)  # at once, while the checkpoint may still run
    # Read once the checkpoint is done: a reader before it would take the WAL's
    # pages as the new file's, as after any commit SQLite has not checkpointed yet.
    while [t for t in threading.enumerate() if t.name == "checkpoint"]:
        time.sleep(0.01)
    assert count_elsewhere(db) == 1
    store.close()


def count_elsewhere(db: Path) -> int:
    """The documents another process reads at ``db``.  (Another connection of this
    process would not see the store's WAL index as in use, and read the WAL anew.)"""
    script = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(" \
             "'SELECT count(*) FROM documents').fetchone()[0])"  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True,
                          text=True, check=True, timeout=60)  # fmt: skip
    return int(done.stdout)


def test_a_file_deleted_while_open_is_not_made_again(tmp_path: Path) -> None:
    source = big_file(tmp_path)
    db = tmp_path / "team.db"
    store = open_store(db)
    db.unlink()
    store.import_file(source)
    store.close()
    assert not db.exists()


def test_a_new_database_made_at_a_moved_files_old_name_does_not_harm_the_moved_file(
    tmp_path: Path,
) -> None:
    """Another process makes a database where the moved file was while the store
    still has it open: closing the store writes nothing of that into the moved file."""
    source = big_file(tmp_path)
    db, moved = tmp_path / "team.db", tmp_path / "moved.db"
    store = open_store(db)
    store.import_file(source)
    db.rename(moved)
    store.add_document("Written after the move.")
    article = write(tmp_path / "small.jsonl", [long_record(1000, 5)])
    subprocess.run([sys.executable, "-m", "ui.cli", "import", str(article), "--db", str(db)],
                   capture_output=True, check=False, cwd=ROOT, timeout=120)  # fmt: skip
    store.close()
    with closing(sqlite3.connect(moved)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] >= 200


def test_a_store_dropped_without_closing_is_freed_at_once(tmp_path: Path) -> None:
    """No reference cycle through the checkpoint (its test of the file holds the
    path, not the store): the connection and its locks go with the last reference."""
    store = open_store(tmp_path / "dropped.db")
    store.add_document("An article.")
    gone = weakref.ref(store)
    gc.disable()
    try:
        del store
        assert gone() is None
    finally:
        gc.enable()


def test_a_script_that_ends_without_closing_its_store_leaves_a_whole_file(
    tmp_path: Path,
) -> None:
    """Python does not wait for a daemon thread: one killed half way through the
    checkpoint left the file alone malformed, its WAL beside it."""
    source, db = big_file(tmp_path), tmp_path / "script.db"
    script = (
        "import sys; from annotator import open_store\n"
        "store = open_store(sys.argv[1]); store.import_file(sys.argv[2])\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db), str(source)], cwd=ROOT, check=True,
                   timeout=120)  # fmt: skip
    with closing(sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)) as conn:  # no WAL
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 18_000


def test_an_import_refused_before_it_begins_leaves_no_connection_open(tmp_path: Path) -> None:
    db = tmp_path / "closed.db"
    store = open_store(db)
    store.close()
    gc.disable()
    try:
        for _ in range(3):
            with pytest.raises(sqlite3.ProgrammingError):  # a closed store
                store.import_file(big_file(tmp_path))
        opened = [fd for fd in Path("/proc/self/fd").iterdir()
                  if str(db) in os.path.realpath(fd)]  # fmt: skip
        assert opened == []
    finally:
        gc.enable()
