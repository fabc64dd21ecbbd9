"""Spans whose export record SQLite cannot make (layout 12): rows written outside
annotator with attributes that are no JSON object, or bytes (a BLOB) where text
belongs.  The file still opens and upgrades, `check` names them, and every
export refuses in one line naming the span, also with the helper process."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from hostile import TEXT, run

from annotator import open_store
from annotator.migrations import APPLICATION_ID, STEPS

ROOT = Path(__file__).resolve().parent.parent
STAMP = "2025-01-02T03:04:05.000Z"


def layout_11_file(path: Path, note: object) -> None:
    """A file as layout 11 wrote it, with one span whose note is ``note``."""
    with closing(sqlite3.connect(path)) as conn:
        for step in STEPS[:11]:
            step(conn)
        conn.execute("INSERT INTO documents VALUES (1, 'doc-1', 'Bridge', NULL, ?, 'x', ?, '{}',"
                     " ?)", [TEXT, len(TEXT), STAMP])  # fmt: skip
        conn.execute("INSERT INTO spans VALUES ('s-1', 1, 'alice', 'ACTOR', 0, 5, 'Mayor', ?,"
                     " '{}', 'manual', ?, ?, NULL)", [note, STAMP, STAMP])  # fmt: skip
        schema = json.loads((ROOT / "schemas" / "default.json").read_text("utf-8"))
        conn.execute("INSERT INTO schema VALUES (1, ?)", [json.dumps(schema)])
        conn.execute("PRAGMA user_version = 11")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()


def test_a_span_holding_bytes_does_not_stop_the_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    layout_11_file(db, b"hello")
    listed = run("list", "--db", str(db))
    assert listed.exit_code == 0 and "Bridge" in listed.output
    checked = run("check", "--db", str(db))
    assert checked.exit_code == 1
    assert "span s-1 holds bytes (a BLOB) as its note: no export can write it" in checked.output
    result = run("export", "--db", str(db), "--out", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: span s-1 holds bytes (a BLOB) as its note, where")
    assert result.output.count("\n") == 1 and not (tmp_path / "out.jsonl").exists()


def test_attributes_nested_deeper_than_python_parses_are_refused_in_one_line(
    tmp_path: Path,
) -> None:
    db = tmp_path / "deep.db"
    layout_11_file(db, None)
    deep = '{"a":' + "[" * 2500 + "]" * 2500 + "}"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE spans SET attributes = ?", [deep])
        conn.commit()
    checked = run("check", "--db", str(db))
    assert checked.exit_code == 1 and "span s-1: its attributes are '{\"a\":[[[" in checked.output
    for fmt in ("jsonl", "conll"):
        result = run("export", "--db", str(db), "--format", fmt,
                     "--out", str(tmp_path / f"out.{fmt}"))  # fmt: skip
        assert result.exit_code == 1, result.output
        assert result.output.startswith("Error: the database holds '{\"a\":[[[")
        assert result.output.count("\n") == 1


@pytest.mark.parametrize("attributes", ["[1]", '{"a": NaN}'])
def test_the_helper_process_refuses_too_instead_of_hanging(
    tmp_path: Path, attributes: str
) -> None:
    db = tmp_path / "team.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE spans SET attributes = ?", [attributes])
        conn.commit()
    script = (
        "import sys\nfrom annotator import open_store, AnnotatorError\n"
        "from annotator.formats import jsonl\n"
        "from annotator.store import export_helper\n"
        "jsonl.HELPER_SPANS = 0  # the helper process builds blocks, however small\n"
        "export_helper.JOIN_WAIT = 60\n"
        "try:\n    open_store(sys.argv[1]).export_jsonl(sys.argv[2])\n"
        "except AnnotatorError as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(db), str(tmp_path / "out.jsonl")],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.stdout.startswith("the database holds "), done.stderr
    assert "as the attributes of span " in done.stdout
