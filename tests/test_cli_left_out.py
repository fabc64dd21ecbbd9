"""What every export format says it leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator import open_store
from annotator.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("fmt", ["doccano", "prodigy", "brat", "labelstudio", "conll", "spacy",
                                 "w3c", "jsonl"])  # fmt: skip
def test_every_format_names_the_orphans_it_leaves_out(tmp_path: Path, fmt: str) -> None:
    """The new text has no "Kyiv" at all: that span is an orphan, which no format
    carries; "talks" [5, 10) stays at [6, 11)."""
    db = tmp_path / "t.db"
    with open_store(db) as store:
        doc = store.add_document("Kyiv talks resumed.")
        store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
        store.add_span(doc.id, 5, 10, "CLAIM", annotator="alice")
        store.replace_text(doc.id, "Odesa talks resumed.", by="alice")
        assert [(s.start, s.end) for s in store.spans(doc.id)] == [(6, 11)]
    result = run("export", "--format", fmt, "--out", str(tmp_path / "out"), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert (
        "Left out: 1 orphaned span (of earlier texts: placed or dropped in the window's Orphans"
        " panel, they stay in the database)"
    ) in result.output.splitlines()
