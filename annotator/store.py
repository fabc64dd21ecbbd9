"""The only module that talks SQL: documents, spans, relations and their history.

Every public call that changes data is one ``BEGIN IMMEDIATE`` transaction,
committed (``synchronous=FULL``, WAL) before the call returns, so a process
killed right after a call returns has lost nothing.  Callers get frozen
dataclasses from ``annotator.model``, never rows.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from . import history, migrations
from .errors import (
    DatabaseFileError,
    DuplicateDocumentError,
    HistoryConflictError,
    InvalidRelationError,
    InvalidSpanError,
    NotFoundError,
)
from .model import (
    ORIGINS,
    Document,
    DocumentRecord,
    DocumentSummary,
    HistoryEntry,
    ImportResult,
    Relation,
    Schema,
    Span,
)
from .schema import default_schema_body, load_schema_file, schema_from_dict, validate_schema

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 2000
WRITE_RETRIES = 5
DEFAULT_IMPORT_LIMIT = 50 * 1024 * 1024

SPAN_COLUMNS = (
    "id", "document_id", "annotator", "label", "start", "end", "text", "note",
    "attributes", "origin", "created_at", "updated_at",
)  # fmt: skip
RELATION_COLUMNS = (
    "id", "document_id", "annotator", "type", "from_span", "to_span", "attributes", "created_at",
)  # fmt: skip
_SPAN_SELECT = ", ".join(f'"{c}"' for c in SPAN_COLUMNS)
_RELATION_SELECT = ", ".join(f'"{c}"' for c in RELATION_COLUMNS)
_SPAN_INSERT = f"INSERT INTO spans ({_SPAN_SELECT}) VALUES ({', '.join('?' * len(SPAN_COLUMNS))})"
_RELATION_INSERT = (
    f"INSERT INTO relations ({_RELATION_SELECT}) "
    f"VALUES ({', '.join('?' * len(RELATION_COLUMNS))})"
)
_UNSET: Any = object()


def now() -> str:
    """UTC time stamp, ISO 8601 with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_id() -> str:
    return str(uuid.uuid4())


def open_store(path: str | Path, *, schema: str | Path | Mapping[str, Any] | None = None) -> Store:
    """Open (creating if missing) the database at ``path``.

    ``schema`` (a file path or a parsed schema) is copied into a new database;
    an existing database keeps the schema it was created with.
    """
    return Store(path, schema=schema)


