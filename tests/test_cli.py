"""The `annotator` command: exact output, `Error:` lines, exit codes, the database.

Through click's CliRunner (stdout and stderr apart), with ``--db`` or
``ANNOTATOR_DB`` always set; one real run of the installed console script.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cli_helpers import (
    BRIDGE,
    LONG_TITLE,
    assert_error,
    lines,
    rows,
    run,
    snapshot,
)

# -- import ------------------------------------------------------------------------------


def test_import_a_txt_file(db: Path, article: Path) -> None:
    result = run("import", str(article), "--db", str(db))
    assert result.exit_code == 0, result.output
    # "Bridge reopens\n" (15) + BRIDGE (46) + "\n" (1) = 62 characters.
    assert lines(result.stdout) == [
        'Imported bridge.txt: document 1 "Bridge reopens" (62 characters)',
        "1 document added, 0 skipped, 0 spans added",
    ]
    assert result.stderr == ""
    assert rows(db, "SELECT id, title, source, text FROM documents") == [
        (1, "Bridge reopens", "bridge.txt", f"Bridge reopens\n{BRIDGE}\n")
    ]


def test_import_twice_reports_the_skip(db: Path, article: Path) -> None:
    run("import", str(article), "--db", str(db))
    before = snapshot(db)
    result = run("import", str(article), "--db", str(db))
    assert result.exit_code == 0
    assert lines(result.stdout) == [
        "Skipped bridge.txt: this article is already in the database as document 1"
        " (Bridge reopens): nothing to do",
        "0 documents added, 1 skipped, 0 spans added",
    ]
    assert snapshot(db) == before


def test_import_an_html_file(db: Path, tmp_path: Path) -> None:
    page = tmp_path / "bridge.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Bridge reopens</title>"
        "<script>alert('x')</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Bridge reopens</h1><p>{BRIDGE}</p>"
        "<p>The fire chief \U0001f468\U0001f3fb\u200d\U0001f692 agreed.</p></article>"
        "<footer>Daily Ledger</footer></body></html>",
        encoding="utf-8",
    )
    result = run("import", str(page), "--db", str(db))
    assert result.exit_code == 0, result.output
    # 14 + 2 + 46 + 2 + 27 ("The fire chief " 15, the emoji 4 code points, " agreed." 8).
    assert lines(result.stdout) == [
        'Imported bridge.html: document 1 "Bridge reopens" (91 characters)',
        "1 document added, 0 skipped, 0 spans added",
    ]
    (text,) = rows(db, "SELECT text FROM documents")[0]
    assert text == (
        f"Bridge reopens\n\n{BRIDGE}\n\nThe fire chief \U0001f468\U0001f3fb\u200d\U0001f692 agreed."
    )


def test_import_a_jsonl_export(db: Path, tmp_path: Path, team_db: Path) -> None:
    exported = tmp_path / "team.jsonl"
    assert run("export", "--out", str(exported), "--db", str(team_db)).exit_code == 0
    other = tmp_path / "other.db"
    result = run("import", str(exported), "--db", str(other))
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        'Imported team.jsonl: document 1 "Bridge" (46 characters)',
        "Imported team.jsonl: document 2 (untitled) (31 characters)",
        f'Imported team.jsonl: document 3 "{LONG_TITLE}" (36 characters)',
        "3 documents added, 0 skipped, 5 spans added",
    ]


REFUSED_FILES = pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "missing.txt does not exist: check the path and import again"),
        ("empty.txt", b"", "empty.txt is empty: choose a file with text in it"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
         "image.txt looks like a binary file (it contains NUL bytes): import a text file"
         " (.txt, .md, .html) instead"),
        ("latin1.txt", "Café Ångström".encode("latin-1"),
         # "Caf" is 3 bytes: the é (0xE9) at byte 3 is not UTF-8.
         "latin1.txt is not valid UTF-8 (byte 3): save it as UTF-8 and import again"),
        ("bad.jsonl", b'{"text": 5}\n',
         'bad.jsonl line 1 has no "text" string: is this a native JSONL file?'),
        # "Alice met Bob." is 14 code points: each span below leaves it.
        ("beyond.jsonl", b'{"text": "Alice met Bob.", "spans": [{"start": 10, "end": 20,'
         b' "label": "ACTOR", "text": "Bob.XXXXXX"}]}\n',
         "beyond.jsonl line 1: span [10, 20) is not inside the text (0..14 code points,"
         " start < end): fix the offsets"),
        ("negative.jsonl", b'{"text": "Alice met Bob.", "spans": [{"start": -3, "end": 5,'
         b' "label": "ACTOR", "text": "Alice"}]}\n',
         "negative.jsonl line 1: span [-3, 5) is not inside the text (0..14 code points,"
         " start < end): fix the offsets"),
        ("reversed.jsonl", b'{"text": "Alice met Bob.", "spans": [{"start": 5, "end": 2,'
         b' "label": "ACTOR"}]}\n',
         "reversed.jsonl line 1: span [5, 2) is not inside the text (0..14 code points,"
         " start < end): fix the offsets"),
        ("broken.jsonl", b'{"text": "abc", "spans": [}\n',
         "broken.jsonl line 1 is not valid JSON (Expecting value at column 27): fix or remove it"),
    ],
)  # fmt: skip


@REFUSED_FILES
def test_a_refused_file_is_one_error_line_and_changes_nothing(
    db: Path, article: Path, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    run("import", str(article), "--db", str(db))
    before = snapshot(db)
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("import", str(path), "--db", str(db))
    assert_error(result, message)
    assert snapshot(db) == before


@REFUSED_FILES
def test_a_refused_file_leaves_no_new_database(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path, new = tmp_path / name, tmp_path / "new.db"
    if content is not None:
        path.write_bytes(content)
    assert_error(run("import", str(path), "--db", str(new)), message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


def test_a_failed_import_keeps_a_new_database_once_something_was_imported(
    article: Path, tmp_path: Path
) -> None:
    bad, new = tmp_path / "bad.jsonl", tmp_path / "new.db"
    bad.write_bytes(b'{"text": 5}\n')
    result = run("import", str(article), str(bad), "--db", str(new))
    assert result.exit_code == 1
    assert rows(new, "SELECT count(*) FROM documents") == [(1,)]  # imported before bad.jsonl


def test_import_size_limit(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Twenty bytes of text", encoding="ascii")
    # 0.00001 MB is 10.48576 bytes: a limit of 10 bytes.
    result = run("import", str(path), "--max-size", "0.00001", "--db", str(db))
    assert_error(result, "big.txt is 0.000019 MB (20 bytes), over the import limit of"
                         " 0.00001 MB: split it into smaller files and import again")  # fmt: skip


def test_a_raised_size_limit_reserves_nothing_and_a_limit_is_a_number(
    db: Path, tmp_path: Path
) -> None:
    """A limit of 50,000 MB read the file into a buffer of that size (a MemoryError
    with a traceback); NaN passed the range check."""
    path = tmp_path / "small.txt"
    path.write_text("Twenty bytes of text", encoding="ascii")
    assert run("import", str(path), "--max-size", "50000", "--db", str(db)).exit_code == 0
    for value in ("nan", "1e300"):
        refused = run("import", str(path), "--max-size", value, "--db", str(db))
        assert refused.exit_code == 2
        assert refused.stderr.splitlines()[-1].startswith("Error: Invalid value for '--max-size'")


def test_import_into_a_file_that_is_not_a_database(tmp_path: Path, article: Path) -> None:
    not_db = tmp_path / "notes.txt"
    not_db.write_text("just notes\n", encoding="utf-8")
    result = run("import", str(article), "--db", str(not_db))
    assert_error(result, f"{not_db} is not a SQLite database: choose an annotator .db file")
    assert not_db.read_text(encoding="utf-8") == "just notes\n"


def test_import_with_a_custom_schema(db: Path, tmp_path: Path, article: Path) -> None:
    schema = tmp_path / "people.json"
    schema.write_text(json.dumps({
        "name": "people", "version": 1, "relations": [],
        "labels": [{"name": "PERSON", "key": "p", "color": "#000000", "description": ""}],
    }), encoding="utf-8")  # fmt: skip
    assert run("import", str(article), "--schema", str(schema), "--db", str(db)).exit_code == 0
    assert lines(run("list", "--db", str(db)).stdout) == [
        "ID  TITLE           PERSON  TOTAL",
        "1   Bridge reopens       0      0",
    ]


def test_import_with_a_bad_schema_creates_no_database(
    db: Path, tmp_path: Path, article: Path
) -> None:
    schema = tmp_path / "bad.json"
    schema.write_text('{"name": "x"}', encoding="utf-8")
    result = run("import", str(article), "--schema", str(schema), "--db", str(db))
    assert_error(result, "schema file bad.json is not a valid label schema at (top level):"
                         " 'version' is a required property")  # fmt: skip
    assert not db.exists()


def test_a_schema_nested_too_deep_to_read_is_one_line_and_no_database(
    db: Path, tmp_path: Path, article: Path
) -> None:
    schema = tmp_path / "deep.json"
    schema.write_text('{"labels": ' + "[" * 50_000 + "]" * 50_000 + "}", encoding="utf-8")
    result = run("import", str(article), "--schema", str(schema), "--db", str(db))
    # The object and 50,000 arrays in it; the first array opens at column 12,
    # the last (the deepest) at column 12 + 49,999.
    assert_error(result, f"schema file {schema} is not valid JSON: too deeply nested to read:"
                         " 50,001 levels of arrays and objects, the deepest: line 1 column"
                         " 50011 (char 50010)")  # fmt: skip
    assert not db.exists()


# -- export --------------------------------------------------------------------------------


def test_export_default_path_is_exports_db_stem(
    team_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("export", "--db", str(team_db))
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        "Exported 3 documents, 5 spans, 1 relation to exports/team.jsonl"
    ]
    records = [
        json.loads(x) for x in (work / "exports" / "team.jsonl").read_text("utf-8").splitlines()
    ]
    assert [r["text"] for r in records] == [
        BRIDGE, "An article without a title yet.", "Delegates met on Tuesday in Velmora.",
    ]  # fmt: skip
    assert [len(r["spans"]) for r in records] == [4, 0, 1]


def test_export_to_standard_output(team_db: Path) -> None:
    result = run("export", "--out", "-", "--db", str(team_db))
    assert result.exit_code == 0
    records = [json.loads(x) for x in lines(result.stdout)]
    assert [len(r["spans"]) for r in records] == [4, 0, 1]
    assert result.stderr == "Exported 3 documents, 5 spans, 1 relation to standard output\n"


def test_export_one_analyst(team_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "bob.jsonl"
    result = run("export", "--annotator", "bob", "--out", str(out), "--db", str(team_db))
    assert lines(result.stdout) == [f"Exported 3 documents, 2 spans, 0 relations to {out}"]
    records = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [(s["text"], s["annotator"]) for r in records for s in r["spans"]] == [
        ("Koval", "bob"), ("Tuesday", "bob"),
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy", "labelstudio", "brat", "conll",
                                 "spacy", "w3c"])  # fmt: skip
def test_export_refuses_a_corrupt_span(team_db: Path, tmp_path: Path, fmt: str) -> None:
    with closing(sqlite3.connect(team_db)) as conn:
        (span_id,) = conn.execute(
            "SELECT id FROM spans WHERE annotator = 'bob' AND start = 6"
        ).fetchone()
        conn.execute('UPDATE spans SET "end" = 10 WHERE id = ?', [span_id])
        conn.commit()
    out = tmp_path / "out" / "export"
    result = run("export", "--format", fmt, "--out", str(out), "--db", str(team_db))
    assert_error(result, f"span {span_id} of document 1 quotes 'Koval' but the text at [6, 10)"
                         " is 'Kova': run `annotator check`; nothing was written")  # fmt: skip
    assert not out.parent.exists()  # no file, no folder, no temporary file


def test_export_to_a_folder_is_refused(team_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = run("export", "--out", str(folder), "--db", str(team_db))
    assert_error(result, f"{folder} is a folder: give a file name such as {folder}/export.jsonl")
    assert list(folder.iterdir()) == []


def test_export_unknown_format_is_a_usage_error(team_db: Path) -> None:
    result = run("export", "--format", "csv", "--db", str(team_db))
    assert result.exit_code == 2
    assert lines(result.stderr)[-1] == (
        "Error: Invalid value for '--format': 'csv' is not one of 'jsonl', 'doccano',"
        " 'prodigy', 'brat', 'labelstudio', 'conll', 'spacy', 'w3c'."
    )


# -- found in review ---------------------------------------------------------------------


def test_import_a_folder_names_each_file(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha story\nbody one\n", encoding="utf-8")
    (folder / "b.md").write_text("# Beta story\nbody two\n", encoding="utf-8")
    # Hidden files are no articles: a Mac's AppleDouble file is binary.
    (folder / "._a.txt").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    (folder / ".draft.txt").write_text("Not for import\n", encoding="utf-8")
    result = run("import", str(folder), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        'Imported a.txt: document 1 "Alpha story" (21 characters)',
        'Imported b.md: document 2 "Beta story" (22 characters)',
        "2 documents added, 0 skipped, 0 spans added",
    ]


def bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha story\nbody one\n", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"Caf\xe9 story\n")  # Latin-1: byte 3 is not UTF-8
    (folder / "c.txt").write_text("Gamma story\n", encoding="utf-8")
    return folder


def test_a_folder_import_that_stops_says_what_it_imported(db: Path, tmp_path: Path) -> None:
    result = run("import", str(bad_folder(tmp_path)), "--db", str(db))
    assert_error(result, "b.txt is not valid UTF-8 (byte 3): save it as UTF-8 and import again"
                         " (the folder's import stopped at b.txt: 1 file (a.txt) imported before"
                         " it, 1 file (c.txt) not imported)")  # fmt: skip
    assert rows(db, "SELECT title FROM documents") == [("Alpha story",)]


def test_skip_invalid_skips_a_folders_bad_file(db: Path, tmp_path: Path) -> None:
    result = run("import", str(bad_folder(tmp_path)), "--skip-invalid", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        'Imported a.txt: document 1 "Alpha story" (21 characters)',
        'Imported c.txt: document 2 "Gamma story" (12 characters)',
        "Skipped b.txt: b.txt is not valid UTF-8 (byte 3): save it as UTF-8 and import again",
        "2 documents added, 1 skipped, 0 spans added",
    ]


def test_export_of_an_unknown_analyst_is_an_error(team_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "nobody.jsonl"
    result = run("export", "--annotator", "carol", "--out", str(out), "--db", str(team_db))
    assert_error(result, "analyst 'carol' has no spans in this database (analysts: alice, bob)")
    assert not out.exists()


def test_a_jsonl_import_is_in_the_history(team_db: Path, tmp_path: Path) -> None:
    exported = tmp_path / "team.jsonl"
    assert run("export", "--out", str(exported), "--db", str(team_db)).exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert run("import", str(exported), "--db", str(fresh)).exit_code == 0
    # One "import" event per document that brought spans: the bridge (4 spans, 1
    # relation) and the summit (1 span); the untitled document has none.
    events = rows(fresh, "SELECT action, after FROM events WHERE action = 'import' ORDER BY id")
    counts = [(len(json.loads(a)["span_ids"]), len(json.loads(a)["relation_ids"]))
              for _, a in events]  # fmt: skip
    assert counts == [(4, 1), (1, 0)]
    span_ids = {i for _, a in events for i in json.loads(a)["span_ids"]}
    assert span_ids == {r[0] for r in rows(team_db, "SELECT id FROM spans")}


def test_a_file_whose_name_is_not_utf8_imports_under_a_name_that_can_be_stored(
    db: Path, tmp_path: Path
) -> None:
    """A Latin-1 "café.txt": the name's byte 0xE9 is no UTF-8, and was refused as
    "half of a UTF-16 pair" in the text; stored as U+FFFD, as a file manager shows it."""
    import os

    path = tmp_path / os.fsdecode(b"caf\xe9.txt")
    path.write_text("Latin-1 named file\n", encoding="utf-8")
    result = run("import", str(path), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert rows(db, "SELECT source, json_extract(meta, '$.filename') FROM documents") == [
        ("caf\ufffd.txt", "caf\ufffd.txt")
    ]
