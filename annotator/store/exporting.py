"""The SQL that reads documents out for the native export and for checks.

The native export is assembled from two streams, both in document id order:

* ``export_heads``: per document its ``id``/``text``/``meta`` object and its
  relations array;
* ``export_span_groups``: per document of an id range, its spans' stored
  records joined (the spans array without its brackets), plus what the quote
  check needs: the spans' starts (a JSON array), their quotes joined by
  ``QUOTE_SEPARATOR``, and how many quotes have another length than
  ``end - start``.  One pass over the spans gives both.

Blocks of documents are independent: the export builds them on a thread and,
when big, in a helper process too (``export_helper``).  Each function takes
the connection to read from; callers give them connections of one snapshot.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from ..errors import DatabaseFileError, ExportError
from ..layers import SUGGEST
from .row_values import (
    RECORD_TYPES,
    blob_columns,
    bytes_problem,
    quote_refusal,
    shown,
    storage_classes,
    stored_object,
)

# Joins the quotes for the check: a control character no news text holds (were it in
# a quote, the quotes would not split back into as many as there are spans).
QUOTE_SEPARATOR = "\x1f"

# Neither end of the relation ``r`` is an orphan of a replaced text.
LIVE_RELATION = (
    "NOT EXISTS (SELECT 1 FROM spans o WHERE o.id IN (r.from_span, r.to_span)"
    " AND o.orphan_revision IS NOT NULL)"
)


def _layer(annotator: str | None, alias: str) -> tuple[str, list[Any]]:
    """One analyst's layer, or every layer but the suggestions not yet accepted."""
    if annotator:
        return f"AND {alias}.annotator = ?", [annotator]
    return f"AND {alias}.annotator <> ?", [SUGGEST]


def export_blocks(conn: sqlite3.Connection, most: int, chars: int) -> list[tuple[int, int]]:
    """The documents in id order cut into blocks (first id, last id) of at most
    ``most`` documents and ``chars`` characters of text; a longer document
    is a block of its own.  Blocks wait in memory while the export puts them in
    order, so long articles are not gathered eight at a time."""
    blocks: list[tuple[int, int]] = []
    first = last = count = size = 0
    for doc_id, length in conn.execute("SELECT id, length FROM documents ORDER BY id"):
        if count and (count == most or size + length > chars):
            blocks.append((first, last))
            count = size = 0
        if not count:
            first = doc_id
        last, count, size = doc_id, count + 1, size + length
    if count:
        blocks.append((first, last))
    return blocks


def snapshot_mark(conn: sqlite3.Connection) -> int | None:
    """The newest event id: equal marks mean equal snapshots (every change
    appends an event in its own transaction)."""
    row = conn.execute("SELECT max(id) FROM events").fetchone()
    return None if row[0] is None else int(row[0])


def _ends_exported(annotator: str | None) -> tuple[str, list[Any]]:
    """Neither end of the relation ``r`` is a span left out of the export (another
    analyst's, in one analyst's layer; a suggestion not accepted, in all layers)."""
    outside, params = ("o.annotator <> ?", [annotator]) if annotator else ("o.annotator = ?",
                                                                           [SUGGEST])  # fmt: skip
    return (f"NOT EXISTS (SELECT 1 FROM spans o WHERE o.id IN (r.from_span, r.to_span)"
            f" AND {outside})", params)  # fmt: skip


def relations_left_out(conn: sqlite3.Connection, annotator: str | None = None) -> int:
    """How many live relations of the export's layers link a span it leaves out."""
    layer, params = _layer(annotator, "r")
    ends, end_params = _ends_exported(annotator)
    return int(conn.execute(
        f"SELECT count(*) FROM relations r WHERE 1 {layer} AND {LIVE_RELATION} AND NOT {ends}",
        params + end_params,
    ).fetchone()[0])  # fmt: skip


