"""What `search` and `stats` print: one line per item, and a word when a list is cut."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from annotator import open_store
from annotator.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="annotator")


def test_search_says_when_there_are_more_hits_than_it_shows(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with open_store(db) as store:
        for n in range(3):
            store.add_document(f"Article {n}: hello from the flood zone.")
    shown = run("search", "hello", "--limit", "2", "--db", str(db))
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert len(lines) == 3 and all(line.startswith("document ") for line in lines[:2])
    assert lines[2] == "(the first 2 hits; there are more: give --limit to see more)"
    every = run("search", "hello", "--limit", "3", "--db", str(db))
    assert len(every.output.splitlines()) == 3  # all of them: no note


def test_stats_prints_each_frequent_actor_on_one_line(tmp_path: Path) -> None:
    # Two spellings of one actor, once each: the one shown is the first in code
    # point order ("Z" before "z"), and a line break in a span never cuts the list.
    db = tmp_path / "s.db"
    with open_store(db) as store:
        a = store.add_document("Mayor Zoë Ångström spoke.")
        b = store.add_document("Later zoe\nangstrom left.")
        store.add_span(a.id, 6, 18, "ACTOR", annotator="alice")
        store.add_span(b.id, 6, 18, "ACTOR", annotator="alice")
    result = run("stats", "--db", str(db))
    assert result.exit_code == 0, result.output
    tail = result.output.split("Frequent actors:\n")[1].splitlines()
    assert tail == ["      2  Zoë Ångström  (documents 1, 2)"]


BIG = str(2**63)  # one more than SQLite's largest integer


def test_a_document_id_too_big_for_sqlite_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert run("sample", "--db", str(db)).exit_code == 0
    article = tmp_path / "a.txt"
    article.write_text("A new text.\n")
    for args in (["suggest", "--doc", BIG], ["update", BIG, str(article), "--by", "x"],
                 ["agree", "--a", "sample", "--b", "x", "--doc", BIG],
                 ["accept-matches", "--a", "sample", "--b", "x", "--doc", BIG],
                 ["search", "flood", "--limit", BIG]):  # fmt: skip
        result = run(*args, "--db", str(db))
        assert result.exit_code == 2, (args, result.output)
        assert result.output.splitlines()[-1].startswith("Error: Invalid value for")
        assert "Traceback" not in result.output and not isinstance(result.exception, OverflowError)


def test_search_names_an_unknown_label_or_analyst(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert run("sample", "--db", str(db)).exit_code == 0
    label = run("search", "flood", "--label", "actor", "--db", str(db))
    assert (label.exit_code, label.output) == (
        1, "Error: there is no label 'actor': the labels are CLAIM, ACTOR, DATE, CITATION\n")
    who = run("search", "flood", "--annotator", "Sample", "--db", str(db))
    assert (who.exit_code, who.output) == (
        1, "Error: analyst 'Sample' has no spans: the analysts with spans are sample\n")
