"""New documents' rows and their span rows, inserted many per statement during
a bulk import.

``executemany`` hands SQLite one row at a time; one ``INSERT ... VALUES``
statement with many rows costs SQLite less per row, and, while records are
prepared on another thread (``import_ahead``), makes fewer waits for Python's
lock after SQLite's work (2,048 rows a statement against 256: about 10% less
time for a bulk import, in alternating runs here).  Rows wait here
until a whole statement's worth has gathered, and are written before anything
reads spans back (``flush``), so the transaction never sees a partial state.
Documents given to the batch (``add_document``) wait too, and are written
before any span row.

A statement that fails (a span id already used by another document) is run
again document by document, so the error names the record that holds the id
exactly as a one-document insert would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from itertools import chain, groupby
from operator import itemgetter
from typing import Any

from ..errors import InvalidRelationError, InvalidSpanError, NotFoundError
from .base import _SPAN_INSERT
from .document_rows import DOCUMENT_COLUMNS, documents_insert, many_rows
from .search import PausedIndexTriggers

ROWS_PER_STATEMENT = 2048  # x 12 columns: 24,576 values, under SQLite's 32,766
DOCUMENTS_PER_STATEMENT = 64
MANY_ROWS_INSERT = many_rows(_SPAN_INSERT, ROWS_PER_STATEMENT)
IMPORT_ERRORS = (InvalidSpanError, InvalidRelationError, NotFoundError)
_SEARCHED = itemgetter(*(DOCUMENT_COLUMNS.index(name) for name in ("id", "title", "text")))


def located(exc: Exception, where: str) -> Exception:
    """The error again, its message starting with the record it is about."""
    if getattr(exc, "located", False):
        return exc
    again = type(exc)(f"{where}: {exc}")
    again.located = True  # type: ignore[attr-defined]
    return again


class SpanBatch:
    """Rows of several documents, written ``ROWS_PER_STATEMENT`` at a time.

    ``owner_check("spans", ids, document_id)`` raises the import's error for an
    id that belongs to another document (``ImportsMixin._existing_ids``).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        owner_check: Callable[[str, list[str], int], Any],
        triggers: PausedIndexTriggers,
    ) -> None:
        self._conn = conn
        self._owner_check = owner_check
        self._triggers = triggers  # while paused, documents are indexed here
        self._rows: list[tuple[Any, ...]] = []
        self._where: dict[int, str] = {}  # document id -> the record it came from
        self._documents: list[Sequence[Any]] = []  # documents rows, not yet written

    def add_document(self, row: Sequence[Any]) -> None:
        """A new document's row, written before the next span rows (``DOCUMENT_COLUMNS``)."""
        self._documents.append(row)

    def add(self, document_id: int, rows: Sequence[tuple[Any, ...]], where: str) -> None:
        self._where[document_id] = where
        self._rows.extend(rows)
        if len(self._rows) >= ROWS_PER_STATEMENT:
            self._write(whole_statements_only=True)

    def discard(self) -> None:
        """Forget every waiting row (their record was rolled back)."""
        self._rows.clear()
        self._where.clear()
        self._documents.clear()

    def flush(self) -> None:
        """Write every waiting row."""
        self.write_documents()
        if self._rows:
            self._write(whole_statements_only=False)
        self._where.clear()

    def write_documents(self) -> None:
        """Write the documents waiting (their spans may wait on)."""
        documents = self._documents
        for at in range(0, len(documents), DOCUMENTS_PER_STATEMENT):
            chunk = documents[at : at + DOCUMENTS_PER_STATEMENT]
            self._conn.execute(documents_insert(len(chunk)), list(chain.from_iterable(chunk)))
            if self._triggers.active:
                self._triggers.index_documents(map(_SEARCHED, chunk))
        documents.clear()

    def _write(self, *, whole_statements_only: bool) -> None:
        self.write_documents()
        rows = self._rows
        done = 0
        while len(rows) - done >= ROWS_PER_STATEMENT:
            chunk = rows[done : done + ROWS_PER_STATEMENT]
            try:
                self._conn.execute(MANY_ROWS_INSERT, list(chain.from_iterable(chunk)))
            except sqlite3.IntegrityError:
                self._one_document_at_a_time(chunk)
            done += ROWS_PER_STATEMENT
        if not whole_statements_only and done < len(rows):
            self._one_document_at_a_time(rows[done:])
            done = len(rows)
        del rows[:done]

    def _one_document_at_a_time(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert ``rows`` grouped by document; an id owned elsewhere raises, located."""
        for doc_id, grouped in groupby(rows, key=itemgetter(1)):
            group = list(grouped)
            try:
                self._conn.executemany(_SPAN_INSERT, group)
            except sqlite3.IntegrityError:
                where = self._where.get(doc_id, f"document {doc_id}")
                try:
                    self._owner_check("spans", [row[0] for row in group], doc_id)
                except IMPORT_ERRORS as exc:
                    raise located(exc, where) from None
                raise