def _span_from_row(row: Mapping[str, Any]) -> Span:
    return Span(
        id=row["id"],
        document_id=row["document_id"],
        annotator=row["annotator"],
        label=row["label"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        note=row["note"],
        attributes=json.loads(row["attributes"]),
        origin=row["origin"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _relation_from_row(row: Mapping[str, Any]) -> Relation:
    return Relation(
        id=row["id"],
        document_id=row["document_id"],
        annotator=row["annotator"],
        type=row["type"],
        from_span=row["from_span"],
        to_span=row["to_span"],
        attributes=json.loads(row["attributes"]),
        created_at=row["created_at"],
    )


class Store:
    """One annotation database file.  Use as a context manager or call ``close()``."""

    def __init__(
        self,
        path: str | Path,
        *,
        schema: str | Path | Mapping[str, Any] | None = None,
        import_limit: int = DEFAULT_IMPORT_LIMIT,
    ) -> None:
        self.path = Path(path)
        self.import_limit = import_limit
        _refuse_foreign_file(self.path)
        conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        self.db = sqlite_utils.Database(conn)
        self._texts: dict[int, tuple[str, str]] = {}  # id -> (sha256, text)
        try:
            self._prepare(schema)
        except BaseException:
            conn.close()
            raise
        self.schema: Schema = schema_from_dict(json.loads(self._scalar("SELECT body FROM schema")))

    # -- opening -----------------------------------------------------------------

    def _prepare(self, schema: str | Path | Mapping[str, Any] | None) -> None:
        conn = self.db.conn
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise DatabaseFileError(
                f"{self.path} is not an annotator database ({exc}): choose another file"
            ) from None
        if version > migrations.LATEST:
            raise DatabaseFileError(
                f"{self.path} was written by a newer annotator (layout {version}, this one "
                f"knows up to {migrations.LATEST}): upgrade annotator to open it"
            )
        if app_id not in (0, migrations.APPLICATION_ID) or (version == 0 and tables):
            raise DatabaseFileError(
                f"{self.path} is a SQLite file of another program: choose another file"
            )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if version == migrations.LATEST:
            return
        body = None
        if version == 0:
            body = self._schema_body(schema)
        with self._transaction():
            # Another process may have upgraded the file while we waited for the lock.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current < migrations.LATEST:
                migrations.upgrade(conn, current)
            if body is not None and self._scalar("SELECT count(*) FROM schema") == 0:
                conn.execute("INSERT INTO schema (id, body) VALUES (1, ?)", [json.dumps(body)])

    @staticmethod
    def _schema_body(schema: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
        if schema is None:
            return default_schema_body()
        if isinstance(schema, Mapping):
            body = dict(schema)
            validate_schema(body)
            return body
        return load_schema_file(schema)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any error."""
        conn = self.db.conn
        for attempt in range(WRITE_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                # busy_timeout already waited; a few more tries ride out a long writer.
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == WRITE_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = self.db.conn.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]

    def _record(
        self,
        annotator: str,
        action: str,
        *,
        document_id: int | None = None,
        target: str | None = None,
        before: Any = None,
        after: Any = None,
        ref: int | None = None,
    ) -> int:
        cursor = self.db.conn.execute(
            "INSERT INTO events (at, annotator, action, document_id, target, before, after, ref)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                now(), annotator, action, document_id, target,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
                ref,
            ],
        )  # fmt: skip
        return int(cursor.lastrowid or 0)

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
    ) -> Document:
        if not isinstance(text, str) or not text.strip():
            raise InvalidSpanError("a document needs non-empty text")
        digest = sha256(text)
        uid = uid or digest
        existing = self.db.conn.execute(
            "SELECT id, title FROM documents WHERE uid = ? OR text_sha256 = ? LIMIT 1",
            [uid, digest],
        ).fetchone()
        if existing is not None:
            raise DuplicateDocumentError(
                f"this article is already in the database as document {existing['id']}"
                f" ({existing['title'] or 'untitled'}): nothing to do",
                existing["id"],
            )
        created_at = created_at or now()
        meta_json = json.dumps(dict(meta or {}), ensure_ascii=False)
        cursor = self.db.conn.execute(
            "INSERT INTO documents (uid, title, source, text, text_sha256, length, meta, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [uid, title, source, text, digest, len(text), meta_json, created_at],
        )
        doc_id = int(cursor.lastrowid or 0)
        self._record(
            added_by, "add_document", document_id=doc_id, target=uid,
            after={"documents": [{"id": doc_id, "uid": uid, "title": title, "source": source}]},
        )  # fmt: skip
        return Document(
            doc_id, uid, title, source, text, digest, json.loads(meta_json), created_at
        )

    def import_file(self, path: str | Path) -> Any:
        """Import an article file (.txt, .md, .html/.htm) or a native JSONL file.

        Returns an ``ImportResult``: the list of added documents, with ``skipped``
        naming files whose text was already in the database.
        """
        from .importing import import_path  # the importers use this store's API

        return import_path(self, Path(path))

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
                uid=record.uid, added_by=added_by, created_at=record.created_at,
            )  # fmt: skip
            result.append(doc)
            doc_id = doc.id
        else:
            doc_id = found["id"]
        text = self._text(doc_id) if found is not None else record.text
        for span in record.spans:
            quote = span.get("text")
            start, end = span.get("start"), span.get("end")
            if quote is not None and isinstance(start, int) and isinstance(end, int):
                if text[start:end] != quote:
                    raise InvalidSpanError(
                        f"span {span.get('id') or ''} [{start}, {end}) quotes {quote!r} but the"
                        f" text there is {text[start:end]!r}: offsets must count code points"
                    )
        rows = self._span_rows(doc_id, record.spans, text=text)
        known = self._existing_ids("spans", [r["id"] for r in rows])
        new_rows = [r for r in rows if r["id"] not in known]
        conn.executemany(_SPAN_INSERT, [[r[c] for c in SPAN_COLUMNS] for r in new_rows])
        result.spans_added += len(new_rows)
        labels = {r["id"]: (r["label"], doc_id) for r in rows}
        rel_rows = [self._relation_row(doc_id, rel, labels) for rel in record.relations]
        known = self._existing_ids("relations", [r["id"] for r in rel_rows])
        rel_rows = [r for r in rel_rows if r["id"] not in known]
        conn.executemany(_RELATION_INSERT, [[r[c] for c in RELATION_COLUMNS] for r in rel_rows])
        result.relations_added += len(rel_rows)
        if found is not None and not new_rows and not rel_rows:
            result.skipped.append(f"{name}: already in the database as document {doc_id}")

    def _existing_ids(self, table: str, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            found.update(
                r[0]
                for r in self.db.conn.execute(
                    f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk
                )
            )
        return found

    def _relation_row(
        self, document_id: int, rel: Mapping[str, Any], labels: Mapping[str, tuple[str, int]]
    ) -> dict[str, Any]:
        """A validated relations row; ``labels`` maps span ids to (label, document)."""
        ends = []
        for key in ("from", "to"):
            span_id = rel.get(key)
            if span_id not in labels:
                row = self.db.conn.execute(
                    "SELECT label, document_id FROM spans WHERE id = ?", [span_id]
                ).fetchone()
                if row is None:
                    raise InvalidRelationError(f"relation {key} span {span_id!r} does not exist")
                ends.append((row[0], row[1]))
            else:
                ends.append(labels[span_id])
        if any(doc != document_id for _, doc in ends):
            raise InvalidRelationError(
                f"both spans of a relation must belong to document {document_id}"
            )
        if rel.get("from") == rel.get("to"):
            raise InvalidRelationError("a relation needs two different spans")
        rel_type = rel.get("type")
        allowed = self.schema.relation_types_between(ends[0][0], ends[1][0])
        if rel_type not in allowed:
            raise InvalidRelationError(
                f"the schema allows no {rel_type} relation from {ends[0][0]} to {ends[1][0]}"
                + (f": use {', '.join(allowed)}" if allowed else "")
            )
        annotator = rel.get("annotator")
        if not isinstance(annotator, str) or not annotator.strip():
            raise InvalidRelationError("a relation needs an annotator name")
        attributes = rel.get("attributes") or {}
        if not isinstance(attributes, Mapping):
            raise InvalidRelationError("relation attributes must be a JSON object")
        return {
            "id": rel.get("id") or new_id(), "document_id": document_id,
            "annotator": annotator, "type": rel_type, "from_span": rel["from"],
            "to_span": rel["to"], "attributes": json.dumps(dict(attributes), ensure_ascii=False),
            "created_at": rel.get("created_at") or now(),
        }  # fmt: skip

    def documents(self, *, annotator: str | None = None) -> list[DocumentSummary]:
        """Every document without its text, with span counts per label."""
        counts: dict[int, dict[str, int]] = {}
        where, params = ("WHERE annotator = ?", [annotator]) if annotator else ("", [])
        for doc_id, label, n in self.db.conn.execute(
            f"SELECT document_id, label, count(*) FROM spans {where} GROUP BY document_id, label",
            params,
        ):
            counts.setdefault(doc_id, {})[label] = n
        return [
            DocumentSummary(
                row["id"], row["uid"], row["title"], row["source"], row["length"],
                row["created_at"], counts.get(row["id"], {}),
            )  # fmt: skip
            for row in self.db.conn.execute(
                "SELECT id, uid, title, source, length, created_at FROM documents ORDER BY id"
            )
        ]

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

    def _text(self, document_id: int) -> str:
        """The document's text, cached by its hash (texts are long, spans many)."""
        digest = self._scalar("SELECT text_sha256 FROM documents WHERE id = ?", [document_id])
        if digest is None:
            raise NotFoundError(f"there is no document {document_id}: see `annotator list`")
        cached = self._texts.get(document_id)
        if cached is None or cached[0] != digest:
            text = self._scalar("SELECT text FROM documents WHERE id = ?", [document_id])
            if len(self._texts) > 16:
                self._texts.clear()
            cached = self._texts[document_id] = (digest, text)
        return cached[1]

    # -- spans ---------------------------------------------------------------------

    def _span_row(
        self,
        text: str,
        document_id: int,
        start: Any,
        end: Any,
        label: Any,
        annotator: Any,
        *,
        note: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        origin: str = "manual",
        span_id: str | None = None,
        created_at: str | None = None,
        updated_at: str | None = None,
    ) -> dict[str, Any]:
        """A validated spans row; raises ``InvalidSpanError`` and writes nothing."""
        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidSpanError(f"span {name} must be an integer, not {value!r}")
        if not 0 <= start < end <= len(text):
            raise InvalidSpanError(
                f"span [{start}, {end}) is not inside document {document_id} "
                f"(0..{len(text)} code points, start < end)"
            )
        if label not in self.schema.label_names:
            raise InvalidSpanError(
                f"unknown label {label!r}: the schema has {', '.join(self.schema.label_names)}"
            )
        if not isinstance(annotator, str) or not annotator.strip():
            raise InvalidSpanError("a span needs an annotator name")
        if origin not in ORIGINS:
            raise InvalidSpanError(f"unknown origin {origin!r}: use one of {', '.join(ORIGINS)}")
        if attributes is not None and not isinstance(attributes, Mapping):
            raise InvalidSpanError("span attributes must be a JSON object")
        stamp = now()
        return {
            "id": span_id or new_id(),
            "document_id": document_id,
            "annotator": annotator,
            "label": label,
            "start": start,
            "end": end,
            "text": text[start:end],
            "note": note or None,
            "attributes": json.dumps(dict(attributes or {}), ensure_ascii=False),
            "origin": origin,
            "created_at": created_at or stamp,
            "updated_at": updated_at or created_at or stamp,
        }

    def add_span(
        self,
        document_id: int,
        start: int,
        end: int,
        label: str,
        *,
        annotator: str,
        note: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        origin: str = "manual",
    ) -> Span:
        """Add one span, committed before returning (one short transaction)."""
        with self._transaction() as conn:
            row = self._span_row(
                self._text(document_id), document_id, start, end, label, annotator,
                note=note, attributes=attributes, origin=origin,
            )  # fmt: skip
            conn.execute(_SPAN_INSERT, [row[c] for c in SPAN_COLUMNS])
            self._record(
                annotator, "add_span", document_id=document_id, target=row["id"],
                before={}, after={"spans": [row]},
            )  # fmt: skip
        return _span_from_row(row)

    def add_spans(
        self, document_id: int, spans: Iterable[Mapping[str, Any] | Span], *, by: str | None = None
    ) -> list[Span]:
        """Add many spans in one transaction and one undo step.

        Each item is a ``Span`` or a mapping with ``start``, ``end``, ``label``,
        ``annotator`` and optionally ``id``, ``note``, ``attributes``, ``origin``,
        ``created_at``, ``updated_at``.  All are checked before any is written.
        """
        with self._transaction() as conn:
            rows = self._span_rows(document_id, spans)
            if not rows:
                return []
            conn.executemany(_SPAN_INSERT, [[r[c] for c in SPAN_COLUMNS] for r in rows])
            self._record(
                by or rows[0]["annotator"], "add_spans", document_id=document_id,
                before={}, after={"spans": rows},
            )  # fmt: skip
        return [_span_from_row(r) for r in rows]

    def _span_rows(
        self,
        document_id: int,
        spans: Iterable[Mapping[str, Any] | Span],
        *,
        text: str | None = None,
    ) -> list[dict[str, Any]]:
        text = self._text(document_id) if text is None else text
        rows = []
        for item in spans:
            s = item.__dict__ if isinstance(item, Span) else item
            rows.append(
                self._span_row(
                    text, document_id, s.get("start"), s.get("end"), s.get("label"),
                    s.get("annotator"), note=s.get("note"), attributes=s.get("attributes"),
                    origin=s.get("origin") or "manual", span_id=s.get("id") or None,
                    created_at=s.get("created_at") or None, updated_at=s.get("updated_at") or None,
                )  # fmt: skip
            )
        ids = [r["id"] for r in rows]
        if len(set(ids)) != len(ids):
            raise InvalidSpanError("the same span id appears twice in one batch")
        return rows

    def spans(self, document_id: int, *, annotator: str | None = None) -> list[Span]:
        """The document's spans (one analyst's, if given), sorted by (start, end)."""
        where, params = "document_id = ?", [document_id]
        if annotator is not None:
            where, params = where + " AND annotator = ?", params + [annotator]
        rows = self.db.conn.execute(
            f'SELECT {_SPAN_SELECT} FROM spans WHERE {where} ORDER BY start, "end", id', params
        )
        return [_span_from_row(r) for r in rows]

    def span(self, span_id: str) -> Span:
        return _span_from_row(self._span_dict(span_id))

    def _span_dict(self, span_id: str) -> dict[str, Any]:
        row = self.db.conn.execute(
            f"SELECT {_SPAN_SELECT} FROM spans WHERE id = ?", [span_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no span {span_id}: it may have been deleted")
        return dict(row)

    def update_span(
        self,
        span_id: str,
        *,
        label: str | None = None,
        start: int | None = None,
        end: int | None = None,
        note: str | None = _UNSET,
        attributes: Mapping[str, Any] | None = None,
        by: str | None = None,
    ) -> Span:
        """Change a span; omitted fields stay.  ``note=None`` or ``""`` clears the note.

        ``by`` names who made the change (default: the span's analyst); the change
        joins that analyst's undo history.
        """
        with self._transaction() as conn:
            old = self._span_dict(span_id)
            new = self._span_row(
                self._text(old["document_id"]), old["document_id"],
                old["start"] if start is None else start, old["end"] if end is None else end,
                old["label"] if label is None else label, old["annotator"],
                note=old["note"] if note is _UNSET else note,
                attributes=json.loads(old["attributes"]) if attributes is None else attributes,
                origin=old["origin"], span_id=span_id, created_at=old["created_at"],
            )  # fmt: skip
            new["updated_at"] = now()
            conn.execute(
                'UPDATE spans SET label = ?, start = ?, "end" = ?, text = ?, note = ?,'
                " attributes = ?, updated_at = ? WHERE id = ?",
                [new["label"], new["start"], new["end"], new["text"], new["note"],
                 new["attributes"], new["updated_at"], span_id],
            )  # fmt: skip
            self._record(
                by or old["annotator"], "update_span", document_id=old["document_id"],
                target=span_id, before={"spans": [old]}, after={"spans": [new]},
            )  # fmt: skip
        return _span_from_row(new)

    def delete_span(self, span_id: str, *, by: str | None = None) -> None:
        """Delete a span and the relations that use it (one undo step)."""
        with self._transaction() as conn:
            old = self._span_dict(span_id)
            rels = self._relations_touching([span_id])
            conn.execute("DELETE FROM spans WHERE id = ?", [span_id])
            self._record(
                by or old["annotator"], "delete_span", document_id=old["document_id"],
                target=span_id, before={"spans": [old], "relations": rels}, after={},
            )  # fmt: skip

    def _relations_touching(self, span_ids: list[str]) -> list[dict[str, Any]]:
        marks = ", ".join("?" * len(span_ids))
        return [
            dict(r)
            for r in self.db.conn.execute(
                f"SELECT {_RELATION_SELECT} FROM relations"
                f" WHERE from_span IN ({marks}) OR to_span IN ({marks}) ORDER BY id",
                span_ids + span_ids,
            )
        ]

    # -- relations -----------------------------------------------------------------

    def add_relation(
        self, document_id: int, from_span: str, to_span: str, type: str, *, annotator: str
    ) -> Relation:
        """Link two spans of one document with a relation type the schema allows."""
        with self._transaction() as conn:
            row = self._relation_row(
                document_id, {"from": from_span, "to": to_span, "type": type, "annotator": annotator},
                {},
            )  # fmt: skip
            conn.execute(_RELATION_INSERT, [row[c] for c in RELATION_COLUMNS])
            self._record(
                annotator, "add_relation", document_id=document_id, target=row["id"],
                before={}, after={"relations": [row]},
            )  # fmt: skip
        return _relation_from_row(row)

    def relations(self, document_id: int, *, annotator: str | None = None) -> list[Relation]:
        where, params = "document_id = ?", [document_id]
        if annotator is not None:
            where, params = where + " AND annotator = ?", params + [annotator]
        rows = self.db.conn.execute(
            f"SELECT {_RELATION_SELECT} FROM relations WHERE {where} ORDER BY created_at, id",
            params,
        )
        return [_relation_from_row(r) for r in rows]

    def delete_relation(self, relation_id: str, *, by: str | None = None) -> None:
        with self._transaction() as conn:
            row = conn.execute(
                f"SELECT {_RELATION_SELECT} FROM relations WHERE id = ?", [relation_id]
            ).fetchone()
            if row is None:
                raise NotFoundError(f"there is no relation {relation_id}")
            conn.execute("DELETE FROM relations WHERE id = ?", [relation_id])
            self._record(
                by or row["annotator"], "delete_relation", document_id=row["document_id"],
                target=relation_id, before={"relations": [dict(row)]}, after={},
            )  # fmt: skip

    # -- history -------------------------------------------------------------------

    def history(self, *, document_id: int | None = None, limit: int = 100) -> list[HistoryEntry]:
        """The newest events first (the audit trail)."""
        where, params = ("WHERE document_id = ?", [document_id]) if document_id else ("", [])
        return [
            HistoryEntry(
                r["id"], r["at"], r["annotator"], r["action"], r["document_id"], r["target"],
                None if r["before"] is None else json.loads(r["before"]),
                None if r["after"] is None else json.loads(r["after"]), r["ref"],
            )  # fmt: skip
            for r in self.db.conn.execute(
                f"SELECT * FROM events {where} ORDER BY id DESC LIMIT ?", params + [limit]
            )
        ]

    def _events_newest_first(self, annotator: str) -> Iterator[tuple[int, str, int | None]]:
        actions = sorted(history.UNDOABLE | {"undo", "redo"})
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
            find = history.undo_target if direction == "undo" else history.redo_target
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

    def _move(self, current: history.State, wanted: history.State) -> None:
        """Turn the rows of state ``current`` into state ``wanted``, checking first."""
        conn = self.db.conn
        for table in history.TABLES:
            have, want = history.rows_by_id(current, table), history.rows_by_id(wanted, table)
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
        doomed = list(history.rows_by_id(current, "spans").keys() - history.rows_by_id(wanted, "spans").keys())
        leaving_rels = history.rows_by_id(current, "relations")
        for rel in self._relations_touching(doomed) if doomed else []:
            if rel["id"] not in leaving_rels:
                raise HistoryConflictError(
                    f"span {rel['from_span'] if rel['from_span'] in doomed else rel['to_span']}"
                    f" is linked by relation {rel['id']} of {rel['annotator']}: delete it first"
                )
        # Relations go before their spans and come back after them.
        for row_id in leaving_rels.keys() - history.rows_by_id(wanted, "relations").keys():
            conn.execute("DELETE FROM relations WHERE id = ?", [row_id])
        for row_id in doomed:
            conn.execute("DELETE FROM spans WHERE id = ?", [row_id])
        for table, insert, columns in (
            ("spans", _SPAN_INSERT, SPAN_COLUMNS),
            ("relations", _RELATION_INSERT, RELATION_COLUMNS),
        ):
            have = history.rows_by_id(current, table)
            for row_id, row in history.rows_by_id(wanted, table).items():
                if row_id in have:
                    conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
                conn.execute(insert, [row[c] for c in columns])

    # -- reading for exports and statistics ---------------------------------------

    def stats(self) -> dict[str, dict[str, int]]:
        """Span counts: ``{label: {annotator: n}}``."""
        result: dict[str, dict[str, int]] = {}
        for label, annotator, n in self.db.conn.execute(
            "SELECT label, annotator, count(*) FROM spans GROUP BY label, annotator"
            " ORDER BY label, annotator"
        ):
            result.setdefault(label, {})[annotator] = n
        return result

    def annotators(self) -> list[str]:
        return [r[0] for r in self.db.conn.execute("SELECT DISTINCT annotator FROM spans ORDER BY 1")]

    def export_rows(
        self, *, annotator: str | None = None
    ) -> Iterator[tuple[sqlite3.Row, list[sqlite3.Row], list[sqlite3.Row]]]:
        """Per document: its row, its span rows (sorted) and its relation rows."""
        layer, params = ("AND annotator = ?", [annotator]) if annotator else ("", [])
        ids = [r[0] for r in self.db.conn.execute("SELECT id FROM documents ORDER BY id")]
        for doc_id in ids:
            doc = self.db.conn.execute("SELECT * FROM documents WHERE id = ?", [doc_id]).fetchone()
            spans = self.db.conn.execute(
                f"SELECT {_SPAN_SELECT} FROM spans WHERE document_id = ? {layer}"
                ' ORDER BY start, "end", id',
                [doc_id, *params],
            ).fetchall()
            rels = self.db.conn.execute(
                f"SELECT {_RELATION_SELECT} FROM relations WHERE document_id = ? {layer}"
                " ORDER BY created_at, id",
                [doc_id, *params],
            ).fetchall()
            yield doc, spans, rels

    def export_jsonl(self, path_or_file: Any, *, annotator: str | None = None) -> Any:
        """Write the native JSONL export; see ``annotator.formats.jsonl.write``."""
        from .formats import jsonl

        return jsonl.write(self, path_or_file, annotator=annotator)


def _refuse_foreign_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not SQLite."""
    if path.is_dir():
        raise DatabaseFileError(f"{path} is a folder: give the path of a database file")
    if not path.exists() or path.stat().st_size == 0:
        if not path.parent.exists():
            raise DatabaseFileError(f"folder {path.parent} does not exist: create it first")
        return
    with open(path, "rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseFileError(
            f"{path} is not a SQLite database: choose an annotator .db file"
        )
