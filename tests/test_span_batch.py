"""Bulk imports write new documents' spans many rows per statement.

What must not change with that: every span lands with its own document, a
record repeated in one file is recognised, and a span id reused by another
record is refused naming that record, with nothing written.  Counts are read
back through a plain ``sqlite3`` connection.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from annotator import InvalidSpanError, open_store
from annotator.store.span_batch import ROWS_PER_STATEMENT

WORDS = "Zoë 🇺🇦 said the talks in Kyiv would resume on Tuesday".split()


def record(n: int, spans: int, id_prefix: str | None = None) -> dict[str, Any]:
    """A record whose text repeats WORDS; span i covers word i (mod the word count)."""
    text = " ".join(WORDS * (spans // len(WORDS) + 1)) + f" #{n}"
    starts = [0]
    for word in WORDS * (spans // len(WORDS) + 1):
        starts.append(starts[-1] + len(word) + 1)
    items = []
    for i in range(spans):
        start, end = starts[i], starts[i + 1] - 1
        items.append({"id": f"{id_prefix or f'd{n}'}-s{i}", "start": start, "end": end,
                      "label": "ACTOR", "text": text[start:end], "annotator": "carol"})  # fmt: skip
    return {"id": f"doc-{n}", "text": text, "spans": items, "offset_unit": "codepoint"}


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def test_spans_of_many_records_land_with_their_documents(tmp_path: Path) -> None:
    sizes = [ROWS_PER_STATEMENT - 1, 3, ROWS_PER_STATEMENT + 5, 1, 40]  # across statements
    path = write(tmp_path / "many.jsonl", [record(n, size) for n, size in enumerate(sizes)])
    db = tmp_path / "many.db"
    with open_store(db) as store:
        result = store.import_file(path)
    assert result.spans_added == sum(sizes)
    per_doc = rows(db, "SELECT d.uid, count(s.id) FROM documents d JOIN spans s"
                       " ON s.document_id = d.id GROUP BY d.uid ORDER BY d.uid")  # fmt: skip
    assert per_doc == [(f"doc-{n}", size) for n, size in enumerate(sizes)]
    # Every quote is its document's slice, checked in Python from the stored text.
    stored = rows(db, 'SELECT d.text, s.start, s."end", s.text FROM spans s'
                      " JOIN documents d ON d.id = s.document_id")  # fmt: skip
    assert len(stored) == sum(sizes)
    for text, start, end, quote in stored:
        assert text[start:end] == quote


def test_a_record_repeated_in_one_file_adds_its_spans_once(tmp_path: Path) -> None:
    first = record(1, 5)
    again = {**first, "spans": [{**s, "id": f"copy-{s['id']}"} for s in first["spans"]]}
    db = tmp_path / "twice.db"
    with open_store(db) as store:
        store.import_file(write(tmp_path / "twice.jsonl", [first, again]))
    assert rows(db, "SELECT count(*) FROM documents") == [(1,)]
    assert rows(db, "SELECT count(*) FROM spans") == [(5,)]


@pytest.mark.parametrize("first_size", [4, ROWS_PER_STATEMENT + 10])
def test_a_span_id_reused_by_a_later_record_is_refused_naming_it(
    tmp_path: Path, first_size: int
) -> None:
    # Record 2 reuses record 1's ids while both still wait in one statement, or
    # after record 1's rows were written by a whole statement.
    path = write(tmp_path / "reuse.jsonl", [record(1, first_size), record(2, 3, id_prefix="d1")])
    db = tmp_path / "reuse.db"
    with open_store(db) as store:
        with pytest.raises(InvalidSpanError, match=r"reuse.jsonl line 2: span id d1-s0 already"
                                                   r" belongs to document 1"):  # fmt: skip
            store.import_file(path)
    assert rows(db, "SELECT count(*) FROM documents") == [(0,)]
    assert rows(db, "SELECT count(*) FROM spans") == [(0,)]


def test_the_history_of_an_import_names_each_document_and_its_spans_in_order(
    tmp_path: Path,
) -> None:
    # The events of a bulk import are written in one statement at its end: they
    # must still come in file order, each document's "add_document" before its
    # "import", with one time for the whole import, and a later single edit's
    # event after them.  Line 3 repeats line 1 with one span more: that record
    # goes the careful way (its document is already here).
    path = write(tmp_path / "three.jsonl", [record(1, 3), record(2, 2), record(1, 4)])
    db = tmp_path / "history.db"
    with open_store(db) as store:
        store.import_file(path)
        store.add_span(1, 0, 3, "ACTOR", annotator="dan")
    events = rows(db, "SELECT id, at, action, document_id, target, after FROM events ORDER BY id")
    assert [(e[0], e[2], e[3]) for e in events] == [
        (1, "add_document", 1), (2, "import", 1), (3, "add_document", 2), (4, "import", 2),
        (5, "import", 1), (6, "add_span", 1),
    ]  # fmt: skip
    assert [e[4] for e in events[:5]] == [
        "doc-1", "three.jsonl line 1", "doc-2", "three.jsonl line 2", "three.jsonl line 3"
    ]  # fmt: skip
    assert json.loads(events[1][5])["span_ids"] == ["d1-s0", "d1-s1", "d1-s2"]
    assert json.loads(events[3][5])["span_ids"] == ["d2-s0", "d2-s1"]
    assert json.loads(events[4][5])["span_ids"] == ["d1-s3"]
    assert len({e[1] for e in events[:5]}) == 1
    # The documents and spans that bring no time of their own carry the import's.
    stamps = rows(db, "SELECT created_at FROM documents UNION SELECT created_at FROM spans"
                      " WHERE annotator = 'carol'")  # fmt: skip
    assert stamps == [(events[0][1],)]


def test_a_refused_import_leaves_no_history(tmp_path: Path) -> None:
    path = write(tmp_path / "reuse.jsonl", [record(1, 3), record(2, 3, id_prefix="d1")])
    db = tmp_path / "refused.db"
    with open_store(db) as store:
        with pytest.raises(InvalidSpanError):
            store.import_file(path)
        store.add_span(store.add_document("Kyiv talks").id, 0, 4, "ACTOR", annotator="dan")
    assert rows(db, "SELECT action FROM events ORDER BY id") == [("add_document",), ("add_span",)]
