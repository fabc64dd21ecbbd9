"""What the command-line tests share: running `annotator`, reading its database, and
the database and article they start from (the fixtures ``db``, ``article`` and
``team_db`` in conftest.py)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

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


def build_team_db(db: Path) -> Path:
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


def write_article(folder: Path) -> Path:
    path = folder / "bridge.txt"
    path.write_text(f"Bridge reopens\n{BRIDGE}\n", encoding="utf-8")
    return path
