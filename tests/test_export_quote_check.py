"""The native export's check that every span it writes quotes ``text[start:end]``:
right quotes of any kind go out as they are, wrong ones and rows that a tool
outside annotator wrote are refused in one line naming the span, with and
without the helper process (``export_helpers.helper``)."""

from __future__ import annotations

import io
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from export_helpers import article, as_tuples, helper_fixture, records  # noqa: F401  (a fixture)

from annotator import DatabaseFileError, ExportError, open_store
from annotator.store import exporting as export


def test_a_quote_holding_a_nul_is_exported_as_it_is(tmp_path: Path, helper: bool) -> None:
    # SQLite's length() stops at a NUL: the fast check cannot vouch for this
    # quote, so the document is checked span by span, and passes.
    text = "Kyiv\x00bridge reopens"  # "Kyiv" 0-3, NUL 4, "bridge" 5-10
    with open_store(tmp_path / "nul.db") as store:
        doc = store.add_document(text)
        store.add_span(doc.id, 0, 11, "ACTOR", annotator="alice")
        out = io.StringIO()
        store.export_jsonl(out)
    (record,) = records(out.getvalue())
    assert as_tuples(record) == [(0, 11, "ACTOR", "Kyiv\x00bridge", "alice")]


def test_a_wrong_quote_that_a_nul_makes_look_the_right_length_is_caught(
    tmp_path: Path, helper: bool
) -> None:
    # "Kyiv" is [0, 4); the quote "Kyiv\0b" has 6 characters, but SQLite's
    # length() counts 4 (it stops at the NUL), and the text does start with it.
    text = "Kyiv\x00bridge reopens"
    with open_store(tmp_path / "nul.db") as store:
        doc = store.add_document(text)
        store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute("UPDATE spans SET text = 'Kyiv' || char(0) || 'b'")
            conn.commit()
        with pytest.raises(ExportError, match=r"quotes 'Kyiv\\x00b' but the text at \[0, 4\)"):
            store.export_jsonl(io.StringIO())


def test_quotes_holding_the_separator_of_the_check(tmp_path: Path, helper: bool) -> None:
    # The check joins quotes with U+001F: a text that holds one exports as it is,
    # and a wrong quote holding one is caught, whatever the quotes around it.
    sep = export.QUOTE_SEPARATOR
    text = f"A{sep}B said C"  # "A" 0, U+001F 1, "B" 2, " said " 3-8, "C" 9
    with open_store(tmp_path / "sep.db") as store:
        doc = store.add_document(text)
        store.add_span(doc.id, 0, 3, "ACTOR", annotator="alice")  # "A\x1fB"
        store.add_span(doc.id, 9, 10, "ACTOR", annotator="alice")  # "C"
        out = io.StringIO()
        store.export_jsonl(out)
        (record,) = records(out.getvalue())
        assert as_tuples(record) == [(0, 3, "ACTOR", f"A{sep}B", "alice"),
                                     (9, 10, "ACTOR", "C", "alice")]  # fmt: skip
        with closing(sqlite3.connect(store.path)) as conn:
            # Three characters still, and "A" + U+001F + "B" + U+001F + "C" joined.
            conn.execute(f"UPDATE spans SET text = 'A{sep}{sep}' WHERE start = 0")
            conn.commit()
        with pytest.raises(ExportError, match=r"quotes 'A\\x1f\\x1f' but the text at \[0, 3\)"):
            store.export_jsonl(io.StringIO())


# Rows a tool outside annotator can write into "Kyiv Zelensky said" (the spans
# "Kyiv" [0, 4) and "Zelensky" [5, 13)), and how the export must refuse them.
# Some need SQLite's escape hatches: ignoring CHECK constraints, or a NOT NULL
# taken out of the table's definition.
OUTSIDE_ROWS = {
    # '13,0' stays text in an INTEGER column, passes CHECK ("end" > start: text sorts
    # above numbers), and SQLite reads it as 13 in arithmetic.
    "an end stored as text": (
        ["UPDATE spans SET \"end\" = '13,0' WHERE start = 5"], "",
        "has the offsets 5, '13,0', not whole numbers"),
    # The text ends with "d" and "said": both quotes are there, counted from the end.
    "a negative start": (
        ["UPDATE spans SET start = -1, \"end\" = 0, text = 'd' WHERE start = 5"], "checks",
        "has the offsets -1, 0, which mark no piece of the text"),
    "negative offsets that Python would read from the end": (
        ["UPDATE spans SET start = -4, \"end\" = -1, text = 'sai' WHERE start = 5"], "checks",
        "has the offsets -4, -1, which mark no piece of the text"),
    "an empty span": (
        ["UPDATE spans SET \"end\" = 5, text = '' WHERE start = 5"], "checks",
        "has the offsets 5, 5, which mark no piece of the text"),
    # group_concat leaves the missing quote out; a separator in the other fills the gap.
    "no quote, and the separator in another": (
        ["UPDATE spans SET text = NULL WHERE start = 0",
         "UPDATE spans SET text = 'Kyiv' || char(31) || 'Zele', \"end\" = 14 WHERE start = 5"],
        "nullable", "has no quote in UTF-8 text"),
    "no end": (["UPDATE spans SET \"end\" = NULL WHERE start = 5"], "nullable",
               "has the offsets 5, None, not whole numbers"),
    "a quote that is not UTF-8": (
        ["UPDATE spans SET text = CAST(x'5a656c656e736bff' AS TEXT) WHERE start = 5"], "",
        "has no quote in UTF-8 text"),
}


