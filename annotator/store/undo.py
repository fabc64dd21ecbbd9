"""The history: listing it, and undo / redo that survive restarts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .. import history as hist
from ..errors import (
    HistoryConflictError,
)
from ..model import (
    HistoryEntry,
)
from .base import quote_columns
from .spans import SpansMixin


class UndoMixin(SpansMixin):
    # -- history -------------------------------------------------------------------

    def history(self, *, document_id: int | None = None, limit: int = 100) -> list[HistoryEntry]:
        """The newest events first (the audit trail)."""
        where, params = ("WHERE document_id = ?", [document_id]) if document_id else ("", [])
        return [
            HistoryEntry(
                r["id"],
                r["at"],
                r["annotator"],
                r["action"],
                r["document_id"],
                r["target"],
                None if r["before"] is None else json.loads(r["before"]),
                None if r["after"] is None else json.loads(r["after"]),
                r["ref"],
            )  # fmt: skip
            for r in self.db.conn.execute(
                f"SELECT * FROM events {where} ORDER BY id DESC LIMIT ?", params + [limit]
            )
        ]

    def _events_newest_first(self, annotator: str) -> Iterator[tuple[int, str, int | None]]:
        actions = sorted(hist.UNDOABLE | {"undo", "redo", "skip"})
        marks = ", ".join("?" * len(actions))
        last = None
        while True:
            page = self.db.conn.execute(
                f"SELECT id, action, ref FROM events WHERE annotator = ? AND action IN ({marks})"
                + ("" if last is None else " AND id < ?")
                + " ORDER BY id DESC LIMIT 256",
                [annotator, *actions] + ([] if last is None else [last]),
            ).fetchall()
            if not page:
                return
            yield from (tuple(r) for r in page)  # type: ignore[misc]
            last = page[-1][0]

    def undo(self, annotator: str) -> HistoryEntry | None:
        """Revert the analyst's latest change that is not yet undone.

        Returns the change that was reverted, or None when there is nothing to undo.
        Raises ``HistoryConflictError`` (changing nothing) when the data has moved on.
        """
        return self._step(annotator, "undo")

    def redo(self, annotator: str) -> HistoryEntry | None:
        """Re-apply the analyst's latest undone change, or return None."""
        return self._step(annotator, "redo")

    def skip_undo(self, annotator: str) -> HistoryEntry | None:
        """Leave the analyst's next undo as it is (it conflicts, say) so that undo
        goes on with the change before it.  Changes no data; returns the change
        skipped, or None when there is nothing to undo."""
        with self._transaction():
            target_id = hist.undo_target(self._events_newest_first(annotator))
            if target_id is None:
                return None
            row = self.db.conn.execute("SELECT * FROM events WHERE id = ?", [target_id]).fetchone()
            self._record(
                annotator, "skip", document_id=row["document_id"], target=row["target"],
                ref=target_id,
            )  # fmt: skip
        return HistoryEntry(
            row["id"], row["at"], row["annotator"], row["action"], row["document_id"],
            row["target"], json.loads(row["before"]), json.loads(row["after"]), row["ref"],
        )  # fmt: skip

    def _step(self, annotator: str, direction: str) -> HistoryEntry | None:
        with self._transaction():
            find = hist.undo_target if direction == "undo" else hist.redo_target
            target_id = find(self._events_newest_first(annotator))
            if target_id is None:
                return None
            row = self.db.conn.execute("SELECT * FROM events WHERE id = ?", [target_id]).fetchone()
            before, after = json.loads(row["before"]), json.loads(row["after"])
            if direction == "undo":
                self._move(after, before)
            else:
                self._move(before, after)
            self._record(
                annotator, direction, document_id=row["document_id"], target=row["target"],
                ref=target_id,
            )  # fmt: skip
        return HistoryEntry(
            row["id"], row["at"], row["annotator"], row["action"], row["document_id"],
            row["target"], before, after, row["ref"],
        )  # fmt: skip

    def _move(self, current: hist.State, wanted: hist.State) -> None:
        """Turn the rows of state ``current`` into state ``wanted``, checking first.

        A row may hold only some columns (a rename stores the title, not the
        text); only those are compared and written.  Rows present in both states
        are updated in place, so nothing cascades.
        """
        conn = self.db.conn
        have = {t: hist.rows_by_id(current, t) for t in hist.TABLES}
        want = {t: hist.rows_by_id(wanted, t) for t in hist.TABLES}
        for table in hist.TABLES:
            for row_id, row in have[table].items():
                columns = _columns(table, row)
                now_row = conn.execute(
                    f"SELECT {quote_columns(columns)} FROM {table} WHERE id = ?", [row_id]
                ).fetchone()
                if now_row is None or tuple(now_row) != tuple(row[c] for c in columns):
                    raise HistoryConflictError(
                        f"{_NOUNS[table]} {row_id} changed since: it cannot be put back"
                    )
            for row_id in want[table].keys() - have[table].keys():
                if self._scalar(f"SELECT 1 FROM {table} WHERE id = ?", [row_id]):
                    raise HistoryConflictError(f"{_NOUNS[table]} {row_id} exists again since")
        doomed = list(have["spans"].keys() - want["spans"].keys())
        # A relation can come back only if both its spans are (or come back) there.
        for rel in want["relations"].values():
            for end in (rel["from_span"], rel["to_span"]):
                if end not in want["spans"] and (
                    end in doomed or not self._scalar("SELECT 1 FROM spans WHERE id = ?", [end])
                ):
                    raise HistoryConflictError(
                        f"span {end} of relation {rel['id']} was deleted since:"
                        " the relation cannot be put back"
                    )
        for rel in self._relations_touching(doomed) if doomed else []:
            if rel["id"] not in have["relations"]:
                raise HistoryConflictError(
                    f"span {rel['from_span'] if rel['from_span'] in doomed else rel['to_span']}"
                    f" is linked by relation {rel['id']} of {rel['annotator']}: delete it first"
                )
        # Children leave before their parents and come back after them.
        for table in reversed(hist.TABLES):
            for row_id in have[table].keys() - want[table].keys():
                conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
        for table in hist.TABLES:
            for row_id, row in want[table].items():
                columns = _columns(table, row)
                values = [row[c] for c in columns]
                if row_id in have[table]:
                    sets = ", ".join(f'"{c}" = ?' for c in columns)
                    conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values, row_id])
                else:
                    marks = ", ".join("?" * len(columns))
                    conn.execute(
                        f"INSERT INTO {table} ({quote_columns(columns)}) VALUES ({marks})", values
                    )


_NOUNS = {"documents": "document", "document_status": "status", "spans": "span",
          "relations": "relation", "revisions": "revision",
          "review_decisions": "review decision",
          "relation_decisions": "relation decision"}  # fmt: skip


def _columns(table: str, row: dict[str, Any]) -> list[str]:
    """The row's columns that the table really has (names never come from data)."""
    return [c for c in hist.TABLE_COLUMNS[table] if c in row]
