"""The `annotator` command beyond import and export: list, stats, sample, help, the
environment, usage errors and the installed console script."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import (
    SAMPLE,
    assert_error,
    lines,
    rows,
    run,
    snapshot,
)

from annotator import open_store
from annotator.cli import cli
from annotator.formats.jsonl import BLOCK

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
    open_store(db).close()
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


def test_stats_leave_machine_suggestions_out(db: Path) -> None:
    """Machine suggestions are nobody's work: no analyst in the progress, no
    mention among the frequent actors; their number is said once.  Accepted,
    the copy is alice's (and counts once, not again as the suggestion, which
    stays in its layer)."""
    from annotator.suggest.apply import accept, suggest_document
    from annotator.suggest.base import Suggestion

    text = "Olena Koval said the bridge reopens. Koval said so again."
    assert (text[0:11], text[37:42]) == ("Olena Koval", "Koval")
    with open_store(db) as store:
        doc = store.add_document(text).id
        store.add_span(doc, 0, 11, "ACTOR", annotator="alice")
        made = suggest_document(store, doc, suggestions=[
            Suggestion(37, 42, "ACTOR", 0.9, "a name before 'said'"),
            Suggestion(0, 11, "ACTOR", 0.9, "a name before 'said'"),
        ])  # fmt: skip
        assert [(s.start, s.end) for s in made] == [(37, 42)]  # alice has 0-11 already
    result = run("stats", "--db", str(db))
    assert lines(result.stdout)[0] == (
        "1 document, 1 span (and 1 machine suggestion of the suggest layer, counted nowhere"
        " below)")
    assert "suggest" not in "\n".join(lines(result.stdout)[1:])
    assert lines(result.stdout)[-2:] == ["Frequent actors:", "      1  Olena Koval  (documents 1)"]
    with open_store(db) as store:
        accept(store, made[0].id, "alice")
    numbers = json.loads(run("stats", "--json", "--db", str(db)).stdout)
    counts = (numbers["spans"], numbers["suggestions"], list(numbers["progress"]))
    assert counts == (2, 1, ["alice"])
    assert [(e["text"], e["count"]) for e in numbers["top_actors"]] == [
        ("Koval", 1), ("Olena Koval", 1)]


def test_stats_of_an_empty_database(db: Path) -> None:
    open_store(db).close()
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

    with open_store(db) as store:  # an analyst deletes a span of the reference
        store.delete_span(store.spans(1)[0].id, by="sample")
    before = snapshot(db)
    again = run("sample", "--db", str(db))
    assert again.stdout == "The sample article is already in the database\n"
    assert snapshot(db) == before  # and it stays deleted


# -- help, environment, usage errors ------------------------------------------------------


def every_command() -> list[list[str]]:
    return [[]] + [[name] for name in sorted(cli.commands)]


@pytest.mark.parametrize("command", every_command(), ids=lambda c: " ".join(c) or "annotator")
def test_help_ends_with_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    out = lines(result.stdout)
    assert out[0].startswith(f"Usage: annotator {' '.join(command)}".rstrip())
    # The help ends with "Example:" and one indented command line, after the options.
    block = [line for line in out if line.strip()]
    assert block[-2] == "  Example:"
    assert block[-1].startswith("      annotator ")
    if command:
        assert block[-1].strip().startswith(f"annotator {command[0]} ")
    assert out.index("Options:") < len(out) - 3
    # The description above the options is the command's summary, not the example.
    cmd = cli if not command else cli.commands[command[0]]
    assert cmd.help is not None and "Example" not in cmd.help


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
                                                   " not in the range 0<x<=1048576."),
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
    assert not (tmp_path / "script.db").exists()  # a failed import makes no database


@pytest.mark.parametrize(
    "command",
    [["list"], ["stats"], ["export", "--out", "-"], ["check"], ["search", "Kyiv"],
     ["backup", "--out", "copy.db"], ["agree", "--a", "alice", "--b", "bob"], ["suggest"]],
)  # fmt: skip
def test_a_mistyped_database_path_is_refused_not_created(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "teem.db"
    result = run(*command, "--db", str(typo))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: there is no database at {typo}: check the path (`annotator import FILE"
        f" --db {typo}` makes a new one)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing made


@pytest.mark.parametrize("command", [["list"], ["stats"], ["export", "--out", "-"]])
def test_an_empty_file_is_refused_by_commands_that_only_read(
    tmp_path: Path, command: list[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.touch()
    result = run(*command, "--db", str(notes))
    assert_error(result, f"{notes} is an empty file, not a database: check the path"
                         f" (`annotator import FILE --db {notes}` makes a new one)")  # fmt: skip
    assert notes.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_failed_import_into_an_empty_file_leaves_it_empty(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    db.touch()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert run("import", str(bad), "--db", str(db)).exit_code == 1
    assert db.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.jsonl", "new.db"
    ]


def test_the_database_named_by_annotator_db_must_exist_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    typo = tmp_path / "teem.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(typo))
    result = run("list")
    assert result.exit_code == 1 and "there is no database at" in result.stderr
    assert not typo.exists()
    article = tmp_path / "article.txt"
    article.write_text("Kyiv talks resumed on Monday.\n", encoding="utf-8")
    assert run("import", str(article)).exit_code == 0  # import makes the database
    assert typo.exists() and run("list").exit_code == 0


def test_a_reader_that_stops_early_is_no_error(tmp_path: Path) -> None:
    # `annotator export --out - | head -c 100`: the pipe closes while the export
    # writes (500 KB of text: more than a pipe holds); nothing is said about it.
    db = tmp_path / "big.db"
    with open_store(db) as store:
        for n in range(50):
            store.add_document(f"Article {n}: " + "Kyiv talks resumed on Monday. " * 350)
    process = subprocess.Popen([str(console_script()), "export", "--out", "-", "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100).startswith(b'{"id":')
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == b""
    process.stderr.close()


def test_an_export_to_standard_output_refused_late_says_what_went_out(tmp_path: Path) -> None:
    # The last article's quote was changed outside annotator; the export finds it
    # in its second block of articles, when the first block's lines are out: the
    # message must not say that nothing was written.
    db = tmp_path / "late.db"
    with open_store(db) as store:
        for n in range(BLOCK + 2):
            doc = store.add_document(f"Article {n:02}: Kyiv talks resumed.")
            span = store.add_span(doc.id, 12, 16, "ACTOR", annotator="alice")  # "Kyiv"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE spans SET text = 'Kiev' WHERE id = ?", [span.id])
    conn.close()
    result = subprocess.run([str(console_script()), "export", "--out", "-", "--db", str(db)],
                            capture_output=True, timeout=120)  # fmt: skip
    assert result.returncode == 1
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == [
        f"Article {n:02}: Kyiv talks resumed." for n in range(BLOCK)
    ]
    assert result.stderr.decode() == (
        f"Error: span {span.id} of document {BLOCK + 2} quotes 'Kiev' but the text at [12, 16)"
        f" is 'Kyiv': run `annotator check`; the lines of the first {BLOCK} documents went to"
        " standard output\n"
    )


@pytest.mark.parametrize("command", [["import", "x.jsonl"], ["export", "--out", "-"],
                                     ["search", "Kyiv"]])  # fmt: skip
@pytest.mark.parametrize("blank", ["", " "])
def test_a_blank_annotator_option_is_a_usage_error(
    tmp_path: Path, command: list[str], blank: str
) -> None:
    db = tmp_path / "t.db"
    result = run(*command, "--annotator", blank, "--db", str(db))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--annotator': give an analyst's name, or leave the option out"
    )
    assert not db.exists()


@pytest.mark.parametrize("limit", [1024, 4096])
def test_a_first_import_the_disk_cannot_take_leaves_no_database(tmp_path: Path, limit: int) -> None:
    """The file size limit (as `ulimit -f` sets it) stops SQLite while it writes the new
    database's layout: one line, and no empty or half-made file that later commands
    would refuse ("an empty file, not a database")."""
    import resource

    article, folder = tmp_path / "a.txt", tmp_path / "new"
    article.write_text("Kyiv bridge reopens on Monday.\n", encoding="utf-8")
    folder.mkdir()
    child = subprocess.run(
        [sys.executable, "-m", "ui.cli", "import", str(article), "--db", str(folder / "q.db")],
        capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )  # fmt: skip
    assert child.returncode == 1, child.stdout + child.stderr
    assert child.stderr.startswith("Error: ") and child.stderr.count("\n") == 1
    assert sorted(p.name for p in folder.iterdir()) == []
