"""The `annotator` command: exact output, `Error:` lines, exit codes, the database.

Through click's CliRunner (stdout and stderr apart), with ``--db`` or
``ANNOTATOR_DB`` always set; one real run of the installed console script.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from annotator import open_store
from annotator.cli import cli

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "annotator" / "sample"

# "Olena Koval" 0..11, "the bridge reopens" 17..35, "Friday" 39..45 (by hand); 46 in all.
BRIDGE = "Olena Koval said the bridge reopens on Friday."
LONG_TITLE = "Coastal cities pledge a joint flood fund at the Velmora summit"


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="annotator", env=env)


def lines(text: str) -> list[str]:
    return text.splitlines()


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {t: rows(db, f"SELECT * FROM {t} ORDER BY 1") for t in
            ("documents", "spans", "relations", "events", "schema")}  # fmt: skip


def assert_error(result: Result, message: str) -> None:
    """One `Error:` line on stderr, nothing on stdout, exit code 1, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "team.db"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "bridge.txt"
    path.write_text(f"Bridge reopens\n{BRIDGE}\n", encoding="utf-8")
    return path


@pytest.fixture
def team_db(db: Path) -> Path:
    """Three documents, five spans of two analysts, one relation."""
    with open_store(db) as store:
        bridge = store.add_document(BRIDGE, title="Bridge")
        store.add_document("An article without a title yet.")
        summit = store.add_document("Delegates met on Tuesday in Velmora.", title=LONG_TITLE)
        actor = store.add_span(bridge.id, 0, 11, "ACTOR", annotator="alice").id
        store.add_span(bridge.id, 0, 5, "ACTOR", annotator="alice")
        claim = store.add_span(bridge.id, 17, 35, "CLAIM", annotator="alice").id
        store.add_span(bridge.id, 6, 11, "ACTOR", annotator="bob")
        store.add_span(summit.id, 17, 24, "DATE", annotator="bob")  # "Tuesday"
        store.add_relation(bridge.id, claim, actor, "ATTRIBUTED_TO", annotator="alice")
    return db


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


@pytest.mark.parametrize(
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
        ("broken.jsonl", b'{"text": "abc", "spans": [}\n',
         "broken.jsonl line 1 is not valid JSON (Expecting value, column 27): fix or remove it"),
    ],
)  # fmt: skip
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


