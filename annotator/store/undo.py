"""The history: listing it, and undo / redo that survive restarts."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .. import history as hist
from ..errors import (
    HistoryConflictError,
)
from ..model import (
    HistoryEntry,
)
from .base import (
    _RELATION_INSERT,
    _RELATION_SELECT,
    _SPAN_INSERT,
    _SPAN_SELECT,
    RELATION_COLUMNS,
    SPAN_COLUMNS,
)
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
        actions = sorted(hist.UNDOABLE | {"undo", "redo"})
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
        """Turn the rows of state ``current`` into state ``wanted``, checking first."""
        conn = self.db.conn
        for table in hist.TABLES:
            have, want = hist.rows_by_id(current, table), hist.rows_by_id(wanted, table)
            select = _SPAN_SELECT if table == "spans" else _RELATION_SELECT
            for row_id, row in have.items():
                found = conn.execute(f"SELECT {select} FROM {table} WHERE id = ?", [row_id])
                now_row = found.fetchone()
                if now_row is None or dict(now_row) != row:
                    raise HistoryConflictError(
                        f"{table[:-1]} {row_id} changed since: it cannot be put back"
                    )
            for row_id in want.keys() - have.keys():
                if self._scalar(f"SELECT 1 FROM {table} WHERE id = ?", [row_id]):
                    raise HistoryConflictError(f"{table[:-1]} {row_id} exists again since")
        doomed = list(
            hist.rows_by_id(current, "spans").keys() - hist.rows_by_id(wanted, "spans").keys()
        )
        # A relation can come back only if both its spans are (or come back) there.
        coming = hist.rows_by_id(wanted, "spans")
        for rel in hist.rows_by_id(wanted, "relations").values():
            for end in (rel["from_span"], rel["to_span"]):
                if end not in coming and (
                    end in doomed or not self._scalar("SELECT 1 FROM spans WHERE id = ?", [end])
                ):
                    raise HistoryConflictError(
                        f"span {end} of relation {rel['id']} was deleted since:"
                        " the relation cannot be put back"
                    )
        leaving_rels = hist.rows_by_id(current, "relations")
        for rel in self._relations_touching(doomed) if doomed else []:
            if rel["id"] not in leaving_rels:
                raise HistoryConflictError(
                    f"span {rel['from_span'] if rel['from_span'] in doomed else rel['to_span']}"
                    f" is linked by relation {rel['id']} of {rel['annotator']}: delete it first"
                )
        # Relations go before their spans and come back after them.
        for row_id in leaving_rels.keys() - hist.rows_by_id(wanted, "relations").keys():
            conn.execute("DELETE FROM relations WHERE id = ?", [row_id])
        for row_id in doomed:
            conn.execute("DELETE FROM spans WHERE id = ?", [row_id])
        for table, insert, columns in (
            ("spans", _SPAN_INSERT, SPAN_COLUMNS),
            ("relations", _RELATION_INSERT, RELATION_COLUMNS),
        ):
            have = hist.rows_by_id(current, table)
            for row_id, row in hist.rows_by_id(wanted, table).items():
                if row_id in have:
                    conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
                conn.execute(insert, [row[c] for c in columns])
