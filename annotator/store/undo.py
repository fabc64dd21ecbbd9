"""The history: listing it, and undo / redo that survive restarts."""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator
from typing import Any

from .. import history as hist
from ..display_text import one_line
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
            for r in self.conn.execute(
                f"SELECT * FROM events {where} ORDER BY id DESC LIMIT ?", params + [limit]
            )
        ]

    def last_event_id(self, annotator: str) -> int | None:
        """The newest event of ``annotator`` (None before the first): a window
        that remembers it can tell when another window of the same analyst acted."""
        found = self._scalar("SELECT max(id) FROM events WHERE annotator = ?", [annotator])
        return None if found is None else int(found)

    def _events_newest_first(self, annotator: str) -> Iterator[tuple[int, str, int | None]]:
        actions = sorted(hist.UNDOABLE | {"undo", "redo", "skip"})
        marks = ", ".join("?" * len(actions))
        last = None
        while True:
            page = self.conn.execute(
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

    def step_size(self, annotator: str, direction: str = "undo") -> int:
        """How big the analyst's next undo (or redo) is: the characters of the
        states it restores (0 when there is none).  A window runs a big one on
        a worker thread."""
        find = hist.undo_target if direction == "undo" else hist.redo_target
        target_id = find(self._events_newest_first(annotator))
        if target_id is None:
            return 0
        return int(self._scalar(
            "SELECT coalesce(length(before), 0) + coalesce(length(after), 0) FROM events"
            " WHERE id = ?", [target_id],
        ))  # fmt: skip

    def skip_undo(self, annotator: str) -> HistoryEntry | None:
        """Leave the analyst's next undo as it is (it conflicts, say) so that undo
        goes on with the change before it.  Changes no data; returns the change
        skipped, or None when there is nothing to undo."""
        with self._transaction():
            target_id = hist.undo_target(self._events_newest_first(annotator))
            if target_id is None:
                return None
            row = self.conn.execute("SELECT * FROM events WHERE id = ?", [target_id]).fetchone()
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
            row = self.conn.execute("SELECT * FROM events WHERE id = ?", [target_id]).fetchone()
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
        are updated in place, so nothing cascades.  Rows are read and written
        many per statement: undoing a "Tag all" of 20,000 matches is one step.
        """
        conn = self.conn
        have = {t: hist.rows_by_id(current, t) for t in hist.TABLES}
        want = {t: hist.rows_by_id(wanted, t) for t in hist.TABLES}
        for table in hist.TABLES:
            changed = self._changed_rows(table, have[table])
            if changed:
                raise HistoryConflictError(
                    f"{_named(table, have[table][changed[0]])} changed since: it cannot be put back"
                )
            back = [row_id for row_id in want[table] if row_id not in have[table]]
            there = self._present(table, back)
            if there:
                again = next(i for i in back if i in there)
                raise HistoryConflictError(
                    f"{_named(table, want[table][again])} exists again since"
                )
        self._check_uids_free(have["documents"], want["documents"])
        # Rows come back only into a document that is there (or comes back too).
        homes = {row["document_id"] for table in _CASCADED for row in want[table].values()
                 if row.get("document_id") is not None} - set(want["documents"])  # fmt: skip
        gone_home = homes - self._present("documents", sorted(homes))
        if gone_home:
            raise HistoryConflictError(
                f"document {min(gone_home)} was deleted since: its rows cannot be put back"
            )
        doomed = [row_id for row_id in have["spans"] if row_id not in want["spans"]]
        # A relation can come back only if both its spans are (or come back) there.
        ends = [end for rel in want["relations"].values()
                for end in (rel["from_span"], rel["to_span"])
                if end not in want["spans"]]  # fmt: skip
        alive = self._present("spans", ends).difference(doomed)
        for rel in want["relations"].values():
            for end in (rel["from_span"], rel["to_span"]):
                if end not in want["spans"] and end not in alive:
                    raise HistoryConflictError(
                        f"span {end} of relation {rel['id']} was deleted since:"
                        " the relation cannot be put back"
                    )
        gone = set(doomed)
        for i in range(0, len(doomed), _CHUNK // 2):  # each id is given twice
            for rel in self._relations_touching(doomed[i : i + _CHUNK // 2]):
                if rel["id"] not in have["relations"]:
                    raise HistoryConflictError(
                        f"span {rel['from_span'] if rel['from_span'] in gone else rel['to_span']}"
                        f" is linked by relation {rel['id']} of {rel['annotator']}: delete it first"
                    )
        self._check_links_fit(have, want)
        # A document leaving takes its rows with it (ON DELETE CASCADE): each must be
        # in this step, or it is someone's later work, which must not go unrecorded.
        for doc_id in [i for i in have["documents"] if i not in want["documents"]]:
            for table in _CASCADED:
                for (row_id,) in conn.execute(
                    f"SELECT id FROM {table} WHERE document_id = ? ORDER BY id", [doc_id]
                ):
                    if row_id not in have[table]:
                        raise HistoryConflictError(
                            f"document {doc_id} has {_NOUNS[table]} {row_id} added since:"
                            " it cannot be deleted again (delete that first)"
                        )
        # Children leave before their parents and come back after them.
        for table in reversed(hist.TABLES):
            leaving = [(row_id,) for row_id in have[table] if row_id not in want[table]]
            conn.executemany(f"DELETE FROM {table} WHERE id = ?", leaving)
        for table in hist.TABLES:
            here = have[table]
            for columns, rows in _by_columns(table, want[table].values()).items():
                values = _values(columns)
                sets = ", ".join(f'"{c}" = ?' for c in columns)
                marks = ", ".join("?" * len(columns))
                update = f"UPDATE {table} SET {sets} WHERE id = ?"
                insert = f"INSERT INTO {table} ({quote_columns(columns)}) VALUES ({marks})"
                conn.executemany(update, [(*values(r), r["id"]) for r in rows if r["id"] in here])
                conn.executemany(insert, [values(r) for r in rows if r["id"] not in here])

    def _check_uids_free(self, have: dict[Any, Any], want: dict[Any, Any]) -> None:
        """Refuse to bring back a document whose article was imported again since."""
        for row in want.values():
            if row["id"] in have or "uid" not in row:
                continue
            again = self._scalar("SELECT id FROM documents WHERE uid = ?", [row["uid"]])
            if again is not None:
                raise HistoryConflictError(
                    f"{_named('documents', row)} was imported again since, as document"
                    f" {again}: it cannot come back (delete that one first)"
                )

    def _check_links_fit(self, have: dict[str, Any], want: dict[str, Any]) -> None:
        """Refuse a step after which a relation would link labels its type does not
        allow: one coming back, or one on a span the step relabels."""
        labels = {i: r["label"] for i, r in want["spans"].items() if "label" in r}
        relabelled = [i for i, label in labels.items()
                      if i in have["spans"] and have["spans"][i].get("label") != label]  # fmt: skip
        links = [r for r in want["relations"].values() if "type" in r]
        for i in range(0, len(relabelled), _CHUNK // 2):  # each id is given twice
            links += [rel for rel in self._relations_touching(relabelled[i : i + _CHUNK // 2])
                      if rel["id"] not in want["relations"]
                      and rel["id"] not in have["relations"]]  # fmt: skip
        ends = sorted({end for rel in links for end in (rel["from_span"], rel["to_span"])}
                      - labels.keys())  # fmt: skip
        for i in range(0, len(ends), _CHUNK):
            chunk = ends[i : i + _CHUNK]
            labels.update(self.conn.execute(
                f"SELECT id, label FROM spans WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall())  # fmt: skip
        for rel in links:
            start, end = labels.get(rel["from_span"]), labels.get(rel["to_span"])
            if start and end and rel["type"] not in self.schema.relation_types_between(start, end):
                raise HistoryConflictError(
                    f"{_named('relations', rel)} would link {start} to {end}, which"
                    f" {rel['type']} cannot: it cannot be put back (delete that link first)"
                )

    def _changed_rows(self, table: str, rows: dict[str, dict[str, Any]]) -> list[str]:
        """The ids (in ``rows``' order) whose stored columns differ from ``rows``, or are gone."""
        differ: set[str] = set()
        for columns, group in _by_columns(table, rows.values()).items():
            names = quote_columns(columns)
            for i in range(0, len(group), _CHUNK):
                chunk = group[i : i + _CHUNK]
                stored = {r[0]: tuple(r[1:]) for r in self.conn.execute(
                    f"SELECT id, {names} FROM {table}"
                    f" WHERE id IN ({', '.join('?' * len(chunk))})",
                    [row["id"] for row in chunk],
                )}  # fmt: skip
                values = _values(columns)
                differ.update(row["id"] for row in chunk
                              if stored.get(row["id"]) != values(row))  # fmt: skip
        return [row_id for row_id in rows if row_id in differ]

    def _present(self, table: str, ids: list[Any]) -> set[Any]:
        """Those of ``ids`` that are rows of ``table`` now."""
        found: set[Any] = set()
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            found.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            ))  # fmt: skip
        return found


