"""What the undo tests share: the article, and every row read with a separate
sqlite3 connection, so that "changed nothing" is what the file holds."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from annotator import Store

# "Olena Koval" 0..11, "the bridge reopens" 17..35, "on Friday" 36..45 (by hand).
TEXT = "Olena Koval said the bridge reopens on Friday."


def rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def data(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every span and relation row: what undo and redo must restore exactly."""
    return {t: rows(path, t) for t in ("spans", "relations")}


def everything(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {t: rows(path, t) for t in ("documents", "spans", "relations", "events")}


def check_undo_redo(store: Store, path: Path, annotator: str, before: Any, after: Any) -> None:
    """Undo brings back ``before`` exactly; redo brings back ``after`` exactly."""
    assert data(path) == after
    assert store.undo(annotator) is not None
    assert data(path) == before
    assert store.redo(annotator) is not None
    assert data(path) == after
    assert store.undo(annotator) is not None
    assert data(path) == before
