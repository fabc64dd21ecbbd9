"""Files only our exports write (CoNLL, spaCy DocBin) are named when imported, and
the CoNLL export says what it cannot keep."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="annotator")


@pytest.mark.parametrize(("fmt", "name"), [("conll", "CoNLL"), ("spacy", "spaCy DocBin")])
def test_our_own_export_only_files_are_named_when_imported(
    tmp_path: Path, fmt: str, name: str
) -> None:
    # Asking for --format could not help (no reader takes them): say what they are.
    db = tmp_path / "team.db"
    assert run("sample", "--db", str(db)).exit_code == 0
    out = tmp_path / f"team.{fmt}"
    assert run("export", "--db", str(db), "--format", fmt, "--out", str(out)).exit_code == 0
    result = run("import", str(out), "--db", str(tmp_path / "again.db"))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: team.{fmt} looks like a {name} file, which annotator only writes (it keeps"
        " neither the text as written nor span ids): import the native .jsonl export instead\n"
    )
    assert not (tmp_path / "again.db").exists()


def test_conll_says_it_keeps_no_document_identity(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    assert run("sample", "--db", str(db)).exit_code == 0
    result = run("export", "--db", str(db), "--format", "conll", "--out", str(tmp_path / "t.conll"))
    assert result.exit_code == 0, result.output
    assert ("Not carried by conll: 1 document: uid, title, source, meta and the text's own"
            " spacing (IOB holds tokens only)") in result.output.splitlines()  # fmt: skip
