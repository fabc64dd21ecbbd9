"""The rows one review event touched, for its before and after states (see ``review.py``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from .. import history as hist
from .base import quote_columns

Row = dict[str, Any]


class Changes:
    """The rows one event touched: the first state seen before, the last after."""

    def __init__(self) -> None:
        self.before: dict[str, dict[str, Row]] = {}
        self.after: dict[str, dict[str, Row]] = {}

    def inserted(self, table: str, row: Row) -> None:
        self.after.setdefault(table, {})[row["id"]] = row

    def updated(self, table: str, old: Row, new: Row) -> None:
        if old["id"] not in self.after.get(table, {}):
            self.before.setdefault(table, {}).setdefault(old["id"], old)
        self.after.setdefault(table, {})[new["id"]] = new

    def deleted(self, table: str, old: Row) -> None:
        if self.after.get(table, {}).pop(old["id"], None) is None:
            self.before.setdefault(table, {}).setdefault(old["id"], old)

    def states(self) -> tuple[hist.State, hist.State]:
        def state(side: dict[str, dict[str, Row]]) -> hist.State:
            return {t: list(side[t].values()) for t in hist.TABLES if side.get(t)}

        return state(self.before), state(self.after)


def write_decision(
    conn: sqlite3.Connection,
    table: str,
    old: Row | None,
    new: Row,
    compared: Sequence[str],
    changes: Changes,
) -> bool:
    """Store a review decision row in place of ``old``; False (and nothing
    written) when ``old`` already says the same in the ``compared`` columns."""
    if old is not None:
        if all(old[c] == new[c] for c in compared):
            return False
        conn.execute(f"DELETE FROM {table} WHERE id = ?", [old["id"]])
        changes.updated(table, old, new)
    else:
        changes.inserted(table, new)
    columns = hist.TABLE_COLUMNS[table]
    conn.execute(
        f"INSERT INTO {table} ({quote_columns(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [new[c] for c in columns],
    )
    return True