def test_import_size_limit(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Twenty bytes of text", encoding="ascii")
    # 0.00001 MB is 10.48576 bytes: a limit of 10 bytes.
    result = run("import", str(path), "--max-size", "0.00001", "--db", str(db))
    assert_error(result, "big.txt is 0.000019 MB (20 bytes), over the import limit of"
                         " 0.00001 MB: split it into smaller files and import again")  # fmt: skip


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


def test_export_refuses_a_corrupt_span(team_db: Path, tmp_path: Path) -> None:
    with closing(sqlite3.connect(team_db)) as conn:
        (span_id,) = conn.execute(
            "SELECT id FROM spans WHERE annotator = 'bob' AND start = 6"
        ).fetchone()
        conn.execute('UPDATE spans SET "end" = 10 WHERE id = ?', [span_id])
        conn.commit()
    out = tmp_path / "out.jsonl"
    result = run("export", "--out", str(out), "--db", str(team_db))
    assert_error(result, f"span {span_id} of document 1 quotes 'Koval' but the text at [6, 10)"
                         " is 'Kova': run `annotator check`; nothing was written")  # fmt: skip
    assert not out.exists()


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


# -- list and stats ------------------------------------------------------------------------


def test_list_prints_a_table(team_db: Path) -> None:
    result = run("list", "--db", str(team_db))
    assert result.exit_code == 0
    # The long title is cut to 47 characters and an ellipsis (48 wide).
    assert lines(result.stdout) == [
        "ID  TITLE                                             CLAIM  ACTOR  DATE  CITATION  TOTAL",
        "1   Bridge                                                1      3     0         0      4",
        "2   (untitled)                                            0      0     0         0      0",
        "3   Coastal cities pledge a joint flood fund at the…      0      0     1         0      1",
    ]


def test_list_of_an_empty_database(db: Path) -> None:
    result = run("list", "--db", str(db))
    assert result.exit_code == 0
    assert result.stdout == "No documents yet: add some with `annotator import FILE`.\n"


def test_stats_table(team_db: Path) -> None:
    result = run("stats", "--db", str(team_db))
    assert result.exit_code == 0
    assert lines(result.stdout) == [
        "3 documents, 5 spans",
        "LABEL     alice  bob  TOTAL",
        "CLAIM         1    0      1",
        "ACTOR         2    1      3",
        "DATE          0    1      1",
        "CITATION      0    0      0",
        "TOTAL         3    2      5",
        "",
        # alice has spans in document 1 only; bob in documents 1 and 3; nobody done.
        "ANALYST  DONE  IN PROGRESS  NOT STARTED",
        "alice       0            1            2",
        "bob         0            2            1",
        "",
        "Frequent actors:",
        "      1  Koval  (documents 1)",
        "      1  Olena  (documents 1)",
        "      1  Olena Koval  (documents 1)",
    ]


def test_stats_json(team_db: Path) -> None:
    result = run("stats", "--json", "--db", str(team_db))
    assert result.exit_code == 0
    numbers = json.loads(result.stdout)
    assert {k: numbers[k] for k in ("documents", "spans", "by_label")} == {
        "documents": 3,
        "spans": 5,
        "by_label": {"ACTOR": {"alice": 2, "bob": 1}, "CLAIM": {"alice": 1}, "DATE": {"bob": 1}},
    }
    # The same numbers counted with plain SQL.
    assert rows(team_db, "SELECT count(*) FROM spans") == [(5,)]
    assert rows(team_db, "SELECT count(*) FROM spans WHERE label = 'ACTOR'") == [(3,)]


def test_stats_of_an_empty_database(db: Path) -> None:
    result = run("stats", "--db", str(db))
    assert lines(result.stdout) == [
        "0 documents, 0 spans",
        "LABEL     TOTAL",
        "CLAIM         0",
        "ACTOR         0",
        "DATE          0",
        "CITATION      0",
        "TOTAL         0",
    ]


# -- sample ----------------------------------------------------------------------------------


def test_sample_adds_the_reference_annotation_once(db: Path) -> None:
    reference = json.loads((SAMPLE / "summit.spans.json").read_text(encoding="utf-8"))
    text = (SAMPLE / "summit.txt").read_text(encoding="utf-8")
    n_spans = len(reference["spans"])

    result = run("sample", "--db", str(db))
    assert result.exit_code == 0
    assert result.stdout == f"Added the sample article as document 1 with {n_spans} spans\n"
    assert rows(db, "SELECT count(*) FROM documents") == [(1,)]
    stored = rows(
        db, 'SELECT start, "end", label, text, annotator FROM spans ORDER BY start, "end"'
    )
    expected = sorted((s["start"], s["end"], s["label"], text[s["start"]:s["end"]], "sample")
                      for s in reference["spans"])  # fmt: skip
    assert stored == expected
    assert rows(db, "SELECT count(*) FROM relations") == [(len(reference["relations"]),)]

    before = snapshot(db)
    again = run("sample", "--db", str(db))
    assert again.exit_code == 0
    assert again.stdout == "The sample article is already in the database\n"
    assert snapshot(db) == before


# -- help, environment, usage errors ------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["import"], ["export"], ["list"], ["stats"], ["sample"]])
def test_help_ends_with_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    out = lines(result.stdout)
    assert out[0].startswith(f"Usage: annotator {' '.join(command)}".rstrip())
    # The description's last block is "Example:" and one indented command line,
    # right before the options.
    options = out.index("Options:")
    block = [line for line in out[:options] if line.strip()]
    assert block[-2].strip() == "Example:"
    assert block[-1].startswith("      annotator ")
    if command:
        assert block[-1].strip().startswith(f"annotator {command[0]} ")
    # The command's own help text ends with that example too.
    cmd = cli if not command else cli.commands[command[0]]
    assert cmd.help.rstrip().splitlines()[-1].strip() == block[-1].strip()


def test_annotator_db_is_used_without_db(tmp_path: Path, article: Path) -> None:
    env_db = tmp_path / "from-env.db"
    result = run("import", str(article), env={"ANNOTATOR_DB": str(env_db)})
    assert result.exit_code == 0
    assert rows(env_db, "SELECT title FROM documents") == [("Bridge reopens",)]
    listed = run("list", env={"ANNOTATOR_DB": str(env_db)})
    assert lines(listed.stdout)[1].startswith("1   Bridge reopens")
    # --db wins over the variable.
    other = tmp_path / "explicit.db"
    run("import", str(article), "--db", str(other), env={"ANNOTATOR_DB": str(env_db)})
    assert rows(other, "SELECT count(*) FROM documents") == [(1,)]
    assert rows(env_db, "SELECT count(*) FROM documents") == [(1,)]


def test_default_database_is_in_the_user_data_folder(tmp_path: Path, article: Path) -> None:
    data_home = tmp_path / "xdg-data"
    env = {"ANNOTATOR_DB": None, "XDG_DATA_HOME": str(data_home), "HOME": str(tmp_path)}
    result = run("import", str(article), env=env)
    assert result.exit_code == 0, result.output
    assert rows(data_home / "annotator" / "annotations.db", "SELECT count(*) FROM documents") == [
        (1,)
    ]


@pytest.mark.parametrize(
    ("args", "last_line"),
    [
        (["list", "--frobnicate"], "Error: No such option '--frobnicate'."),
        (["frobnicate"], "Error: No such command 'frobnicate'."),
        (["import"], "Error: Missing argument 'FILES...'."),
        (["import", "x.txt", "--max-size", "0"], "Error: Invalid value for '--max-size': 0.0 is"
                                                   " not in the range x>0."),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(db: Path, args: list[str], last_line: str) -> None:
    result = run(*args, env={"ANNOTATOR_DB": str(db)})
    assert result.exit_code == 2
    assert result.stdout == ""
    assert lines(result.stderr)[0].startswith("Usage: annotator")
    assert lines(result.stderr)[-1] == last_line
    assert not db.exists()


# -- the installed console script ----------------------------------------------------------


def console_script() -> Path:
    script = Path(sys.executable).parent / "annotator"
    assert script.is_file(), f"{script} is missing: install the project (pip install -e .)"
    return script


def test_console_script_help_and_error_without_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "ANNOTATOR_DB": str(tmp_path / "script.db")}
    helped = subprocess.run([str(console_script()), "--help"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=120)  # fmt: skip
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("Usage: annotator [OPTIONS] COMMAND [ARGS]...\n")
    for name in ("import", "export", "list", "stats", "sample"):
        assert f"\n  {name} " in helped.stdout

    failed = subprocess.run([str(console_script()), "import", "missing.txt"], capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=120)  # fmt: skip
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr == "Error: missing.txt does not exist: check the path and import again\n"


# -- found in review ---------------------------------------------------------------------


def test_import_a_folder_names_each_file(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha story\nbody one\n", encoding="utf-8")
    (folder / "b.md").write_text("# Beta story\nbody two\n", encoding="utf-8")
    result = run("import", str(folder), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        'Imported a.txt: document 1 "Alpha story" (21 characters)',
        'Imported b.md: document 2 "Beta story" (22 characters)',
        "2 documents added, 0 skipped, 0 spans added",
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
    counts = [(len(json.loads(a)["span_ids"]), len(json.loads(a)["relation_ids"])) for _, a in events]
    assert counts == [(4, 1), (1, 0)]
    span_ids = {i for _, a in events for i in json.loads(a)["span_ids"]}
    assert span_ids == {r[0] for r in rows(team_db, "SELECT id FROM spans")}
