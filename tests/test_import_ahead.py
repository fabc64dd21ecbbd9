"""A file of many records is prepared on a second thread while the first one
writes (``annotator.store.import_ahead``).  What is stored must be exactly
what the one-thread import stores, record for record, id for id, event for
event; the one-thread import (the same code with preparing ahead switched off)
is the reference.  Rows are read back through a plain ``sqlite3`` connection.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import tempfile
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotator import AnnotatorError, InvalidSpanError, open_store
from annotator.model import DocumentRecord
from annotator.store import base, import_ahead

STAMP = "2026-11-29T06:00:00.000Z"
# Łódź: a letter the search index folds itself (search.FOLD), as notes' "Bjørn".
WORDS = "Zoë 🇺🇦 said talks in Kyiv would resume on Tuesday after a pause in Łódź".split()


def record(n: int, spans: int) -> dict[str, Any]:
    text = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(30)) + f" #{n}"
    starts = [0]
    for word in text.split(" "):
        starts.append(starts[-1] + len(word) + 1)
    items = [
        {"id": f"r{n}-s{i}", "start": starts[i], "end": starts[i + 1] - 1, "label": "ACTOR",
         "text": text[starts[i] : starts[i + 1] - 1], "annotator": "carol"}
        for i in range(spans)
    ]  # fmt: skip
    for item in items[1::3]:  # a note on some spans: they have their own search index
        item["note"] = f"checked by Bjørn ({n})"
    return {"id": f"doc-{n}", "text": text, "meta": {"title": f"Story {n}"}, "spans": items,
            "relations": [], "offset_unit": "codepoint"}  # fmt: skip


def mixed_file(path: Path) -> tuple[Path, int]:
    """60 plain new records with a few careful ones among them; returns the path
    and how many records are plain (prepared ahead)."""
    records = [record(n, n % 7) for n in range(60)]  # 0 to 6 spans each
    with_relation = record(100, 3)
    with_relation["spans"][1]["label"] = "CLAIM"
    with_relation["relations"] = [{"id": "rel-1", "type": "ATTRIBUTED_TO", "from": "r100-s1",
                                   "to": "r100-s0", "annotator": "carol"}]  # fmt: skip
    crlf = record(101, 2)
    crlf["text"] = crlf["text"].replace(" #101", "\r\n#101")
    again = {**record(5, 4), "id": "doc-5-again"}  # the text of record 5 under another id
    again["spans"] = [{**s, "id": f"again-{s['id']}"} for s in again["spans"]]
    conflict = {**record(102, 1), "id": "doc-here"}  # a uid already in the database
    records[10:10] = [with_relation]
    records[20:20] = [crlf, again]
    records[40:40] = [conflict]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path, 60  # the twin of record 5 comes after it: record 5 itself is plain


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The tables' rows, every word in the search indexes (where it was found),
    and the triggers."""
    with closing(sqlite3.connect(db)) as conn:
        tables = {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            for table, order in (("documents", "id"), ("spans", "id"), ("relations", "id"),
                                 ("events", "id"), ("id_sequence", "name"))
        }  # fmt: skip
        for index in ("documents_fts", "notes_fts"):
            conn.execute(f"CREATE VIRTUAL TABLE temp.{index}_words USING fts5vocab(main, {index},"
                         " instance)")  # fmt: skip
            tables[index] = conn.execute(f"SELECT * FROM temp.{index}_words ORDER BY 1, 2, 3, 4"
                                         ).fetchall()  # fmt: skip
        tables["triggers"] = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).fetchall()
        return tables


