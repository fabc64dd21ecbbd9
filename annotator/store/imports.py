"""Adding documents: one article, or the records of an annotation file with
their spans and relations, all of a file in one transaction."""

from __future__ import annotations

import json
import operator
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing, nullcontext
from pathlib import Path
from typing import Any

from ..display_text import counted, offset
from ..errors import (
    DuplicateDocumentError,
    InvalidRelationError,
    InvalidSpanError,
)
from ..model import Document, DocumentRecord, ImportResult
from ..shapes import span_shape_problem
from .base import (
    _RELATION_INSERT,
    _SPAN_INSERT,
    RELATION_COLUMNS,
    SPAN_COLUMNS,
    now,
    quote_columns,
    sha256,
    surrogate_message,
)
from .document_rows import DOCUMENT_INSERT, added_event, check_document, meta_as_json
from .fast_rows import span_tuples
from .import_ahead import Careful, Run, ahead, many, preparer_for
from .import_matching import (
    changed_note,
    first_of_each,
    found_with_lf,
    given_twice,
    new_relation_rows,
    once_each,
    own_fields,
)
from .search import PausedIndexTriggers
from .span_batch import IMPORT_ERRORS, SpanBatch, located
from .span_checks import checked_span, checked_stamp
from .spans import SpansMixin

# Row dicts to parameter tuples, in C (bulk imports pass tens of thousands).
_SPAN_VALUES = operator.itemgetter(*SPAN_COLUMNS)
_RELATION_VALUES = operator.itemgetter(*RELATION_COLUMNS)
_PLACE = operator.itemgetter(4, 5, 3, 2)  # a span row's (start, end, label, analyst)