def relations_with_an_orphan(conn: sqlite3.Connection, annotator: str | None = None) -> int:
    """How many relations of the export's layers have an end that is an orphan of an
    earlier text: no export holds them (they come back with the orphan placed)."""
    layer, params = _layer(annotator, "r")
    return int(conn.execute(
        f"SELECT count(*) FROM relations r WHERE 1 {layer} AND NOT {LIVE_RELATION}", params
    ).fetchone()[0])  # fmt: skip


# The columns of a document and of a relation that its line holds: JSON cannot hold a
# BLOB, and SQLite stops a whole query at one (written outside annotator).
DOCUMENT_LINE_COLUMNS = ("uid", "text", "title", "source", "text_sha256", "created_at", "meta")
RELATION_LINE_COLUMNS = (
    "id", "type", "from_span", "to_span", "annotator", "created_at", "attributes"
)
# ... and both its ends are spans of its document (a file naming a span it does not
# hold cannot be imported; a missing end makes the comparison NULL: not writable).
_RELATION_WRITABLE = (
    f"CASE WHEN 'blob' IN ({storage_classes(RELATION_LINE_COLUMNS, 'r')}) THEN 0"
    " WHEN NOT json_valid(r.attributes) THEN 0 WHEN json_type(r.attributes) <> 'object' THEN 0"
    " ELSE coalesce((SELECT count(*) FROM spans e WHERE e.id IN (r.from_span, r.to_span)"
    " AND e.document_id = r.document_id) = 2 - (r.from_span = r.to_span), 0) END"
)


def export_heads(conn: sqlite3.Connection, annotator: str | None = None) -> Iterator[Any]:
    """Per document: (id, ``{"id", "text", "meta"}`` object, relations array,
    relation count, the first relation that cannot be written); the object is
    None when the document cannot be written (``head_refusal`` says why), the
    array None when a relation cannot (attributes that are no JSON object, a
    BLOB, or an end that is no span of its document).  A relation is exported
    while neither end is an orphan, and both ends are exported
    (``_ends_exported``): a file that names a span it does not hold cannot be
    imported.  In one analyst's layer, a relation between its spans
    is exported whoever drew it."""
    # One analyst's layer: every relation between its spans, whoever drew it (a
    # lead's links between the analyst's spans), as the other formats write them.
    layer, params = _layer(annotator, "r") if annotator is None else ("", [])
    ends, end_params = _ends_exported(annotator)
    params = params + end_params
    relations = (f"FROM relations r WHERE r.document_id = d.id {layer} AND {LIVE_RELATION}"
                 f" AND {ends}")  # fmt: skip
    document_kinds = storage_classes(DOCUMENT_LINE_COLUMNS, "d")
    sql = f"""
        SELECT d.id,
            CASE WHEN 'blob' IN ({document_kinds}) THEN NULL
            WHEN json_type(d.meta) = 'object' THEN json_object(
                'id', d.uid, 'text', d.text,
                'meta', json_set(d.meta, '$.title', d.title, '$.source', d.source,
                                 '$.sha256', d.text_sha256, '$.created_at', d.created_at))
            END,
            CASE WHEN NOT EXISTS (SELECT 1 {relations} AND NOT ({_RELATION_WRITABLE})) THEN
            (SELECT json_group_array(json_object(
                    'id', r.id, 'type', r.type, 'from', r.from_span, 'to', r.to_span,
                    'annotator', r.annotator, 'attributes', json(r.attributes),
                    'created_at', r.created_at))
                FROM (SELECT * {relations} ORDER BY r.created_at, r.id) r) END,
            (SELECT count(*) {relations}),
            (SELECT min(r.id) {relations} AND NOT ({_RELATION_WRITABLE}))
        FROM documents d ORDER BY d.id"""
    yield from conn.execute(sql, params * 4)


