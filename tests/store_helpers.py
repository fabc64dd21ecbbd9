"""Helpers shared by the store tests (tests/test_store*.py)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent

# Offsets worked out by hand: "Mayor"=0..5, "Olena Koval"=6..17, "3 May"=26..31,
# "the bridge will reopen"=37..59; 60 characters in all.
TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."
OTHER = "Second article: nothing happened in Velmora on Tuesday."
TABLES = ("documents", "spans", "relations", "events", "schema")


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run ``sql`` on a separate plain sqlite3 connection."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, params).fetchall()


def count(path: Path, table: str) -> int:
    return query(path, f"SELECT count(*) FROM {table}")[0][0]


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that a refused call changed nothing."""
    return {t: query(path, f"SELECT * FROM {t} ORDER BY 1") for t in TABLES}


def file_state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def write_schema(path: Path, **changes: Any) -> Path:
    body = {
        "name": "people-places",
        "version": 3,
        "labels": [
            {"name": "PERSON", "key": "p", "color": "#112233", "description": "A person."},
            {"name": "PLACE", "key": "l", "color": "#445566", "description": "A place."},
        ],
        "relations": [
            {"type": "LIVES_IN", "from": "PERSON", "to": "PLACE", "description": "Home."}
        ],
    }
    body.update(changes)
    path.write_text(json.dumps(body), encoding="utf-8")
    return path