class ImportsMixin(SpansMixin):
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
        check_document(text, title, source)
        looked = digest is not None
        digest = digest or sha256(text)
        uid = uid or digest
        existing = None if looked else self.conn.execute(
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
        meta_json = meta_as_json(meta)
        doc_id = self._new_id("documents")
        self.conn.execute(
            DOCUMENT_INSERT,
            [doc_id, uid, title, source, text, digest, len(text), meta_json, created_at],
        )
        self._record(added_by, "add_document", **added_event(doc_id, uid, title, source))
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
        skip_invalid: bool = False,
        drop_twins: bool = False,
        followed: bool = False,
    ) -> ImportResult:
        """Store documents with their spans and relations: all of them, or none
        (with ``skip_invalid``: all but the records the store refuses, each named
        in ``skipped``).  With ``drop_twins`` (another tool's file) a span given
        twice in a record is stored once; our own records keep every span they
        hold, each under its id, so that an export reads back exactly.

        A document already here (same uid or same text) is not added again; its
        spans and relations whose ids are new are added, so importing the same
        file twice adds nothing twice.  A known uid with a different text is a
        conflict: reported in ``skipped`` and left untouched.  Its spans here
        that the record has in another version are kept as they are, and a note
        says how many, unless ``followed`` (a merge brings later versions itself).
        """
        result = ImportResult()
        stamp = now()  # one transaction, one time: for its events and new rows
        self._drop_twins, self._followed = drop_twins, followed  # read by _import_record
        try:
            # A few records leave little in the WAL: no second connection for them.
            with (
                self._checkpoint.deferred(self.conn) if many(records) else nullcontext(),
                self._transaction() as conn,
                self._events_held(stamp),
            ):
                triggers = PausedIndexTriggers(conn)
                batch = SpanBatch(conn, self._existing_ids, triggers)
                prepare = None if skip_invalid or followed else preparer_for(
                    self, records, added_by=added_by, stamp=stamp, drop_twins=drop_twins
                )  # fmt: skip
                if prepare is not None:  # a file of many records: mostly new rows
                    triggers.pause()
                with closing(ahead(records, prepare)) as stream:
                    self._import_stream(stream, added_by, result, batch, stamp, progress,
                                        triggers, skip_invalid=skip_invalid)  # fmt: skip
                batch.flush()
                triggers.resume()
        finally:
            self._drop_twins = self._followed = False
        return result

    def _import_stream(
        self,
        stream: Iterator[Run | Careful],
        added_by: str,
        result: ImportResult,
        batch: SpanBatch,
        stamp: str,
        progress: Callable[[int], None] | None,
        triggers: PausedIndexTriggers,
        *,
        skip_invalid: bool,
    ) -> None:
        """Store each record: its prepared rows, or the careful way (which may
        change rows already stored: the search indexes' triggers are back first)."""
        conn = self.conn
        for item in stream:
            if isinstance(item, Run):
                batch.add_run(item)
                result.extend(item.documents)
                result.spans_added += item.spans
                if progress is not None:
                    progress(item.last)
                continue
            n, record = item
            where = record.where or f"record {n}"
            if skip_invalid:
                self._import_or_skip(conn, record, added_by, result, batch, where, stamp)
            else:
                triggers.resume()
                batch.write_documents()  # the record may be one of them (found by its uid)
                try:
                    self._import_record(conn, record, added_by, result, batch, where, stamp)
                except IMPORT_ERRORS as exc:
                    raise located(exc, where) from None
                except UnicodeEncodeError as exc:  # half a UTF-16 pair, from a program
                    raise located(InvalidSpanError(surrogate_message(exc)), where) from None
            if progress is not None:
                progress(n)

    def _import_or_skip(
        self,
        conn: sqlite3.Connection,
        record: DocumentRecord,
        added_by: str,
        result: ImportResult,
        batch: SpanBatch,
        where: str,
        stamp: str,
    ) -> None:
        """Store one record, or, if the store refuses it, nothing of it: the
        record is named in ``result.skipped`` and the import goes on."""
        assert self._held is not None
        kept = (len(result), len(result.notes), result.spans_added, result.relations_added,
                len(self._held[1]))  # fmt: skip
        ids = dict(self._next_ids)  # a record rolled back gives its ids to the next one
        conn.execute("SAVEPOINT record")
        try:
            self._import_record(conn, record, added_by, result, batch, where, stamp)
            batch.flush()  # its rows are written (and checked) before the savepoint ends
        except (*IMPORT_ERRORS, UnicodeEncodeError) as exc:
            conn.execute("ROLLBACK TO record")
            self._next_ids = ids
            batch.discard()
            message = surrogate_message(exc) if isinstance(exc, UnicodeEncodeError) else str(exc)
            for doc in result[kept[0]:]:  # rolled back: its id goes to the next record
                message = re.sub(rf"\bdocument {doc.id}\b", "its document", message)
            del result[kept[0]:], result.notes[kept[1]:], self._held[1][kept[4]:]  # fmt: skip
            result.spans_added, result.relations_added = kept[2], kept[3]
            result.skipped.append(f"{where}: {message}")
        conn.execute("RELEASE record")

    def _import_record(
        self,
        conn: sqlite3.Connection,
        record: DocumentRecord,
        added_by: str,
        result: ImportResult,
        batch: SpanBatch,
        where: str,
        stamp: str,
    ) -> None:
        """Store one record; a new document's spans wait in ``batch`` (``where`` names
        the record in the error, should one of them fail there).  ``stamp`` is the
        time of rows that bring none."""
        name = record.where or record.title or "a document"
        digest = sha256(record.text)
        found = conn.execute(
            "SELECT id, uid, text_sha256 FROM documents WHERE uid = ? OR text_sha256 = ?"
            " ORDER BY uid = ? DESC LIMIT 1",
            [record.uid or digest, digest, record.uid or digest],
        ).fetchone()
        if found is None and "\r" in record.text:  # the same article, imported as a .txt?
            found = found_with_lf(conn, record, result, name)
            if found is not None:
                digest = found["text_sha256"]
        if found is not None and found["text_sha256"] != digest:
            result.skipped.append(
                f"{name}: document {found['id']} has the same id but another text (a conflict):"
                " left as it is"
            )
            return
        if found is not None:
            batch.flush()  # its spans may still be waiting (the same document twice in a file)
        if found is None:
            meta, title, source, created_at = own_fields(record)
            doc = self._insert_document(
                record.text, title=title, source=source, meta=meta, uid=record.uid,
                added_by=added_by, digest=digest,
                created_at=checked_stamp(created_at, "created_at", "the document's ") or stamp,
            )  # fmt: skip
            result.append(doc)
            doc_id = doc.id
        else:
            doc_id = found["id"]
        text = self._text(doc_id) if found is not None else record.text
        # A new document's spans are plainly valid in a well-formed file: one tight
        # pass builds their rows; anything doubtful goes the careful way.
        rows = None if found is not None else span_tuples(
            doc_id, text, record.spans, self.schema, stamp
        )  # fmt: skip
        if rows is None:
            rows = self._checked_span_rows(doc_id, text, record.spans, stamp)
        labels = {row[0]: (row[3], doc_id) for row in rows}
        relations = record.relations
        same: dict[str, str] = {}  # a span of the record already here: {its id: the one here}
        twice = found is None and self._drop_twins and given_twice(rows)  # in the file itself
        if twice:
            rows, same = once_each(rows)
        elif found is not None:  # spans brought in before are not added twice
            known = self._existing_ids("spans", list(labels), doc_id)
            if not self._followed:
                mine = [row for row in rows if row[0] in known]
                given = {span.get("id"): span.keys() for span in record.spans}
                result.notes.extend(filter(None, [changed_note(conn, doc_id, mine, name, given)]))
            rows, same = self._new_span_rows(doc_id, [row for row in rows if row[0] not in known])
        if same:
            relations = [{**rel, **{end: same.get(str(rel.get(end)), rel.get(end))
                                    for end in ("from", "to")}}
                         for rel in relations]  # fmt: skip
            for copy, kept in same.items():
                labels[kept] = labels.pop(copy)
            n_same = counted(len(same), "span")
            result.notes.append(
                f"{name}: {n_same} given twice in the file (place, label, analyst, note and"
                " attributes alike): kept once" if twice else
                f"{name}: {n_same} already here (same place, label, analyst): not added again"
            )  # fmt: skip
        rel_rows = [self._relation_row(doc_id, rel, labels) for rel in relations]
        rel_ids = [r["id"] for r in rel_rows]
        if len(set(rel_ids)) < len(rel_ids):
            twice = next(i for n, i in enumerate(rel_ids) if i in rel_ids[:n])
            raise InvalidRelationError(
                f"relation id {twice} is given twice: give each relation its own id"
            )
        if found is not None:
            known = self._existing_ids("relations", [r["id"] for r in rel_rows], doc_id)
            rel_rows = [r for r in rel_rows if r["id"] not in known]
            rel_rows = new_relation_rows(conn, doc_id, rel_rows)
        if found is None and not rel_rows and not (record.revisions or record.orphans):
            batch.add(doc_id, rows, where)
        else:
            batch.flush()
            try:
                conn.executemany(_SPAN_INSERT, rows)
                conn.executemany(_RELATION_INSERT, map(_RELATION_VALUES, rel_rows))
            except sqlite3.IntegrityError:  # an id of the new rows belongs to another document
                self._existing_ids("spans", [row[0] for row in rows], doc_id)
                self._existing_ids("relations", [r["id"] for r in rel_rows], doc_id)
                raise
        result.spans_added += len(rows)
        result.relations_added += len(rel_rows)
        earlier = self._import_history(doc_id, record, name, result, same)
        if rows or rel_rows or earlier:
            # The rows themselves carry their time stamps and origin; the history
            # names them, so the audit trail says who brought which spans in.
            self._record(
                added_by, "import", document_id=doc_id, target=record.where or None,
                after={"span_ids": [row[0] for row in rows],
                       "relation_ids": [r["id"] for r in rel_rows], **earlier},
            )  # fmt: skip
        elif found is not None:
            result.skipped.append(f"{name}: already in the database as document {doc_id}")

    def _import_history(
        self, doc_id: int, record: DocumentRecord, name: str, result: ImportResult,
        same: dict[str, str],
    ) -> dict[str, list[Any]]:  # fmt: skip
        """Store a merged document's earlier texts, their orphans and the relations
        with an orphaned end, those not here yet; returns the ids it added.

        An earlier text already kept here (same SHA-256) is not kept twice; an
        orphan keeps its offsets and quote in its text, checked like any span."""
        if not (record.revisions or record.orphans):
            return {}
        conn = self.conn
        here = dict(conn.execute(
            "SELECT text_sha256, id FROM revisions WHERE document_id = ?", [doc_id]))  # fmt: skip
        number = self._scalar(
            "SELECT coalesce(max(number), 0) FROM revisions WHERE document_id = ?", [doc_id]
        )
        revision_ids, added = [], []
        for rev in record.revisions:
            digest = sha256(rev["text"])
            if digest not in here:
                number += 1
                here[digest] = self._new_id("revisions")
                conn.execute(
                    "INSERT INTO revisions (id, document_id, number, text, text_sha256, length,"
                    " replaced_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [here[digest], doc_id, number, rev["text"], digest, len(rev["text"]),
                     rev["replaced_at"], rev["replaced_by"]],
                )  # fmt: skip
                added.append(here[digest])
            revision_ids.append(here[digest])
        orphans = [o for o in record.orphans if not self._existing_ids("spans", [o["id"]], doc_id)]
        for orphan in [checked_span(self.schema, o) for o in orphans]:
            rev = record.revisions[orphan["revision"]]
            row = self._span_row(
                rev["text"], doc_id, orphan["start"], orphan["end"], orphan["label"],
                orphan["annotator"], note=orphan.get("note"), attributes=orphan.get("attributes"),
                origin=orphan.get("origin") or "manual", span_id=orphan["id"],
                created_at=orphan.get("created_at"), updated_at=orphan.get("updated_at"),
            )  # fmt: skip
            if orphan.get("text") not in (None, row["text"]):
                raise InvalidSpanError(
                    f"orphan {orphan['id']} quotes {orphan['text']!r} but its earlier text"
                    f" has {row['text']!r} there: run `annotator check` on the source"
                )
            row["orphan_revision"] = revision_ids[orphan["revision"]]
            columns = [*SPAN_COLUMNS, "orphan_revision"]
            conn.execute(
                f"INSERT INTO spans ({quote_columns(columns)})"
                f" VALUES ({', '.join('?' * len(columns))})",
                [row[c] for c in columns],
            )
        relations = [{**r, "from": same.get(r["from"], r["from"]), "to": same.get(r["to"], r["to"])}
                     for r in record.orphan_relations
                     if not self._existing_ids("relations", [r["id"]], doc_id)]  # fmt: skip
        here_ids = self._existing_ids("spans", [i for r in relations for i in (r["from"], r["to"])],
                                      doc_id)  # fmt: skip
        relations = [r for r in relations if r["from"] in here_ids and r["to"] in here_ids]
        conn.executemany(_RELATION_INSERT, [
            [r["id"], doc_id, r["annotator"], r["type"], r["from"], r["to"],
             json.dumps(r.get("attributes") or {}, ensure_ascii=False), r["created_at"]]
            for r in relations
        ])  # fmt: skip
        if orphans:
            n = len(orphans)
            result.notes.append(f"{name}: {n} orphan{'s' if n != 1 else ''} of earlier texts kept,"
                                " waiting in the Orphans panel")  # fmt: skip
        if not (added or orphans or relations):  # all here already: nothing to record
            return {}
        return {"revision_ids": added, "orphan_ids": [o["id"] for o in orphans],
                "orphan_relation_ids": [r["id"] for r in relations]}  # fmt: skip

    def _new_span_rows(
        self, doc_id: int, rows: list[tuple[Any, ...]]
    ) -> tuple[list[tuple[Any, ...]], dict[str, str]]:
        """The rows with no live span of the same place, label and analyst in the
        document (nor earlier in ``rows``), and {left-out id: the id kept instead}.

        Formats without our ids (brat, CoNLL, ...) give a re-imported export new
        ids; without this, every round trip would double the spans."""
        here = {
            (start, end, label, who): span_id
            for span_id, start, end, label, who in self.conn.execute(
                'SELECT id, start, "end", label, annotator FROM spans'
                " WHERE document_id = ? AND orphan_revision IS NULL",
                [doc_id],
            )
        }
        return first_of_each(rows, _PLACE, here)

    def _checked_span_rows(
        self, doc_id: int, text: str, spans: list[dict[str, Any]], stamp: str
    ) -> list[tuple[Any, ...]]:
        """Span rows validated one by one, with a precise error for the first bad one."""
        problem = span_shape_problem(spans)
        if problem is not None:
            raise InvalidSpanError(f"{problem}: fix the record")
        for span in spans:
            quote = span.get("text")
            start, end = span.get("start"), span.get("end")
            if type(start) is not int or type(end) is not int:
                continue  # the store's own check names the bad offset
            named = f"span {span['id']} " if span.get("id") else "span "
            if not 0 <= start < end <= len(text):
                raise InvalidSpanError(
                    f"{named}[{offset(start)}, {offset(end)}) is not inside the text"
                    f" (0..{len(text)} code points,"
                    " start < end): fix the offsets"
                )
            if quote is not None and text[start:end] != quote:
                raise InvalidSpanError(
                    f"{named}[{start}, {end}) quotes {quote!r} but the text there is"
                    f" {text[start:end]!r}: offsets must count code points"
                )
        checked = [checked_span(self.schema, span) for span in spans]
        return list(map(_SPAN_VALUES, self._span_rows(doc_id, checked, text=text, stamp=stamp)))

    def _existing_ids(self, table: str, ids: list[str], document_id: int) -> set[str]:
        """The ids already stored; one stored under another document is refused."""
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for row_id, owner in self.conn.execute(
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