_CASCADED = ("revisions", "document_status", "spans", "relations")  # go with their document
_CHUNK = 500  # ids per "IN (...)" list: well within SQLite's limit of parameters


def _named(table: str, row: dict[str, Any]) -> str:
    """A row as an analyst knows it: 'span 3f2a… (ACTOR “Olena Koval”)'."""
    named = f"{_NOUNS[table]} {row['id']}"
    if table == "spans" and "label" in row and "text" in row:
        return f"{named} ({row['label']} “{one_line(row['text'], 40)}”)"
    if table == "relations" and "type" in row:
        return f"{named} ({row['type']})"
    if table == "documents" and row.get("title"):
        return f"{named} (“{one_line(row['title'], 40)}”)"
    return named


def _by_columns(
    table: str, rows: Any
) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """``rows`` grouped by the columns they hold (usually all alike), in order."""
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:  # rows written by one change have their keys in one order
        by_keys.setdefault(tuple(row), []).append(row)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for keys, group in by_keys.items():
        groups.setdefault(tuple(_columns(table, dict.fromkeys(keys))), []).extend(group)
    return groups


def _values(columns: tuple[str, ...]) -> Any:
    """A function giving a row's values of ``columns`` as a tuple."""
    pick = operator.itemgetter(*columns)
    return pick if len(columns) > 1 else lambda row: (pick(row),)


_NOUNS = {"documents": "document", "document_status": "status", "spans": "span",
          "relations": "relation", "revisions": "revision",
          "review_decisions": "review decision",
          "relation_decisions": "relation decision"}  # fmt: skip


def _columns(table: str, row: dict[str, Any]) -> list[str]:
    """The row's columns that the table really has (names never come from data)."""
    return [c for c in hist.TABLE_COLUMNS[table] if c in row]
