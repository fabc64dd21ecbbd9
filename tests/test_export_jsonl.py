"""The native JSONL export: schema-valid, quote-exact, readable by spaCy and datasets.

The database holds the hard characters of DESIGN.md (🇺🇦, 👨🏻‍🚒, 𝔘, e + U+0301,
CJK) and an article imported from a CRLF file; spans of two analysts sit at
offsets counted by hand.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from annotator import DatabaseFileError, ExportError, InvalidSpanError, Store, open_store
from annotator.cli import cli
from annotator.sample_article import add_sample

ROOT = Path(__file__).parent.parent

# Laid out by hand (code points):
#   🇺🇦 0-1, " " 2, "Kyiv" 3-6, ":" 7, " " 8, 👨🏻‍🚒 9-12, " " 13, "Olena Koval" 14-24,
#   " said " 25-30, "the" 31-33, " " 34, 𝔘 35, "-bridge" 36-42, " reopens" 43-50, "." 51,
#   " " 52, "Café" 53-56, " (" 57-58, "cafe" + U+0301 59-63, ")" 64, " " 65,
#   "owner" 66-70, " " 71, "李明" 72-73, " agreed" 74-80, "." 81 -> 82 code points.
KYIV = (
    "\U0001f1fa\U0001f1e6 Kyiv: \U0001f468\U0001f3fb\u200d\U0001f692 Olena Koval said the "
    "\U0001d518-bridge reopens. Caf\u00e9 (cafe\u0301) owner 李明 agreed."
)
# The CRLF file's text once read ("\r\n" -> "\n"): "Velmora summit" 0-13, "\n" 14,
# "Delegates met on Tuesday" 15-38 ("Tuesday" 32-38), "." 39, "\n" 40,
# "[citation: Daily Ledger]" 41-64, "\n" 65 -> 66 code points.
CRLF_BYTES = b"Velmora summit\r\nDelegates met on Tuesday.\r\n[citation: Daily Ledger]\r\n"
VELMORA = "Velmora summit\nDelegates met on Tuesday.\n[citation: Daily Ledger]\n"

# (start, end, label, quote, analyst) per document, by hand.
KYIV_SPANS = [
    (0, 7, "ACTOR", "\U0001f1fa\U0001f1e6 Kyiv", "bob"),
    (9, 13, "ACTOR", "\U0001f468\U0001f3fb\u200d\U0001f692", "alice"),
    (14, 25, "ACTOR", "Olena Koval", "alice"),
    (31, 51, "CLAIM", "the \U0001d518-bridge reopens", "alice"),
    (59, 64, "ACTOR", "cafe\u0301", "bob"),
    (66, 81, "CLAIM", "owner 李明 agreed", "bob"),
    (72, 74, "ACTOR", "李明", "bob"),
]
VELMORA_SPANS = [
    (15, 39, "CLAIM", "Delegates met on Tuesday", "alice"),
    (32, 39, "DATE", "Tuesday", "alice"),
    (32, 39, "DATE", "Tuesday", "bob"),
    (41, 65, "CITATION", "[citation: Daily Ledger]", "alice"),
]


def build(path: Path, tmp_path: Path) -> Store:
    """The test database, returned open."""
    store = open_store(path)
    kyiv = store.add_document(KYIV, title="Kyiv bridge", source="wire", meta={"desk": "east"})
    article = tmp_path / "velmora.txt"
    article.write_bytes(CRLF_BYTES)
    (velmora,) = store.import_file(article)
    assert velmora.text == VELMORA

    def add(doc_id: int, start: int, end: int, label: str, who: str, **kw: Any) -> str:
        return store.add_span(doc_id, start, end, label, annotator=who, **kw).id

    ff = add(kyiv.id, 9, 13, "ACTOR", "alice", note="the firefighter")
    koval = add(kyiv.id, 14, 25, "ACTOR", "alice", attributes={"kind": "person"})
    claim = add(kyiv.id, 31, 51, "CLAIM", "alice", note="check with the city",
                attributes={"stance": "supports", "checkworthy": True})
    store.add_relation(kyiv.id, claim, koval, "ATTRIBUTED_TO", annotator="alice")
    del ff
    add(kyiv.id, 0, 7, "ACTOR", "bob")
    add(kyiv.id, 59, 64, "ACTOR", "bob", attributes={"kind": "organisation"})
    owner = add(kyiv.id, 72, 74, "ACTOR", "bob")
    said = add(kyiv.id, 66, 81, "CLAIM", "bob")
    store.add_relation(kyiv.id, said, owner, "ATTRIBUTED_TO", annotator="bob")

    v_claim = add(velmora.id, 15, 39, "CLAIM", "alice")
    v_date = add(velmora.id, 32, 39, "DATE", "alice")
    v_cite = add(velmora.id, 41, 65, "CITATION", "alice")
    add(velmora.id, 32, 39, "DATE", "bob", note="same as alice")
    store.add_relation(velmora.id, v_claim, v_date, "DATED", annotator="alice")
    store.add_relation(velmora.id, v_claim, v_cite, "SOURCED_FROM", annotator="alice")
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = build(tmp_path / "news.db", tmp_path)
    yield s
    s.close()


def read_lines(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes().decode("utf-8")
    assert raw.endswith("\n") and "\r" not in raw  # JSON escapes CR; lines end in LF
    return [json.loads(line) for line in raw.splitlines()]


def exported(store: Store, tmp_path: Path, name: str = "out.jsonl", **kw: Any) -> list[dict]:
    path = tmp_path / name
    store.export_jsonl(path, **kw)
    return read_lines(path)


def span_tuples(record: dict[str, Any]) -> list[tuple[int, int, str, str, str]]:
    return [(s["start"], s["end"], s["label"], s["text"], s["annotator"]) for s in record["spans"]]


# -- the records -------------------------------------------------------------------------


def test_hand_counted_offsets_are_right() -> None:
    # The fixtures' offsets are only as good as this: Python slicing, code points.
    for text, spans in ((KYIV, KYIV_SPANS), (VELMORA, VELMORA_SPANS)):
        for start, end, _label, quote, _who in spans:
            assert text[start:end] == quote
    assert (len(KYIV), len(VELMORA)) == (82, 66)


def test_every_line_validates_against_the_export_schema(store: Store, tmp_path: Path) -> None:
    schema = json.loads((ROOT / "schemas" / "export.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    records = exported(store, tmp_path)
    assert len(records) == 2
    for record in records:
        assert [e.message for e in validator.iter_errors(record)] == []


def test_records_hold_the_documents_and_hand_placed_spans(store: Store, tmp_path: Path) -> None:
    kyiv, velmora = exported(store, tmp_path)
    assert kyiv["id"] == hashlib.sha256(KYIV.encode("utf-8")).hexdigest()
    assert (kyiv["text"], kyiv["offset_unit"]) == (KYIV, "codepoint")
    assert kyiv["meta"]["desk"] == "east"
    assert (kyiv["meta"]["title"], kyiv["meta"]["source"]) == ("Kyiv bridge", "wire")
    assert kyiv["meta"]["sha256"] == kyiv["id"]
    assert span_tuples(kyiv) == KYIV_SPANS  # sorted by (start, end)

    assert velmora["text"] == VELMORA
    assert velmora["meta"]["sha256"] == hashlib.sha256(VELMORA.encode("utf-8")).hexdigest()
    assert velmora["meta"]["source"] == "velmora.txt"
    assert sorted(span_tuples(velmora)) == sorted(VELMORA_SPANS)


def test_every_span_quotes_its_text(store: Store, tmp_path: Path) -> None:
    for record in exported(store, tmp_path):
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]


def test_notes_attributes_origin_and_relations(store: Store, tmp_path: Path) -> None:
    kyiv, velmora = exported(store, tmp_path)
    by_text = {s["text"]: s for s in kyiv["spans"]}
    assert by_text["\U0001f468\U0001f3fb\u200d\U0001f692"]["note"] == "the firefighter"
    assert by_text["Olena Koval"]["attributes"] == {"kind": "person"}
    claim = next(s for s in kyiv["spans"] if s["label"] == "CLAIM" and s["annotator"] == "alice")
    assert claim["attributes"] == {"stance": "supports", "checkworthy": True}
    assert by_text["cafe\u0301"]["attributes"] == {"kind": "organisation"}
    assert by_text["李明"]["note"] is None and by_text["李明"]["attributes"] == {}
    assert {s["origin"] for s in kyiv["spans"]} == {"manual"}
    assert all(s["created_at"] and s["updated_at"] for s in kyiv["spans"])

    ids = {s["id"]: s["text"] for s in kyiv["spans"]}
    assert sorted(
        (ids[r["from"]], r["type"], ids[r["to"]], r["annotator"]) for r in kyiv["relations"]
    ) == [  # fmt: skip
        ("owner 李明 agreed", "ATTRIBUTED_TO", "李明", "bob"),
        ("the \U0001d518-bridge reopens", "ATTRIBUTED_TO", "Olena Koval", "alice"),
    ]
    v_ids = {s["id"]: (s["text"], s["annotator"]) for s in velmora["spans"]}
    assert sorted(
        (v_ids[r["from"]][0], r["type"], v_ids[r["to"]]) for r in velmora["relations"]
    ) == [
        ("Delegates met on Tuesday", "DATED", ("Tuesday", "alice")),
        ("Delegates met on Tuesday", "SOURCED_FROM", ("[citation: Daily Ledger]", "alice")),
    ]


def test_one_analysts_layer(store: Store, tmp_path: Path) -> None:
    kyiv, velmora = exported(store, tmp_path, annotator="bob")
    assert span_tuples(kyiv) == [s for s in KYIV_SPANS if s[4] == "bob"]
    assert span_tuples(velmora) == [(32, 39, "DATE", "Tuesday", "bob")]
    assert [r["annotator"] for r in kyiv["relations"]] == ["bob"]
    assert velmora["relations"] == []
    alice = exported(store, tmp_path, name="alice.jsonl", annotator="alice")
    assert {s["annotator"] for r in alice for s in r["spans"]} == {"alice"}
    assert sum(len(r["spans"]) for r in alice) == 6


@pytest.mark.parametrize("fmt", ["jsonl", "brat", "w3c"])
def test_one_layer_keeps_a_link_another_analyst_drew_between_its_spans(
    tmp_path: Path, fmt: str
) -> None:
    # The lead links alice's claim to alice's actor: alice's layer holds both ends,
    # so the link is hers to export too (it was dropped, and said nowhere).
    with open_store(tmp_path / "lead.db") as store:
        doc = store.add_document("Olena said taxes fall on Monday.")
        claim = store.add_span(doc.id, 0, 32, "CLAIM", annotator="alice")
        actor = store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice")
        store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="lead")
    out = tmp_path / f"alice.{fmt}"
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "lead.db"), "--format", fmt,
                                      "--annotator", "alice", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].endswith(f"1 document, 2 spans, 1 relation to {out}")
    if fmt == "jsonl":
        (record,) = read_lines(out)
        assert [(r["from"], r["type"], r["to"], r["annotator"]) for r in record["relations"]] == [
            (claim.id, "ATTRIBUTED_TO", actor.id, "lead")]  # fmt: skip


def test_export_to_an_open_file_reports_counts(store: Store) -> None:
    buffer = io.StringIO()
    report = store.export_jsonl(buffer)
    assert (report.documents, report.spans, report.relations) == (2, 11, 4)
    lines = buffer.getvalue().splitlines()
    assert [json.loads(line)["text"] for line in lines] == [KYIV, VELMORA]


# -- downstream consumers ----------------------------------------------------------------


def test_spacy_accepts_every_span(store: Store, tmp_path: Path) -> None:
    import spacy

    nlp = spacy.blank("en")
    records = exported(store, tmp_path)
    checked = 0
    for record in records:
        doc = nlp(record["text"])
        assert doc.text == record["text"]
        for span in record["spans"]:
            char_span = doc.char_span(
                span["start"], span["end"], label=span["label"], alignment_mode="expand"
            )
            assert char_span is not None, span
            assert span["text"] in char_span.text
            assert char_span.label_ == span["label"]
            checked += 1
    assert checked == 11


def test_hugging_face_datasets_loads_the_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets

    path = tmp_path / "hf.jsonl"
    store.export_jsonl(path)
    ds = datasets.load_dataset(
        "json", data_files=str(path), split="train", cache_dir=str(tmp_path / "hf-cache")
    )
    assert ds.num_rows == 2
    assert ds[0]["text"] == KYIV
    assert ds[1]["text"] == VELMORA
    assert [(s["start"], s["end"]) for s in ds[0]["spans"]] == [s[:2] for s in KYIV_SPANS]
    for row in ds:
        for span in row["spans"]:
            assert row["text"][span["start"] : span["end"]] == span["text"]


# -- round trip ----------------------------------------------------------------------------


def test_round_trip_through_a_new_database_is_exact(store: Store, tmp_path: Path) -> None:
    add_sample(store)  # a document whose id is not a hash, with stable span ids
    reference = json.loads((ROOT / "annotator" / "sample" / "summit.spans.json").read_text("utf-8"))
    n_spans, n_relations = 11 + len(reference["spans"]), 4 + len(reference["relations"])
    first = tmp_path / "first.jsonl"
    store.export_jsonl(first)
    with open_store(tmp_path / "copy.db") as copy:
        result = copy.import_file(first)
        assert (len(result), result.spans_added, result.relations_added) == (
            3, n_spans, n_relations,
        )  # fmt: skip
        second = tmp_path / "second.jsonl"
        copy.export_jsonl(second)
    assert read_lines(second) == read_lines(first)


def test_importing_the_export_again_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "again.jsonl"
    store.export_jsonl(path)
    result = store.import_file(path)
    assert (len(result), result.spans_added, result.relations_added) == (0, 0, 0)
    assert len(result.skipped) == 2
    assert read_lines(path) == exported(store, tmp_path, name="after.jsonl")


def test_an_export_with_a_wrong_quote_is_refused_on_import(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    store.export_jsonl(path)
    records = read_lines(path)
    records[1]["spans"][0]["start"] += 1  # the quote no longer matches
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with open_store(tmp_path / "fresh.db") as fresh:
        with pytest.raises(InvalidSpanError, match="bad.jsonl line 2"):
            fresh.import_file(path)
        assert fresh.documents() == []  # the whole file or nothing


def test_a_copy_that_reuses_span_ids_of_another_document_is_refused(
    store: Store, tmp_path: Path
) -> None:
    # An analyst copies a line, edits the text a little and imports it: the span
    # ids now name spans of the first document; they must not vanish silently.
    path = tmp_path / "copy.jsonl"
    store.export_jsonl(path)
    record = read_lines(path)[1]
    record["id"] = "velmora-copy"
    record["text"] = record["text"] + "Updated.\n"  # offsets of the spans still hold
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    before = exported(store, tmp_path, name="before.jsonl")
    with pytest.raises(InvalidSpanError, match="already belongs to document 2"):
        store.import_file(path)
    assert exported(store, tmp_path, name="after.jsonl") == before


# -- a corrupt database ---------------------------------------------------------------------


def corrupt_one_quote(db: Path) -> None:
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE spans SET text = 'Olena Kovalenko' WHERE text = 'Olena Koval'")
        conn.commit()


def test_a_corrupt_span_stops_the_export_and_keeps_the_old_file(
    store: Store, tmp_path: Path
) -> None:
    target = tmp_path / "exports" / "news.jsonl"
    store.export_jsonl(target)
    before = target.read_bytes()
    corrupt_one_quote(store.path)
    with pytest.raises(ExportError) as info:
        store.export_jsonl(target)
    assert "Olena Kovalenko" in str(info.value) and "\n" not in str(info.value)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["news.jsonl"]  # no temp file


def test_a_corrupt_span_creates_no_file(store: Store, tmp_path: Path) -> None:
    corrupt_one_quote(store.path)
    target = tmp_path / "new.jsonl"
    with pytest.raises(ExportError):
        store.export_jsonl(target)
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".new.jsonl")]


def test_export_to_a_folder_is_refused(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is a folder"):
        store.export_jsonl(tmp_path)


def test_cli_export_to_standard_output(store: Store, tmp_path: Path) -> None:
    expected = exported(store, tmp_path)
    result = CliRunner().invoke(cli, ["export", "--out", "-", "--db", str(store.path)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == expected
    assert result.stderr == "Exported 2 documents, 11 spans, 4 relations to standard output\n"


def test_the_export_reads_the_file_the_store_opened_whatever_the_folder_becomes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two databases named alike in two folders; the store opened by a relative path.
    for folder, text in (("a", "Odesa port reopened on Friday."), ("b", "Lviv trams run again.")):
        (tmp_path / folder).mkdir()
        with open_store(tmp_path / folder / "team.db") as other:
            other.add_document(text)
    monkeypatch.chdir(tmp_path / "a")
    with open_store("team.db") as store:
        monkeypatch.chdir(tmp_path / "b")
        out = io.StringIO()
        store.export_jsonl(out)
        assert json.loads(out.getvalue())["text"] == "Odesa port reopened on Friday."
        (tmp_path / "a" / "team.db").rename(tmp_path / "a" / "moved.db")
        with pytest.raises(DatabaseFileError) as refused:
            store.export_jsonl(io.StringIO())
    assert str(refused.value) == (
        "team.db was moved, renamed or replaced since it was opened: nothing was read; open"
        " it again where it is now"
    )


def test_an_open_file_in_another_encoding_gets_that_encoding(tmp_path: Path) -> None:
    with open_store(tmp_path / "e.db") as store:
        store.add_document("Zoë Ångström 🇺🇦 spoke.")
        target = tmp_path / "out.jsonl"
        with open(target, "w", encoding="utf-16") as f:
            store.export_jsonl(f)
    assert json.loads(target.read_bytes().decode("utf-16"))["text"] == "Zoë Ångström 🇺🇦 spoke."


def test_standard_output_gets_utf8_whatever_its_encoding(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "e.db"
    with open_store(db) as store:
        store.add_document("Zoë Ångström 🇺🇦 spoke.")
    env = {**__import__("os").environ, "PYTHONIOENCODING": "latin-1"}
    result = subprocess.run([sys.executable, "-m", "ui.cli", "export", "--db", str(db), "--out",
                             "-"], capture_output=True, env=env, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.decode("utf-8"))["text"] == "Zoë Ångström 🇺🇦 spoke."


def test_a_file_open_in_an_encoding_that_cannot_hold_the_text_is_refused(tmp_path: Path) -> None:
    with open_store(tmp_path / "e.db") as store:
        store.add_document("Kyiv 🇺🇦 talks.")
        with open(tmp_path / "out.jsonl", "w", encoding="latin-1") as f:
            with pytest.raises(ExportError) as refused:
                store.export_jsonl(f)
    assert str(refused.value) == (
        f"{tmp_path / 'out.jsonl'} is open as latin-1, which cannot hold every character of the"
        " articles: open it as UTF-8"
    )


def test_the_api_never_writes_an_export_over_a_database(store: Store, tmp_path: Path) -> None:
    """The store's own file (open here) and another database file (closed) both
    stay as they were; the store keeps working."""
    other = tmp_path / "other.db"
    with open_store(other) as second:
        second.add_document("Another article.")
    for target in (store.path, other):
        before = target.read_bytes()
        with pytest.raises(ExportError, match="is a database: an export never replaces one"):
            store.export_jsonl(target)
        assert target.read_bytes() == before
    with open_store(other) as second:
        assert [d.title for d in second.documents()] == [None]
    assert store.documents()
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_api_replaces_an_ordinary_file_as_open_would(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "old.jsonl"
    target.write_text("an older export\n", encoding="utf-8")
    report = store.export_jsonl(target)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == report.documents == len(store.documents())


@pytest.mark.parametrize("end", ["-wal", "-shm", "-journal"])
def test_no_export_replaces_a_databases_log(store: Store, tmp_path: Path, end: str) -> None:
    """The open store's -wal holds committed work not yet in the file: replaced by an
    export, it would be lost (and every other process refused the file)."""
    log = Path(f"{store.path}{end}")
    log.write_bytes(log.read_bytes() if log.exists() else b"")
    before = log.read_bytes()
    with pytest.raises(ExportError, match=f"is the {end[1:]} file of the database"):
        store.export_jsonl(log)
    result = CliRunner().invoke(cli, ["export", "--db", str(store.path), "--out", str(log),
                                      "--force"])  # fmt: skip
    assert result.exit_code == 1 and f"is the {end[1:]} file of the database" in result.output
    if end != "-shm":  # the shared memory changes as readers come and go
        assert log.read_bytes() == before
    assert len(log.read_bytes()) == len(before) and b'"offset_unit"' not in log.read_bytes()
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