def head_refusal(conn: sqlite3.Connection, doc_id: int) -> str:
    """Why document ``doc_id`` cannot be written (``export_heads`` gave no object)."""
    kinds = conn.execute(
        f"SELECT {storage_classes(DOCUMENT_LINE_COLUMNS)} FROM documents WHERE id = ?", [doc_id]
    ).fetchone()
    blobs = blob_columns(kinds, DOCUMENT_LINE_COLUMNS)
    if blobs:
        return (f"document {doc_id} holds bytes (a BLOB) as its {' and '.join(blobs)}, where"
                " text belongs (changed outside annotator?): run `annotator check`; nothing was"
                " written")  # fmt: skip
    return (f"the database holds no JSON object as the meta of document {doc_id} (changed"
            " outside annotator?): run `annotator check`; nothing was written")


def export_span_groups(
    conn: sqlite3.Connection, first: int, last: int, annotator: str | None = None
) -> list[Any]:
    """Per document with live spans in ``first..last``: (id, the spans' stored
    records joined by commas in position order (the spans array without its
    brackets), how many spans have no record (attributes that are no JSON
    object), starts (a JSON array in the same order), the quotes joined by
    ``QUOTE_SEPARATOR``, how many spans fail ``length(quote) + start = end``
    (a wrong length; a missing quote or offset; an end stored as text, which
    SQLite would read as a number in ``end - start``), count).

    SQLite's ``length`` stops at a NUL, so the check does not trust it for a
    quote holding one: the caller then checks that document span by span.
    """
    layer, params = _layer(annotator, "s")
    sql = f"""
        SELECT s.document_id,
            group_concat(s.record, ','), count(*) - count(s.record),
            json_group_array(s.start), group_concat(s.text, '{QUOTE_SEPARATOR}'),
            count(*) - total(length(s.text) + s.start = s."end"), count(*)
        FROM spans s INDEXED BY spans_document_position
        WHERE s.document_id BETWEEN ? AND ? AND s.orphan_revision IS NULL {layer}
        GROUP BY s.document_id ORDER BY s.document_id"""
    return conn.execute(sql, [first, last, *params]).fetchall()


def document_quotes(
    conn: sqlite3.Connection, document_id: int, layer: tuple[str, list[Any]] = ("", [])
) -> list[Any]:
    """The live spans of one document as (id, start, end, quote) in position order, of
    every layer or of ``layer`` (``_layer``: the condition on ``s`` and its values)."""
    condition, params = layer
    return conn.execute(
        f'SELECT s.id, s.start, s."end", s.text FROM spans s WHERE s.document_id = ?'
        f' AND s.orphan_revision IS NULL {condition} ORDER BY s.start, s."end", s.id',
        [document_id, *params],
    ).fetchall()


def every_quote(
    conn: sqlite3.Connection,
) -> Iterator[tuple[int, str, list[tuple[str, int, int, str]]]]:
    """Per document: (id, text, [(span id, start, end, quote)] of every layer), to check
    the store."""
    for doc_id, text in conn.execute("SELECT id, text FROM documents ORDER BY id").fetchall():
        yield doc_id, text, document_quotes(conn, doc_id)


def build_block(
    conn: sqlite3.Connection, first: int, last: int, annotator: str | None = None
) -> list[tuple[int, bytes, int]]:
    """The spans of the documents in ``first..last`` with their quotes checked:
    (document id, the spans array's items as UTF-8 JSON (no brackets), span count).

    ``conn`` returns text as bytes (``text_factory = bytes``).  Raises
    ``ExportError`` at the first span whose quote is not ``text[start:end]``.
    """
    texts = _texts(conn, first, last)
    groups = export_span_groups(conn, first, last, annotator)
    if any(group[2] for group in groups):  # a span without its record
        _refuse_unrecorded(conn, first, last, annotator)
    out = []
    for doc_id, spans, _, starts, quotes, odd, count in groups:
        text = texts.get(doc_id)
        if text is None:  # spans of a document that is gone (`annotator check` lists them)
            continue
        if not _quotes_hold(text, starts, quotes, odd):
            _check_each_quote(conn, doc_id, text, annotator)
        out.append((doc_id, spans, count))
    return out