def import_into(db: Path, path: Path) -> Any:
    with open_store(db) as store:
        store.add_document("An article already here.", uid="doc-here", title="Here")
        return store.import_file(path)


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every time stamp the store writes, whichever of its modules takes it."""
    real = base.now
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if name.startswith("annotator.store") and getattr(module, "now", None) is real:
            monkeypatch.setattr(module, "now", lambda: STAMP)


@pytest.mark.usefixtures("fixed_time")
def test_records_prepared_ahead_are_stored_as_one_thread_stores_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, plain = mixed_file(tmp_path / "mixed.jsonl")
    prepared = []
    real_call = import_ahead.Preparer.__call__

    def counting(self: Any, rec: Any) -> Any:
        out = real_call(self, rec)
        prepared.append(out is not None)
        return out

    monkeypatch.setattr(import_ahead.Preparer, "__call__", counting)
    ahead = import_into(tmp_path / "ahead.db", path)
    assert sum(prepared) == plain  # the careful ones went the careful way
    monkeypatch.setattr(import_ahead, "AHEAD_FROM", 10**9)  # one thread: the reference
    prepared.clear()
    alone = import_into(tmp_path / "alone.db", path)
    assert prepared == []

    assert [d.id for d in ahead] == [d.id for d in alone]
    assert (ahead.spans_added, ahead.relations_added) == (alone.spans_added, alone.relations_added)
    assert (ahead.skipped, ahead.notes) == (alone.skipped, alone.notes)
    assert dump(tmp_path / "ahead.db") == dump(tmp_path / "alone.db")
    # And by hand: 62 new documents (60 plain, the CR LF one, the one with a
    # relation) besides the one already here; the twin of record 5 is record
    # 5's document, and its 4 spans lie where record 5's first 4 do (not added
    # again); the conflict is left out.
    tables = dump(tmp_path / "ahead.db")
    assert len(tables["documents"]) == 63
    assert len(tables["spans"]) == sum(n % 7 for n in range(60)) + 3 + 2
    assert any("4 spans already here" in note for note in ahead.notes)
    assert len(tables["relations"]) == 1
    assert [d.uid for d in ahead][:3] == ["doc-0", "doc-1", "doc-2"]
    assert [d.id for d in ahead] == list(range(2, 64))  # file order, after the one here
    assert any("doc-here" in s or "same id but another text" in s for s in ahead.skipped)


@pytest.mark.usefixtures("fixed_time")
def test_a_bad_record_after_prepared_ones_stores_nothing_and_stops_the_thread(
    tmp_path: Path,
) -> None:
    records = [record(n, 3) for n in range(50)]
    records[40]["spans"][2]["text"] = "not the text there"
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    interval = sys.getswitchinterval()
    db = tmp_path / "bad.db"
    with open_store(db) as store, pytest.raises(InvalidSpanError) as caught:
        store.import_file(path)
    assert str(caught.value).startswith("bad.jsonl line 41: span r40-s2 ")
    after = dump(db)
    assert after["documents"] == after["events"] == after["documents_fts"] == []
    assert len(after["triggers"]) == 8  # the search indexes' insert triggers are back
    assert not [t for t in threading.enumerate() if t.name == "import-ahead"]
    assert sys.getswitchinterval() == interval


def test_an_error_on_the_preparing_thread_is_raised_on_the_importing_one() -> None:
    def prepare(rec: Any) -> Any:
        if rec == 3:
            raise RuntimeError("broken at 3")
        return None

    seen = []
    with pytest.raises(RuntimeError, match="broken at 3"):
        for item in import_ahead.ahead(range(10), prepare):  # type: ignore[arg-type]
            assert isinstance(item, import_ahead.Careful)
            seen.append(item.record)
    assert seen == [0, 1, 2]
    assert not [t for t in threading.enumerate() if t.name == "import-ahead"]


def test_closing_early_stops_the_preparing_thread() -> None:
    interval = sys.getswitchinterval()

    def prepare(rec: Any) -> Any:
        return None  # each record handed over for the careful way

    stream = import_ahead.ahead(range(1000), prepare, depth=4)  # type: ignore[arg-type]
    assert next(stream) == (1, 0)
    assert sys.getswitchinterval() == pytest.approx(import_ahead.SWITCH_INTERVAL)
    stream.close()
    assert not [t for t in threading.enumerate() if t.name == "import-ahead"]
    assert sys.getswitchinterval() == interval


KINDS = ("plain", "plain", "plain", "same text", "same uid", "uid here", "crlf", "relation",
         "bad quote", "bad time", "no spans", "uid of a text")  # fmt: skip


def record_of(kind: str, n: int, spans: int, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    """Record ``n`` of one kind; "same text" and "same uid" copy an earlier record."""
    rec = record(n, spans)
    if kind == "same text" and earlier:
        rec["text"] = earlier[n % len(earlier)]["text"]
    elif kind == "same uid" and earlier:
        rec["id"] = earlier[n % len(earlier)].get("id", "doc-none")
    elif kind == "uid here":
        rec["id"] = "doc-here"
    elif kind == "crlf":  # without an id: its uid is its text's hash
        rec["text"] = rec["text"].replace(f" #{n}", f"\r\n#{n}")
        del rec["id"]
    elif kind == "uid of a text" and earlier:  # the uid of an earlier record without one
        without = [r for r in earlier if "id" not in r] or earlier
        rec["id"] = hashlib.sha256(without[-1]["text"].encode()).hexdigest()
    elif kind == "relation" and spans >= 2:
        rec["spans"][0]["label"] = "CLAIM"
        rec["relations"] = [{"id": f"rel-{n}", "type": "ATTRIBUTED_TO", "from": f"r{n}-s0",
                             "to": f"r{n}-s1", "annotator": "carol"}]  # fmt: skip
    elif kind == "bad quote" and spans:
        rec["spans"][0]["text"] = "elsewhere"
    elif kind == "bad time":
        rec["meta"]["created_at"] = "yesterday"
    elif kind == "no spans":
        rec["spans"] = []
    return rec


def outcome(db: Path, path: Path) -> Any:
    """What an import of ``path`` into a new database leaves: its result and
    tables, or its error and tables."""
    try:
        result = import_into(db, path)
    except AnnotatorError as exc:
        return type(exc).__name__, str(exc), dump(db)
    return [d.id for d in result], result.skipped, result.notes, result.spans_added, dump(db)


@pytest.mark.usefixtures("fixed_time")
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 4)), min_size=32, max_size=45))
@example(specs=[("plain", 1), ("crlf", 2), ("uid of a text", 1)] + [("plain", 3)] * 30)
def test_any_mix_of_records_is_stored_alike_on_one_thread_and_two(
    monkeypatch: pytest.MonkeyPatch, specs: list[tuple[str, int]]
) -> None:
    records: list[dict[str, Any]] = []
    for n, (kind, spans) in enumerate(specs):
        records.append(record_of(kind, n, spans, records))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mix.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        with monkeypatch.context() as patch:
            patch.setattr(import_ahead, "AHEAD_FROM", 10**9)
            alone = outcome(Path(tmp) / "alone.db", path)
        assert outcome(Path(tmp) / "ahead.db", path) == alone


@pytest.mark.usefixtures("fixed_time")
def test_a_uid_given_as_a_number_is_the_same_uid_as_its_digits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite keeps a uid of 7 as the text "7": a later record "7" is that document."""
    records = [
        DocumentRecord(text=f"Article {n} about the bridge.", uid=f"u{n}") for n in range(40)
    ]
    records[5] = DocumentRecord(text="An article under a number.", uid=7)  # type: ignore[arg-type]
    records[30] = DocumentRecord(text="Another article, the same uid.", uid="7")
    outcomes = []
    for ahead_from in (import_ahead.AHEAD_FROM, 10**9):
        monkeypatch.setattr(import_ahead, "AHEAD_FROM", ahead_from)
        db = tmp_path / f"numbers-{ahead_from}.db"
        with open_store(db) as store:
            result = store.import_records(records)
        outcomes.append((len(result), result.skipped, dump(db)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == 39
    assert outcomes[0][1] == [
        "a document: document 6 has the same id but another text (a conflict): left as it is"
    ]
