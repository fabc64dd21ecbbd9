"""How an imported record meets what is stored already: the same article with
other line ends, a span given twice in one file, a document's own fields kept
among its metadata by another tool."""

from __future__ import annotations

import json
import operator
import re
import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Collection, Mapping
from typing import Any

from ..display_text import counted, with_count
from ..model import RESERVED_META, DocumentRecord, ImportResult
from .base import sha256
from .span_checks import normal_stamp

# A span row but its id and times: two rows alike in these are one span given twice.
_SAME = operator.itemgetter(2, 3, 4, 5, 7, 8, 9)


def found_with_lf(
    conn: sqlite3.Connection, record: DocumentRecord, result: ImportResult, name: str
) -> Any:
    """The document whose text is the record's with CR LF and CR as LF (what an
    article import makes of a file), if there is one; the record's text and span
    offsets are then turned into that text's (brat counts every CR)."""
    lf = record.text.replace("\r\n", "\n").replace("\r", "\n")
    found = conn.execute(
        "SELECT id, uid, text_sha256 FROM documents WHERE text_sha256 = ?", [sha256(lf)]
    ).fetchone()
    if found is None:
        return None
    pairs = [m.start() for m in re.finditer("\r\n", record.text)]  # each pair's CR
    kept = []
    for span in record.spans:
        start, end = span.get("start"), span.get("end")
        if type(start) is int and type(end) is int:  # others are refused as they are
            start, end = start - bisect_left(pairs, start), end - bisect_left(pairs, end)
            if end <= start:  # a CR alone: nothing is left of it
                continue
            span = {**span, "start": start, "end": end}
            if isinstance(span.get("text"), str):  # its own quote, still checked later
                span["text"] = span["text"].replace("\r\n", "\n").replace("\r", "\n")
        kept.append(span)
    note = (f"{name}: document {found['id']} has this text with LF line ends (the file"
            " has CR LF): its spans were placed there")  # fmt: skip
    if len(kept) < len(record.spans):
        note += f"; {counted(len(record.spans) - len(kept), 'span')} of a CR alone left out"
    result.notes.append(note)
    record.text, record.spans = lf, kept
    return found


def given_twice(rows: list[tuple[Any, ...]]) -> bool:
    """True when two of the span rows are one span (see ``once_each``)."""
    return len(set(map(_SAME, rows))) < len(rows)


def once_each(rows: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], dict[str, str]]:
    """The rows without those that repeat an earlier one but for id and times (place,
    label, analyst, note, attributes, origin alike), and {repeat's id: the kept id}."""
    return first_of_each(rows, _SAME, {})


def first_of_each(
    rows: list[tuple[Any, ...]], key: Callable[[tuple[Any, ...]], Any], kept: dict[Any, str]
) -> tuple[list[tuple[Any, ...]], dict[str, str]]:
    """The rows whose ``key`` is not in ``kept`` (the ids of rows already there, by
    key) nor that of an earlier row, and {left-out id: the id kept instead}."""
    fresh, same = [], {}
    for row in rows:
        found = kept.get(key(row))
        if found is not None:
            same[row[0]] = found
        else:
            kept[key(row)] = row[0]
            fresh.append(row)
    return fresh, same


def own_fields(record: DocumentRecord) -> tuple[dict[str, Any], Any, Any, Any]:
    """(meta, title, source, created_at) of a record whose file kept some of the
    document's own fields among its metadata (a Label Studio task's "meta", a
    doccano line's extra keys): each fills its field when that is empty, the
    SHA-256 is dropped (the store computes it), and a value that differs from
    the field's, or a "created_at" that is no time, is kept as "original_<key>",
    so nothing is lost."""
    meta = dict(record.meta or {})
    fields = {"title": record.title, "source": record.source, "created_at": record.created_at}
    for key in [k for k in RESERVED_META if k in meta]:
        value = meta.pop(key)
        if key == "sha256":
            continue
        if fields[key] is None and isinstance(value, str) and (
            key != "created_at" or normal_stamp(value) is not None  # else kept as it was
        ):
            fields[key] = value
        elif value != fields[key]:
            meta[f"original_{key}"] = value
    return meta, fields["title"], fields["source"], fields["created_at"]


# A span row's label and offsets; then its note and attributes, compared when given.
_PLACE = operator.itemgetter(3, 4, 5)


def changed_note(
    conn: sqlite3.Connection, doc_id: int, rows: list[tuple[Any, ...]], name: str,
    given: Mapping[Any, Collection[str]],
) -> str | None:  # fmt: skip
    """A note on the record's spans whose ids are here with another label, place,
    note or attributes, or None when there are none.  ``given`` holds the keys
    each span of the file has: a format that carries no notes or attributes
    (Label Studio, Prodigy) does not differ by them.  The import keeps the
    version here: the record's time stamps may come from any tool, so a merge of
    the analyst's database, which knows its history, decides what is newer."""
    mine = {row[0]: row for row in rows}
    differ = 0
    for span_id, label, start, end, note, attributes in conn.execute(
        'SELECT id, label, start, "end", note, attributes FROM spans'
        " WHERE document_id = ? AND orphan_revision IS NULL",
        [doc_id],
    ):
        theirs = mine.get(span_id)
        if theirs is None:
            continue
        keys = given.get(span_id, ())
        if (
            _PLACE(theirs) != (label, start, end)
            or ("note" in keys and theirs[7] != note)
            or ("attributes" in keys and json.loads(theirs[8]) != json.loads(attributes))
        ):
            differ += 1
    if not differ:
        return None
    return f"{name}: " + with_count(
        "{n} span{|s} differ{s|} from {its|their} version here: kept as here (to bring an"
        " analyst's later changes, merge their database file: annotator merge)", differ
    )


def new_relation_rows(
    conn: sqlite3.Connection, doc_id: int, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The relation rows not already in the document (same type, ends and analyst)."""
    here = {
        tuple(r)
        for r in conn.execute(
            "SELECT type, from_span, to_span, annotator FROM relations WHERE document_id = ?",
            [doc_id],
        )
    }
    fresh = []
    for row in rows:
        key = (row["type"], row["from_span"], row["to_span"], row["annotator"])
        if key not in here:
            here.add(key)
            fresh.append(row)
    return fresh
