"""Documents: listing, renaming, deleting, marking done, and reading them out."""

from __future__ import annotations

import sqlite3
from typing import Any

from .. import history as hist
from ..errors import (
    DatabaseFileError,
    InvalidSpanError,
    NotFoundError,
)
from ..model import (
    SUGGEST,
    Document,
    DocumentSummary,
)
from .base import (
    check_analyst,
    now,
    quote_columns,
)
from .imports import ImportsMixin
from .row_values import stored_object


class DocumentsMixin(ImportsMixin):
    # -- documents -----------------------------------------------------------------

    def documents(self, *, annotator: str | None = None) -> list[DocumentSummary]:
        """Every document without its text: span counts per label (of one analyst,
        if given, else of every layer but the suggestions) and per analyst, and
        who marked it done."""
        labels: dict[int, dict[str, int]] = {}
        analysts: dict[int, dict[str, int]] = {}
        orphans = _orphan_counts(self.conn, "document_id, annotator, label")
        for doc_id, who, label, n in self.conn.execute(
            "SELECT document_id, annotator, label, count(*) FROM spans"
            " GROUP BY document_id, annotator, label"
        ):
            n -= orphans.get((doc_id, who, label), 0)  # orphans count nowhere
            if not n:
                continue
            per_analyst = analysts.setdefault(doc_id, {})
            per_analyst[who] = per_analyst.get(who, 0) + n
            if who == annotator or (annotator is None and who != SUGGEST):
                per_label = labels.setdefault(doc_id, {})
                per_label[label] = per_label.get(label, 0) + n
        done: dict[int, set[str]] = {}
        for doc_id, who in self.conn.execute(
            "SELECT document_id, annotator FROM document_status WHERE done"
        ):
            done.setdefault(doc_id, set()).add(who)
        return [
            DocumentSummary(
                row["id"],
                row["uid"],
                row["title"],
                row["source"],
                row["length"],
                row["created_at"],
                labels.get(row["id"], {}),
                analysts.get(row["id"], {}),
                frozenset(done.get(row["id"], ())),
            )  # fmt: skip
            for row in self.conn.execute(
                "SELECT id, uid, title, source, length, created_at FROM documents ORDER BY id"
            )
        ]

    def rename_document(self, document_id: int, title: str, *, by: str) -> None:
        """Give a document a new title (one undo step of ``by``)."""
        title = title.strip()
        if not title:
            raise InvalidSpanError("a title cannot be empty: type a few words")
        with self._transaction() as conn:
            old = self._document_row(document_id, "id", "title")
            conn.execute("UPDATE documents SET title = ? WHERE id = ?", [title, document_id])
            self._record(
                by, "rename_document", document_id=document_id, target=str(document_id),
                before={"documents": [old]}, after={"documents": [{**old, "title": title}]},
            )  # fmt: skip

    def delete_document(self, document_id: int, *, by: str) -> None:
        """Delete a document with all its spans, relations and marks (undoable)."""
        with self._transaction() as conn:
            before = {
                "documents": [self._document_row(document_id, *hist.TABLE_COLUMNS["documents"])],
                **{
                    table: [
                        dict(r)
                        for r in conn.execute(
                            f"SELECT {quote_columns(hist.TABLE_COLUMNS[table])}"
                            f" FROM {table} WHERE document_id = ? ORDER BY id",
                            [document_id],
                        )
                    ]
                    for table in ("revisions", "document_status", "spans", "relations")
                },
            }
            conn.execute("DELETE FROM documents WHERE id = ?", [document_id])
            self._record(
                by, "delete_document", document_id=document_id, target=str(document_id),
                before=before, after={},
            )  # fmt: skip
        self._texts.pop(document_id, None)

    def set_done(self, document_id: int, analyst: str, done: bool = True) -> None:
        """Mark (or unmark) a document as done by ``analyst`` (one undo step)."""
        check_analyst(analyst)
        with self._transaction() as conn:
            self._document_row(document_id, "id")
            status_id = f"{document_id}/{analyst}"
            row = conn.execute(
                "SELECT id, document_id, annotator, done, updated_at FROM document_status"
                " WHERE id = ?",
                [status_id],
            ).fetchone()
            old = dict(row) if row else None
            if old is not None and bool(old["done"]) == done:
                return
            new = {"id": status_id, "document_id": document_id, "annotator": analyst,
                   "done": int(done), "updated_at": now()}  # fmt: skip
            conn.execute(
                "INSERT INTO document_status (id, document_id, annotator, done, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE"
                " SET done = excluded.done, updated_at = excluded.updated_at",
                [new["id"], document_id, analyst, new["done"], new["updated_at"]],
            )
            self._record(
                analyst, "set_done", document_id=document_id, target=status_id,
                before={"document_status": [old]} if old else {},
                after={"document_status": [new]},
            )  # fmt: skip

    def next_unfinished(self, analyst: str, after: int | None = None) -> int | None:
        """The first document after ``after`` (wrapping round) not done by ``analyst``."""
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM"
                " document_status WHERE annotator = ? AND done) ORDER BY id",
                [analyst],
            )
        ]
        later = [i for i in ids if after is None or i > after]
        return (later or [i for i in ids if i != after] or [None])[0]

    def _document_row(self, document_id: int, *columns: str) -> dict[str, Any]:
        known = [c for c in columns if c in hist.TABLE_COLUMNS["documents"]]
        row = self.conn.execute(
            f"SELECT {quote_columns(known)} FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document {document_id}: see `annotator list`")
        return dict(row)

    def has_document(self, document_id: int) -> bool:
        return self._scalar("SELECT 1 FROM documents WHERE id = ?", [document_id]) is not None

    def document_count(self) -> int:
        return int(self._scalar("SELECT count(*) FROM documents"))

    def span_count(self) -> int:
        """Live spans (orphans of replaced texts left out)."""
        return int(
            self._scalar(
                "SELECT count(*) - (SELECT count(*) FROM spans WHERE orphan_revision IS NOT NULL)"
                " FROM spans"
            )
        )

    def hand_made_span_count(self, annotator: str) -> int:
        """Spans of ``annotator`` that no review decision made (origin other than
        "adjudicated"): a layer with some is an analyst's own work, not a gold layer."""
        return int(self._scalar(
            "SELECT count(*) FROM spans WHERE annotator = ? AND origin <> 'adjudicated'",
            [annotator],
        ))  # fmt: skip

    def layer_span_count(self, annotator: str) -> int:
        """Live spans of one analyst, counted through the per-document index (cheap
        for a small layer such as the suggestions, whatever the size of the rest)."""
        return int(
            self._scalar(
                "SELECT count(*) FROM documents d CROSS JOIN spans s ON s.document_id = d.id"
                " AND s.annotator = ? WHERE s.orphan_revision IS NULL",
                [annotator],
            )
        )

    def pending_suggestion_count(self) -> int:
        """Live suggestions no analyst has accepted yet (no span of theirs has the
        same place and label): what an export of every layer leaves out."""
        return int(self._scalar(
            "SELECT count(*) FROM documents d CROSS JOIN spans s ON s.document_id = d.id"
            " AND s.annotator = ? WHERE s.orphan_revision IS NULL AND NOT EXISTS (SELECT 1"
            ' FROM spans o WHERE o.document_id = s.document_id AND o.start = s.start AND'
            ' o."end" = s."end" AND o.label = s.label AND o.annotator <> s.annotator'
            " AND o.orphan_revision IS NULL)",
            [SUGGEST],
        ))  # fmt: skip

    def document(self, document_id: int) -> Document:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document {document_id}: see `annotator list`")
        return Document(
            row["id"], row["uid"], row["title"], row["source"], row["text"],
            row["text_sha256"], stored_object(row["meta"], f"the meta of document {row['id']}"),
            row["created_at"],
        )  # fmt: skip

    def document_by_uid(self, uid: str) -> Document | None:
        doc_id = self._scalar("SELECT id FROM documents WHERE uid = ?", [uid])
        return None if doc_id is None else self.document(doc_id)

    # -- reading for exports and statistics ---------------------------------------

    def stats(self) -> dict[str, dict[str, int]]:
        """Span counts: ``{label: {annotator: n}}``."""
        result: dict[str, dict[str, int]] = {}
        orphans = _orphan_counts(self.conn, "label, annotator")
        for label, annotator, n in self.conn.execute(
            "SELECT label, annotator, count(*) FROM spans GROUP BY label, annotator"
            " ORDER BY label, annotator"
        ):
            n -= orphans.get((label, annotator), 0)
            if n:
                result.setdefault(label, {})[annotator] = n
        return result

    def annotators(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT DISTINCT annotator FROM spans ORDER BY 1")
        ]

    def snapshot_readers(self, count: int = 2) -> list[sqlite3.Connection]:
        """``count`` read-only connections that see the same committed state.

        Each is inside a read transaction; every change appends to ``events`` in
        its own transaction, so equal newest event ids mean equal snapshots.
        The connections may be used from other threads; the caller closes them.
        """
        if self.file_replaced():
            raise DatabaseFileError(
                f"{self.path} was moved, renamed or replaced since it was opened: nothing was"
                " read; open it again where it is now"
            )
        uri = f"{self.real_path.as_uri()}?{self.read_query}"
        for attempt in range(4):
            conns = [
                sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
                for _ in range(count)
            ]
            if attempt < 3:
                marks = set()
                for conn in conns:
                    conn.execute("BEGIN")
                    marks.add(conn.execute("SELECT max(id) FROM events").fetchone()[0])
                if len(marks) == 1:
                    return conns
                for conn in conns:
                    conn.close()
                continue
            # Someone commits faster than the readers start: hold other writers
            # off for the moment it takes to start them (readers never wait).
            if self.read_only is not None:  # no write lock to take
                for conn in conns:
                    conn.close()
                raise DatabaseFileError(
                    f"{self.path} kept changing while it was being read (another program"
                    " writes to it): try again"
                )
            try:
                with self._transaction():
                    for conn in conns:
                        conn.execute("BEGIN")
                        conn.execute("SELECT max(id) FROM events").fetchone()
            except BaseException:
                for conn in conns:
                    conn.close()
                raise
        return conns

    def export_jsonl(self, path_or_file: Any, *, annotator: str | None = None) -> Any:
        """Write the native JSONL export; see ``annotator.formats.jsonl.write``."""
        from ..formats import jsonl

        return jsonl.write(self, path_or_file, annotator=annotator)


def _orphan_counts(conn: sqlite3.Connection, columns: str) -> dict[tuple[Any, ...], int]:
    """Orphans per ``columns`` (names from our code), through the partial index."""
    return {
        tuple(row[:-1]): row[-1]
        for row in conn.execute(
            f"SELECT {columns}, count(*) FROM spans WHERE orphan_revision IS NOT NULL"
            f" GROUP BY {columns}"
        )
    }
