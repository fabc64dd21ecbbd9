"""New documents' rows and their span rows, inserted many per statement during
a bulk import.

``executemany`` hands SQLite one row at a time; one ``INSERT ... VALUES``
statement with many rows costs SQLite less per row, and, while records are
prepared on another thread (``import_ahead``), makes fewer waits for Python's
lock after SQLite's work (2,048 rows a statement against 256: about 10% less
time for a bulk import, in alternating runs here).  Rows wait here
until a whole statement's worth has gathered, and are written before anything
reads spans back (``flush``), so the transaction never sees a partial state.
New documents (given in runs, ``add_run``) wait too, and are written before
any span row; while the search triggers are paused, the batch indexes them.

A statement that fails (a span id already used by another document) is run
again document by document, so the error names the record that holds the id
exactly as a one-document insert would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from itertools import chain, groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRelationError, InvalidSpanError, NotFoundError
from .base import _SPAN_INSERT, SPAN_COLUMNS
from .document_rows import documents_insert, many_rows
from .search import PausedIndexTriggers

if TYPE_CHECKING:
    from .import_ahead import Run

ROWS_PER_STATEMENT = 2048  # x 12 columns: 24,576 values, under SQLite's 32,766
DOCUMENTS_PER_STATEMENT = 64
MANY_ROWS_INSERT = many_rows(_SPAN_INSERT, ROWS_PER_STATEMENT)
IMPORT_ERRORS = (InvalidSpanError, InvalidRelationError, NotFoundError)
_STATEMENT_VALUES = ROWS_PER_STATEMENT * len(SPAN_COLUMNS)
# The last rows of an import, fewer than a statement's: from this many, one
# statement made for them (preparing it costs less than storing them one by one).
TAIL_STATEMENT_FROM = 256


def _rows(values: list[Any]) -> list[tuple[Any, ...]]:
    """Flattened span rows as rows again."""
    width = len(SPAN_COLUMNS)
    return [tuple(values[at : at + width]) for at in range(0, len(values), width)]


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
        # The waiting span rows' values one after the other, as a statement takes
        # them: the importing thread only slices (the preparing one flattens).
        self._values: list[Any] = []
        self._where: dict[int, str] = {}  # document id -> the record it came from
        self._documents: list[Sequence[Any]] = []  # documents rows, not yet written
        self._searched: list[tuple[int, str | None, str]] = []  # theirs (see add_run)

    def add_run(self, run: Run) -> None:
        """New documents with their span rows, prepared on the preparing thread
        (``import_ahead``); the documents are written before the next span rows."""
        self._documents += run.rows
        self._searched += run.searched
        self._where.update(run.where)
        self._values += run.values
        if len(self._values) >= _STATEMENT_VALUES:
            self._write(whole_statements_only=True)

    def add(self, document_id: int, rows: Sequence[tuple[Any, ...]], where: str) -> None:
        """A document's new span rows."""
        self._where[document_id] = where
        self._values += chain.from_iterable(rows)
        if len(self._values) >= _STATEMENT_VALUES:
            self._write(whole_statements_only=True)

    def discard(self) -> None:
        """Forget every waiting row (their record was rolled back)."""
        self._values.clear()
        self._where.clear()
        self._documents.clear()
        self._searched.clear()

    def flush(self) -> None:
        """Write every waiting row."""
        self.write_documents()
        if self._values:
            self._write(whole_statements_only=False)
        self._where.clear()

    def write_documents(self) -> None:
        """Write the documents waiting (their spans may wait on)."""
        documents, searched = self._documents, self._searched
        for at in range(0, len(documents), DOCUMENTS_PER_STATEMENT):
            chunk = documents[at : at + DOCUMENTS_PER_STATEMENT]
            self._conn.execute(documents_insert(len(chunk)), list(chain.from_iterable(chunk)))
            if self._triggers.active:  # (documents come in runs, each with its searched)
                self._triggers.index_documents(searched[at : at + DOCUMENTS_PER_STATEMENT])
        documents.clear()
        searched.clear()

    def _write(self, *, whole_statements_only: bool) -> None:
        self.write_documents()
        values = self._values
        done = 0
        while len(values) - done >= _STATEMENT_VALUES:
            chunk = values[done : done + _STATEMENT_VALUES]
            if not self._inserted(MANY_ROWS_INSERT, chunk):
                self._one_document_at_a_time(_rows(chunk))
            done += _STATEMENT_VALUES
        if not whole_statements_only and done < len(values):
            rest = values[done:]
            n = len(rest) // len(SPAN_COLUMNS)
            if n < TAIL_STATEMENT_FROM or not self._inserted(many_rows(_SPAN_INSERT, n), rest):
                self._one_document_at_a_time(_rows(rest))
            done = len(values)
        del values[:done]

    def _inserted(self, sql: str, values: list[Any]) -> bool:
        """Run one ``INSERT`` of many span rows; False when an id was taken (then
        the statement wrote nothing)."""
        try:
            self._conn.execute(sql, values)
        except sqlite3.IntegrityError:
            return False
        return True

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
