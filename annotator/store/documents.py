"""Documents: adding, importing, listing, and reading them out for exports."""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import history as hist
from ..errors import (
    DuplicateDocumentError,
    InvalidRelationError,
    InvalidSpanError,
    NotFoundError,
)
from ..model import (
    Document,
    DocumentRecord,
    DocumentSummary,
    ImportResult,
)
from ..shapes import span_shape_problem
from .base import (
    _RELATION_INSERT,
    _SPAN_INSERT,
    RELATION_COLUMNS,
    SPAN_COLUMNS,
    now,
    quote_columns,
    sha256,
)
from .fast_rows import span_tuples
from .spans import SpansMixin

# Row dicts to parameter tuples, in C (bulk imports pass tens of thousands).
_SPAN_VALUES = operator.itemgetter(*SPAN_COLUMNS)
_RELATION_VALUES = operator.itemgetter(*RELATION_COLUMNS)


class DocumentsMixin(SpansMixin):
    # -- documents -----------------------------------------------------------------

    def add_document(
        self,
        text: str,
        *,
        title: str | None = None,
        source: str | None = None,
        meta: Mapping[str, Any] | None = None,
        uid: str | None = None,
        added_by: str = "import",
    ) -> Document:
        """Add an article.  Its ``uid`` is the SHA-256 of the text unless given.

        Raises ``DuplicateDocumentError`` when the same text (or uid) is already here.
        """
        with self._transaction():
            return self._insert_document(
                text, title=title, source=source, meta=meta, uid=uid, added_by=added_by
            )

    def _insert_document(
        self,
        text: str,
        *,
        title: str | None,
        source: str | None,
        meta: Mapping[str, Any] | None,
        uid: str | None,
        added_by: str,
        created_at: str | None = None,
        digest: str | None = None,
    ) -> Document:
        """Insert a document; ``digest`` (its text's SHA-256) says the caller has
        already looked for the same uid or text and found none."""
        if not isinstance(text, str) or not text.strip():
            raise InvalidSpanError("a document needs non-empty text")
        looked = digest is not None
        digest = digest or sha256(text)
        uid = uid or digest
        existing = None if looked else self.db.conn.execute(
            "SELECT id, title FROM documents WHERE uid = ? OR text_sha256 = ? LIMIT 1",
            [uid, digest],
        ).fetchone()  # fmt: skip
        if existing is not None:
            raise DuplicateDocumentError(
                f"this article is already in the database as document {existing['id']}"
                f" ({existing['title'] or 'untitled'}): nothing to do",
                existing["id"],
            )
        created_at = created_at or now()
        try:  # strict JSON: a NaN stored here would break every later export
            meta_json = json.dumps(dict(meta or {}), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InvalidSpanError(f"document meta must be plain JSON values ({exc})") from None
        cursor = self.db.conn.execute(
            "INSERT INTO documents"
            " (uid, title, source, text, text_sha256, length, meta, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [uid, title, source, text, digest, len(text), meta_json, created_at],
        )
        doc_id = int(cursor.lastrowid or 0)
        self._record(
            added_by, "add_document", document_id=doc_id, target=uid,
            after={"documents": [{"id": doc_id, "uid": uid, "title": title, "source": source}]},
        )  # fmt: skip
        return Document(doc_id, uid, title, source, text, digest, json.loads(meta_json), created_at)

    def import_file(self, path: str | Path, **options: Any) -> ImportResult:
        """Import an article (.txt, .md, .html/.htm), an annotation file, or a folder.

        ``options`` are those of ``annotator.importing.import_path``: ``format``,
        ``label_map``, ``skip_invalid``, ``offsets``, ``annotator``.  Returns an
        ``ImportResult``: the list of added documents, with ``skipped`` naming
        what was already in the database or refused, and ``notes``.
        """
        from ..importing import import_path  # the importers use this store's API

        return import_path(self, Path(path), **options)

    def import_records(
        self,
        records: Iterable[DocumentRecord],
        *,
        added_by: str = "import",
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Store documents with their spans and relations: all of them, or none.

        A document already here (same uid or same text) is not added again; its
        spans and relations whose ids are new are added, so importing the same
        file twice adds nothing twice.  A known uid with a different text is a
        conflict: reported in ``skipped`` and left untouched.
        """
        result = ImportResult()
        with self._transaction() as conn:
            for n, record in enumerate(records, 1):
                try:
                    self._import_record(conn, record, added_by, result)
                except (InvalidSpanError, InvalidRelationError, NotFoundError) as exc:
                    raise type(exc)(f"{record.where or f'record {n}'}: {exc}") from None
                if progress is not None:
                    progress(n)
        return result

    def _import_record(
        self, conn: sqlite3.Connection, record: DocumentRecord, added_by: str, result: ImportResult
    ) -> None:
        name = record.where or record.title or "a document"
        digest = sha256(record.text)
        found = conn.execute(
            "SELECT id, uid, text_sha256 FROM documents WHERE uid = ? OR text_sha256 = ?"
            " ORDER BY uid = ? DESC LIMIT 1",
            [record.uid or digest, digest, record.uid or digest],
        ).fetchone()
        if found is not None and found["text_sha256"] != digest:
            result.skipped.append(
                f"{name}: document {found['id']} has the same id but another text (a conflict):"
                " left as it is"
            )
            return
        if found is None:
            doc = self._insert_document(
                record.text, title=record.title, source=record.source, meta=record.meta,
                uid=record.uid, added_by=added_by, created_at=record.created_at, digest=digest,
            )  # fmt: skip
            result.append(doc)
            doc_id = doc.id
        else:
            doc_id = found["id"]
        text = self._text(doc_id) if found is not None else record.text
        # A new document's spans are plainly valid in a well-formed file: one tight
        # pass builds their rows; anything doubtful goes the careful way.
        rows = None if found is not None else span_tuples(
            doc_id, text, record.spans, self.schema.label_set, now()
        )  # fmt: skip
        if rows is None:
            rows = self._checked_span_rows(doc_id, text, record.spans)
        labels = {row[0]: (row[3], doc_id) for row in rows}
        if found is not None:  # spans brought in before are not added twice
            known = self._existing_ids("spans", list(labels), doc_id)
            rows = [row for row in rows if row[0] not in known]
        rel_rows = [self._relation_row(doc_id, rel, labels) for rel in record.relations]
        if found is not None:
            known = self._existing_ids("relations", [r["id"] for r in rel_rows], doc_id)
            rel_rows = [r for r in rel_rows if r["id"] not in known]
        try:
            conn.executemany(_SPAN_INSERT, rows)
            conn.executemany(_RELATION_INSERT, map(_RELATION_VALUES, rel_rows))
        except sqlite3.IntegrityError:  # an id of the new rows belongs to another document
            self._existing_ids("spans", [row[0] for row in rows], doc_id)
            self._existing_ids("relations", [r["id"] for r in rel_rows], doc_id)
            raise
        result.spans_added += len(rows)
        result.relations_added += len(rel_rows)
        if rows or rel_rows:
            # The rows themselves carry their time stamps and origin; the history
            # names them, so the audit trail says who brought which spans in.
            self._record(
                added_by, "import", document_id=doc_id, target=record.where or None,
                after={"span_ids": [row[0] for row in rows],
                       "relation_ids": [r["id"] for r in rel_rows]},
            )  # fmt: skip
        elif found is not None:
            result.skipped.append(f"{name}: already in the database as document {doc_id}")

    def _checked_span_rows(
        self, doc_id: int, text: str, spans: list[dict[str, Any]]
    ) -> list[tuple[Any, ...]]:
        """Span rows validated one by one, with a precise error for the first bad one."""
        problem = span_shape_problem(spans)
        if problem is not None:
            raise InvalidSpanError(f"{problem}: fix the record")
        for span in spans:
            quote = span.get("text")
            start, end = span.get("start"), span.get("end")
            if quote is not None and isinstance(start, int) and isinstance(end, int):
                if text[start:end] != quote:
                    raise InvalidSpanError(
                        f"span {span.get('id') or ''} [{start}, {end}) quotes {quote!r} but the"
                        f" text there is {text[start:end]!r}: offsets must count code points"
                    )
        return list(map(_SPAN_VALUES, self._span_rows(doc_id, spans, text=text)))

    def _existing_ids(self, table: str, ids: list[str], document_id: int) -> set[str]:
        """The ids already stored; one stored under another document is refused."""
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for row_id, owner in self.db.conn.execute(
                f"SELECT id, document_id FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                if owner != document_id:
                    error = InvalidSpanError if table == "spans" else InvalidRelationError
                    raise error(
                        f"{table[:-1]} id {row_id} already belongs to document {owner}:"
                        " give the copy new ids"
                    )
                found.add(row_id)
        return found

    def documents(self, *, annotator: str | None = None) -> list[DocumentSummary]:
        """Every document without its text: span counts per label (of one analyst,
        if given) and per analyst, and who marked it done."""
        labels: dict[int, dict[str, int]] = {}
        analysts: dict[int, dict[str, int]] = {}
        orphans = _orphan_counts(self.db.conn, "document_id, annotator, label")
        for doc_id, who, label, n in self.db.conn.execute(
            "SELECT document_id, annotator, label, count(*) FROM spans"
            " GROUP BY document_id, annotator, label"
        ):
            n -= orphans.get((doc_id, who, label), 0)  # orphans count nowhere
            if not n:
                continue
            per_analyst = analysts.setdefault(doc_id, {})
            per_analyst[who] = per_analyst.get(who, 0) + n
            if annotator is None or who == annotator:
                per_label = labels.setdefault(doc_id, {})
                per_label[label] = per_label.get(label, 0) + n
        done: dict[int, set[str]] = {}
        for doc_id, who in self.db.conn.execute(
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
            for row in self.db.conn.execute(
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
            for r in self.db.conn.execute(
                "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM"
                " document_status WHERE annotator = ? AND done) ORDER BY id",
                [analyst],
            )
        ]
        later = [i for i in ids if after is None or i > after]
        return (later or [i for i in ids if i != after] or [None])[0]

    def _document_row(self, document_id: int, *columns: str) -> dict[str, Any]:
        known = [c for c in columns if c in hist.TABLE_COLUMNS["documents"]]
        row = self.db.conn.execute(
            f"SELECT {quote_columns(known)} FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document {document_id}: see `annotator list`")
        return dict(row)

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

    def document(self, document_id: int) -> Document:
        row = self.db.conn.execute("SELECT * FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise NotFoundError(f"there is no document {document_id}: see `annotator list`")
        return Document(
            row["id"], row["uid"], row["title"], row["source"], row["text"],
            row["text_sha256"], json.loads(row["meta"]), row["created_at"],
        )  # fmt: skip

    def document_by_uid(self, uid: str) -> Document | None:
        doc_id = self._scalar("SELECT id FROM documents WHERE uid = ?", [uid])
        return None if doc_id is None else self.document(doc_id)

    # -- reading for exports and statistics ---------------------------------------

    def stats(self) -> dict[str, dict[str, int]]:
        """Span counts: ``{label: {annotator: n}}``."""
        result: dict[str, dict[str, int]] = {}
        orphans = _orphan_counts(self.db.conn, "label, annotator")
        for label, annotator, n in self.db.conn.execute(
            "SELECT label, annotator, count(*) FROM spans GROUP BY label, annotator"
            " ORDER BY label, annotator"
        ):
            n -= orphans.get((label, annotator), 0)
            if n:
                result.setdefault(label, {})[annotator] = n
        return result

    def annotators(self) -> list[str]:
        return [
            r[0] for r in self.db.conn.execute("SELECT DISTINCT annotator FROM spans ORDER BY 1")
        ]

    def snapshot_readers(self, count: int = 2) -> list[sqlite3.Connection]:
        """``count`` read-only connections that see the same committed state.

        Each is inside a read transaction; every change appends to ``events`` in
        its own transaction, so equal newest event ids mean equal snapshots.
        The connections may be used from other threads; the caller closes them.
        """
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        for _attempt in range(10):
            conns = [
                sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
                for _ in range(count)
            ]
            marks = set()
            for conn in conns:
                conn.execute("BEGIN")
                marks.add(conn.execute("SELECT max(id) FROM events").fetchone()[0])
            if len(marks) == 1:
                return conns
            for conn in conns:
                conn.close()
        raise sqlite3.OperationalError("the database kept changing during the export: try again")

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
