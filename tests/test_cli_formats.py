"""`annotator import/export --format ...`: detection, label mapping, skipping, losses."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cli_helpers import lines, snapshot
from click.testing import CliRunner, Result

from annotator import open_store
from annotator.cli import cli

DATA = Path(__file__).parent / "data"
EMOJI = "🇺🇦 Kyiv 𝔘 Zelensky said on Monday."  # Zelensky: code points [10, 18)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="annotator")


def count(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_a_real_doccano_export_is_recognised_and_imported(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    source = DATA / "doccano" / "dc-1.8.4-export-100-sample.jsonl"
    result = run("import", str(source), "--annotator", "dana", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "1 document added, 0 skipped, 50 spans added"
    record = json.loads(source.read_text(encoding="utf-8").splitlines()[0])
    with open_store(db) as store:
        (doc,) = store.documents()
        spans = store.spans(doc.id)
        text = store.document(doc.id).text
    # ASCII text: UTF-16 units and code points agree, so the file's offsets stand.
    assert sorted((s.start, s.end, s.label) for s in spans) == sorted(
        (s, e, label) for s, e, label in record["label"]
    )
    assert all(s.text == text[s.start : s.end] and s.annotator == "dana" for s in spans)
    assert {s.origin for s in spans} == {"import"}


def test_doccano_utf16_offsets_become_code_points(tmp_path: Path) -> None:
    db, source = tmp_path / "t.db", tmp_path / "probe.jsonl"
    # In UTF-16 units the flag counts 4 and 𝔘 2: "Zelensky" sits at [13, 21).
    u16 = len(EMOJI[:10].encode("utf-16-le")) // 2
    assert u16 == 13
    source.write_text(json.dumps({"text": EMOJI, "label": [[u16, u16 + 8, "ACTOR"]]}) + "\n")
    assert run("import", str(source), "--format", "doccano", "--db", str(db)).exit_code == 0
    with open_store(db) as store:
        (span,) = store.spans(1)
    assert (span.start, span.end, span.text) == (10, 18, "Zelensky")


def test_unknown_labels_are_listed_and_nothing_is_imported(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    source = DATA / "brat" / "esp.train-doc-29.ann"
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: esp.train-doc-29.ann uses labels the schema does not have: "
    )
    assert "--map" in result.stderr
    assert count(db, "documents") == 0 and count(db, "spans") == 0


def test_map_renames_labels_on_import(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    source = DATA / "brat" / "esp.train-doc-29.ann"
    labels = {line.split("\t")[1].split(" ")[0] for line in
              source.read_text(encoding="utf-8").splitlines() if line.startswith("T")}  # fmt: skip
    maps = [arg for label in sorted(labels) for arg in ("--map", f"{label}=ACTOR")]
    result = run("import", str(source), *maps, "--annotator", "eva", "--db", str(db))
    assert result.exit_code == 0, result.output
    t_lines = [ln for ln in source.read_text(encoding="utf-8").splitlines() if ln.startswith("T")]
    assert count(db, "spans") == len(t_lines) == 13
    with open_store(db) as store:
        assert {s.label for s in store.spans(1)} == {"ACTOR"}


def test_a_broken_line_3_refuses_the_file_or_is_skipped(tmp_path: Path) -> None:
    db, source = tmp_path / "t.db", tmp_path / "three.jsonl"
    good = [json.dumps({"id": f"d{n}", "text": f"Text number {n}.", "spans": [],
                        "relations": [], "offset_unit": "codepoint"})
            for n in (1, 2, 4)]  # fmt: skip
    source.write_text("\n".join([good[0], good[1], '{"id": "d3", "text": ', good[2]]) + "\n")
    refused = run("import", str(source), "--db", str(db))
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: three.jsonl line 3 is not valid JSON")
    assert count(db, "documents") == 0
    skipped = run("import", str(source), "--skip-invalid", "--db", str(db))
    assert skipped.exit_code == 0, skipped.output
    out = skipped.stdout.splitlines()
    assert [ln for ln in out if ln.startswith("Skipped")][0].startswith(
        "Skipped three.jsonl line 3 is not valid JSON"
    )
    assert out[-1] == "3 documents added, 1 skipped, 0 spans added"


def test_export_lists_what_the_format_loses_and_needs_force(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with open_store(db) as store:
        doc = store.add_document(EMOJI)
        actor = store.add_span(doc.id, 10, 18, "ACTOR", annotator="alice", note="president")
        claim = store.add_span(doc.id, 10, 34, "CLAIM", annotator="alice")
        store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    out = tmp_path / "p.jsonl"
    result = run("export", "--format", "prodigy", "--out", str(out), "--db", str(db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Exported 1 document, 2 spans, 0 relations to {out}"  # none written
    lost = [ln for ln in lines if ln.startswith("Not carried by prodigy: ")]
    assert any("relation" in ln for ln in lost) and any("note" in ln for ln in lost)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [
        (10, 18, "ACTOR"), (10, 34, "CLAIM")
    ]  # fmt: skip
    again = run("export", "--format", "prodigy", "--out", str(out), "--db", str(db))
    assert again.exit_code == 1
    assert again.stderr == (
        f"Error: {out} already exists: choose another --out, or add --force to replace it\n"
    )
    forced = run("export", "--format", "prodigy", "--out", str(out), "--force", "--db", str(db))
    assert forced.exit_code == 0


def test_brat_folder_export_imports_back(tmp_path: Path) -> None:
    db, copy = tmp_path / "t.db", tmp_path / "copy.db"
    with open_store(db) as store:
        doc = store.add_document(EMOJI + "\nLine two by 李明 and Café.")
        store.add_span(doc.id, 10, 18, "ACTOR", annotator="alice")
        store.add_span(doc.id, 27, 33, "DATE", annotator="alice")
    folder = tmp_path / "brat"
    result = run("export", "--format", "brat", "--out", str(folder), "--db", str(db))
    assert result.exit_code == 0, result.output
    ann = sorted(folder.glob("*.ann"))
    assert len(ann) == 1
    back = run("import", str(ann[0]), "--annotator", "alice", "--db", str(copy))
    assert back.exit_code == 0, back.output
    with open_store(copy) as store:
        assert [(s.start, s.end, s.label, s.text) for s in store.spans(1)] == [
            (10, 18, "ACTOR", "Zelensky"), (27, 33, "DATE", "Monday")
        ]  # fmt: skip
    shutil.rmtree(folder)


@pytest.mark.parametrize("fmt", ["jsonl", "spacy", "doccano"])
def test_export_never_replaces_a_database_even_with_force(tmp_path: Path, fmt: str) -> None:
    db, other = tmp_path / "t.db", tmp_path / "other.db"
    for path in (db, other):
        with open_store(path) as store:
            store.add_document(EMOJI)
    before = {p: p.read_bytes() for p in (db, other)}
    for target in (db, other):
        result = run("export", "--format", fmt, "--out", str(target), "--force", "--db", str(db))
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {target} is a database: an export never replaces one; choose another file\n"
        )
    assert {p: p.read_bytes() for p in (db, other)} == before
    assert run("list", "--db", str(db)).exit_code == 0


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("spacy", "a spaCy DocBin is a binary file: give --out FILE.spacy, not -"),
        ("brat", "brat writes a folder of .txt and .ann files: give --out FOLDER, not -"),
        ("w3c", "the W3C export is checked as a whole file: give --out FILE.jsonld, not -"),
    ],
)
def test_formats_that_cannot_go_to_standard_output_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, message: str
) -> None:
    db = tmp_path / "t.db"
    with open_store(db) as store:
        store.add_document(EMOJI)
    monkeypatch.chdir(tmp_path)
    result = run("export", "--format", fmt, "--out", "-", "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_doccano_file_with_a_long_first_record_is_read_as_doccano(
    tmp_path: Path, suffix: str
) -> None:
    # The first line is 75,000 characters: more than the first block read to guess
    # the format.  "Alice" is [0, 5), and the last "Bob" at [74,995, 74,998).
    text = "Alice met Bob. " * 5000
    source = tmp_path / f"long{suffix}"
    source.write_text(json.dumps({"text": text, "label": [[0, 5, "ACTOR"],
                                                          [74995, 74998, "ACTOR"]]}) + "\n",
                      encoding="utf-8")  # fmt: skip
    db = tmp_path / "t.db"
    result = run("import", str(source), "--annotator", "alice", "--db", str(db))
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        assert [(s.start, s.end, s.text) for s in store.spans(1)] == [
            (0, 5, "Alice"), (74995, 74998, "Bob")
        ]  # fmt: skip


def test_native_jsonl_refuses_a_record_with_another_tools_spans(tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text(json.dumps({"text": "Alice met Bob.", "entities": [[0, 5, "ACTOR"]]})
                      + "\n", encoding="utf-8")  # fmt: skip
    db = tmp_path / "t.db"
    open_store(db).close()
    before = snapshot(db)
    result = run("import", str(source), "--format", "jsonl", "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: mixed.jsonl line 1 has "entities" but no "spans": it is another tool\'s record,'
        " not native JSONL; import it with --format doccano, labelstudio or prodigy\n"
    )
    assert snapshot(db) == before


def test_one_layers_export_leaves_out_relations_to_other_layers(tmp_path: Path) -> None:
    db, out = tmp_path / "t.db", tmp_path / "alice.jsonl"
    with open_store(db) as store:
        doc = store.add_document(EMOJI)
        claim = store.add_span(doc.id, 10, 34, "CLAIM", annotator="alice")
        actor = store.add_span(doc.id, 10, 18, "ACTOR", annotator="bob")  # Zelensky
        store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    result = run("export", "--annotator", "alice", "--out", str(out), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        f"Exported 1 document, 1 span, 0 relations to {out}",
        "Left out: 1 relation to spans of other layers (left out with those spans)",
    ]
    record = json.loads(out.read_text(encoding="utf-8"))
    assert [s["id"] for s in record["spans"]] == [claim.id] and record["relations"] == []
    fresh = tmp_path / "fresh.db"
    assert run("import", str(out), "--db", str(fresh)).exit_code == 0  # the file stands alone
    everything = tmp_path / "all.jsonl"
    assert run("export", "--out", str(everything), "--db", str(db)).exit_code == 0
    assert len(json.loads(everything.read_text(encoding="utf-8"))["relations"]) == 1


def test_skip_invalid_skips_a_record_the_store_refuses(tmp_path: Path) -> None:
    def record(text: str, *spans: tuple[int, int, str]) -> str:
        return json.dumps({"text": text, "offset_unit": "codepoint", "spans": [
            {"start": s, "end": e, "label": label, "annotator": "alice"} for s, e, label in spans
        ]})  # fmt: skip

    source = tmp_path / "five.jsonl"
    source.write_text("\n".join([
        record("Kyiv talks resumed.", (0, 4, "ACTOR")),
        record("Lviv museum reopened.", (0, 4, "ACTOR")),
        '{"text": "broken',
        record("Odesa port is open.", (0, 99, "ACTOR")),  # past the end of its 19 characters
        record("Kharkiv rail runs.", (0, 7, "ACTOR")),
    ]) + "\n", encoding="utf-8")  # fmt: skip
    db = tmp_path / "t.db"
    result = run("import", str(source), "--skip-invalid", "--db", str(db))
    assert result.exit_code == 0, result.output
    skipped = [ln for ln in result.stdout.splitlines() if ln.startswith("Skipped ")]
    assert skipped[0] == ("Skipped five.jsonl line 3 is not valid JSON (Unterminated string"
                          " starting at column 10): fix or remove it")  # fmt: skip
    assert skipped[1].startswith("Skipped five.jsonl line 4: ")
    assert "span [0, 99) is not inside" in skipped[1]
    assert result.stdout.splitlines()[-1] == "3 documents added, 2 skipped, 3 spans added"
    with open_store(db) as store:
        assert [s.text for d in store.documents() for s in store.spans(d.id)] == [
            "Kyiv", "Lviv", "Kharkiv"
        ]
        assert store.check() == []
        assert [e.action for e in store.history()].count("add_document") == 3


def test_a_span_given_twice_in_another_tools_file_is_kept_once(tmp_path: Path) -> None:
    # doccano: "Olena Koval" [0, 11) twice (entities 1 and 2), and the claim [17, 35)
    # linked to the second copy: the relation then links the one kept.
    text = "Olena Koval said the bridge reopens on Friday."
    entity = {"start_offset": 0, "end_offset": 11, "label": "ACTOR"}
    record = {"text": text, "entities": [
        {"id": 1, **entity}, {"id": 2, **entity},
        {"id": 4, "start_offset": 17, "end_offset": 35, "label": "CLAIM"}],
        "relations": [{"id": 1, "from_id": 4, "to_id": 2, "type": "ATTRIBUTED_TO"}]}  # fmt: skip
    source = tmp_path / "twice.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    result = run("import", str(source), "--format", "doccano", "--annotator", "alice",
                 "--db", str(db))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ("Note: twice.jsonl line 1: 1 span given twice in the file (place, label, analyst,"
            " note and attributes alike): kept once") in result.stdout.splitlines()
    with open_store(db) as store:
        spans = store.spans(1)
        assert [(s.start, s.end, s.label) for s in spans] == [(0, 11, "ACTOR"), (17, 35, "CLAIM")]
        assert [(r.from_span, r.to_span) for r in store.relations(1)] == [
            (spans[1].id, spans[0].id)
        ]  # fmt: skip


def test_native_jsonl_keeps_two_alike_spans_with_their_own_ids(tmp_path: Path) -> None:
    # The store allows them (a script can make them), so its own export reads back whole.
    text = "Olena Koval said the bridge reopens on Friday."
    spans = [{"id": i, "start": 0, "end": 11, "label": "ACTOR", "annotator": "alice"}
             for i in ("s1", "s2")]  # fmt: skip
    source = tmp_path / "alike.jsonl"
    source.write_text(json.dumps({"text": text, "offset_unit": "codepoint", "spans": spans})
                      + "\n", encoding="utf-8")  # fmt: skip
    db = tmp_path / "t.db"
    assert run("import", str(source), "--db", str(db)).exit_code == 0
    with open_store(db) as store:
        assert [s.id for s in store.spans(1)] == ["s1", "s2"]


def test_a_relation_that_names_no_analyst_is_its_first_spans(tmp_path: Path) -> None:
    text = "Olena Koval said the bridge reopens on Friday."
    record = {"text": text, "offset_unit": "codepoint", "spans": [
        {"id": "a", "start": 0, "end": 11, "label": "ACTOR", "annotator": "alice"},
        {"id": "c", "start": 17, "end": 35, "label": "CLAIM", "annotator": "bob"}],
        "relations": [{"id": "r", "type": "ATTRIBUTED_TO", "from": "c", "to": "a"}]}  # fmt: skip
    source = tmp_path / "rel.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    assert run("import", str(source), "--db", str(db)).exit_code == 0
    with open_store(db) as store:
        assert [(r.id, r.annotator) for r in store.relations(1)] == [("r", "bob")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jsonl", b"", "empty.jsonl holds no jsonl records: nothing to import (is it the"
                             " file you meant?)"),
        ("blank.jsonl", b"\n  \n", "blank.jsonl holds no jsonl records: nothing to import (is it"
                                   " the file you meant?)"),
        ("none.json", b"[]", "none.json holds no labelstudio records: nothing to import (is it"
                             " the file you meant?)"),
        ("wide.jsonl", '{"text": "Kyiv"}\n'.encode("utf-16"),
         "wide.jsonl is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 and"
         " import again"),
        ("wider.jsonl", '{"text": "Kyiv"}\n'.encode("utf-32"),  # its mark starts as UTF-16's
         "wider.jsonl is UTF-32 (it starts with a UTF-32 byte order mark): save it as UTF-8 and"
         " import again"),
    ],
)  # fmt: skip
def test_an_annotation_file_with_nothing_to_import_says_so(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    db = tmp_path / "t.db"
    open_store(db).close()
    before = snapshot(db)
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"
    assert snapshot(db) == before


def test_a_crlf_file_placed_on_its_lf_article_still_checks_its_quotes(tmp_path: Path) -> None:
    text = "Kyiv talks\r\nresumed on Monday.\r\n"
    article = tmp_path / "art.txt"
    article.write_bytes(text.encode("utf-8"))
    db = tmp_path / "t.db"
    assert run("import", str(article), "--db", str(db)).exit_code == 0
    record = {"text": text, "offset_unit": "codepoint", "spans": [
        {"start": 0, "end": 4, "label": "ACTOR", "annotator": "alice", "text": "Lviv"}]}
    source = tmp_path / "wrong.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    before = snapshot(db)
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 1
    assert "quotes 'Lviv' but the text there is 'Kyiv'" in result.stderr
    assert snapshot(db) == before


def test_a_skipped_record_does_not_name_its_rolled_back_document(tmp_path: Path) -> None:
    lines_ = [json.dumps({"text": t, "offset_unit": "codepoint", "spans": spans}) for t, spans in (
        ("Good record.", []),
        ("Odesa port is open.", [{"start": 0, "end": 99, "label": "ACTOR", "annotator": "a"}]),
        ("Another good record.", []),
    )]  # fmt: skip
    source = tmp_path / "three.jsonl"
    source.write_text("\n".join(lines_) + "\n", encoding="utf-8")
    result = run("import", str(source), "--skip-invalid", "--db", str(tmp_path / "t.db"))
    assert result.exit_code == 0, result.output
    (skipped,) = [ln for ln in result.stdout.splitlines() if ln.startswith("Skipped")]
    assert "document 2" not in skipped  # "Odesa port is open." is 19 code points
    assert skipped == ("Skipped three.jsonl line 2: span [0, 99) is not inside the text"
                       " (0..19 code points, start < end): fix the offsets")  # fmt: skip
    assert "Imported three.jsonl: document 2 (untitled) (20 characters)" in result.stdout


def test_a_relation_id_given_twice_is_one_line(tmp_path: Path) -> None:
    text = "Olena Koval said the bridge reopens on Friday."
    rel = {"id": "r", "type": "ATTRIBUTED_TO", "from": "c", "to": "a"}
    record = {"text": text, "offset_unit": "codepoint", "spans": [
        {"id": "a", "start": 0, "end": 11, "label": "ACTOR", "annotator": "alice"},
        {"id": "c", "start": 17, "end": 35, "label": "CLAIM", "annotator": "alice"}],
        "relations": [rel, dict(rel)]}  # fmt: skip
    source = tmp_path / "dup.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run("import", str(source), "--db", str(tmp_path / "t.db"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: dup.jsonl line 1: relation id r is given twice: give each relation its own id\n"
    )


def test_a_prodigy_file_of_rejected_answers_imports_nothing_and_says_why(tmp_path: Path) -> None:
    source = tmp_path / "rejects.jsonl"
    source.write_text(json.dumps({"text": "Kyiv talks.", "spans": [], "answer": "reject",
                                  "_input_hash": 1, "_task_hash": 2}) + "\n",
                      encoding="utf-8")  # fmt: skip
    result = run("import", str(source), "--db", str(tmp_path / "t.db"))
    assert result.exit_code == 0, result.output
    assert any("not imported (only accepted ones are)" in ln for ln in result.stdout.splitlines())


@pytest.mark.parametrize(
    ("fmt", "why"),
    [("jsonl", "counts code points, always"), ("conll", "writes tokens, not offsets"),
     ("spacy", "keeps spaCy's own character offsets")],
)  # fmt: skip
def test_offsets_given_to_a_format_that_has_no_choice_are_refused(
    tmp_path: Path, fmt: str, why: str
) -> None:
    db = tmp_path / "t.db"
    with open_store(db) as store:
        store.add_document(EMOJI)
    out = tmp_path / "out"
    result = run("export", "--format", fmt, "--offsets", "utf16", "--out", str(out),
                 "--db", str(db))  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == f"Error: {fmt} {why}: leave out --offsets\n"
    assert not out.exists()


def test_an_empty_out_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.db"
    with open_store(db) as store:
        store.add_document(EMOJI)
    monkeypatch.chdir(tmp_path)
    result = run("export", "--out", "", "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr == "Error: --out is empty: give a file name, or - for standard output\n"
    assert not (tmp_path / "exports").exists()


def test_label_studio_annotations_that_are_no_list_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "odd.json"
    source.write_text(json.dumps([{"data": {"text": "Kyiv talks."}, "annotations": "oops"}]),
                      encoding="utf-8")  # fmt: skip
    result = run("import", str(source), "--db", str(tmp_path / "t.db"))
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: odd.json record 1: "annotations" must be a list of annotations, not str\n'
    )


def test_a_document_id_is_never_given_twice_after_an_import(tmp_path: Path) -> None:
    # Ids are counted in memory during an import and stored at its end: a document
    # deleted afterwards keeps its id to itself (undo brings it back by that id).
    source = tmp_path / "three.jsonl"
    lines = [json.dumps({"text": t, "offset_unit": "codepoint"}) for t in ("A.", "B.", "C.")]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    assert run("import", str(source), "--db", str(db)).exit_code == 0
    with open_store(db) as store:
        store.delete_document(3, by="alice")
        assert store.add_document("Fourth.").id == 4
        store.undo("alice")  # the delete: "C." is document 3 again
        assert [(d.id, d.title) for d in store.documents()][-2:] == [(3, None), (4, None)]


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy", "labelstudio", "conll"])
def test_standard_output_gets_utf8_in_every_format(tmp_path: Path, fmt: str) -> None:
    import os
    import subprocess
    import sys

    db = tmp_path / "e.db"
    with open_store(db) as store:
        doc = store.add_document("Київ talks resumed 🇺🇦.")
        store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")  # Київ
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}  # a terminal that is not UTF-8
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli", "export", "--format", fmt, "--db", str(db), "--out", "-"],
        capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "Київ" in result.stdout.decode("utf-8")