def _texts(conn: sqlite3.Connection, first: int, last: int) -> dict[int, str]:
    """The texts of documents ``first..last``, refusing one that is not UTF-8 (bytes
    written outside annotator, which SQLite would copy into the line as they are)."""
    texts = {}
    for doc_id, raw in conn.execute(
        "SELECT id, text FROM documents WHERE id BETWEEN ? AND ?", [first, last]
    ):
        try:
            texts[doc_id] = raw.decode("utf-8")
        except (AttributeError, UnicodeDecodeError):  # (no text at all: None)
            raise ExportError(
                f"the text of document {doc_id} is not UTF-8 text (changed outside"
                " annotator?): run `annotator check`; nothing was written"
            ) from None
    return texts


def _refuse_unrecorded(
    conn: sqlite3.Connection, first: int, last: int, annotator: str | None
) -> None:
    """Raise ``DatabaseFileError`` naming the first exported span of documents
    ``first..last`` that has no record (written outside annotator): attributes
    that are no JSON object, or bytes where text belongs."""
    layer, params = _layer(annotator, "s")
    span_id, raw, *kinds = conn.execute(
        f"SELECT s.id, s.attributes, {RECORD_TYPES}"
        " FROM spans s WHERE s.document_id BETWEEN ? AND ?"
        f" AND s.orphan_revision IS NULL {layer} AND s.record IS NULL"
        " ORDER BY s.document_id, s.id LIMIT 1", [first, last, *params]
    ).fetchone()  # fmt: skip
    name, text = str(shown(span_id)), str(shown(raw))
    stored_object(text, f"the attributes of span {name}")
    problem = bytes_problem(name, blob_columns(kinds))
    raise DatabaseFileError(problem or (
        f"span {name} has attributes SQLite cannot read as a JSON object: run"
        " `annotator check`, and correct them or restore a backup"
    ))  # fmt: skip


def _quotes_hold(text: str, starts: bytes, quotes: bytes | None, odd: float) -> bool:
    """True when every quote is ``text[start:end]``, checked all at once.

    Every span has a quote with ``length(quote) + start = end`` (``odd`` is 0,
    and no NUL fooled SQLite's count); the quotes split back into as many as
    there are spans (so none holds the separator), none empty; the starts are
    whole numbers, none negative; and the text holds each quote at its start:
    so each quote is its piece of the text.  False sends the document to the
    span by span check, which says what is wrong.
    """
    if odd or quotes is None or b"\0" in quotes:
        return False
    try:
        pieces = quotes.decode("utf-8").split(QUOTE_SEPARATOR)
        offsets = json.loads(starts)
        return (len(pieces) == len(offsets) and min(offsets) >= 0 and all(pieces)
                and all(map(text.startswith, pieces, offsets)))  # fmt: skip
    except (TypeError, UnicodeDecodeError):  # an offset that is no whole number (1.5)
        return False


def _check_each_quote(
    conn: sqlite3.Connection, doc_id: int, text: str, annotator: str | None
) -> None:
    """Refuse the export at the first span of its layers whose quote is not
    ``text[start:end]``."""
    for span_id, start, end, quote in document_quotes(conn, doc_id, _layer(annotator, "s")):
        name = shown(span_id)
        try:
            quoted = quote.decode("utf-8")
        except (AttributeError, UnicodeDecodeError):  # (no quote at all: None)
            raise ExportError(
                f"span {name} of document {doc_id} has no quote in UTF-8 text (changed"
                " outside annotator?): run `annotator check`; nothing was written"
            ) from None
        refused = quote_refusal(name, doc_id, shown(start), shown(end), quoted, text)
        if refused:
            raise ExportError(refused)
