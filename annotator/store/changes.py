"""The rows one review event touched, for its before and after states (see ``review.py``)."""

from __future__ import annotations

from typing import Any

from .. import history as hist

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
