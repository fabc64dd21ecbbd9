"""Strings built to break SQL, JSON or line-based formats come back verbatim."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hostile import TEXT, count, doccano_line, run, sha256

from annotator import open_store

# -- strings made to break things -------------------------------------------------------

LONG = ('\'; DROP TABLE spans; -- "quoted" 🇺🇦 e\u0301 \n' * 300)[:10_000]
HOSTILE = [
    "'; DROP TABLE spans; --",
    "Robert'); DROP TABLE documents;--",
    "She said \"no\" and 'yes' and `maybe`",
    "line one\nline two\r\nline three\rlast",
    "\\ backslash \\n \\u0041 not escapes",
    "%s %d {} {0} ? ?1 :name $1 @x",
    "tab\there\u2028line separator\u2029paragraph\u0085next line",
    "\u202eright-to-left override\u202c",
    "</script><script>alert(1)</script>",
    "T1\tACTOR 0 4\tKyiv",  # a brat line
    LONG,
]
assert len(LONG) == 10_000


def test_hostile_strings_are_stored_and_exported_verbatim(tmp_path: Path) -> None:
    db, out = tmp_path / "t.db", tmp_path / "out.jsonl"
    with open_store(db) as store:
        doc = store.add_document(TEXT, title=LONG, source=HOSTILE[0],
                                 meta={h: h for h in HOSTILE})  # fmt: skip
        for n, hostile in enumerate(HOSTILE):
            store.add_span(doc.id, n, n + 5, "ACTOR", annotator=hostile, note=hostile,
                           attributes={hostile: [hostile, {hostile: hostile}]})  # fmt: skip
    # A plain read of the file, no Store involved.
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT annotator, note, attributes FROM spans ORDER BY start")
        assert [(a, n, json.loads(attrs)) for a, n, attrs in rows] == [
            (h, h, {h: [h, {h: h}]}) for h in HOSTILE
        ]
        title, source, meta = conn.execute("SELECT title, source, meta FROM documents").fetchone()
        assert (title, source, json.loads(meta)) == (LONG, HOSTILE[0], {h: h for h in HOSTILE})
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == len(HOSTILE)
    result = run("export", "--db", str(db), "--out", str(out))
    assert result.exit_code == 0, result.output
    # One line: JSON Lines end at "\n" only (U+2028 and friends may stand in strings).
    (line,) = out.read_text(encoding="utf-8").removesuffix("\n").split("\n")
    record = json.loads(line)
    assert record["meta"] == {**{h: h for h in HOSTILE}, "title": LONG, "source": HOSTILE[0],
                              "sha256": doc.text_sha256, "created_at": doc.created_at}  # fmt: skip
    spans = sorted(record["spans"], key=lambda s: s["start"])
    assert [(s["annotator"], s["note"], s["attributes"]) for s in spans] == [
        (h, h, {h: [h, {h: h}]}) for h in HOSTILE
    ]


def test_hostile_strings_survive_an_import_verbatim(tmp_path: Path) -> None:
    source, db, out = tmp_path / "in.jsonl", tmp_path / "t.db", tmp_path / "out.jsonl"
    spans = [{"id": h, "start": 0, "end": 5, "label": "CLAIM", "text": TEXT[:5], "annotator": h,
              "note": h, "attributes": {h: h}} for h in HOSTILE]  # fmt: skip
    spans.append({"id": "actor", "start": 6, "end": 14, "label": "ACTOR", "annotator": "a"})
    relations = [{"id": h, "type": "ATTRIBUTED_TO", "from": h, "to": "actor", "annotator": h,
                  "attributes": {h: h}} for h in HOSTILE]  # fmt: skip
    record = {"id": HOSTILE[1], "text": TEXT, "offset_unit": "codepoint",
              "meta": {"title": HOSTILE[0], **{h: h for h in HOSTILE[2:]}},
              "spans": spans, "relations": relations}  # fmt: skip
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(db)) as conn:
        stored = conn.execute("SELECT id, annotator, note, attributes FROM spans WHERE id != ?",
                              ["actor"]).fetchall()  # fmt: skip
        assert sorted((i, a, n, json.loads(at)) for i, a, n, at in stored) == sorted(
            (h, h, h, {h: h}) for h in HOSTILE
        )
        rels = conn.execute("SELECT id, annotator, from_span, attributes FROM relations")
        assert sorted((i, a, f, json.loads(at)) for i, a, f, at in rels) == sorted(
            (h, h, h, {h: h}) for h in HOSTILE
        )
        uid, title = conn.execute("SELECT uid, title FROM documents").fetchone()
        assert (uid, title) == (HOSTILE[1], HOSTILE[0])
    assert run("export", "--db", str(db), "--out", str(out)).exit_code == 0
    back = json.loads(out.read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in back["spans"]}
    assert all((by_id[h]["note"], by_id[h]["annotator"], by_id[h]["attributes"]) == (h, h, {h: h})
               for h in HOSTILE)  # fmt: skip
    assert sorted(r["id"] for r in back["relations"]) == sorted(HOSTILE)


def test_a_hostile_analyst_name_on_the_command_line(tmp_path: Path) -> None:
    source, db = tmp_path / "d.jsonl", tmp_path / "t.db"
    source.write_bytes(doccano_line("Kyiv bridge reopens"))
    result = run("import", str(source), "--annotator", HOSTILE[0], "--db", str(db))
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT annotator FROM spans").fetchall() == [(HOSTILE[0],)]
    out = run("export", "--db", str(db), "--annotator", HOSTILE[0], "--out", "-")
    assert json.loads(out.stdout)["spans"][0]["annotator"] == HOSTILE[0]


def test_mapping_onto_a_hostile_label_is_refused_cleanly(tmp_path: Path) -> None:
    source, db = tmp_path / "d.jsonl", tmp_path / "t.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    source.write_bytes(doccano_line("Kyiv bridge reopens"))
    before = sha256(db)
    result = run("import", str(source), "--map", f"ACTOR={HOSTILE[0]}", "--db", str(db))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: ACTOR={HOSTILE[0]} maps to {HOSTILE[0]}, which this database's schema does"
        " not have (labels CLAIM, ACTOR, DATE, CITATION; relation types ATTRIBUTED_TO, DATED,"
        " SOURCED_FROM): map ACTOR to one of those, or to - to leave it out\n"
    )
    assert sha256(db) == before and count(db, "spans") == 0 and count(db, "documents") == 1


@pytest.mark.parametrize("name", [HOSTILE[0], "ACTOR\nDATE", "actor", "A" * 10_000 + "-"])
def test_a_schema_with_a_hostile_label_name_is_refused(tmp_path: Path, name: str) -> None:
    schema, db, article = tmp_path / "s.json", tmp_path / "new.db", tmp_path / "a.txt"
    article.write_text(TEXT)
    schema.write_text(json.dumps({"name": "x", "version": 1, "labels": [
        {"name": name, "key": "1", "color": "#000000"}], "relations": []}))  # fmt: skip
    result = run("import", str(article), "--schema", str(schema), "--db", str(db))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert not db.exists()