def write_outside(db: Path, statements: list[str], escape: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    if escape == "checks":
        conn.execute("PRAGMA ignore_check_constraints = ON")
    elif escape == "nullable":
        version = conn.execute("PRAGMA schema_version").fetchone()[0]
        conn.execute("PRAGMA writable_schema = ON")
        for column in ("text TEXT", '"end" INTEGER'):
            conn.execute("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = 'spans'",
                         [f"{column} NOT NULL", column])  # fmt: skip
        conn.execute(f"PRAGMA schema_version = {version + 1}")
        conn.close()
        conn = sqlite3.connect(db, isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    conn.close()


@pytest.mark.parametrize("case", OUTSIDE_ROWS)
def test_rows_written_outside_annotator_are_refused_with_the_span_named(
    tmp_path: Path, helper: bool, case: str
) -> None:
    statements, escape, problem = OUTSIDE_ROWS[case]
    db, target = tmp_path / "outside.db", tmp_path / "out.jsonl"
    with open_store(db) as store:
        doc = store.add_document("Kyiv Zelensky said")
        store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
        span = store.add_span(doc.id, 5, 13, "ACTOR", annotator="alice")
    write_outside(db, statements, escape)
    first = span.id if "no quote" not in problem else "[0-9a-f-]+"  # (the first by position)
    with open_store(db) as store, pytest.raises(ExportError) as info:
        store.export_jsonl(target)
    assert re.fullmatch(f"span {first} of document 1 {re.escape(problem)}.*; nothing was written",
                        str(info.value))  # fmt: skip
    assert "\n" not in str(info.value) and list(tmp_path.glob("*out.jsonl*")) == []


def test_a_document_text_that_is_not_utf8_is_refused_even_without_spans(
    tmp_path: Path, helper: bool
) -> None:
    # SQLite would copy the bytes into the line as they are: an invalid JSONL file.
    with open_store(tmp_path / "bytes.db") as store:
        store.add_document("Kyiv Zelensky said")
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute("UPDATE documents SET text = CAST(x'4b7976ff' AS TEXT)")
            conn.commit()
        with pytest.raises(ExportError, match=r"^the text of document 1 is not UTF-8 text"):
            store.export_jsonl(io.StringIO())


def test_a_wrong_suggestion_left_out_of_the_export_does_not_refuse_it(
    tmp_path: Path, helper: bool
) -> None:
    # The NUL in alice's quote sends the document to the span by span check, which
    # must look at the layers exported only, like the check of every other document.
    with open_store(tmp_path / "suggest.db") as store:
        doc = store.add_document("Kyiv\x00said Zelensky on Monday")
        store.add_span(doc.id, 0, 9, "CLAIM", annotator="alice")  # "Kyiv\0said"
        machine = store.add_span(doc.id, 10, 18, "ACTOR", annotator="bob")  # "Zelensky"
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute("UPDATE spans SET annotator = 'suggest', text = 'Zelenskx' WHERE id = ?",
                         [machine.id])  # fmt: skip
            conn.commit()
        out = io.StringIO()
        store.export_jsonl(out)
        with pytest.raises(ExportError, match="quotes 'Zelenskx'"):
            store.export_jsonl(io.StringIO(), annotator="suggest")
    (record,) = records(out.getvalue())
    assert as_tuples(record) == [(0, 9, "CLAIM", "Kyiv\x00said", "alice")]


@pytest.mark.parametrize(
    "quote",
    ["Zoë Ångströn", "Zoë", "Zoë Ångström and more"],  # same length; shorter; longer
)
def test_a_wrong_quote_of_any_length_is_caught(tmp_path: Path, quote: str, helper: bool) -> None:
    with open_store(tmp_path / "q.db") as store:
        doc = store.add_document(article(1))
        store.add_span(doc.id, 27, 39, "ACTOR", annotator="alice")
        store.add_span(doc.id, 0, 2, "ACTOR", annotator="alice")  # the flag, right
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute("UPDATE spans SET text = ? WHERE start = 27", [quote])
            conn.commit()
        with pytest.raises(ExportError, match=f"quotes {quote!r} but the text at"):
            store.export_jsonl(io.StringIO())


@pytest.mark.parametrize("column", ["text", "meta"])
def test_a_document_holding_bytes_is_refused_and_check_names_it(
    tmp_path: Path, column: str
) -> None:
    # JSON cannot hold a BLOB: SQLite stopped the whole export with "JSON cannot hold
    # BLOB values", which the command line took for a failed write.
    with open_store(tmp_path / "blob.db") as store:
        doc = store.add_document("Kyiv Zelensky said", meta={"desk": "politics"})
        store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute(f"UPDATE documents SET {column} = CAST({column} AS BLOB)")
            conn.commit()
        with pytest.raises(ExportError) as info:
            store.export_jsonl(tmp_path / "out.jsonl")
        breaches = [breach.message for breach in store.check()]
    assert str(info.value) == (
        f"document 1 holds bytes (a BLOB) as its {column}, where text belongs (changed outside"
        " annotator?): run `annotator check`; nothing was written"
    )
    assert breaches == [f"document 1 holds bytes (a BLOB) as its {column}: no export can write it"]
    assert list(tmp_path.glob("*out.jsonl*")) == []


RELATION_ROWS = {  # what a tool outside annotator did to the relation
    "attributes that are not JSON": "UPDATE relations SET attributes = 'not json'",
    "attributes that are no object": "UPDATE relations SET attributes = '[1]'",
    "an end that is no span": "UPDATE relations SET to_span = 'nosuch'",
    "an end in another document": "UPDATE relations SET document_id = 2",
    "an id of bytes": "UPDATE relations SET id = CAST(id AS BLOB)",
}


@pytest.mark.parametrize("case", RELATION_ROWS)
def test_a_relation_that_cannot_be_written_is_refused_by_name(
    tmp_path: Path, case: str, helper: bool
) -> None:
    # The line would break the schema, hold bytes JSON cannot, or name a span it
    # does not hold (a file that cannot be imported back).
    with open_store(tmp_path / "rel.db") as store:
        doc = store.add_document("Kyiv Zelensky said")
        store.add_document("Odesa port reopened")
        claim = store.add_span(doc.id, 5, 18, "CLAIM", annotator="alice")
        actor = store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
        relation = store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO",
                                      annotator="alice")  # fmt: skip
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute(RELATION_ROWS[case])
            conn.commit()
        with pytest.raises(ExportError) as info:
            store.export_jsonl(tmp_path / "out.jsonl")
        breaches = [breach.message for breach in store.check()]
    where = 2 if case == "an end in another document" else 1
    assert str(info.value) == (
        f"relation {relation.id} of document {where} cannot be written: its attributes are no"
        " JSON object, or it holds bytes (a BLOB) where text belongs, or an end is no span of"
        " its document (changed outside annotator?): run `annotator check`; nothing was written"
    )
    assert any(relation.id in message for message in breaches)  # check names it too


def test_a_refusal_is_of_the_same_kind_whichever_process_found_it(
    tmp_path: Path, helper: bool
) -> None:
    # Attributes that are no object: a DatabaseFileError, also from the helper process.
    with open_store(tmp_path / "kind.db") as store:
        doc = store.add_document("Kyiv Zelensky said")
        span = store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute("UPDATE spans SET attributes = '[1]'")
            conn.commit()
        with pytest.raises(DatabaseFileError, match=f"as the attributes of span {span.id}"):
            store.export_jsonl(io.BytesIO())


def test_spans_of_a_document_that_is_gone_are_left_out(tmp_path: Path, helper: bool) -> None:
    # A tool with foreign keys off moved a span to the id of a deleted document,
    # between two that are there: no line holds it (`annotator check` names it).
    with open_store(tmp_path / "gone.db") as store:
        docs = [store.add_document(f"Report {n}: Kyiv talks resumed.") for n in range(3)]
        for doc in docs:
            store.add_span(doc.id, 10, 14, "ACTOR", annotator="alice")  # "Kyiv"
        store.delete_document(docs[1].id, by="alice")
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute("UPDATE spans SET document_id = ? WHERE document_id = ?",
                         [docs[1].id, docs[0].id])  # fmt: skip
            conn.commit()
        out = io.StringIO()
        store.export_jsonl(out)
    assert [(r["text"], as_tuples(r)) for r in records(out.getvalue())] == [
        ("Report 0: Kyiv talks resumed.", []),
        ("Report 2: Kyiv talks resumed.", [(10, 14, "ACTOR", "Kyiv", "alice")]),
    ]
