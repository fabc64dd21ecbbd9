"""``annotator suggest``: counts per label, exact output."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from annotator.cli import cli
from annotator.store import open_store

TEXT = (
    "Talks resumed on 3 March 2025, according to the Harbour Ministry. "
    "[citation: Daily Ledger] Marta Olsberg said a deal could follow in May 2026."
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="annotator", env={"ANNOTATOR_DB": None})


def test_suggest_prints_counts_per_label(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT, title="Talks").id
    result = run("suggest", "--doc", str(doc), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "LABEL     NEW\n"
        "CLAIM       0\n"
        "ACTOR       1\n"
        "DATE        2\n"
        "CITATION    2\n"
        "TOTAL       5\n"
        "5 new suggestions in 1 document.\n"
    )
    again = run("suggest", "--db", str(db))
    assert again.exit_code == 0
    assert again.output.endswith("TOTAL       0\n0 new suggestions in 1 document.\n")


def test_suggest_an_unknown_document_is_one_error_line(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    result = run("suggest", "--doc", "99", "--db", str(db))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")


def test_suggest_help_ends_with_an_example() -> None:
    result = run("suggest", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "annotator suggest --doc 3" in result.output
